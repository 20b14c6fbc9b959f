"""Durable, plain-TinyDB JSON files.

Each file of a store is an ordinary TinyDB database (``{"table": {"1": {...}}}``) that the
``tinydb`` package opens as it is. What this module adds is how the file is written and read:

* **atomically**: the new content goes to a temporary file in the same directory, is fsynced,
  renamed over the old file, and the directory is fsynced, so a crash leaves either the old or
  the new file, never half of one;
* **kept in memory**: the parsed content is cached, so reads cost nothing; a change made by
  another process is noticed from the file's identity (inode, size, mtime) and re-read;
* **checked**: a file that is not valid JSON, is not shaped like a TinyDB database, or was
  written by a newer version of Dossier raises :class:`StoreFileError` naming the file and what
  to do. Such a file is never overwritten.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

#: Version of the on-disk layout, stored in each file's ``_meta`` table.
SCHEMA_VERSION = 3
META_TABLE = "_meta"

Tables = dict[str, dict[str, dict[str, Any]]]

#: What to do about a damaged store file, said by every error about one.
RESTORE_HINT = "The file was left untouched; `dossier store restore` puts the newest good backup in place."


class StoreFileError(RuntimeError):
    """A store file cannot be used as it is; the message names the file and the remedy."""

    def __init__(self, path: Path, problem: str, remedy: str) -> None:
        super().__init__(f"{path}: {problem}. {remedy}")
        self.path = path
        self.problem = problem
        self.remedy = remedy


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def fsync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` durable (no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, payload: bytes, mode: int = 0o600) -> None:
    """Write ``payload`` to ``path`` so that readers see the old or the new file, never a mix."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    os.fchmod(fd, mode)  # exactly ``mode``, whatever the umask (a shared store needs group write)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)


class AtomicJSONStorage(Storage):
    """A TinyDB storage: cached in memory, written atomically, checked on read."""

    def __init__(self, path: str | os.PathLike[str], file_mode: int = 0o600) -> None:
        self.path = Path(path)
        self.file_mode = file_mode
        self._data: Tables | None = None
        self._signature: tuple[int, int, int] | None = None

    def changed_on_disk(self) -> bool:
        """True when the file is not the one last read or written by this process."""
        return _signature(self.path) != self._signature

    def read(self) -> Tables | None:
        """The whole database; re-read from disk only when the file changed."""
        if self._data is None or self.changed_on_disk():
            self._data = self._load()
        return self._data

    def write(self, data: Tables) -> None:
        """Replace the file with ``data``, durably and atomically."""
        self.write_encoded(data, self.encode(data))

    @staticmethod
    def encode(data: Tables) -> bytes:
        """The bytes of ``data`` as a TinyDB file."""
        data.setdefault(META_TABLE, {"1": {"schema_version": SCHEMA_VERSION}})
        return orjson.dumps(data)

    def write_encoded(self, data: Tables, payload: bytes) -> None:
        """Replace the file with ``payload`` (the encoding of ``data``), durably and atomically."""
        atomic_write(self.path, payload, self.file_mode)
        self._data = data
        self._signature = _signature(self.path)

    def close(self) -> None:
        """Nothing is held open between writes."""

    def _load(self) -> Tables | None:
        signature = _signature(self.path)
        if signature is None:
            self._signature = None
            return None
        raw = self.path.read_bytes()
        self._signature = signature
        if not raw.strip():
            raise StoreFileError(self.path, "the file is empty", RESTORE_HINT)
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise StoreFileError(
                self.path,
                f"not valid JSON ({exc.args[0] if exc.args else exc})",
                RESTORE_HINT,
            ) from exc
        if not isinstance(data, dict) or not all(
            isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values()) for table in data.values()
        ):
            raise StoreFileError(
                self.path,
                "not shaped like a TinyDB database (tables of documents)",
                RESTORE_HINT,
            )
        meta = data.get(META_TABLE, {}).get("1", {})
        version = meta.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or version > SCHEMA_VERSION:
            raise StoreFileError(
                self.path,
                f"written by a newer version of Dossier (schema {version}, this one reads {SCHEMA_VERSION})",
                "Upgrade Dossier to open this store.",
            )
        return data

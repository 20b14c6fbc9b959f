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

import errno
import os
import re
import secrets
from collections.abc import Callable
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


#: The store's lock file (``store.store.LOCK_FILE``); named here so the file layer can guard it.
LOCK_NAME = ".lock"
#: Names of our temporary files: ``.TARGET.<16 hex digits>.tmp`` (older versions used the pid).
_TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.(?:[0-9a-f]{16}|[0-9]+)\.tmp$")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: What to say about a symbolic link found where a store file must be.
LINK_REMEDY = (
    "Dossier never reads or writes through a symbolic link inside a store (another user could aim it "
    "at your files); remove the link and put the real file there"
)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        st = path.lstat()
    except FileNotFoundError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def file_mode_for(directory: Path) -> int:
    """0o660 in a store shared with its group (the directory is open to the group), else 0o600."""
    return 0o660 if directory.stat().st_mode & 0o070 else 0o600


def is_temp_name(name: str) -> bool:
    """True for the name of a temporary file made by :func:`atomic_write` (now or by older versions)."""
    return _TEMP_NAME.match(name) is not None


def temp_target(name: str) -> str | None:
    """The name of the file a temporary file was going to replace, or ``None`` if not ours."""
    match = _TEMP_NAME.match(name)
    return match["target"] if match else None


def refuse_links(*paths: Path) -> None:
    """Raise :class:`StoreFileError` naming the first of ``paths`` that is a symbolic link.

    A member of a shared store's group can create names in it; a link planted there would make
    another member's process write, delete or read a file of the attacker's choosing.
    """
    for path in paths:
        if path.is_symlink():
            raise StoreFileError(path, "is a symbolic link", LINK_REMEDY)


def open_nofollow(path: Path, flags: int, mode: int = 0o600) -> int:
    """``os.open`` that refuses a symbolic link at ``path`` with a :class:`StoreFileError`."""
    try:
        return os.open(path, flags | _NOFOLLOW | _CLOEXEC, mode)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise StoreFileError(path, "is a symbolic link", LINK_REMEDY) from exc
        raise


def read_nofollow(path: Path) -> bytes:
    """The bytes of ``path``, refusing a symbolic link (``FileNotFoundError`` if missing)."""
    fd = open_nofollow(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


def truncate_file(path: Path, length: int) -> None:
    """Cut ``path`` to ``length`` bytes, durably, never through a symbolic link.

    Truncating needs no free space: it is how a line is taken back on a full disk.
    """
    fd = open_nofollow(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, length)
        os.fsync(fd)
    finally:
        os.close(fd)


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


def create_temp(path: Path, mode: int) -> tuple[int, Path]:
    """Create a new, empty temporary file beside ``path``; returns its descriptor and path.

    The name is unpredictable and the file is created with ``O_EXCL | O_NOFOLLOW``: a name
    planted in advance (a symlink to someone's ``~/.bashrc``) is never opened, only avoided.
    """
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
        except FileExistsError:
            continue
        try:
            os.fchmod(fd, mode)  # exactly ``mode``, whatever the umask (a shared store needs group write)
        except BaseException:
            os.close(fd)
            tmp.unlink(missing_ok=True)
            raise
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", str(path.parent))


def atomic_write(path: Path, payload: bytes, mode: int = 0o600) -> None:
    """Write ``payload`` to ``path`` so that readers see the old or the new file, never a mix.

    The new content goes to a fresh temporary file in the same directory (see
    :func:`create_temp`), is fsynced, renamed over ``path`` and the directory fsynced. If any
    step fails, the temporary file is removed and ``path`` is as it was. A symbolic link at
    ``path`` is replaced, never written through.
    """
    fd, tmp = create_temp(path, mode)
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


def remove_stale_temps(directory: Path, belongs: Callable[[str], bool]) -> list[Path]:
    """Delete our temporary files in ``directory`` whose target name satisfies ``belongs``.

    Only call this with the store lock held: then no writer of this store is between creating
    a temporary file and renaming it, so any found was left by a killed process. Only names of
    our own pattern are touched; a symbolic link with such a name is removed itself (never what
    it points to); directories and other odd entries are left alone.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return removed
    for entry in entries:
        target = temp_target(entry.name)
        if target is None or not belongs(target):
            continue
        if entry.is_symlink() or entry.is_file(follow_symlinks=False):
            Path(entry.path).unlink(missing_ok=True)
            removed.append(Path(entry.path))
    return removed


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
        raw = read_nofollow(self.path)
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
        bad_id = next((doc_id for table in data.values() for doc_id in table if not _is_doc_id(doc_id)), None)
        if bad_id is not None:
            raise StoreFileError(self.path, f"holds a document id that is not a number ({bad_id[:40]!r})", RESTORE_HINT)
        meta = data.get(META_TABLE, {}).get("1", {})
        version = meta.get("schema_version", SCHEMA_VERSION)
        if not isinstance(version, int) or isinstance(version, bool):
            raise StoreFileError(self.path, f"its schema version is not a number ({version!r:.40})", RESTORE_HINT)
        for key in ("journal_id", "folded_journal_id"):
            if not isinstance(meta.get(key, ""), str | None):
                raise StoreFileError(self.path, f"its {key} is not a string", RESTORE_HINT)
        if version > SCHEMA_VERSION:
            raise StoreFileError(
                self.path,
                f"written by a newer version of Dossier (schema {version}, this one reads {SCHEMA_VERSION})",
                "Upgrade Dossier to open this store.",
            )
        return data


def _is_doc_id(doc_id: str) -> bool:
    """TinyDB document ids are positive integers, written as decimal strings."""
    return doc_id.isascii() and doc_id.isdigit()

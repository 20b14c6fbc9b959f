"""Exporting a selection of a store to a file (or, for brat, a folder) in any format it writes.

Every file is written atomically (readers see the old file or the new, never half of one) and
as privately as the store it comes from: 0600, or 0660 in a store shared with its group
(:func:`store.storage.file_mode_for`), through fresh temporary names that a planted symbolic
link cannot redirect (:func:`store.storage.atomic_write`).

A brat export is a folder. It is built whole in a fresh temporary folder beside the target,
then renamed into place, so an interrupted export leaves no half folder. The target may be
absent, an empty folder, or a folder this function wrote before (its ``annotation.conf``
starts with :data:`store.exchange.brat.CONF_MARKER` and it holds only regular ``.txt``,
``.ann`` and ``.conf`` files): that is replaced. Anything else — a folder holding other
files, a symbolic link, a file — is refused with :class:`ExportRefused`, and nothing is
touched: an export never deletes what it did not write.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from store.exchange import brat, csv_table, jsonl, w3c
from store.exchange.selection import Selection, selected
from store.storage import atomic_write, file_mode_for, fsync_directory
from store.store import Store


class ExportRefused(ValueError):
    """The output path is one an export must not write over (the message says why)."""


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote: the CLI prints it."""

    format: str
    path: Path
    articles: int
    entities: int
    annotations: int
    #: (annotation id, why) for annotations the format cannot hold (brat: orphaned ones).
    left_out: tuple[tuple[str, str], ...] = ()

    def line(self) -> str:
        """One line for the terminal."""
        text = f"{self.annotations} annotations of {self.articles} articles ({self.entities} entities) to {self.path}"
        if self.left_out:
            text += f"; {len(self.left_out)} left out (the format cannot hold them)"
        return text


def _json(document: dict[str, Any]) -> bytes:
    return orjson.dumps(document, option=orjson.OPT_INDENT_2)


#: Format name → how the export document becomes the file's bytes; brat, a folder, is written
#: by :func:`_write_brat`.
FILE_WRITERS: dict[str, Callable[[dict[str, Any]], bytes]] = {
    "json": _json,
    "jsonl": jsonl.to_bytes,
    "csv": csv_table.to_bytes,
    "w3c": w3c.w3c_bytes,
}
FORMATS: tuple[str, ...] = (*FILE_WRITERS, "brat")


def export_to(store: Store, fmt: str, out: Path | str, selection: Selection | None = None) -> ExportSummary:
    """Write what ``selection`` keeps of ``store`` to ``out`` in the format ``fmt``.

    Raises:
        ValueError: ``fmt`` is not one of :data:`FORMATS`.
        store.exchange.selection.NothingNamed: a filter names nothing in the store.
        ExportRefused: ``out`` may not be written over (brat: see the module's docstring).
        OSError: the file or folder cannot be written (nothing half-written is left).
    """
    if fmt not in FORMATS:
        raise ValueError(f"no export format {fmt!r} (one of: {', '.join(FORMATS)})")
    out = Path(out)
    if not out.parent.is_dir():
        raise ExportRefused(f"no folder {out.parent} to write {out.name} in")
    document = selected(store, selection)
    mode = file_mode_for(store.path) if store.path is not None else 0o600
    left_out: tuple[tuple[str, str], ...] = ()
    written = len(document["annotations"])
    try:
        if fmt == "brat":
            files = brat.to_files(document)
            _write_brat(out, files.files, mode)
            left_out, written = tuple(files.left_out), files.written
        else:
            if out.is_dir():
                raise ExportRefused(f"{out} is a folder; give a file name")
            atomic_write(out, FILE_WRITERS[fmt](document), mode)
    except OSError as exc:
        if exc.filename is not None:
            raise
        # A full disk names no file: the error must name the export's, not leave the reader
        # to guess (the command line would otherwise blame the store).
        raise OSError(exc.errno, exc.strerror or str(exc), str(out)) from exc
    return ExportSummary(fmt, out, len(document["articles"]), len(document["entities"]), written, left_out)


def _write_brat(out: Path, files: dict[str, bytes], mode: int) -> None:
    """The folder ``out`` holding exactly ``files``, swapped in whole (see the module's docstring)."""
    _check_brat_target(out)
    folder_mode = 0o770 if mode & 0o060 else 0o700
    parent = out.parent if str(out.parent) else Path(".")
    fresh = parent / f".{out.name}.{secrets.token_hex(8)}.tmp"
    os.mkdir(fresh, folder_mode)
    try:
        os.chmod(fresh, folder_mode)
        for name, payload in files.items():
            _write_new(fresh / name, payload, mode)
        fsync_directory(fresh)
        if os.path.lexists(out):
            _check_brat_target(out)  # again: it may have changed while the files were written
            old = parent / f".{out.name}.{secrets.token_hex(8)}.old"
            os.rename(out, old)
            os.rename(fresh, out)
            shutil.rmtree(old)
        else:
            os.rename(fresh, out)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    fsync_directory(parent)


def _write_new(path: Path, payload: bytes, mode: int) -> None:
    """A new file in the export's own fresh folder: made exclusively, never through a link, fsynced.

    No temporary file and rename per file (as :func:`atomic_write` does): nobody else can see
    into the fresh folder until it is renamed into place whole, so each file only has to be on
    disk by then. One fsync per file instead of two, and one of the folder at the end: a
    thousand-article export is twice as fast.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, mode)
    try:
        os.fchmod(fd, mode)  # whatever the umask
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _check_brat_target(out: Path) -> None:
    """Raise :class:`ExportRefused` unless ``out`` is absent, empty, or a brat export of ours."""
    if out.is_symlink():
        raise ExportRefused(f"{out} is a symbolic link; an export does not write through one")
    if not out.exists():
        return
    if not out.is_dir():
        raise ExportRefused(f"{out} is a file; a brat export is a folder")
    entries = list(os.scandir(out))
    if not entries:
        return
    conf = out / brat.CONF_NAME
    ours = conf.is_file() and not conf.is_symlink() and _starts_with_marker(conf)
    foreign = [
        e.name
        for e in entries
        if e.is_symlink() or not e.is_file(follow_symlinks=False) or not e.name.endswith((".txt", ".ann", ".conf"))
    ]
    if not ours or foreign:
        what = f"holds {foreign[0]!r}" if foreign else "is not a brat export written by Dossier"
        raise ExportRefused(f"{out} {what}; choose an empty or new folder")
    changed = _changed_since_written(out, [e.name for e in entries])
    if changed:
        raise ExportRefused(
            f"{out} holds {changed!r}, which Dossier did not write or which was changed since"
            " (import the folder first to keep that work); choose an empty or new folder"
        )


def _changed_since_written(out: Path, names: list[str]) -> str:
    """The first file of a folder of ours that its conf does not list as it is now, or ``""``.

    A conf written before the conf listed its files lists none: then only the names are checked.
    """
    listed = brat.listed_files((out / brat.CONF_NAME).read_text(encoding="utf-8", errors="replace"))
    if listed is None:
        return ""
    for name in sorted(names):
        if name == brat.CONF_NAME:
            continue
        if name not in listed or hashlib.sha256((out / name).read_bytes()).hexdigest() != listed[name]:
            return name
    return ""


def _starts_with_marker(conf: Path) -> bool:
    with conf.open("rb") as handle:
        return handle.readline().decode("utf-8", "replace").rstrip("\n") == brat.CONF_MARKER

"""Store maintenance that works even when a store cannot be opened: check, backups, restore.

Restoring never deletes: the files it replaces are moved to ``backups/replaced-…`` so that a
wrong restore can itself be undone by hand.
"""

from __future__ import annotations

import grp
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

from store.storage import StoreFileError
from store.store_file import StoreFile
from store.tinydb_backend import ANNOTATIONS_FILE, ARTICLES_FILE, LOCK_FILE, LOCK_TIMEOUT_S

FILE_NAMES = (ARTICLES_FILE, ANNOTATIONS_FILE)


@dataclass(frozen=True, slots=True)
class FileHealth:
    """Whether one store file loads, and the problem if it does not."""

    name: str
    path: Path
    problem: str | None
    backups: tuple[Path, ...]


def _files(directory: Path) -> list[StoreFile]:
    return [StoreFile(directory, name) for name in FILE_NAMES]


def check(directory: Path) -> list[FileHealth]:
    """Load every file of the store (snapshot and journal) and report what is wrong."""
    result = []
    for store_file in _files(directory):
        try:
            store_file.load()
            problem = None
        except StoreFileError as exc:
            problem = str(exc)
        result.append(FileHealth(store_file.name, store_file.path, problem, tuple(store_file.backups())))
    return result


def restore(directory: Path, *, force: bool = False) -> list[str]:
    """Put the newest readable backup in place of each broken file (each file, with ``force``).

    Returns one line per file saying what was done.
    """
    lines: list[str] = []
    with FileLock(str(directory / LOCK_FILE), timeout=LOCK_TIMEOUT_S):
        for health, store_file in zip(check(directory), _files(directory), strict=True):
            if health.problem is None and not force:
                lines.append(f"{health.name}: fine, left as it is")
                continue
            for backup in health.backups:
                try:
                    aside = store_file.restore(backup)
                except StoreFileError:
                    continue
                lines.append(f"{health.name}: restored {backup.name}; the replaced files are in {aside}")
                break
            else:
                lines.append(
                    f"{health.name}: no readable backup to restore" + (f" ({health.problem})" if health.problem else "")
                )
    return lines


def share(directory: Path, group: str | None = None) -> list[str]:
    """Open a store to its Unix group, so every analyst of the group can read and tag it.

    The directory becomes setgid and group-writable, so files made later belong to the group,
    and the files become group read/write. Each annotation still records who made it.
    """
    gid = grp.getgrnam(group).gr_gid if group else directory.stat().st_gid
    lines = []
    for path in [directory, *sorted(directory.rglob("*"))]:
        if group:
            shutil.chown(path, group=gid)
        mode = 0o2770 if path.is_dir() else 0o660
        os.chmod(path, mode)
        lines.append(f"{oct(mode)[2:]} {path}")
    return lines

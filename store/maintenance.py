"""Store maintenance that works even when a store cannot be opened: check, backups, restore.

Restoring never deletes: the files it replaces are moved to ``backups/replaced-…`` so that a
wrong restore can itself be undone by hand.
"""

from __future__ import annotations

import errno
import grp
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock

from store.sanitize import neutralize
from store.storage import META_TABLE, StoreFileError, file_mode_for
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
    #: Documents per table (``_meta`` left out), as the file loads; empty when it does not.
    counts: dict[str, int] = field(default_factory=dict)


def _files(directory: Path) -> list[StoreFile]:
    mode = file_mode_for(directory)
    return [StoreFile(directory, name, mode) for name in FILE_NAMES]


def check(directory: Path) -> list[FileHealth]:
    """Load every file of the store (snapshot and journal) and report what is wrong.

    Read-only: no lock is taken and nothing is compacted, migrated or cleaned, so it works on
    a store the user may only read, or on a full disk, and never changes what it reports on.
    """
    result = []
    for store_file in _files(directory):
        counts: dict[str, int] = {}
        try:
            data = store_file.load()
            problem = None
            counts = {table: len(docs) for table, docs in data.items() if table != META_TABLE}
        except StoreFileError as exc:
            problem = str(exc)
        except OSError as exc:
            problem = f"{store_file.path}: cannot be read ({exc.strerror or exc})"
        result.append(FileHealth(store_file.name, store_file.path, problem, tuple(store_file.backups()), counts))
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
                except OSError as exc:
                    lines.append(
                        f"{health.name}: could not restore {neutralize(backup.name)} "
                        f"({exc.strerror or exc}); the files were left as they were"
                    )
                    break
                where = neutralize(str(aside))
                lines.append(f"{health.name}: restored {neutralize(backup.name)}; the replaced files are in {where}")
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

    Symbolic links are skipped and reported, never followed: a link planted in the store by a
    group member could otherwise make the owner's SSH key group-readable. Each entry is opened
    with ``O_NOFOLLOW`` and changed through its descriptor, so a link swapped in after the
    directory was listed is refused too.
    """
    gid = grp.getgrnam(group).gr_gid if group else directory.stat().st_gid
    lines = []
    paths = [directory]
    for root, dirs, files in os.walk(directory, followlinks=False):
        paths.extend(Path(root, name) for name in sorted(dirs + files))
    for path in paths:
        lines.append(_share_one(path, gid if group else None))
    return lines


def _share_one(path: Path, gid: int | None) -> str:
    """Give one entry the shared mode (and group); returns the line saying what was done."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"skipped {neutralize(str(path))}: a symbolic link (left as it is, not followed)"
        return f"skipped {neutralize(str(path))}: {exc.strerror}"
    try:
        kind = os.fstat(fd).st_mode
        if not (stat.S_ISDIR(kind) or stat.S_ISREG(kind)):
            return f"skipped {neutralize(str(path))}: not a regular file or folder"
        if gid is not None:
            os.fchown(fd, -1, gid)
        mode = 0o2770 if stat.S_ISDIR(kind) else 0o660
        os.fchmod(fd, mode)
    finally:
        os.close(fd)
    return f"{oct(mode)[2:]} {neutralize(str(path))}"

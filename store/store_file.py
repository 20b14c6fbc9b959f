"""One file of a store: its TinyDB snapshot, its journal, its backups and its migrations.

The :class:`Store` keeps records and indexes; this class keeps the bytes on disk right. All
writing methods must be called with the store lock held.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from store.journal import Journal, JournalState, RawChange, new_journal_id
from store.migrations import migrate
from store.storage import (
    LOCK_NAME,
    META_TABLE,
    RESTORE_HINT,
    SCHEMA_VERSION,
    AtomicJSONStorage,
    StoreFileError,
    Tables,
    atomic_write,
    create_temp,
    fsync_directory,
    read_nofollow,
    refuse_links,
    remove_stale_temps,
)

#: Snapshots kept in ``backups/`` per file (the newest is the state at the last compaction).
BACKUPS_KEPT = 3
#: Compact when the journal holds this many changes or bytes.
COMPACT_AFTER_ENTRIES = 5000
COMPACT_AFTER_BYTES = 16 * 1024 * 1024


def meta(data: Tables) -> dict[str, Any]:
    """The ``_meta`` document of a file (created when missing)."""
    return data.setdefault(META_TABLE, {}).setdefault("1", {})


def apply_changes(data: Tables, changes: list[RawChange]) -> None:
    """Apply journal changes to a raw TinyDB structure."""
    for table, doc_id, doc in changes:
        raw = data.setdefault(table, {})
        if doc is None:
            raw.pop(doc_id, None)
        else:
            raw[doc_id] = doc


class StoreFile:
    """A snapshot (``NAME.json``) with its journal (``NAME.journal``) and backups."""

    def __init__(self, directory: Path, name: str, file_mode: int = 0o600) -> None:
        self.directory = directory
        self.name = name
        self.snapshot = AtomicJSONStorage(directory / f"{name}.json", file_mode)
        self.journal = Journal(directory / f"{name}.journal", file_mode)
        self.file_mode = file_mode
        self.data: Tables = {}
        self._journal_current = False
        self.migrated_from: int | None = None
        #: True when the last load left out lines of an unfinished changeset: once its writer
        #: has finished (or been taken back), the file must be read again, as those lines lie
        #: behind the journal offset and would otherwise never be taken in.
        self.skipped_unfinished = False

    @property
    def path(self) -> Path:
        """The snapshot file, the one the ``tinydb`` package opens."""
        return self.snapshot.path

    def backup_directory(self) -> Path:
        """Where rolling backups of the snapshots live."""
        return self.directory / "backups"

    def refuse_links(self) -> None:
        """Raise :class:`StoreFileError` if a file this one reads, writes or deletes is a symlink.

        Checked on every load and every compaction: in a shared store another member of the
        group can plant links, and a link followed here writes or deletes the victim's files.
        The files themselves are also opened with ``O_NOFOLLOW``; this check gives the clear
        message, and covers the backups folder, which is written by name.
        """
        folder = self.backup_directory()
        refuse_links(self.path, self.journal.path, self.directory / LOCK_NAME, folder)
        if folder.is_dir():
            refuse_links(*self._own_backup_names(folder))

    def _own_backup_names(self, folder: Path) -> list[Path]:
        return [p for p in folder.iterdir() if p.name.startswith(f"{self.name}.") and p.name.endswith(".json")]

    def remove_stale_temps(self) -> list[Path]:
        """Delete temporary files left in the store by killed processes (lock held).

        Any file's leftovers, not only this one's: a file with nothing to compact is never
        rewritten, so the temporary files of its killed compactions would otherwise stay.
        """

        def ours(target: str) -> bool:
            return target.endswith((".json", ".journal"))

        return remove_stale_temps(self.directory, ours) + remove_stale_temps(self.backup_directory(), ours)

    # ------------------------------------------------------------------ reading

    def load(self, unfinished: Callable[[], str | None] | None = None) -> Tables:
        """The file's whole content: the snapshot with the journal replayed over it.

        Lines of the changeset ``unfinished()`` names (one spanning several files whose writer
        has not finished writing them all) are left out: a save is all or nothing. It is asked
        *after* the journal is read: a writer names its changeset before its first line and
        stops naming it after its last, so a line read before that question is either named
        by it or part of a finished changeset.
        """
        self.refuse_links()
        data = self.snapshot.read()
        if data is None:
            if self.backups():
                raise StoreFileError(self.path, "missing, though backups of it exist", RESTORE_HINT)
            data = {}
        version = meta(data).get("schema_version", 1) if self.path.exists() else SCHEMA_VERSION
        if version < SCHEMA_VERSION:
            data = migrate(data, version, self.path)
            self.migrated_from = version
        meta(data)["schema_version"] = SCHEMA_VERSION
        state = self.journal.read_all()
        pending = unfinished() if unfinished is not None and any(m.get("cs") for m in state.metas) else None
        snapshot_id = meta(data).get("journal_id")
        self._journal_current = state.journal_id is not None and state.journal_id == snapshot_id
        self.skipped_unfinished = False
        if self._journal_current or self._replay_stale_journal(data, state):
            for entry, entry_meta in zip(state.entries, state.metas, strict=True):
                if pending is None or entry_meta.get("cs") != pending:
                    apply_changes(data, entry)
                else:
                    self.skipped_unfinished = True
        self.data = data
        return data

    def _replay_stale_journal(self, data: Tables, state: JournalState) -> bool:
        """Whether a journal that is not the snapshot's still has to be replayed over it.

        Such a journal is never dropped unless every change in it is provably in the snapshot:

        * no header line: its changes cannot be placed, so the file is reported damaged;
        * the journal the snapshot folded in (``_meta.folded_journal_id``): a compaction wrote
          the snapshot but could not start a new journal (killed, or the disk was full), and
          saves may have been appended to it since. Each change is a whole document, so
          replaying all of it over the snapshot is exact; the next save compacts first;
        * any other id: ignored only when replaying it would change nothing (a snapshot of an
          older version, which did not record the folded journal); otherwise damaged.
        """
        if not state.entries:
            return False
        if state.journal_id is None:
            raise StoreFileError(
                self.journal.path,
                f"holds {len(state.entries)} changes but has lost its header line (the one naming its snapshot)",
                RESTORE_HINT,
            )
        if state.journal_id == meta(data).get("folded_journal_id"):
            return True
        if _changes_nothing(data, state.entries):
            return False
        raise StoreFileError(
            self.journal.path,
            f"holds {len(state.entries)} changes made on another snapshot than {self.path.name} "
            f"(journal {state.journal_id}, snapshot {meta(data).get('journal_id')})",
            RESTORE_HINT,
        )

    # ------------------------------------------------------------------ writing (lock held)

    @property
    def journal_current(self) -> bool:
        """True when the journal on disk is the one the snapshot names (appends are replayed)."""
        return self._journal_current

    def journal_is_long(self) -> bool:
        """True when the journal holds enough to be worth folding into the snapshot."""
        return self.journal.entry_count >= COMPACT_AFTER_ENTRIES or self.journal.offset >= COMPACT_AFTER_BYTES

    def needs_compaction(self) -> bool:
        """True when the journal holds changes not yet in the snapshot (or a migration is pending)."""
        return self.journal.entry_count > 0 or self.migrated_from is not None or not self._journal_current

    def compact(self) -> None:
        """Fold the journal into a new snapshot, and keep the same bytes as the newest backup.

        The backup is a file of its own (not a hard link), so nothing done to the live snapshot
        can reach it. A migrated file's original is kept too, before it is replaced.

        Each step can fail (a full disk): the backup, the snapshot and the new journal are each
        written atomically, the snapshot records the journal it folded in, and on any failure
        the journal is marked not current, so the next save compacts again before appending.
        """
        self.refuse_links()
        self.remove_stale_temps()
        try:
            self._compact()
        except BaseException:
            self._journal_current = False
            raise

    def _compact(self) -> None:
        journal_id = new_journal_id()
        new_meta = {
            **meta(self.data),
            "schema_version": SCHEMA_VERSION,
            "journal_id": journal_id,
            "folded_journal_id": self.journal.journal_id,
        }
        folder = self.backup_directory()
        self._private_folder(folder)
        if self.migrated_from is not None and self.path.exists():
            before = folder / f"{self.name}.before-v{SCHEMA_VERSION}.{self._stamp()}.json"
            atomic_write(before, read_nofollow(self.path), self.file_mode)
        payload = self.snapshot.encode({**self.data, META_TABLE: {"1": new_meta}})
        # The snapshot before its backup: a backup with no snapshot beside it means a lost file.
        self.snapshot.write_encoded(self.data, payload)
        self.data[META_TABLE] = {"1": new_meta}  # memory says what the snapshot on disk says
        atomic_write(folder / f"{self.name}.{self._stamp()}.json", payload, self.file_mode)
        self.migrated_from = None
        self.journal.start(journal_id)
        self._journal_current = True
        for old in self.backups()[BACKUPS_KEPT:]:
            if ".before-v" not in old.name:
                old.unlink(missing_ok=True)

    @staticmethod
    def _stamp() -> str:
        return f"{time.strftime('%Y%m%dT%H%M%S')}.{time.time_ns() % 10**9:09d}.{os.getpid()}"

    def _private_folder(self, folder: Path) -> None:
        """Create ``folder`` as private, or as shared, as the store itself."""
        if not folder.is_dir():
            folder.mkdir()
            os.chmod(folder, self.directory.stat().st_mode & 0o7777)

    def backups(self) -> list[Path]:
        """Backups of this file's snapshot, newest first."""
        folder = self.backup_directory()
        if not folder.is_dir():
            return []
        return sorted(folder.glob(f"{self.name}.*.json"), key=lambda p: p.lstat().st_mtime_ns, reverse=True)

    def restore(self, backup: Path) -> Path:
        """Put a backup in place of the snapshot; the current files are kept aside, not deleted.

        Atomic: the backup is first copied to a temporary file beside the snapshot (fsynced),
        the current snapshot and journal are hard-linked into a new folder of their own, and
        only then is the copy renamed over the snapshot and the journal unlinked. If any step
        fails (a full disk, no inode left) the live files are exactly as before. The restored
        file gets the store's mode (group read/write in a shared store).

        Returns the folder the replaced snapshot and journal were set aside in. Raises
        :class:`StoreFileError` if the backup itself cannot be read, ``OSError`` if the disk
        refuses a step.
        """
        check_snapshot(backup)
        payload = read_nofollow(backup)
        folder = self.backup_directory()
        # A link at the snapshot or journal is set aside and replaced, never followed; a link
        # as the backups folder would put the victim's files where the attacker chose.
        refuse_links(folder, self.directory / LOCK_NAME)
        self._private_folder(folder)
        fd, tmp = create_temp(self.path, self.file_mode)
        aside: Path | None = None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            aside = Path(tempfile.mkdtemp(prefix=f"replaced-{time.strftime('%Y%m%dT%H%M%S')}-{self.name}-", dir=folder))
            os.chmod(aside, self.directory.stat().st_mode & 0o7777)
            for current in (self.path, self.journal.path):
                if os.path.lexists(current):
                    os.link(current, aside / current.name, follow_symlinks=False)
            fsync_directory(aside)
            os.replace(tmp, self.path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            if aside is not None:
                shutil.rmtree(aside, ignore_errors=True)
            raise
        # The restored snapshot is in place; the journal belongs to the replaced one (its copy
        # is aside), and unlinking needs no space. Were this step lost, the journal would be
        # replayed only if it is the restored snapshot's own.
        self.journal.path.unlink(missing_ok=True)
        fsync_directory(self.directory)
        return aside


def _changes_nothing(data: Tables, entries: list[list[RawChange]]) -> bool:
    """True when replaying ``entries`` over ``data`` would leave it as it is (already folded in)."""
    final: dict[tuple[str, str], dict[str, Any] | None] = {}
    for entry in entries:
        for table, doc_id, doc in entry:
            final[(table, doc_id)] = doc
    return all(data.get(table, {}).get(doc_id) == doc for (table, doc_id), doc in final.items())


def check_snapshot(path: Path) -> None:
    """Raise :class:`StoreFileError` if ``path`` is not a readable snapshot of this version."""
    probe = AtomicJSONStorage(path)
    if probe.read() is None:
        raise StoreFileError(path, "missing", "Choose another backup.")

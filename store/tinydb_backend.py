"""The default backend: plain TinyDB files, each with an append-only journal, in one folder.

* ``articles.json`` holds table ``articles`` (bulky, rarely written); ``annotations.json``
  holds ``annotations`` and ``entities`` (small, often written), so a tag never rewrites the
  corpus. Both are ordinary TinyDB databases (see :mod:`store.storage`).
* Each save is one fsynced line in the file's journal (:mod:`store.journal`), carrying who
  saved it and when; compaction folds the journal into the snapshot (:mod:`store.store_file`).
* ``.lock`` is the cross-process write lock (an OS lock: a killed holder releases it).

A changeset that touches both files is written to both journals; if the second write fails,
the first line is cut off again (truncation needs no free space), so a save is all or nothing
even on a full disk. TinyDB document ids (``"1"``, ``"2"``…) are this module's business alone:
above it, records are known by their own ``id``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from filelock import FileLock, Timeout

from store.backend import Backend, SaveError, StoreBusyError, Transaction
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Change, Changeset, Doc
from store.journal import RawChange
from store.storage import StoreFileError, atomic_write, file_mode_for, fsync_directory, read_nofollow, truncate_file
from store.store_file import StoreFile, apply_changes

ARTICLES_FILE = "articles"
ANNOTATIONS_FILE = "annotations"
LOCK_FILE = ".lock"
#: Names the changeset being written to more than one journal, while it is being written.
PENDING_FILE = ".pending"
FILE_OF_TABLE = {ARTICLES: ARTICLES_FILE, ANNOTATIONS: ANNOTATIONS_FILE, ENTITIES: ANNOTATIONS_FILE}
TABLES_OF_FILE = {ARTICLES_FILE: (ARTICLES,), ANNOTATIONS_FILE: (ANNOTATIONS, ENTITIES)}

#: A stale lock (its holder crashed) never blocks for longer than this.
LOCK_TIMEOUT_S = 10.0


class _DocIds:
    """TinyDB document ids of one table's records, and any duplicates a damaged file holds."""

    def __init__(self) -> None:
        self.of_key: dict[str, str] = {}
        self.next = 1
        self.duplicates: dict[str, list[str]] = {}
        self._keys: dict[str, str] | None = None

    @classmethod
    def index(cls, raw: dict[str, Doc], where: str) -> _DocIds:
        """Ids of a freshly read table; of two documents with one id, the later one counts."""
        ids = cls()
        for doc_id in sorted(raw, key=_number):
            key = raw[doc_id].get("id") if isinstance(raw[doc_id], dict) else None
            if not isinstance(key, str):
                raise StoreFileError(Path(where), f"document {doc_id} has no text 'id'", _RESTORE)
            previous = ids.of_key.get(key)
            if previous is not None:
                ids.duplicates.setdefault(key, []).append(previous)
            ids.of_key[key] = doc_id
        ids.next = max((_number(d) for d in raw), default=0) + 1
        return ids

    def key_of(self, doc_id: str) -> str | None:
        """Our id of a TinyDB doc id (the reverse map is built on first use)."""
        if self._keys is None:
            self._keys = {value: key for key, value in self.of_key.items()}
        return self._keys.get(doc_id)

    def raw(self, change: Change, planned: dict[str, str]) -> list[RawChange]:
        """The journal form of a change; a new record gets the next document id.

        ``planned`` holds the ids given out earlier in the same write, so a record created and
        then changed in one changeset keeps one document id.
        """
        doc_id = self.of_key.get(change.key) or planned.get(change.key)
        stale = [(change.table, dup, None) for dup in self.duplicates.get(change.key, [])]
        if change.after is None:
            return [*stale, (change.table, doc_id, None)] if doc_id is not None else stale
        if doc_id is None:
            doc_id = planned[change.key] = str(self.next)
            self.next += 1
        return [*stale, (change.table, doc_id, change.after)]

    def forget(self, key: str, doc_id: str) -> None:
        """``key`` no longer has a document (another record took its id ``doc_id``)."""
        if self.of_key.get(key) == doc_id:
            del self.of_key[key]
        if self._keys is not None and self._keys.get(doc_id) == key:
            del self._keys[doc_id]

    def settle(self, raw: list[RawChange], key_of_doc: dict[str, str]) -> None:
        """Record the ids of saved changes (called only after the journal write succeeded)."""
        for _table, doc_id, doc in raw:
            key = key_of_doc.get(doc_id) if doc is None else doc["id"]
            if key is None:
                continue
            self.duplicates.pop(key, None)
            if doc is None:
                if self.of_key.get(key) == doc_id:
                    del self.of_key[key]
                    if self._keys is not None:
                        self._keys.pop(doc_id, None)
            else:
                self.of_key[key] = doc_id
                self.next = max(self.next, _number(doc_id) + 1)
                if self._keys is not None:
                    self._keys[doc_id] = key


_RESTORE = "The file was left untouched; `dossier store restore` puts the newest good backup in place."


def _number(doc_id: str) -> int:
    try:
        return int(doc_id)
    except ValueError:
        return 0


class _TinyTransaction(Transaction):
    def __init__(self, backend: TinyDBBackend, external: list[Changeset]) -> None:
        self.backend = backend
        self.external = external

    def write(self, changeset: Changeset) -> None:
        self.backend._write(changeset)


class TinyDBBackend(Backend):
    """A store folder of TinyDB files with journals (see the module docstring)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.file_mode = file_mode_for(directory)
        self.files = {name: StoreFile(directory, name, self.file_mode) for name in TABLES_OF_FILE}
        self._lock = FileLock(str(directory / LOCK_FILE), timeout=LOCK_TIMEOUT_S, mode=self.file_mode)
        self._ids: dict[str, _DocIds] = {}
        self._loaded: set[str] = set()
        self._pending: list[Changeset] = []
        #: The last compaction that failed (the saves it would have folded in are safe in the journal).
        self.compaction_error: OSError | None = None

    @property
    def read_only(self) -> bool:
        """Whether this user cannot save here (asked of the OS each time: a chmod counts at once).

        A save opens ``.lock`` and appends to each journal; a file that is missing is made in
        the folder. So the store is read-only when one of those files exists but is not
        writable, or is missing and the folder is not writable. The snapshots are not asked:
        folding the journal in needs them, but a save does not, and it is reported if it fails.
        """
        folder_writable = os.access(self.directory, os.W_OK | os.X_OK)
        paths = [self.directory / LOCK_FILE, *(store_file.journal.path for store_file in self.files.values())]
        for path in paths:
            if os.path.lexists(path):
                if not os.access(path, os.W_OK):
                    return True
            elif not folder_writable:
                return True
        return False

    # ------------------------------------------------------------------ reading

    def load(self, tables: Iterable[str]) -> dict[str, dict[str, Doc]]:
        """Read the files holding ``tables`` (snapshot plus journal), upgrading old layouts."""
        wanted = list(tables)
        for name in sorted({FILE_OF_TABLE[t] for t in wanted} - self._loaded):
            self._load_file(name)
            self._loaded.add(name)
        if any(self.files[name].migrated_from is not None for name in self._loaded):
            self.compact()  # the pre-migration snapshot goes to backups/
        return {table: self._docs(table) for table in wanted}

    def _load_file(self, name: str) -> None:
        data = self.files[name].load(self._unfinished)
        for table in TABLES_OF_FILE[name]:
            self._ids[table] = _DocIds.index(data.setdefault(table, {}), str(self.files[name].path))

    def _docs(self, table: str) -> dict[str, Doc]:
        raw = self.files[FILE_OF_TABLE[table]].data[table]
        return {key: raw[doc_id] for key, doc_id in self._ids[table].of_key.items()}

    def location(self, table: str) -> str:
        """The TinyDB file of ``table``."""
        return str(self.files[FILE_OF_TABLE[table]].path)

    def poll(self) -> list[Changeset]:
        """New journal lines of other processes, or the difference after their compaction.

        Only while no one is writing: a writer's first journal line may still be taken back
        (its second file refused the save), and a line read meanwhile would show a save that
        never happened. When the lock is busy, what the writer saves is read at the next look.
        A reader who may not open the lock file (a read-only store) reads without it.
        """
        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            return []
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise
            if self._unfinished() is None:  # else a writer is (or was) half-way: look later
                self._catch_up()
        else:
            try:
                self._recover()
                self._catch_up()
            finally:
                self._lock.release()
        pending, self._pending = self._pending, []
        return pending

    def _catch_up(self) -> None:
        """Queue what other processes saved to the loaded files since the last look."""
        for name in sorted(self._loaded):
            store_file = self.files[name]
            journal = store_file.journal
            if (
                store_file.snapshot.changed_on_disk()
                or journal.replaced()
                or journal.shrunk()
                or store_file.skipped_unfinished  # read while a changeset was pending: now finished
            ):
                self._reload(name)
                continue
            if not store_file.journal_current:
                if journal.size() > 0:
                    self._reload(name)
                continue
            state = journal.read_new()
            # Asked after reading (see StoreFile.load): a reader without the lock may have read
            # lines of a changeset whose writer started after it last looked for .pending.
            pending = self._unfinished() if any(m.get("cs") for m in state.metas) else None
            for entry, meta in zip(state.entries, state.metas, strict=True):
                if pending is not None and meta.get("cs") == pending:
                    store_file.skipped_unfinished = True  # read again once it is finished
                    continue
                changes = self._absorb(name, entry)
                if changes:
                    self._pending.append(
                        Changeset(meta.get("label", "change"), tuple(changes), meta.get("by", ""), meta.get("at", ""))
                    )

    def _absorb(self, name: str, entry: list[RawChange]) -> list[Change]:
        """Apply another process's journal entry to our copy; the changes it made, by record id."""
        data = self.files[name].data
        changes: list[Change] = []
        for table, doc_id, doc in entry:
            if table not in self._ids:
                continue
            ids = self._ids[table]
            key = ids.key_of(doc_id) if doc is None else doc.get("id")
            if not isinstance(key, str):
                if doc is None:  # a stale duplicate the writer removed: our copy must drop it too
                    apply_changes(data, [(table, doc_id, None)])
                continue
            before_id = ids.of_key.get(key)
            before = data[table].get(before_id) if before_id is not None else None
            displaced = ids.key_of(doc_id) if doc is not None else None
            if displaced is not None and displaced != key:
                # The document id held another record, which TinyDB (and the next open) replaces.
                changes.append(Change(table, displaced, data[table].get(doc_id), None))
                ids.forget(displaced, doc_id)
            apply_changes(data, [(table, doc_id, doc)])
            ids.settle([(table, doc_id, doc)], {doc_id: key})
            if doc is not None and before_id is not None and before_id != doc_id:
                ids.duplicates.setdefault(key, []).append(before_id)  # as the next open would see it
            if doc is None and ids.of_key.get(key) is not None:
                continue  # a duplicate went away; the record stays
            changes.append(Change(table, key, before, doc))
        return changes

    def _reload(self, name: str) -> None:
        """Another process compacted or restored the file: read it again and queue the difference."""
        old = {table: self._docs(table) for table in TABLES_OF_FILE[name]}
        self._load_file(name)
        changes: list[Change] = []
        for table in TABLES_OF_FILE[name]:
            new = self._docs(table)
            for key, doc in new.items():
                before = old[table].get(key)
                if before != doc:
                    changes.append(Change(table, key, before, doc))
            changes.extend(Change(table, key, doc, None) for key, doc in old[table].items() if key not in new)
        if changes:
            self._pending.append(Changeset("changes by another process", tuple(changes)))

    # ------------------------------------------------------------------ writing

    @contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[Transaction]:
        """Hold ``.lock`` (an OS lock, released if we die), with others' changes read first."""
        try:
            self._lock.acquire(timeout=LOCK_TIMEOUT_S if wait else 0.5)
        except Timeout as exc:
            raise StoreBusyError(f"another process has held {self.directory / LOCK_FILE} for too long") from exc
        except OSError as exc:
            raise SaveError.from_os_error(exc) from exc
        try:
            self._recover()
            self._catch_up()
            external, self._pending = self._pending, []
            yield _TinyTransaction(self, external)
        finally:
            self._lock.release()

    # ------------------------------------------------------------------ changesets across files

    def _unfinished(self) -> str | None:
        """The id of a changeset spanning several journals whose writing has not finished.

        While ``.pending`` names it, its lines are not applied by anyone: either its writer is
        still at work (and holds the lock), or it died half-way and the next writer takes the
        lines back (:meth:`_recover`). So a save across files is all or nothing, even under
        ``kill -9``.
        """
        path = self.directory / PENDING_FILE
        try:
            raw = read_nofollow(path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreFileError(path, f"cannot be read ({exc.strerror})", "Remove it if it is a link.") from exc
        try:
            changeset_id = orjson.loads(raw).get("cs")
        except (orjson.JSONDecodeError, AttributeError):
            changeset_id = None
        return changeset_id if isinstance(changeset_id, str) and changeset_id.isalnum() else "unreadable"

    def _recover(self) -> None:
        """Take back the lines of a changeset whose writer died half-way (lock held)."""
        changeset_id = self._unfinished()
        if changeset_id is None:
            return
        marker = orjson.dumps({"cs": changeset_id})[1:-1]  # '"cs":"…"', as the lines carry it
        for store_file in self.files.values():
            offset = store_file.journal.offset_of(marker)
            if offset is not None:
                truncate_file(store_file.journal.path, offset)  # readers who saw more notice and reload
        (self.directory / PENDING_FILE).unlink(missing_ok=True)
        fsync_directory(self.directory)

    def _write(self, changeset: Changeset) -> None:
        """Append the changeset to each file's journal, all or nothing (lock held)."""
        meta = {"by": changeset.author, "at": changeset.at, "label": changeset.label}
        plans: list[tuple[str, list[RawChange], dict[str, dict[str, str]]]] = []
        planned: dict[str, dict[str, str]] = {table: {} for table in FILE_OF_TABLE}
        for name in TABLES_OF_FILE:
            raw: list[RawChange] = []
            # By table: a tag and its entity live in one file and may have the same doc id.
            removed_keys: dict[str, dict[str, str]] = {table: {} for table in TABLES_OF_FILE[name]}
            for change in changeset.changes:
                if FILE_OF_TABLE[change.table] == name:
                    items = self._ids[change.table].raw(change, planned[change.table])
                    raw.extend(items)
                    removed_keys[change.table].update({doc_id: change.key for _, doc_id, doc in items if doc is None})
            if raw:
                plans.append((name, raw, removed_keys))
        written: list[tuple[str, int]] = []
        across = len(plans) > 1
        try:
            if across:
                meta["cs"] = uuid.uuid4().hex
                atomic_write(self.directory / PENDING_FILE, orjson.dumps({"cs": meta["cs"]}), self.file_mode)
            for name, raw, _ in plans:
                store_file = self.files[name]
                if not store_file.journal_current:
                    store_file.compact()  # never append to a journal the next open would not replay
                written.append((name, store_file.journal.offset))
                try:
                    store_file.journal.append(raw, meta)
                except FileNotFoundError:  # removed under us (a restore): start a journal, then save
                    store_file.compact()
                    written[-1] = (name, store_file.journal.offset)
                    store_file.journal.append(raw, meta)
            if across:
                (self.directory / PENDING_FILE).unlink()
                fsync_directory(self.directory)
        except OSError as exc:
            self._take_back(written)
            if across:
                with contextlib.suppress(OSError):
                    (self.directory / PENDING_FILE).unlink(missing_ok=True)
            self._forget_new_ids()
            raise SaveError.from_os_error(exc) from exc
        for name, raw, removed_keys in plans:
            apply_changes(self.files[name].data, raw)
            for table in TABLES_OF_FILE[name]:
                self._ids[table].settle([r for r in raw if r[0] == table], removed_keys[table])
        self._compact_if_long()

    def _take_back(self, written: list[tuple[str, int]]) -> None:
        for name, offset in written:
            journal = self.files[name].journal
            if journal.size() > offset:
                journal.truncate(offset)

    def _forget_new_ids(self) -> None:
        """Document ids handed out for a write that failed are free again."""
        for table, ids in self._ids.items():
            raw = self.files[FILE_OF_TABLE[table]].data.get(table, {})
            ids.next = max((_number(d) for d in raw), default=0) + 1

    def _compact_if_long(self) -> None:
        """Fold long journals in; a failure here loses nothing (the journal has every save)."""
        for name in sorted(self._loaded):
            store_file = self.files[name]
            if store_file.journal_is_long():
                try:
                    store_file.compact()
                    self.compaction_error = None
                except OSError as exc:
                    self.compaction_error = exc

    def compact(self, *, wait: bool = True) -> bool:
        """Fold each loaded file's journal into its snapshot, keeping a backup."""
        try:
            with self.transaction(wait=wait) as tx:
                self._pending[:0] = tx.external  # handed to the store at its next look
                for name in sorted(self._loaded):
                    if self.files[name].needs_compaction():
                        self.files[name].compact()
        except StoreBusyError:
            return False
        return True

    def close(self) -> None:
        """Fold the journals in if the lock is free; every save is already durable."""
        # Read-only, full or damaged (already reported): the journals are read next time.
        with contextlib.suppress(OSError, SaveError, StoreFileError):
            self.compact(wait=False)

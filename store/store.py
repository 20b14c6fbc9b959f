"""The Dossier store: the front that the app, the CLI and users' scripts call.

It is thin on purpose. Planners (:mod:`store.annotating`, :mod:`store.entity_edits`,
:mod:`store.importing`, :mod:`store.merging_export`) turn a request into a
:class:`~store.changes.Changeset`;
:meth:`Store._commit` saves it through the backend and only then applies it to the store's
:class:`~store.view.View`, which answers every question (from memory for a folder store, from
the server for a PostgreSQL one). Under the backend's lock, the changes other analysts
saved are taken in first and the changeset is rebased onto them (:mod:`store.merging`), so a
stale copy never overwrites a newer record and undo never undoes someone else's work.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, cast

from store import codec
from store.backend import Backend, Transaction
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Change, Changeset, ConflictError, Doc
from store.edits import StoreEdits
from store.integrity import entities_in_use, names_taken, spans_off_text, tags_of_deleted_entities
from store.locations import DEFAULT_SCHEMA, is_url
from store.memory_backend import MemoryBackend, MemoryDatabase
from store.merging import follow_merges, merges_in, rebase, unify_entities
from store.storage import RESTORE_HINT, StoreFileError
from store.suggestions import KnownNames
from store.undo import StoreUndo
from store.view import View

Listener = Callable[[Changeset, bool], None]


class Store(StoreUndo, StoreEdits):
    """A Dossier store. Open with :meth:`Store.open` (TinyDB files) or :meth:`Store.in_memory`."""

    def __init__(
        self,
        backend: Backend,
        *,
        path: Path | None = None,
        defer_annotations: bool = False,
        author: str | None = None,
    ) -> None:
        self.backend = backend
        self.path = path
        # A server names the author itself (the database role, which the log records); elsewhere
        # the caller may (``--author``, the settings file: ``store.settings.chosen_author``).
        self.user = backend.author or author or codec.current_user()
        self.view: View = backend.make_view()
        self._loaded: set[str] = set()
        self._undo: list[Changeset] = []
        self._redo: list[Changeset] = []
        self._deleted: dict[tuple[str, str], tuple[str, str]] = {}
        #: Entities others merged away (seen in what was taken in) → the entity that took their name.
        self._merges: dict[str, str] = {}
        self._listeners: list[Listener] = []
        self._known_names = KnownNames()
        # One caller of the backend at a time inside this process (the app saves from its store
        # thread and imports from another). Memory has its own lock, ``indexes.lock``, held only
        # for moments: a wait for another process's lock never holds up a question.
        self._writing = threading.RLock()
        # Set when another process saved something this store cannot take in (a damaged or
        # planted record): from then on memory cannot agree with the disk, so every later look
        # or save raises it again instead of going on from a partial view.
        self._damage: StoreFileError | None = None
        self._load([ARTICLES] if defer_annotations else [ARTICLES, ANNOTATIONS, ENTITIES])

    @classmethod
    def open(
        cls,
        path: str | os.PathLike[str],
        *,
        defer_annotations: bool = False,
        schema: str = DEFAULT_SCHEMA,
        author: str | None = None,
    ) -> Store:
        """Open the store folder at ``path``, creating an empty, private one if needed.

        A ``postgresql://`` URL opens a store on a PostgreSQL server instead, in ``schema`` (one
        database can hold several stores, one per schema); a folder store has no schema and
        ignores it. ``author`` names who this process's changes are by (default: the OS user;
        a server store always records its database role instead).

        Raises:
            StoreFileError: a store file is damaged, foreign or from a newer version (untouched).
            SchemaError: the server store is of another version (``dossier store migrate``).
            ValueError: ``schema`` cannot be a schema's name.
            OSError: the folder cannot be made or read (the path is a file, no permission).
        """
        if isinstance(path, str) and is_url(path):
            from store.postgres_backend import PostgresBackend  # psycopg only for server stores

            return cls(PostgresBackend(path, schema=schema), defer_annotations=defer_annotations, author=author)
        from store.tinydb_backend import TinyDBBackend  # TinyDB and file locks only for folder stores

        directory = Path(path).expanduser()
        if directory.exists() and not directory.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, "not a store folder (it is a file)", str(directory))
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(TinyDBBackend(directory), path=directory, defer_annotations=defer_annotations, author=author)

    @classmethod
    def in_memory(cls, database: MemoryDatabase | None = None, *, author: str | None = None) -> Store:
        """A store kept in memory; two stores on one ``database`` act as two analysts."""
        return cls(MemoryBackend(database), author=author)

    def _load(self, tables: list[str]) -> None:
        # Loading makes hundreds of thousands of objects that all live on: collecting garbage
        # meanwhile only wastes time, and freezing them keeps later collections cheap.
        if not self.view.holds_corpus:  # a server view reads records when asked
            self._loaded.update(tables)
            return
        enabled = gc.isenabled()
        gc.disable()
        try:
            loaded = self.backend.load(tables)
            for table in tables:
                docs = loaded[table]
                for doc in docs.values():
                    self._check(table, doc)
                self.view.load(table, docs)
                self._loaded.add(table)
        finally:
            if enabled:
                gc.enable()
        gc.freeze()

    def _check(self, table: str, doc: Any) -> None:
        problem = codec.problem(table, doc)
        if problem is not None:
            raise StoreFileError(Path(self.backend.location(table)), f"table {table!r} holds {problem}", RESTORE_HINT)

    def finish_loading(self) -> None:
        """Load what ``defer_annotations`` left out (the app calls this after its first frame)."""
        with self._writing:
            missing = [t for t in (ANNOTATIONS, ENTITIES) if t not in self._loaded]
            if missing:
                self._load(missing)

    @property
    def read_only(self) -> bool:
        """True when this user may read but not change the store (see ``Backend.read_only``)."""
        return self.backend.read_only

    @property
    def annotations_loaded(self) -> bool:
        """False until deferred annotations and entities have been read."""
        return ANNOTATIONS in self._loaded and ENTITIES in self._loaded

    def close(self, *, wait: bool = True) -> None:
        """Tidy storage (every change is already saved) and release it.

        With ``wait=False`` a store still busy in another thread of this process (a save waiting
        for another process's lock, which the user chose not to wait for) is left untidied.
        """
        if not self._writing.acquire(timeout=-1 if wait else 0.5):
            return
        try:
            self.backend.close()
        finally:
            self._writing.release()

    def compact(self, *, wait: bool = True) -> bool:
        """Fold journals into the TinyDB files now. False if the store was busy."""
        with self._writing:
            done = self.backend.compact(wait=wait)
        self.refresh()
        return done

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ changes

    def subscribe(self, listener: Listener) -> None:
        """Call ``listener(changeset, external)`` after each change is saved or taken in.

        Listeners run on the thread that saved or took in the change (the app's store thread, an
        import thread): a UI hands the news to its own thread (Textual: ``post_message``).
        """
        self._listeners.append(listener)

    def unsubscribe(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        with contextlib.suppress(ValueError):
            self._listeners.remove(listener)

    def watch(self, wake: Callable[[], None]) -> bool:
        """Have ``wake()`` called (on another thread) soon after another analyst saves.

        Then :meth:`refresh` takes their changes in. False when the backend cannot tell: poll.
        """
        return self.backend.watch(wake)

    def reconnect(self) -> bool:
        """After :class:`~store.postgres_connection.StoreUnavailable`: try the server again."""
        with self._writing:
            return self.backend.reconnect()

    def refresh(self) -> bool:
        """Take in what other processes saved. Cheap when nothing changed; True if anything did."""
        with self._writing:
            self._raise_damage()
            try:
                changesets = self.backend.poll()
            except StoreFileError as exc:
                self._damage = exc
                raise
            return self._absorb(changesets)

    def _raise_damage(self) -> None:
        if self._damage is not None:
            raise StoreFileError(self._damage.path, self._damage.problem, self._damage.remedy)

    def _absorb(self, changesets: list[Changeset]) -> bool:
        """Apply what others saved, all of it or (a record of the wrong shape) none of it."""
        self._raise_damage()
        # All checked before any is applied: one bad record must not leave the rest half taken in.
        for changeset in changesets if self.view.holds_corpus else ():
            for change in changeset.changes:
                if change.table in self._loaded and change.after is not None:
                    try:
                        self._check(change.table, change.after)
                    except StoreFileError as exc:
                        self._damage = exc
                        raise
        for changeset in changesets:
            changes = [c for c in changeset.changes if c.table in self._loaded]
            with self.view.lock:
                for change in changes:
                    if change.after is None:
                        self._deleted[(change.table, change.key)] = (changeset.author, changeset.at)
                self._merges.update(merges_in(changes))
                self.view.apply(changes)
            self._notify(changeset, external=True)
        return bool(changesets)

    def _notify(self, changeset: Changeset, *, external: bool) -> None:
        for listener in list(self._listeners):
            listener(changeset, external)

    def _commit(self, changeset: Changeset | Callable[[View], Changeset], *, record_undo: bool = True) -> Changeset:
        """Save a changeset (rebased onto what others saved), then apply it to memory.

        ``changeset`` may be a planner, called under the lock once others' changes are in (for
        changes that must be planned from the current records, such as moving tags).

        Raises:
            ConflictError: another analyst changed or deleted what it edits; nothing saved.
            SaveError: the backend could not save it; nothing saved, memory unchanged.
        """
        if isinstance(changeset, Changeset) and not changeset.changes:
            return changeset
        with self._writing:
            committed = self._save(changeset)
            if committed:
                # Only once the backend has committed: a server view would otherwise let a
                # question re-read (and keep) the record as it was before.
                self.view.apply(committed.changes)
        if committed:
            self._notify(committed, external=False)
            if record_undo:
                self._undo.append(committed)
                self._redo.clear()
        return committed

    def _save(self, changeset: Changeset | Callable[[View], Changeset]) -> Changeset:
        """Inside the backend's transaction: take in others' changes, rebase, check, write."""
        with self._transaction() as tx:
            self._absorb(tx.external)
            with self.view.lock:
                read: dict[str, dict[str, Doc | None]] = {}
                if not isinstance(changeset, Changeset):
                    reads = _LockedReads(self.view)
                    changeset = changeset(cast(View, reads))
                    read = reads.read
                changes = list(changeset.changes)
                created = [str(c.after["name"]) for c in changes if c.table == ENTITIES and not c.before and c.after]
                changes = unify_entities(changes, self.view.entity_keys(created).get)
                changes = follow_merges(changes, self._merged_into)
                rebased, conflicts = rebase(
                    Changeset(changeset.label, tuple(changes)),
                    _prefetched(self.view, changes, read),
                    deleted=self._deleted_by,
                    derived=codec.derived_fields,
                    finish=codec.finish,
                )
                conflicts += entities_in_use(rebased, self.view.mention_keys, self.view.doc)
                conflicts += spans_off_text(rebased, self._article_text, self.view.doc)
                conflicts += tags_of_deleted_entities(rebased, self._deleted_by, self._stored_entities)
                conflicts += names_taken(rebased, self.view.entity_keys, self.view.doc)
            if conflicts:
                raise ConflictError(changeset.label, conflicts)
            at = codec.now()
            stamped = tuple(
                Change(c.table, c.key, c.before, codec.stamp(c.after, self.user, at) if c.after else None)
                for c in rebased
            )
            committed = Changeset(changeset.label, stamped, self.user, at)
            if committed:
                tx.write(committed)
        return committed

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[Transaction]:
        """The backend's transaction; a damaged line read on entering it is remembered."""
        self._raise_damage()
        with contextlib.ExitStack() as stack:
            try:
                tx = stack.enter_context(self.backend.transaction())
            except StoreFileError as exc:
                self._damage = exc
                raise
            yield tx

    def _merged_into(self, entity_id: str) -> str:
        """The entity ``entity_id`` stands for now: itself, or the one it was merged into (and on)."""
        seen = {entity_id}
        while entity_id in self._merges and not self.view.has(ENTITIES, entity_id):
            entity_id = self._merges[entity_id]
            if entity_id in seen:
                break
            seen.add(entity_id)
        return entity_id

    def _deleted_by(self, table: str, key: str) -> tuple[str, str] | None:
        """Who deleted a record, and when, if another analyst's deletion was taken in."""
        return self._deleted.get((table, key))

    def _stored_entities(self, keys: Iterable[str]) -> set[str]:
        return set(self.view.docs_of(ENTITIES, keys))

    def _article_text(self, article_id: str) -> str | None:
        try:
            return self.view.article(article_id).text
        except KeyError:
            return None

    # ------------------------------------------------------------------ cross-references and search


def _prefetched(
    view: View, changes: list[Change], read: dict[str, dict[str, Doc | None]]
) -> Callable[[str, str], Doc | None]:
    """``view.doc`` for the records ``changes`` touch, read with one lookup per table.

    Rebasing reads each changed record as stored; a batch (an import, many tags) would
    otherwise make one round trip to a server store per record. What a planner ``read`` under
    the same lock is not asked again.
    """
    missing: dict[str, list[str]] = {}
    for change in changes:
        if change.key not in read.get(change.table, {}):
            missing.setdefault(change.table, []).append(change.key)
    found: dict[str, dict[str, Doc | None]] = {}
    for table, keys in missing.items():
        docs = view.docs_of(table, keys)
        found[table] = {key: docs.get(key) for key in keys}
    for table, docs in read.items():
        found.setdefault(table, {}).update(docs)

    def current(table: str, key: str) -> Doc | None:
        docs = found.get(table, {})
        return docs[key] if key in docs else view.doc(table, key)

    return current


class _LockedReads:
    """The view as a planner run under the lock sees it, remembering the records it reads by key.

    Under the lock, what it reads is what is stored, which rebasing reads again: merging an
    entity of 1,000 mentions read their tags twice from a server without this.
    """

    def __init__(self, view: View) -> None:
        self.view = view
        self.read: dict[str, dict[str, Doc | None]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self.view, name)

    def doc(self, table: str, key: str) -> Doc | None:
        found = self.view.doc(table, key)
        self.read.setdefault(table, {})[key] = found
        return found

    def docs_of(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        keys = list(keys)
        found = self.view.docs_of(table, keys)
        self.read.setdefault(table, {}).update({key: found.get(key) for key in keys})
        return found

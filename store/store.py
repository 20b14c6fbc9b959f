"""The Dossier store: articles, entities and annotations in plain TinyDB files.

Layout of a store directory:

* ``articles.json``: the corpus (bulky, rarely changing), table ``articles``;
* ``annotations.json``: tables ``annotations`` and ``entities`` (small, often changing), so
  saving an annotation never rewrites the corpus;
* ``.lock``: held while writing, so several processes can share the store.

Both JSON files are ordinary TinyDB databases. The store reads them once, keeps the records and
the indexes (full text, annotations per article and per entity) in memory, and updates both
incrementally on every change. Every change goes through :meth:`Store._commit` as a list of
record-level before/after states: that single path is what makes undo and redo possible for
anything, and what later operations (entity rename, merge, split) will reuse.
"""

from __future__ import annotations

import functools
import gc
import getpass
import math
import os
import threading
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
from filelock import FileLock, Timeout

from store import anchoring, textunits
from store.fuzzy import best_name
from store.ingest import ParsedFile, SkippedFile, discover, parse_file
from store.journal import RawChange
from store.models import (
    EDITABLE_FIELDS,
    STATUSES,
    Annotation,
    Article,
    Entity,
    ImportReport,
    Mention,
    SearchHit,
)
from store.sanitize import neutralize, sanitize_line, sanitize_text
from store.search_index import SearchIndex, fold
from store.store_file import StoreFile

ARTICLES_FILE = "articles"
ANNOTATIONS_FILE = "annotations"
LOCK_FILE = ".lock"

ARTICLES = "articles"
ANNOTATIONS = "annotations"
ENTITIES = "entities"
_FILE_OF_TABLE = {ARTICLES: ARTICLES_FILE, ANNOTATIONS: ANNOTATIONS_FILE, ENTITIES: ANNOTATIONS_FILE}

#: A stale lock (its holder crashed) never blocks for longer than this.
LOCK_TIMEOUT_S = 10.0

_UNSET: Any = object()

ProgressCallback = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Change:
    """One record's state before and after a change (``None``: absent)."""

    table: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    def inverted(self) -> Change:
        """The change that undoes this one."""
        return Change(self.table, self.key, self.after, self.before)


@dataclass(frozen=True, slots=True)
class Changeset:
    """Changes made by one user action, undone and redone together."""

    label: str
    changes: tuple[Change, ...]

    def inverted(self) -> Changeset:
        """The changeset that undoes this one."""
        return Changeset(self.label, tuple(c.inverted() for c in reversed(self.changes)))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


def _current_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def file_mode_for(directory: Path) -> int:
    """0o660 in a store shared with its group (the directory is open to the group), else 0o600."""
    return 0o660 if directory.stat().st_mode & 0o070 else 0o600


def _iso_date(value: object) -> str | None:
    """``value`` if it is an ISO date, else ``None`` (imports never store a date they cannot read)."""
    try:
        return date.fromisoformat(str(value)).isoformat() if value else None
    except ValueError:
        return None


def _safe(value: str | None) -> str | None:
    return neutralize(value) if value else value


def _article_from_doc(doc: dict[str, Any]) -> Article:
    published = doc.get("published")
    return Article(
        id=doc["id"],
        title=_safe(doc.get("title")),
        source=_safe(doc.get("source")),
        author=_safe(doc.get("author")),
        published=date.fromisoformat(published) if published else None,
        url=_safe(doc.get("url")),
        text=neutralize(doc["text"]),
        origin=neutralize(doc.get("origin", "")),
        language=doc.get("language"),
        imported=doc.get("imported", ""),
    )


def _annotation_from_doc(doc: dict[str, Any]) -> Annotation:
    return Annotation(
        id=doc["id"],
        article_id=doc["article_id"],
        start=doc["start"],
        end=doc["end"],
        quote=neutralize(doc["quote"]),
        entity_id=doc.get("entity_id"),
        labels=tuple(neutralize(label) for label in doc.get("labels", ())),
        note=neutralize(doc.get("note", "")),
        status=doc.get("status", "accepted"),
        author=doc.get("author", ""),
        created=doc.get("created", ""),
        updated=doc.get("updated", ""),
        prefix=neutralize(doc.get("prefix", "")),
        suffix=neutralize(doc.get("suffix", "")),
        orphaned=bool(doc.get("orphaned", False)),
    )


def _entity_from_doc(doc: dict[str, Any]) -> Entity:
    return Entity(
        id=doc["id"],
        name=neutralize(doc["name"]),
        type=neutralize(doc["type"]),
        aliases=tuple(neutralize(alias) for alias in doc.get("aliases", ())),
        note=neutralize(doc.get("note", "")),
    )


def _effective(doc: dict[str, Any]) -> dict[str, Any]:
    """An article document with the user's corrections laid over the extracted metadata."""
    merged = dict(doc)
    merged.update(doc.get("extracted", {}))
    merged.update(doc.get("overrides", {}))
    return merged


@dataclass
class _Table:
    """One TinyDB table held in memory: documents by our string id, with their TinyDB doc ids."""

    docs: dict[str, dict[str, Any]] = field(default_factory=dict)
    doc_ids: dict[str, str] = field(default_factory=dict)
    next_doc_id: int = 1
    _keys: dict[str, str] | None = None

    def key_of(self, doc_id: str) -> str | None:
        """Our id of a TinyDB doc id.

        The reverse map is built on first use: only removals made by other processes need it.
        """
        if self._keys is None:
            self._keys = {value: key for key, value in self.doc_ids.items()}
        return self._keys.get(doc_id)

    def put(self, key: str, doc_id: str, doc: dict[str, Any]) -> None:
        """Store a document under both ids."""
        old = self.doc_ids.get(key)
        if self._keys is not None:
            if old is not None and old != doc_id:
                self._keys.pop(old, None)
            self._keys[doc_id] = key
        self.docs[key] = doc
        self.doc_ids[key] = doc_id
        self.next_doc_id = max(self.next_doc_id, int(doc_id) + 1)

    def drop(self, key: str) -> str | None:
        """Forget a document; returns its TinyDB doc id."""
        doc_id = self.doc_ids.pop(key, None)
        self.docs.pop(key, None)
        if self._keys is not None and doc_id is not None:
            self._keys.pop(doc_id, None)
        return doc_id


F = TypeVar("F", bound=Callable[..., Any])


def _needs_annotations(method: F) -> F:
    """Mark a method that reads or writes annotations or entities: they are loaded first.

    A store opened with ``defer_annotations=True`` shows its corpus before the annotations file
    (the larger one) is parsed; whatever needs that file loads it on first use.
    """

    @functools.wraps(method)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        if self._deferred:
            self.finish_loading()
        return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Store:
    """A Dossier store on disk. Open with :meth:`Store.open`; close with :meth:`close`."""

    def __init__(self, path: Path, *, defer_annotations: bool = False) -> None:
        self.path = path
        self.user = _current_user()
        self.file_mode = file_mode_for(path)
        self._files = {name: StoreFile(path, name, self.file_mode) for name in (ARTICLES_FILE, ANNOTATIONS_FILE)}
        self._lock = FileLock(str(path / LOCK_FILE), timeout=LOCK_TIMEOUT_S, mode=self.file_mode)
        self._tables: dict[str, _Table] = {}
        self._articles: dict[str, Article] = {}
        # Annotation documents by id; records are made on demand (a store may hold 100,000).
        self._annotation_docs: dict[str, dict[str, Any]] = {}
        self._annotation_records: dict[str, Annotation] = {}
        self._entities: dict[str, Entity] = {}
        self._by_article: dict[str, set[str]] = defaultdict(set)
        self._by_entity: dict[str, set[str]] = defaultdict(set)
        self._by_origin: dict[str, str] = {}
        self._article_order: list[Article] | None = None  # articles() sorted, kept until one changes
        self._article_rank: dict[str, int] = {}
        self._entity_names: dict[str, str] = {}
        self._search: SearchIndex | None = None
        # Guards the article map and the search index: the app builds the index, and imports, in
        # worker threads while the UI reads articles.
        self._articles_lock = threading.RLock()
        self._undo: list[Changeset] = []
        self._redo: list[Changeset] = []
        self._deferred: set[str] = {ANNOTATIONS_FILE} if defer_annotations else set()
        for name in self._files:
            if name not in self._deferred:
                self._load_file(name)
        self._compact_migrated()

    def _compact_migrated(self) -> None:
        if any(f.migrated_from is not None for f in self._files.values()):
            with self._lock:
                for store_file in self._files.values():
                    if store_file.migrated_from is not None:
                        store_file.compact()  # the pre-migration snapshot goes to backups/

    def finish_loading(self) -> None:
        """Load what ``defer_annotations`` left out (called by the app after its first frame)."""
        while self._deferred:
            self._load_file(self._deferred.pop())
        self._compact_migrated()

    @property
    def annotations_loaded(self) -> bool:
        """False until a deferred annotations file has been read."""
        return not self._deferred

    # ------------------------------------------------------------------ opening and loading

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, defer_annotations: bool = False) -> Store:
        """Open the store at ``path``, creating an empty one (owner-only permissions) if needed.

        With ``defer_annotations`` only the corpus is read now; annotations and entities are
        read by :meth:`finish_loading`, or by the first method that needs them.

        Raises:
            StoreFileError: a store file is corrupt or from a newer version; it is not touched.
        """
        directory = Path(path).expanduser()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        return cls(directory, defer_annotations=defer_annotations)

    def close(self) -> None:
        """Fold the journals into the snapshots (so plain TinyDB sees everything) and release.

        Every change is already durable in a journal; this only tidies. If another process
        holds the lock, the journals are left for a later compaction.
        """
        self.compact(wait=False)

    def compact(self, *, wait: bool = True) -> bool:
        """Fold each journal into its snapshot (keeping a backup). Returns False if the lock was busy."""
        try:
            with self._lock.acquire(timeout=LOCK_TIMEOUT_S if wait else 0.5):
                self._catch_up()
                for name, store_file in self._files.items():
                    if name not in self._deferred and store_file.needs_compaction():
                        store_file.compact()
        except Timeout:
            return False
        return True

    def files(self) -> dict[str, StoreFile]:
        """The store's files by name (for maintenance commands: check, backups, restore)."""
        return dict(self._files)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _load_file(self, filename: str) -> None:
        # Loading creates hundreds of thousands of objects that all live on: collecting garbage
        # meanwhile only wastes time, and freezing them keeps later collections (which would
        # otherwise walk the whole store on every few saves) as cheap as in a small store.
        enabled = gc.isenabled()
        gc.disable()
        try:
            data = self._files[filename].load()
            for table, owner in _FILE_OF_TABLE.items():
                if owner == filename:
                    self._load_table(table, data.setdefault(table, {}))
        finally:
            if enabled:
                gc.enable()
        gc.freeze()

    def _load_table(self, table: str, raw: dict[str, dict[str, Any]]) -> None:
        holder = _Table(
            docs={doc["id"]: doc for doc in raw.values()},
            doc_ids={doc["id"]: doc_id for doc_id, doc in raw.items()},
            next_doc_id=max(map(int, raw), default=0) + 1,
        )
        self._tables[table] = holder
        if table == ARTICLES:
            self._articles.clear()
            self._by_origin.clear()
            with self._articles_lock:
                self._search = None
            for key, doc in holder.docs.items():
                self._index_article(key, doc)
        elif table == ENTITIES:
            self._entities.clear()
            self._entity_names.clear()
            for key, doc in holder.docs.items():
                self._index(ENTITIES, key, doc)
        else:
            # Bulk form of _index_annotation for a fresh load: nothing to remove first.
            self._annotation_docs = dict(holder.docs)
            self._annotation_records.clear()
            by_article: dict[str, set[str]] = defaultdict(set)
            by_entity: dict[str, set[str]] = defaultdict(set)
            for key, doc in holder.docs.items():
                by_article[doc["article_id"]].add(key)
                entity_id = doc.get("entity_id")
                if entity_id:
                    by_entity[entity_id].add(key)
            self._by_article, self._by_entity = by_article, by_entity

    def refresh(self) -> bool:
        """Pick up what other processes saved (new journal lines, or a new snapshot).

        Cheap when nothing changed (two ``stat`` calls and a read of zero bytes), so the app
        calls it every few seconds. Returns True if anything changed.
        """
        return self._catch_up()

    def _catch_up(self) -> bool:
        changed = False
        for filename, store_file in self._files.items():
            if filename in self._deferred:
                continue
            entries = store_file.poll()
            if entries is None:
                self._load_file(filename)
                changed = True
                continue
            for entry in entries:
                for table, doc_id, doc in entry:
                    self._apply_external(table, doc_id, doc)
                changed = True
        return changed

    def _apply_external(self, table: str, doc_id: str, doc: dict[str, Any] | None) -> None:
        """Bring memory in line with a change another process saved."""
        holder = self._tables[table]
        key = holder.key_of(doc_id) if doc is None else doc["id"]
        if key is None:
            return
        if doc is None:
            holder.drop(key)
        else:
            holder.put(key, doc_id, doc)
        self._index(table, key, doc)

    # ------------------------------------------------------------------ in-memory indexes

    def _index_article(self, key: str, doc: dict[str, Any] | None) -> None:
        with self._articles_lock:
            self._article_order = None
            old = self._articles.pop(key, None)
            if old is not None:
                self._by_origin.pop(old.origin, None)
            article = _article_from_doc(_effective(doc)) if doc is not None else None
            if article is not None:
                self._articles[key] = article
                if article.origin:
                    self._by_origin[article.origin] = key
            if self._search is not None:
                if old is not None:
                    self._search.remove(key)
                if article is not None:
                    self._search.add(key, article.title, article.text)

    def _index_annotation(self, key: str, doc: dict[str, Any] | None) -> None:
        old = self._annotation_docs.pop(key, None)
        self._annotation_records.pop(key, None)
        if old is not None:
            self._by_article[old["article_id"]].discard(key)
            if old.get("entity_id"):
                self._by_entity[old["entity_id"]].discard(key)
        if doc is None:
            return
        self._annotation_docs[key] = doc
        self._by_article[doc["article_id"]].add(key)
        if doc.get("entity_id"):
            self._by_entity[doc["entity_id"]].add(key)

    def _record(self, key: str) -> Annotation:
        """The immutable record of an annotation, made from its document on first use."""
        record = self._annotation_records.get(key)
        if record is None:
            record = self._annotation_records[key] = _annotation_from_doc(self._annotation_docs[key])
        return record

    def _index(self, table: str, key: str, doc: dict[str, Any] | None) -> None:
        if table == ARTICLES:
            self._index_article(key, doc)
        elif table == ANNOTATIONS:
            self._index_annotation(key, doc)
        else:
            old = self._entities.pop(key, None)
            if old is not None:
                for name in old.names():
                    if self._entity_names.get(_name_key(name)) == key:
                        del self._entity_names[_name_key(name)]
            if doc is not None:
                entity = _entity_from_doc(doc)
                self._entities[key] = entity
                for name in entity.names():
                    self._entity_names.setdefault(_name_key(name), key)

    # ------------------------------------------------------------------ the one write path

    def _commit(self, changeset: Changeset, *, record_undo: bool = True) -> None:
        """Apply a changeset: durably on disk first (an fsynced journal line), then in memory.

        Under the store lock, what other processes saved is read first, so concurrent writers
        add to each other's work instead of overwriting it, and TinyDB document ids stay unique.
        """
        if not changeset.changes:
            return
        files = sorted({_FILE_OF_TABLE[c.table] for c in changeset.changes})
        with self._lock:
            self._catch_up()
            for filename in files:
                raw = [self._raw_change(c) for c in changeset.changes if _FILE_OF_TABLE[c.table] == filename]
                self._files[filename].append(raw)
        for change in changeset.changes:
            self._index(change.table, change.key, change.after)
        if record_undo:
            self._undo.append(changeset)
            self._redo.clear()

    def _raw_change(self, change: Change) -> RawChange:
        """The journal form of a change, giving a new record its TinyDB document id."""
        holder = self._tables[change.table]
        if change.after is None:
            doc_id = holder.drop(change.key)
            if doc_id is None:
                raise KeyError(change.key)
            return (change.table, doc_id, None)
        doc_id = holder.doc_ids.get(change.key) or str(holder.next_doc_id)
        holder.put(change.key, doc_id, change.after)
        return (change.table, doc_id, change.after)

    def _doc(self, table: str, key: str) -> dict[str, Any] | None:
        doc = self._tables[table].docs.get(key)
        return dict(doc) if doc is not None else None

    # ------------------------------------------------------------------ undo and redo

    def can_undo(self) -> bool:
        """True when this session has a change to undo."""
        return bool(self._undo)

    def can_redo(self) -> bool:
        """True when an undone change can be redone."""
        return bool(self._redo)

    @_needs_annotations
    def undo(self) -> str | None:
        """Undo this session's last change; returns what was undone, or ``None``."""
        if not self._undo:
            return None
        changeset = self._undo.pop()
        self._commit(changeset.inverted(), record_undo=False)
        self._redo.append(changeset)
        return changeset.label

    @_needs_annotations
    def redo(self) -> str | None:
        """Redo the last undone change; returns what was redone, or ``None``."""
        if not self._redo:
            return None
        changeset = self._redo.pop()
        self._commit(changeset, record_undo=False)
        self._undo.append(changeset)
        return changeset.label

    # ------------------------------------------------------------------ articles

    def articles(self) -> list[Article]:
        """All articles, newest publication first, undated ones last, then by title."""
        with self._articles_lock:
            return list(self._ordered_articles())

    def _ordered_articles(self) -> list[Article]:
        """The sorted articles (and their ranks), recomputed only after an article changed."""
        if self._article_order is None:
            self._article_order = sorted(
                self._articles.values(),
                key=lambda a: (a.published is None, -(a.published.toordinal() if a.published else 0), a.display_title),
            )
            self._article_rank = {a.id: rank for rank, a in enumerate(self._article_order)}
        return self._article_order

    def article(self, article_id: str) -> Article:
        """One article by id. Raises ``KeyError`` if there is none."""
        return self._articles[article_id]

    def __len__(self) -> int:
        return len(self._articles)

    @_needs_annotations
    def annotation_counts(self) -> dict[str, int]:
        """Number of annotations per article id (articles without any are absent)."""
        return {key: len(ids) for key, ids in self._by_article.items() if ids}

    @_needs_annotations
    def set_metadata(self, article_id: str, **fields: Any) -> Article:
        """Correct an article's title, source, author, published date or url (undoable).

        Corrections are kept apart from what was extracted from the file, so they survive a
        re-import of a changed file. ``published`` takes a ``date``, an ISO string or ``None``.
        """
        unknown = set(fields) - set(EDITABLE_FIELDS)
        if unknown:
            raise ValueError(f"cannot edit {', '.join(sorted(unknown))}; editable: {', '.join(EDITABLE_FIELDS)}")
        before = self._doc(ARTICLES, article_id)
        if before is None:
            raise KeyError(article_id)
        overrides = dict(before.get("overrides", {}))
        for name, value in fields.items():
            if name == "published":
                if isinstance(value, str):
                    value = date.fromisoformat(value.strip()) if value.strip() else None
                value = value.isoformat() if isinstance(value, date) else None
            elif value is not None:
                value = sanitize_line(str(value)) or None
            overrides[name] = value
        after = {**before, "overrides": overrides}
        after.update(_effective(after))
        self._commit(Changeset("edit article details", (Change(ARTICLES, article_id, before, after),)))
        return self._articles[article_id]

    # ------------------------------------------------------------------ import

    @_needs_annotations
    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
        batch_size: int = 500,
    ) -> ImportReport:
        """Import files and folders (recursively). Bad files are reported, never fatal.

        The same file imported twice adds nothing; a file whose text changed updates its article
        in place (same id, the user's metadata corrections kept) and re-anchors the article's
        annotations, orphaning those whose words are gone. Articles are written in batches, so
        a cancelled import keeps what it finished.
        """
        report = ImportReport()
        found = list(discover(paths))
        total = len(found)
        pending: list[Change] = []
        pending_annotations: list[Change] = []
        try:
            for index, item in enumerate(found, start=1):
                if cancelled is not None and cancelled():
                    report.cancelled = True
                    break
                if isinstance(item, SkippedFile):
                    report.skipped.append((item.origin, item.reason))
                    continue
                if item.suffix.lower() == ".json":
                    self._import_export_file(item, report)
                    continue
                parsed = parse_file(item)
                if progress is not None:
                    progress(index, total, str(item))
                if isinstance(parsed, SkippedFile):
                    report.skipped.append((parsed.origin, parsed.reason))
                    continue
                self._plan_import(parsed, report, pending, pending_annotations)
                if len(pending) >= batch_size:
                    self._commit(Changeset("import", tuple(pending)), record_undo=False)
                    pending.clear()
        finally:
            # However the loop ended (done, cancelled, interrupted), what was read is kept.
            self._commit(Changeset("import", tuple(pending)), record_undo=False)
            self._commit(Changeset("re-anchor", tuple(pending_annotations)), record_undo=False)
        return report

    def _import_export_file(self, path: Path, report: ImportReport) -> None:
        """A ``.json`` file named for import: a Dossier export is merged, anything else skipped."""
        from store.export import is_export

        origin = str(path.resolve())
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            report.skipped.append((origin, f"not readable JSON ({exc})"))
            return
        if not is_export(data):
            report.skipped.append((origin, "JSON that is not a Dossier export"))
            return
        self.merge_export(data, report=report, origin=origin)

    @_needs_annotations
    def merge_export(
        self, data: dict[str, Any], *, report: ImportReport | None = None, origin: str = "export"
    ) -> ImportReport:
        """Merge a Dossier export (see :mod:`store.export`) into this store, as one undoable step.

        Records keep their ids, so importing the same export twice adds nothing. An entity
        already here under the same name is reused (the export's aliases are added to it). Text
        is neutralised one for one, so offsets stay right; an annotation whose quote is not at
        its offsets is re-anchored, or kept as an orphan.
        """
        report = report if report is not None else ImportReport()
        changes: list[Change] = []
        texts: dict[str, str] = {key: article.text for key, article in self._articles.items()}
        for raw in data.get("articles", []):
            key, text = str(raw["id"]), neutralize(str(raw["text"]))
            if key in self._articles:
                if self._articles[key].text == text:
                    report.unchanged.append((f"{origin}#{key}", key))
                else:
                    report.skipped.append((f"{origin}#{key}", "an article with this id and other text is here"))
                continue
            extracted = {f: _safe(raw.get(f)) for f in ("title", "source", "author", "url")}
            extracted["published"] = _iso_date(raw.get("published"))
            doc = {
                "id": key,
                "text": text,
                "origin": neutralize(str(raw.get("origin") or origin)),
                "raw_hash": None,
                "encoding": "utf-8",
                "imported": _now(),
                "language": raw.get("language"),
                "extracted": extracted,
                "overrides": {},
            }
            doc.update(_effective(doc))
            changes.append(Change(ARTICLES, key, None, doc))
            texts[key] = text
            report.added.append((f"{origin}#{key}", key))
        entity_ids: dict[str, str] = {}
        pending: dict[str, dict[str, Any]] = {}
        for raw in data.get("entities", []):
            names = [neutralize(str(raw["name"])), *(neutralize(str(a)) for a in raw.get("aliases", []))]
            found = self._resolve_entity_doc(str(raw["id"]), pending) or self._resolve_entity_doc(names[0], pending)
            if found is None:
                doc = {
                    "id": str(raw["id"]),
                    "name": names[0],
                    "type": neutralize(str(raw["type"])).upper(),
                    "aliases": names[1:],
                    "note": neutralize(str(raw.get("note", ""))),
                    "created": _now(),
                }
                _remember_pending(pending, doc)
                changes.append(Change(ENTITIES, doc["id"], None, doc))
                report.entities_added += 1
            else:
                known = {n.casefold() for n in [found["name"], *found.get("aliases", [])]}
                extra = [n for n in names if n.casefold() not in known]
                if extra:
                    after = {**found, "aliases": [*found.get("aliases", []), *extra]}
                    _remember_pending(pending, after)
                    changes.append(Change(ENTITIES, found["id"], found, after))
                doc = found
            entity_ids[str(raw["id"])] = doc["id"]
        for raw in data.get("annotations", []):
            key, article_id = str(raw["id"]), str(raw["article_id"])
            if key in self._annotation_docs or article_id not in texts:
                continue
            text = texts[article_id]
            quote, prefix, suffix = (neutralize(str(raw.get(f) or "")) for f in ("quote", "prefix", "suffix"))
            anchor = anchoring.reanchor(text, quote, prefix, suffix, int(raw["start"]))
            start, end = (anchor.start, anchor.end) if anchor.found else (int(raw["start"]), int(raw["end"]))
            entity_id = entity_ids.get(str(raw.get("entity_id")), raw.get("entity_id") or None)
            doc = {
                "id": key,
                "article_id": article_id,
                "start": start,
                "end": end,
                "quote": quote,
                "prefix": prefix,
                "suffix": suffix,
                "kind": "entity" if entity_id else "passage",
                "entity_id": entity_id,
                "labels": _clean_labels(raw.get("labels", [])),
                "note": neutralize(str(raw.get("note", ""))),
                "status": raw.get("status") or "accepted",
                "author": neutralize(str(raw.get("author") or self.user)),
                "created": raw.get("created") or _now(),
                "updated": raw.get("updated") or _now(),
                "orphaned": not anchor.found,
            }
            changes.append(Change(ANNOTATIONS, key, None, doc))
            report.tags_added += 1
            report.orphaned += not anchor.found
        self._commit(Changeset(f"import {origin}", tuple(changes)))
        return report

    def _plan_import(
        self,
        parsed: ParsedFile,
        report: ImportReport,
        pending: list[Change],
        pending_annotations: list[Change],
    ) -> None:
        origin = parsed.origin
        planned = {c.key: c for c in pending}
        existing_id = self._by_origin.get(origin)
        existing = self._doc(ARTICLES, existing_id) if existing_id else None
        text_id = parsed.text_hash
        if existing is not None and existing.get("raw_hash") == parsed.raw_hash:
            report.unchanged.append((origin, existing["id"]))
            return
        if existing is None and (text_id in self._articles or text_id in planned):
            report.duplicates.append((origin, text_id))
            return
        cleaned = parsed.article
        extracted = {
            "title": cleaned.title,
            "source": cleaned.source,
            "author": cleaned.author,
            "published": cleaned.published.isoformat() if cleaned.published else None,
            "url": cleaned.url,
        }
        key = existing["id"] if existing is not None else text_id
        doc: dict[str, Any] = {
            "id": key,
            "text": cleaned.text,
            "origin": origin,
            "raw_hash": parsed.raw_hash,
            "encoding": parsed.encoding,
            "imported": _now(),
            "language": None,
            "extracted": extracted,
            "overrides": dict(existing.get("overrides", {})) if existing else {},
        }
        doc.update(_effective(doc))
        pending.append(Change(ARTICLES, key, existing, doc))
        if existing is None:
            report.added.append((origin, key))
            return
        report.updated.append((origin, key))
        for annotation_id in sorted(self._by_article.get(key, ())):
            before = self._doc(ANNOTATIONS, annotation_id)
            assert before is not None
            anchor = anchoring.reanchor(
                cleaned.text, before["quote"], before["prefix"], before["suffix"], before["start"]
            )
            after = dict(before)
            if anchor.found:
                prefix, suffix = anchoring.context(cleaned.text, anchor.start, anchor.end)
                after.update(start=anchor.start, end=anchor.end, prefix=prefix, suffix=suffix, orphaned=False)
            else:
                after.update(orphaned=True)
                report.orphaned += 1
            if after != before:
                pending_annotations.append(Change(ANNOTATIONS, annotation_id, before, after))

    # ------------------------------------------------------------------ entities

    @_needs_annotations
    def entities(self) -> list[Entity]:
        """All entities, by type then name."""
        return sorted(self._entities.values(), key=lambda e: (e.type, e.name.casefold()))

    @_needs_annotations
    def entity(self, entity_id: str) -> Entity:
        """One entity by id. Raises ``KeyError`` if there is none."""
        return self._entities[entity_id]

    @_needs_annotations
    def find_entity(self, name: str) -> Entity | None:
        """The entity whose name or an alias equals ``name`` (ignoring case), if any."""
        key = self._entity_names.get(_name_key(name))
        return self._entities.get(key) if key is not None else None

    @_needs_annotations
    def match_entities(self, query: str, limit: int = 20) -> list[tuple[Entity, str]]:
        """Entities whose name or alias fuzzy-matches ``query``, best first, with the matching name."""
        scored: list[tuple[float, str, Entity]] = []
        for entity in self._entities.values():
            best = best_name(query, entity.names())
            if best is not None:
                scored.append((best[0] + 0.01 * len(self._by_entity.get(entity.id, ())), best[1], entity))
        scored.sort(key=lambda item: (-item[0], item[2].name.casefold()))
        return [(entity, name) for _, name, entity in scored[:limit]]

    @_needs_annotations
    def entity_types(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """Entity id → type for the given ids (unknown ids are left out)."""
        return {key: self._entities[key].type for key in entity_ids if key in self._entities}

    @_needs_annotations
    def mention_count(self, entity_id: str, *, exclude_article: str | None = None) -> int:
        """How many annotations link to the entity.

        With ``exclude_article``: those outside it and not orphaned, as :meth:`mention_contexts` lists.
        """
        keys = self._by_entity.get(entity_id, ())
        if exclude_article is None:
            return len(keys)
        docs = self._annotation_docs
        return sum(1 for k in keys if docs[k]["article_id"] != exclude_article and not docs[k].get("orphaned"))

    def _entity_changes(
        self,
        entity: str | None,
        entity_type: str | None,
        quote: str,
        pending: dict[str, dict[str, Any]] | None = None,
    ) -> tuple[str | None, list[Change]]:
        """Resolve ``entity`` (an id or a name) to an id, creating it or adding an alias.

        ``pending`` holds entity documents already changed earlier in the same changeset (by id,
        and by name under a prefixed key), so a batch sees its own new entities and aliases, and
        each change starts where the last one left off (which is what lets undo restore the
        state exactly).
        """
        if entity is None:
            return None, []
        pending = {} if pending is None else pending
        found = self._resolve_entity_doc(entity, pending)
        if found is None:
            name = sanitize_line(entity)
            if not name:
                raise ValueError("an entity needs a name")
            if not entity_type:
                raise ValueError(f"entity {name!r} does not exist yet: give its type to create it")
            new_id = _new_id("e")
            kind = sanitize_line(entity_type).upper()
            aliases = [quote] if quote and quote.casefold() != name.casefold() else []
            doc = {"id": new_id, "name": name, "type": kind, "aliases": aliases, "note": "", "created": _now()}
            _remember_pending(pending, doc)
            return new_id, [Change(ENTITIES, new_id, None, doc)]
        names = [found["name"], *found.get("aliases", [])]
        if quote and len(quote) <= 120 and not any(n.casefold() == quote.casefold() for n in names):
            after = {**found, "aliases": [*found.get("aliases", []), quote]}
            _remember_pending(pending, after)
            return found["id"], [Change(ENTITIES, found["id"], found, after)]
        return found["id"], []

    def _resolve_entity_doc(self, entity: str, pending: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
        """The current document of the entity with this id, name or alias, if there is one."""
        if entity in pending:
            return pending[entity]
        if entity in self._entities:
            return self._doc(ENTITIES, entity)
        batch_key = pending.get(_PENDING_NAME + _name_key(entity))
        if batch_key is not None:
            return pending[batch_key["id"]]
        existing = self.find_entity(entity)
        if existing is None:
            return None
        return pending.get(existing.id) or self._doc(ENTITIES, existing.id)

    # ------------------------------------------------------------------ annotations

    @_needs_annotations
    def annotations(self, article_id: str | None = None) -> list[Annotation]:
        """Annotations of one article (or of all), in text order."""
        keys = self._annotation_docs if article_id is None else self._by_article.get(article_id, ())
        return sorted((self._record(key) for key in keys), key=lambda a: (a.article_id, a.start, -a.end, a.id))

    @_needs_annotations
    def annotation(self, annotation_id: str) -> Annotation:
        """One annotation by id. Raises ``KeyError`` if there is none."""
        return self._record(annotation_id)

    @_needs_annotations
    def labels(self) -> list[str]:
        """Every passage label in use, most used first: completion for the label prompt."""
        counts: dict[str, int] = defaultdict(int)
        for doc in self._annotation_docs.values():
            for label in doc.get("labels", ()):
                counts[label] += 1
        return sorted(counts, key=lambda label: (-counts[label], label.casefold()))

    @_needs_annotations
    def annotate(
        self,
        article_id: str,
        start: int,
        end: int,
        *,
        entity: str | None = None,
        entity_type: str | None = None,
        labels: Iterable[str] = (),
        note: str = "",
        status: str = "accepted",
    ) -> Annotation:
        """Tag [start, end) of an article, saved durably before this returns (undoable).

        With ``entity`` (an entity id, or a name or alias of an existing entity, or the name of a
        new one together with ``entity_type``) the span becomes an entity mention; a quote that
        is not yet a name of the entity is added to its aliases. Without it, a passage with
        ``labels`` and ``note``.
        """
        article = self._articles.get(article_id)
        if article is None:
            raise KeyError(article_id)
        if not 0 <= start < end <= len(article.text):
            raise ValueError(f"span {start}-{end} is outside the article (0-{len(article.text)}) or empty")
        quote = article.text[start:end]
        entity_id, changes = self._entity_changes(entity, entity_type, quote)
        doc = self._annotation_doc(article, start, end, entity_id, {"labels": labels, "note": note, "status": status})
        key = doc["id"]
        changes.append(Change(ANNOTATIONS, key, None, doc))
        label = f"tag {quote[:30]!r}" if entity_id else f"mark passage {quote[:30]!r}"
        self._commit(Changeset(label, tuple(changes)))
        return self._record(key)

    @_needs_annotations
    def annotate_many(self, items: Iterable[dict[str, Any]], *, label: str = "tag many") -> list[Annotation]:
        """Create many annotations as one change: one durable write, one undo step.

        Each item takes the keyword arguments of :meth:`annotate` plus ``article_id``, ``start``
        and ``end``. This is how a bulk action ("tag every mention of the CSTO") stays one
        undoable step, and how large stores are built quickly.
        """
        changes: list[Change] = []
        keys: list[str] = []
        pending: dict[str, dict[str, Any]] = {}
        for item in items:
            spec = dict(item)
            article = self._articles[spec.pop("article_id")]
            start, end = spec.pop("start"), spec.pop("end")
            if not 0 <= start < end <= len(article.text):
                raise ValueError(f"span {start}-{end} is outside article {article.id} or empty")
            entity_id, entity_changes = self._entity_changes(
                spec.get("entity"), spec.get("entity_type"), article.text[start:end], pending
            )
            changes.extend(entity_changes)
            doc = self._annotation_doc(article, start, end, entity_id, spec)
            keys.append(doc["id"])
            changes.append(Change(ANNOTATIONS, doc["id"], None, doc))
        self._commit(Changeset(label, tuple(changes)))
        return [self._record(key) for key in keys]

    def _annotation_doc(
        self, article: Article, start: int, end: int, entity_id: str | None, spec: dict[str, Any]
    ) -> dict[str, Any]:
        """A new annotation document for [start, end) of ``article``."""
        status = spec.get("status", "accepted")
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        prefix, suffix = anchoring.context(article.text, start, end)
        stamp = _now()
        return {
            "id": _new_id("a"),
            "article_id": article.id,
            "start": start,
            "end": end,
            "quote": article.text[start:end],
            "prefix": prefix,
            "suffix": suffix,
            "kind": "entity" if entity_id else "passage",
            "entity_id": entity_id,
            "labels": _clean_labels(spec.get("labels", ())),
            "note": sanitize_text(spec.get("note", "")).strip(),
            "status": status,
            "author": self.user,
            "created": stamp,
            "updated": stamp,
            "orphaned": False,
        }

    @_needs_annotations
    def update_annotation(
        self,
        annotation_id: str,
        *,
        start: int = _UNSET,
        end: int = _UNSET,
        entity: str | None = _UNSET,
        entity_type: str | None = None,
        labels: Iterable[str] = _UNSET,
        note: str = _UNSET,
        status: str = _UNSET,
    ) -> Annotation:
        """Change an annotation's span, entity, labels, note or status (undoable).

        Only the arguments given are changed. ``entity=None`` turns a mention into a passage.
        """
        before = self._doc(ANNOTATIONS, annotation_id)
        if before is None:
            raise KeyError(annotation_id)
        after = dict(before)
        article = self._articles[before["article_id"]]
        if start is not _UNSET or end is not _UNSET:
            new_start = before["start"] if start is _UNSET else start
            new_end = before["end"] if end is _UNSET else end
            if not 0 <= new_start < new_end <= len(article.text):
                raise ValueError(f"span {new_start}-{new_end} is outside the article or empty")
            prefix, suffix = anchoring.context(article.text, new_start, new_end)
            after.update(
                start=new_start,
                end=new_end,
                quote=article.text[new_start:new_end],
                prefix=prefix,
                suffix=suffix,
                orphaned=False,
            )
        changes: list[Change] = []
        if entity is not _UNSET:
            entity_id, changes = self._entity_changes(entity, entity_type, after["quote"])
            after.update(entity_id=entity_id, kind="entity" if entity_id else "passage")
        if labels is not _UNSET:
            after["labels"] = _clean_labels(labels)
        if note is not _UNSET:
            after["note"] = sanitize_text(note).strip()
        if status is not _UNSET:
            if status not in STATUSES:
                raise ValueError(f"status must be one of {', '.join(STATUSES)}")
            after["status"] = status
        if after == before and not changes:
            return self._record(annotation_id)
        after["updated"] = _now()
        changes.append(Change(ANNOTATIONS, annotation_id, before, after))
        self._commit(Changeset(f"edit {before['quote'][:30]!r}", tuple(changes)))
        return self._record(annotation_id)

    @_needs_annotations
    def remove_annotation(self, annotation_id: str) -> None:
        """Delete an annotation (undoable). Its entity stays in the dictionary."""
        before = self._doc(ANNOTATIONS, annotation_id)
        if before is None:
            raise KeyError(annotation_id)
        change = Change(ANNOTATIONS, annotation_id, before, None)
        self._commit(Changeset(f"delete {before['quote'][:30]!r}", (change,)))

    # ------------------------------------------------------------------ cross-references

    @_needs_annotations
    def mentions(self, entity_id: str) -> list[Annotation]:
        """Every annotation linked to the entity, by article then position."""
        found = (self._record(key) for key in self._by_entity.get(entity_id, ()))
        return sorted(found, key=lambda a: (a.article_id, a.start))

    @_needs_annotations
    def mention_contexts(
        self, entity_id: str, *, exclude_article: str | None = None, limit: int | None = None
    ) -> list[Mention]:
        """Mentions of the entity with the sentence each sits in, newest articles first.

        With ``limit``, only the first ``limit`` mentions get their sentence looked up, so a
        list of an entity with thousands of mentions costs what the screen can show.
        """
        with self._articles_lock:
            self._ordered_articles()  # makes sure the article ranks are current
            rank = self._article_rank
        keys = [
            key
            for key in self._by_entity.get(entity_id, ())
            if self._annotation_docs[key]["article_id"] != exclude_article
            and not self._annotation_docs[key].get("orphaned")
            and self._annotation_docs[key]["article_id"] in rank
        ]
        keys.sort(key=lambda k: (rank[self._annotation_docs[k]["article_id"]], self._annotation_docs[k]["start"]))
        result: list[Mention] = []
        for key in keys[:limit]:
            annotation = self._record(key)
            article = self._articles[annotation.article_id]
            start, end = textunits.sentence_at(article.text, annotation.start)
            result.append(Mention(annotation, article, article.text[start:end], start))
        return result

    @_needs_annotations
    def article_entities(self, article_id: str) -> dict[str, int]:
        """Entity id → number of mentions in the article."""
        counts: dict[str, int] = defaultdict(int)
        for key in self._by_article.get(article_id, ()):
            doc = self._annotation_docs[key]
            entity_id = doc.get("entity_id")
            if entity_id and not doc.get("orphaned") and doc.get("status") != "rejected":
                counts[entity_id] += 1
        return dict(counts)

    def _articles_of_entity(self, entity_id: str) -> set[str]:
        return {self._annotation_docs[key]["article_id"] for key in self._by_entity.get(entity_id, ())}

    @_needs_annotations
    def related(self, article_id: str, limit: int = 10) -> list[tuple[Article, float]]:
        """Articles sharing entities with this one, best first.

        Each shared entity adds its inverse document frequency, so sharing a rare entity (a
        named treaty) counts for more than sharing a ubiquitous one (Russia).
        """
        total = max(len(self._articles), 1)
        scores: dict[str, float] = defaultdict(float)
        for entity_id in self.article_entities(article_id):
            others = self._articles_of_entity(entity_id)
            weight = math.log(1 + total / max(len(others), 1))
            for other in others:
                if other != article_id and other in self._articles:
                    scores[other] += weight
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return [(self._articles[key], round(score, 4)) for key, score in ranked]

    @_needs_annotations
    def shared_entities(self, article_id: str, other_id: str) -> list[Entity]:
        """The entities two articles both mention: why they are related."""
        shared = set(self.article_entities(article_id)) & set(self.article_entities(other_id))
        return sorted((self._entities[e] for e in shared if e in self._entities), key=lambda e: e.name.casefold())

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search: every word (and quoted phrase) must occur; the last word may be a prefix."""
        return self.search_index().search(query, limit)

    def search_index(self) -> SearchIndex:
        """The full-text index, built on first use from the articles in memory.

        It is not built when the store opens, so the first screen never waits for it; the app
        warms it up in a background thread right after its first frame.
        """
        with self._articles_lock:
            if self._search is None:
                index = SearchIndex()
                for key, article in self._articles.items():
                    index.add(key, article.title, article.text)
                self._search = index
            return self._search


def _clean_labels(labels: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for label in labels:
        cleaned = sanitize_line(label)
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return seen


def _name_key(name: str) -> str:
    """How entity names are compared: spacing, case and accents do not matter."""
    return fold(" ".join(name.split()))


#: Prefix of the name keys in a batch's pending-entity map (ids never start with it).
_PENDING_NAME = "\x00name:"


def _remember_pending(pending: dict[str, dict[str, Any]], doc: dict[str, Any]) -> None:
    """Record an entity document changed in the current batch, findable by id and by name."""
    pending[doc["id"]] = doc
    for name in [doc["name"], *doc.get("aliases", [])]:
        pending.setdefault(_PENDING_NAME + _name_key(name), {"id": doc["id"]})

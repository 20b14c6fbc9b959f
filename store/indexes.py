"""The store in memory: stored documents, the records made from them, and their indexes.

One copy of each stored document, the frozen records made from it on demand, and the indexes
that answer the app's questions quickly.

Everything here changes only through :meth:`Indexes.load` (a whole table read from the backend)
and :meth:`Indexes.apply` (one saved change, whoever made it), so memory can never drift from
what is stored. Stored documents are shared with the backend and never mutated in place: a
change always brings a new document.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable

from store import codec
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, TABLES, Change, Doc
from store.listing import sort_key
from store.models import REJECTED, Annotation, Article, Entity
from store.search_index import SearchIndex


class Indexes:
    """Records and indexes of one open store."""

    def __init__(self) -> None:
        self.docs: dict[str, dict[str, Doc]] = {table: {} for table in TABLES}
        self.articles: dict[str, Article] = {}
        self.entities: dict[str, Entity] = {}
        self.by_article: dict[str, set[str]] = defaultdict(set)
        self.by_entity: dict[str, set[str]] = defaultdict(set)
        #: The rejected suggestions among each article's annotations (also in ``by_article``).
        self.rejected: dict[str, set[str]] = defaultdict(set)
        self.by_origin: dict[str, str] = {}
        self.entity_names: dict[str, str] = {}
        # Annotation records are made on demand: a store may hold 100,000 of them.
        self._annotation_records: dict[str, Annotation] = {}
        self._article_order: list[Article] | None = None
        self._article_rank: dict[str, int] = {}
        self._search: SearchIndex | None = None
        #: Article ids changed while the search index was being built (replayed into it after).
        self._changed_while_building: list[str] | None = None
        #: Guards everything here. Writers (the app's store thread, an import thread) hold it
        #: only while applying a saved change, readers (the UI) while answering one question;
        #: never across disk I/O or a wait for another process, so no key waits on it.
        self.lock = threading.RLock()
        #: What a search's filters found (:mod:`store.query_memory`), kept until anything changes:
        #: a query typed letter by letter asks its filters again at each key.
        self.filter_cache: dict[object, object] = {}

    # ------------------------------------------------------------------ changing

    def load(self, table: str, docs: dict[str, Doc]) -> None:
        """Replace a whole table (a fresh load): bulk indexing, nothing to remove first."""
        with self.lock:
            self._load(table, docs)

    def _load(self, table: str, docs: dict[str, Doc]) -> None:
        self.filter_cache.clear()
        self.docs[table] = docs
        if table == ARTICLES:
            with self.lock:
                self.articles.clear()
                self.by_origin.clear()
                self._search = None
                self._article_order = None
                for key, doc in docs.items():
                    self._index_article(key, None, doc)
        elif table == ENTITIES:
            self.entities.clear()
            self.entity_names.clear()
            for key, doc in docs.items():
                self._index_entity(key, None, doc)
        else:
            self._annotation_records.clear()
            by_article: dict[str, set[str]] = defaultdict(set)
            by_entity: dict[str, set[str]] = defaultdict(set)
            rejected: dict[str, set[str]] = defaultdict(set)
            for key, doc in docs.items():
                by_article[doc["article_id"]].add(key)
                if doc.get("entity_id"):
                    by_entity[doc["entity_id"]].add(key)
                if doc.get("status") == REJECTED:
                    rejected[doc["article_id"]].add(key)
            self.by_article, self.by_entity, self.rejected = by_article, by_entity, rejected

    def apply(self, changes: Iterable[Change]) -> None:
        """Bring memory in line with saved changes (this process's or another's)."""
        with self.lock:
            self._apply(changes)

    def _apply(self, changes: Iterable[Change]) -> None:
        self.filter_cache.clear()
        for change in changes:
            table = self.docs[change.table]
            old = table.pop(change.key, None)
            if change.after is not None:
                table[change.key] = change.after
            if change.table == ARTICLES:
                with self.lock:
                    self._index_article(change.key, old, change.after)
            elif change.table == ENTITIES:
                self._index_entity(change.key, old, change.after)
            else:
                self._index_annotation(change.key, old, change.after)

    def _index_article(self, key: str, old: Doc | None, doc: Doc | None) -> None:
        self._article_order = None
        previous = self.articles.pop(key, None)
        if previous is not None and self.by_origin.get(previous.origin) == key:
            del self.by_origin[previous.origin]
        article = codec.article_record(doc) if doc is not None else None
        if article is not None:
            self.articles[key] = article
            if article.origin:
                self.by_origin[article.origin] = key
        if self._changed_while_building is not None:
            self._changed_while_building.append(key)
        if self._search is not None and old is not None:
            self._search.remove(key)
        if self._search is not None and article is not None:
            self._search.add(key, article.title, article.text)

    def _index_entity(self, key: str, old: Doc | None, doc: Doc | None) -> None:
        previous = self.entities.pop(key, None)
        if previous is not None:
            for name in previous.names():
                if self.entity_names.get(codec.name_key(name)) == key:
                    del self.entity_names[codec.name_key(name)]
        if doc is not None:
            entity = codec.entity_record(doc)
            self.entities[key] = entity
            for name in entity.names():
                self.entity_names.setdefault(codec.name_key(name), key)

    def _index_annotation(self, key: str, old: Doc | None, doc: Doc | None) -> None:
        self._annotation_records.pop(key, None)
        if old is not None:
            self.by_article[old["article_id"]].discard(key)
            if old.get("entity_id"):
                self.by_entity[old["entity_id"]].discard(key)
            self.rejected[old["article_id"]].discard(key)
        if doc is not None:
            self.by_article[doc["article_id"]].add(key)
            if doc.get("entity_id"):
                self.by_entity[doc["entity_id"]].add(key)
            if doc.get("status") == REJECTED:
                self.rejected[doc["article_id"]].add(key)

    # ------------------------------------------------------------------ reading

    def doc(self, table: str, key: str) -> Doc | None:
        """The stored document (shared: never mutate it)."""
        return self.docs[table].get(key)

    def annotation(self, key: str) -> Annotation:
        """The record of an annotation, made from its document on first use."""
        record = self._annotation_records.get(key)
        if record is None:
            record = self._annotation_records[key] = codec.annotation_record(self.docs[ANNOTATIONS][key])
        return record

    def entity_key(self, name: str) -> str | None:
        """The id of the entity with this name or alias (compared by :func:`codec.name_key`)."""
        return self.entity_names.get(codec.name_key(name))

    def ordered_articles(self) -> list[Article]:
        """Articles newest first, undated last, then by title; recomputed only after a change."""
        with self.lock:
            if self._article_order is None:
                self._article_order = sorted(self.articles.values(), key=sort_key)
                self._article_rank = {a.id: rank for rank, a in enumerate(self._article_order)}
            return self._article_order

    def article_rank(self) -> dict[str, int]:
        """Position of each article in :meth:`ordered_articles`."""
        with self.lock:
            self.ordered_articles()
            return self._article_rank

    def search_index(self) -> SearchIndex:
        """The full-text index, built on first use (the app warms it in a thread).

        It is built from a snapshot of the articles *outside* the lock (it takes seconds on a
        big corpus, and the UI must go on reading meanwhile); articles changed during the build
        are replayed into it before it is put in place.
        """
        with self.lock:
            if self._search is not None:
                return self._search
            if self._changed_while_building is None:
                self._changed_while_building = []
            snapshot = list(self.articles.items())
        index = SearchIndex()
        for key, article in snapshot:
            index.add(key, article.title, article.text)
        with self.lock:
            if self._search is None:
                for key in dict.fromkeys(self._changed_while_building or []):
                    index.remove(key)
                    if key in self.articles:
                        index.add(key, self.articles[key].title, self.articles[key].text)
                self._search = index
                self._changed_while_building = None
            return self._search

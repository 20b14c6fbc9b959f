"""The view of a store whose documents are all in memory (the folder and in-memory stores).

Every question is answered from :class:`~store.indexes.Indexes` without a backend call, so no
question ever waits on another process; cross-references come from :mod:`store.xrefs` and full
text from :class:`~store.search_index.SearchIndex`.
"""

from __future__ import annotations

from collections.abc import Iterable

from store import query_memory, xrefs
from store.changes import ANNOTATIONS, Change, Doc
from store.fuzzy import best_name
from store.indexes import Indexes
from store.listing import ArticleListing, MemoryListing
from store.models import REJECTED, Annotation, Article, Entity, Mention, SearchHit
from store.query_language import Node
from store.search_index import SearchIndex
from store.view import View
from store.vocabulary import SoundIndex


class MemoryView(View):
    """Questions answered from the in-memory indexes."""

    holds_corpus = True

    def __init__(self) -> None:
        self.indexes = Indexes()
        self.lock = self.indexes.lock
        self._sound = SoundIndex()
        self._sound_of: SearchIndex | None = None  # the full-text index ``_sound`` follows

    def load(self, table: str, docs: dict[str, Doc]) -> None:
        """Index a whole table (the store loads each at opening)."""
        self.indexes.load(table, docs)

    def apply(self, changes: Iterable[Change]) -> None:
        """Apply a saved change to the indexes."""
        self.indexes.apply(changes)

    def warm(self) -> None:
        """Build the search index (seconds on a big corpus; the app does it in a thread)."""
        self.indexes.search_index()

    # ------------------------------------------------------------------ planners' lookups

    def doc(self, table: str, key: str) -> Doc | None:
        """From the one copy kept in memory."""
        return self.indexes.doc(table, key)

    def has(self, table: str, key: str) -> bool:
        """A dictionary lookup."""
        return key in self.indexes.docs[table]

    def entity_key(self, name: str) -> str | None:
        """From the table of names and aliases."""
        return self.indexes.entity_key(name)

    def article_key_for_origin(self, origin: str) -> str | None:
        """From the table of origins."""
        return self.indexes.by_origin.get(origin)

    def annotation_keys(self, article_id: str) -> set[str]:
        """A copy of the article's index entry."""
        return set(self.indexes.by_article.get(article_id, ()))

    def mention_keys(self, entity_id: str) -> set[str]:
        """A copy of the entity's index entry."""
        return set(self.indexes.by_entity.get(entity_id, ()))

    # ------------------------------------------------------------------ questions

    def count(self) -> int:
        """Articles held."""
        return len(self.indexes.articles)

    def articles(self) -> list[Article]:
        """The sorted list kept until the next change of an article."""
        return list(self.indexes.ordered_articles())

    def listing(self, query: str, with_counts: bool) -> ArticleListing:
        """A listing over the sorted articles."""
        counts = self.annotation_counts() if with_counts else {}
        return MemoryListing(self.indexes.ordered_articles(), counts, query)

    def article(self, article_id: str) -> Article:
        """The record kept for the article."""
        return self.indexes.articles[article_id]

    def annotation_count(self, article_id: str) -> int:
        """Size of the article's index entry, its rejected suggestions left out."""
        return len(self.indexes.by_article.get(article_id, ())) - len(self.indexes.rejected.get(article_id, ()))

    def annotation_counts(self) -> dict[str, int]:
        """Sizes of the index entries, rejected suggestions left out."""
        rejected = self.indexes.rejected
        counts = {key: len(ids) - len(rejected.get(key, ())) for key, ids in self.indexes.by_article.items()}
        return {key: count for key, count in counts.items() if count}

    def entities(self) -> list[Entity]:
        """Every entity record, sorted."""
        return sorted(self.indexes.entities.values(), key=lambda e: (e.type, e.name.casefold()))

    def entity(self, entity_id: str) -> Entity:
        """The record kept for the entity."""
        return self.indexes.entities[entity_id]

    def match_entities(self, query: str, limit: int) -> list[tuple[Entity, str]]:
        """Every entity scored (:func:`store.fuzzy.best_name`), used ones a little higher."""
        scored: list[tuple[float, str, Entity]] = []
        for entity in self.indexes.entities.values():
            best = best_name(query, entity.names())
            if best is not None:
                scored.append((best[0] + 0.01 * len(self.indexes.by_entity.get(entity.id, ())), best[1], entity))
        scored.sort(key=lambda item: (-item[0], item[2].name.casefold(), item[2].id))
        return [(entity, name) for _, name, entity in scored[:limit]]

    def entity_types(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """Looked up one by one."""
        entities = self.indexes.entities
        return {key: entities[key].type for key in entity_ids if key in entities}

    def annotations(self, article_id: str | None) -> list[Annotation]:
        """Records made on demand from the documents, sorted."""
        if article_id is None:
            keys: Iterable[str] = self.indexes.docs[ANNOTATIONS]
        else:
            keys = self.indexes.by_article.get(article_id, set()) - self.indexes.rejected.get(article_id, set())
        found = (self.indexes.annotation(key) for key in keys)
        return sorted(found, key=lambda a: (a.article_id, a.start, -a.end, a.id))

    def linked(self) -> dict[str, dict[str, Doc]]:
        """One pass over the annotations' documents."""
        return {key: doc["links"] for key, doc in self.indexes.docs[ANNOTATIONS].items() if doc.get("links")}

    def passages(self) -> list[Annotation]:
        """One pass over the annotations' documents."""
        docs = self.indexes.docs[ANNOTATIONS]
        keys = [key for key, doc in docs.items() if not doc.get("entity_id") and doc.get("status") != REJECTED]
        return [self.indexes.annotation(key) for key in keys]

    def decided_spans(self, article_ids: list[str]) -> dict[str, list[tuple[int, int]]]:
        """From the documents of each article's annotations."""
        docs = self.indexes.docs[ANNOTATIONS]
        spans: dict[str, list[tuple[int, int]]] = {}
        for article_id in article_ids:
            for key in self.indexes.by_article.get(article_id, ()):
                doc = docs[key]
                if doc.get("entity_id") or doc.get("status") == REJECTED:
                    spans.setdefault(article_id, []).append((doc["start"], doc["end"]))
        return spans

    def rejections(self, article_id: str) -> list[Annotation]:
        """From the article's index of rejected suggestions."""
        found = (self.indexes.annotation(key) for key in self.indexes.rejected.get(article_id, ()))
        return sorted(found, key=lambda a: (a.start, -a.end, a.id))

    def annotation(self, annotation_id: str) -> Annotation:
        """The record made from the document."""
        return self.indexes.annotation(annotation_id)

    def label_counts(self) -> dict[str, int]:
        """One pass over the annotations."""
        counts: dict[str, int] = {}
        for doc in self.indexes.docs[ANNOTATIONS].values():
            for label in doc.get("labels", ()):
                counts[label] = counts.get(label, 0) + 1
        return counts

    def mentions(self, entity_id: str) -> list[Annotation]:
        """The entity's index entry as records."""
        found = (self.indexes.annotation(key) for key in self.indexes.by_entity.get(entity_id, ()))
        return sorted(found, key=lambda a: (a.article_id, a.start, a.id))

    def mention_contexts(self, entity_id: str, exclude_article: str | None, limit: int | None) -> list[Mention]:
        """See :func:`store.xrefs.mention_contexts`."""
        return xrefs.mention_contexts(self.indexes, entity_id, exclude_article=exclude_article, limit=limit)

    def mention_count(self, entity_id: str, exclude_article: str | None) -> int:
        """See :func:`store.xrefs.mention_count`."""
        return xrefs.mention_count(self.indexes, entity_id, exclude_article=exclude_article)

    def article_entities(self, article_id: str) -> dict[str, int]:
        """See :func:`store.xrefs.article_entities`."""
        return xrefs.article_entities(self.indexes, article_id)

    def related(self, article_id: str, limit: int) -> list[tuple[Article, float]]:
        """See :func:`store.xrefs.related`."""
        return xrefs.related(self.indexes, article_id, limit)

    def in_list_order(self, article_ids: Iterable[str]) -> list[str]:
        """Sorted by the list's ranks."""
        rank = self.indexes.article_rank()
        return sorted((key for key in set(article_ids) if key in rank), key=rank.__getitem__)

    def articles_of(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """The records kept in memory."""
        articles = self.indexes.articles
        return {key: articles[key] for key in article_ids if key in articles}

    def words_with_keys(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """From the sound index, first brought up to date with the full-text index's new words."""
        index = self.indexes.search_index()
        with self.lock:
            if self._sound_of is not index:  # the full-text index was rebuilt: so is this
                self._sound, self._sound_of = SoundIndex(), index
            self._sound.take(index.terms_from(self._sound.taken))
            return self._sound.words(keys)

    def articles_with_words(self, groups: list[list[set[str]]]) -> set[str]:
        """From the full-text index's postings."""
        return self.indexes.search_index().articles_with(groups)

    def document_frequencies(self, words: list[str]) -> dict[str, int]:
        """From the full-text index's counts."""
        index = self.indexes.search_index()
        with self.lock:
            return {word: index.frequency(word) for word in words}

    def search(self, query: Node, limit: int) -> list[SearchHit]:
        """From the in-memory inverted index and tags (:mod:`store.query_memory`)."""
        return query_memory.search(self.indexes, query, limit)

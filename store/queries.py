"""The store's questions: everything a caller can ask without changing anything.

:class:`StoreQueries` answers from the in-memory :class:`~store.indexes.Indexes` (no backend
call, so no question ever waits on another process); :class:`~store.store.Store` adds the
changes on top. Records handed out are frozen copies, never stored documents.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from store import xrefs
from store.changes import ANNOTATIONS
from store.fuzzy import best_name
from store.indexes import Indexes
from store.listing import ArticleListing, MemoryListing
from store.models import Annotation, Article, Entity, Mention, SearchHit
from store.sanitize import neutralize
from store.search_index import SearchIndex

F = TypeVar("F", bound=Callable[..., Any])


def reads(method: F) -> F:
    """Mark a question: it runs under the indexes' lock, so a change never lands half-way.

    The lock is only ever held for moments (see :class:`~store.indexes.Indexes`), so the UI
    thread may ask while another thread saves.
    """

    @functools.wraps(method)
    def wrapper(self: StoreQueries, *args: Any, **kwargs: Any) -> Any:
        with self.indexes.lock:
            return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def needs_annotations(method: F) -> F:
    """Mark a method that reads or writes annotations or entities: they are loaded first.

    A store opened with ``defer_annotations=True`` shows its corpus before the annotations
    (the larger part) are read; whatever needs them loads them on first use.
    """

    @functools.wraps(method)
    def wrapper(self: StoreQueries, *args: Any, **kwargs: Any) -> Any:
        if not self.annotations_loaded:
            self.finish_loading()
        return method(self, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


def question(method: F) -> F:
    """A question about annotations or entities: loaded first, then asked under the lock."""
    return needs_annotations(reads(method))


class StoreQueries:
    """Read-only questions over a store's indexes."""

    indexes: Indexes

    @property
    def annotations_loaded(self) -> bool:
        """False until deferred annotations and entities have been read."""
        raise NotImplementedError

    def finish_loading(self) -> None:
        """Load what was deferred (see :class:`~store.store.Store`)."""
        raise NotImplementedError

    @reads
    def articles(self) -> list[Article]:
        """All articles, newest publication first, undated ones last, then by title."""
        return list(self.indexes.ordered_articles())

    @reads
    def listing(self, query: str = "") -> ArticleListing:
        """The document list: rows in the list's order, filtered by ``query`` (see :mod:`store.listing`).

        Tag counts are included once annotations are loaded (0 before).
        """
        counts = self.annotation_counts() if self.annotations_loaded else {}
        return MemoryListing(self.indexes.ordered_articles(), counts, query)

    @reads
    def article(self, article_id: str) -> Article:
        """One article by id. Raises ``KeyError`` if there is none."""
        return self.indexes.articles[article_id]

    @reads
    def __len__(self) -> int:
        return len(self.indexes.articles)

    @question
    def annotation_count(self, article_id: str) -> int:
        """Number of annotations of one article."""
        return len(self.indexes.by_article.get(article_id, ()))

    @question
    def annotation_counts(self) -> dict[str, int]:
        """Number of annotations per article id (articles without any are absent)."""
        return {key: len(ids) for key, ids in self.indexes.by_article.items() if ids}

    @question
    def entities(self) -> list[Entity]:
        """All entities, by type then name."""
        return sorted(self.indexes.entities.values(), key=lambda e: (e.type, e.name.casefold()))

    @question
    def entity(self, entity_id: str) -> Entity:
        """One entity by id. Raises ``KeyError`` if there is none."""
        return self.indexes.entities[entity_id]

    @question
    def find_entity(self, name: str) -> Entity | None:
        """The entity whose name or an alias equals ``name`` (ignoring case and accents), if any."""
        key = self.indexes.entity_key(name)
        return self.indexes.entities.get(key) if key is not None else None

    @question
    def match_entities(self, query: str, limit: int = 20) -> list[tuple[Entity, str]]:
        """Entities whose name or alias fuzzy-matches ``query``, best first, with the matching name."""
        scored: list[tuple[float, str, Entity]] = []
        for entity in self.indexes.entities.values():
            best = best_name(query, entity.names())
            if best is not None:
                scored.append((best[0] + 0.01 * len(self.indexes.by_entity.get(entity.id, ())), best[1], entity))
        scored.sort(key=lambda item: (-item[0], item[2].name.casefold()))
        return [(entity, name) for _, name, entity in scored[:limit]]

    @question
    def entity_types(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """Entity id → type for the given ids (unknown ids are left out)."""
        return {key: self.indexes.entities[key].type for key in entity_ids if key in self.indexes.entities}

    @question
    def annotations(self, article_id: str | None = None) -> list[Annotation]:
        """Annotations of one article (or of all), in text order."""
        docs = self.indexes.docs[ANNOTATIONS]
        keys = docs if article_id is None else self.indexes.by_article.get(article_id, ())
        found = (self.indexes.annotation(key) for key in keys)
        return sorted(found, key=lambda a: (a.article_id, a.start, -a.end, a.id))

    @question
    def annotation(self, annotation_id: str) -> Annotation:
        """One annotation by id. Raises ``KeyError`` if there is none."""
        return self.indexes.annotation(annotation_id)

    @question
    def labels(self) -> list[str]:
        """Every passage label in use, most used first (completion for the label prompt)."""
        raw: dict[str, int] = {}
        for doc in self.indexes.docs[ANNOTATIONS].values():
            for label in doc.get("labels", ()):
                raw[label] = raw.get(label, 0) + 1
        counts: dict[str, int] = {}
        for label, count in raw.items():  # labels come from a file: shown, never obeyed
            safe = neutralize(label)
            counts[safe] = counts.get(safe, 0) + count
        return sorted(counts, key=lambda label: (-counts[label], label.casefold()))

    @question
    def mentions(self, entity_id: str) -> list[Annotation]:
        """Every annotation linked to the entity, by article then position."""
        found = (self.indexes.annotation(key) for key in self.indexes.by_entity.get(entity_id, ()))
        return sorted(found, key=lambda a: (a.article_id, a.start))

    @question
    def mention_contexts(
        self, entity_id: str, *, exclude_article: str | None = None, limit: int | None = None
    ) -> list[Mention]:
        """Mentions of the entity with their sentences, newest articles first (see :mod:`store.xrefs`)."""
        return xrefs.mention_contexts(self.indexes, entity_id, exclude_article=exclude_article, limit=limit)

    @question
    def mention_count(self, entity_id: str, *, exclude_article: str | None = None) -> int:
        """How many annotations link to the entity (outside ``exclude_article``, live ones)."""
        return xrefs.mention_count(self.indexes, entity_id, exclude_article=exclude_article)

    @question
    def article_entities(self, article_id: str) -> dict[str, int]:
        """Entity id → number of mentions in the article."""
        return xrefs.article_entities(self.indexes, article_id)

    @question
    def related(self, article_id: str, limit: int = 10) -> list[tuple[Article, float]]:
        """Articles sharing entities with this one, best first (rare entities count more)."""
        return xrefs.related(self.indexes, article_id, limit)

    @question
    def shared_entities(self, article_id: str, other_id: str) -> list[Entity]:
        """The entities two articles both mention: why they are related."""
        return xrefs.shared_entities(self.indexes, article_id, other_id)

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search: every word (and quoted phrase) must occur; the last may be a prefix."""
        return self.indexes.search(query, limit)

    def search_index(self) -> SearchIndex:
        """The full-text index, built on first use (never while the first screen waits)."""
        return self.indexes.search_index()

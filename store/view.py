"""What a store reads: the seam between the engine and where its questions are answered.

A :class:`View` answers two kinds of reads:

* the **planners' lookups** — one record by key, an entity by name, an article by the file it
  came from, the tags of one article or one entity. Planners (:mod:`store.annotating`,
  :mod:`store.importing`, …) and the write path (rebase, integrity checks) use only these, so
  they never need the whole corpus in memory;
* the **questions** the app, the CLI and scripts ask (:class:`~store.queries.StoreQueries`
  documents each): the document list, search, mentions, related articles, entity lookup.

Two views implement it. :class:`~store.memory_view.MemoryView` keeps every document in memory
(the folder and in-memory stores load their tables into it and apply each saved change);
:class:`~store.postgres_view.PostgresView` asks the server, so a process never loads the
corpus. The store's test suite runs every question on both and expects the same answers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import TypeVar

from store.changes import Change, Doc
from store.listing import ArticleListing
from store.models import Annotation, Article, Entity, Mention, SearchHit
from store.query_language import Node

K = TypeVar("K")
V = TypeVar("V")


class View(ABC):
    """Reads of one open store (see the module docstring)."""

    #: Held while a question is answered and while a saved change is applied, so no change
    #: lands half-way through a question (held for moments only; a server view needs none).
    lock: AbstractContextManager[object]

    #: True when the store must load its tables into the view (:meth:`load`).
    holds_corpus: bool = True

    # ------------------------------------------------------------------ keeping current

    def load(self, table: str, docs: dict[str, Doc]) -> None:  # noqa: B027 - a server view loads nothing
        """Take a whole table (only views that hold the corpus)."""

    @abstractmethod
    def apply(self, changes: Iterable[Change]) -> None:
        """A change was saved (here or by another analyst): bring what is kept in line."""

    def warm(self) -> None:  # noqa: B027 - a server view has nothing to build
        """Build what the first search would otherwise wait for (run in a thread)."""

    # ------------------------------------------------------------------ planners' lookups

    @abstractmethod
    def doc(self, table: str, key: str) -> Doc | None:
        """The stored document (shared: never mutate it), or ``None``."""

    @abstractmethod
    def has(self, table: str, key: str) -> bool:
        """True when a record with this key is stored."""

    @abstractmethod
    def entity_key(self, name: str) -> str | None:
        """The id of the entity with this name or alias (compared by :func:`store.codec.name_key`)."""

    @abstractmethod
    def article_key_for_origin(self, origin: str) -> str | None:
        """The id of the article imported from ``origin`` (a file path), if any."""

    def article_keys_for_origins(self, origins: Iterable[str]) -> dict[str, str]:
        """:meth:`article_key_for_origin` of many files (an import asks once per batch): origin → id."""
        return _answered(origins, self.article_key_for_origin)

    def entity_keys(self, names: Iterable[str]) -> dict[str, str]:
        """:meth:`entity_key` of many names (a batch of tags asks once): name → entity id, found ones only."""
        return _answered(names, self.entity_key)

    def docs_of(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        """:meth:`doc` of many keys (an import asks once per batch): key → document, stored ones only."""
        return _answered(keys, lambda key: self.doc(table, key))

    @abstractmethod
    def annotation_keys(self, article_id: str) -> set[str]:
        """Ids of the annotations of one article."""

    @abstractmethod
    def mention_keys(self, entity_id: str) -> set[str]:
        """Ids of the annotations that link to one entity."""

    @abstractmethod
    def in_list_order(self, article_ids: Iterable[str]) -> list[str]:
        """The ids of these articles (the ones that exist) in the document list's order."""

    @abstractmethod
    def articles_of(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """Many articles with their texts at once (id → article; missing ones left out)."""

    @abstractmethod
    def words_with_keys(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """Sound key → the corpus's words with that key (see :mod:`store.vocabulary`)."""

    @abstractmethod
    def articles_with_words(self, groups: list[list[set[str]]]) -> set[str]:
        """Ids of the articles holding, for some group, one word of each of its sets.

        ``[[{"sergey", "sergei"}, {"shoigu", "шойгу"}], [{"shoigu"}]]`` is (sergey OR sergei) AND
        (shoigu OR шойгу), OR shoigu. Words as the full-text index keeps them (folded).
        """

    @abstractmethod
    def passages(self) -> list[Annotation]:
        """Every passage (an annotation without an entity that is not a rejected suggestion)."""

    @abstractmethod
    def decided_spans(self, article_ids: list[str]) -> dict[str, list[tuple[int, int]]]:
        """Article id → the spans of its entity mentions and rejected suggestions (nothing to propose there)."""

    @abstractmethod
    def rejections(self, article_id: str) -> list[Annotation]:
        """The article's rejected suggestions: spans the analyst said are no entity's mention.

        They are kept as annotations (status ``rejected``, no entity) so that they move with the
        text on a re-import and stay rejected; they are not tags: :meth:`annotations` of an
        article and the counts leave them out.
        """

    # ------------------------------------------------------------------ questions

    @abstractmethod
    def count(self) -> int:
        """Number of articles."""

    @abstractmethod
    def articles(self) -> list[Article]:
        """Every article, in the document list's order."""

    @abstractmethod
    def listing(self, query: str, with_counts: bool) -> ArticleListing:
        """The document list (see :mod:`store.listing`)."""

    @abstractmethod
    def article(self, article_id: str) -> Article:
        """One article with its text; ``KeyError`` if there is none."""

    @abstractmethod
    def annotation_count(self, article_id: str) -> int:
        """Number of annotations of one article."""

    @abstractmethod
    def annotation_counts(self) -> dict[str, int]:
        """Article id → number of annotations (articles without any left out)."""

    def annotation_counts_of(self, article_ids: Iterable[str]) -> dict[str, int]:
        """:meth:`annotation_count` of many articles (those without any left out)."""
        counts = {key: self.annotation_count(key) for key in article_ids}
        return {key: count for key, count in counts.items() if count}

    @abstractmethod
    def entities(self) -> list[Entity]:
        """Every entity, by type then name."""

    @abstractmethod
    def entity(self, entity_id: str) -> Entity:
        """One entity; ``KeyError`` if there is none."""

    @abstractmethod
    def match_entities(self, query: str, limit: int) -> list[tuple[Entity, str]]:
        """Entities whose name or alias fuzzy-matches ``query``, best first, with that name."""

    @abstractmethod
    def entity_types(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """Entity id → type (unknown ids left out)."""

    @abstractmethod
    def annotations(self, article_id: str | None) -> list[Annotation]:
        """Annotations of one article (or all), by article, start, longest first, id."""

    def annotations_of(self, article_ids: Iterable[str]) -> dict[str, list[Annotation]]:
        """:meth:`annotations` of many articles: article id → its tags (those without any left out)."""
        found = {key: self.annotations(key) for key in article_ids}
        return {key: tags for key, tags in found.items() if tags}

    @abstractmethod
    def linked(self) -> dict[str, dict[str, Doc]]:
        """Tag id → its links (other tag id → kind, note, author, created), for tags that have any."""

    @abstractmethod
    def annotation(self, annotation_id: str) -> Annotation:
        """One annotation; ``KeyError`` if there is none."""

    @abstractmethod
    def label_counts(self) -> dict[str, int]:
        """Passage label (as stored) → number of annotations carrying it."""

    @abstractmethod
    def mentions(self, entity_id: str) -> list[Annotation]:
        """Annotations linked to the entity, by article then start."""

    def live_mention_spans(self, entity_id: str) -> list[tuple[str, str, int, int]]:
        """(tag id, article id, start, end) of the entity's live tags (not orphaned, not rejected)."""
        return [
            (a.id, a.article_id, a.start, a.end)
            for a in self.mentions(entity_id)
            if not a.orphaned and a.status != "rejected"
        ]

    @abstractmethod
    def mention_contexts(self, entity_id: str, exclude_article: str | None, limit: int | None) -> list[Mention]:
        """Mentions (not orphaned, outside ``exclude_article``) with sentences, newest articles first."""

    @abstractmethod
    def mention_count(self, entity_id: str, exclude_article: str | None) -> int:
        """All mentions; with ``exclude_article``, those :meth:`mention_contexts` would list."""

    def mention_counts(self, entity_ids: Iterable[str]) -> dict[str, int]:
        """:meth:`mention_count` (all mentions) of many entities: entity id → count."""
        return {key: self.mention_count(key, None) for key in entity_ids}

    @abstractmethod
    def article_entities(self, article_id: str) -> dict[str, int]:
        """Entity id → live mentions in the article (not orphaned, not rejected)."""

    @abstractmethod
    def related(self, article_id: str, limit: int) -> list[tuple[Article, float]]:
        """Articles sharing live entities, scored by the sum of ``log(1 + articles / df)``."""

    @abstractmethod
    def document_frequencies(self, words: list[str]) -> dict[str, int]:
        """Folded word → in how many articles it occurs (its rarity)."""

    @abstractmethod
    def search(self, query: Node, limit: int) -> list[SearchHit]:
        """The articles a parsed query matches, best first (see :mod:`store.query_language`)."""


def _answered(asked: Iterable[K], lookup: Callable[[K], V | None]) -> dict[K, V]:
    """One lookup per item, as a batch lookup answers: item → answer, for those answered."""
    found: dict[K, V] = {}
    for item in asked:
        answer = lookup(item)
        if answer is not None:
            found[item] = answer
    return found

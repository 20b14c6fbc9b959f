"""The store's questions: everything a caller can ask without changing anything.

:class:`StoreQueries` is the public face of the store's :class:`~store.view.View`: the memory
view answers from indexes (no backend call, so no question ever waits on another process), the
PostgreSQL view asks the server. Records handed out are frozen copies, never stored documents.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from store import unlinked
from store.corpus_questions import CorpusQuestions
from store.fuzzy import squash
from store.listing import ArticleListing, MemoryListing
from store.models import Annotation, Article, Entity, Link, Mention, SearchHit, Suggestion
from store.query_hits import TAG_FILTERS
from store.query_language import Filter, leaves, parse_query
from store.sanitize import neutralize
from store.suggestions import KnownNames, suggest
from store.view import View

F = TypeVar("F", bound=Callable[..., Any])


def reads(method: F) -> F:
    """Mark a question: it runs under the view's lock, so a change never lands half-way.

    The lock is only ever held for moments (see :class:`~store.indexes.Indexes`), so the UI
    thread may ask while another thread saves.
    """

    @functools.wraps(method)
    def wrapper(self: StoreQueries, *args: Any, **kwargs: Any) -> Any:
        with self.view.lock:
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


class StoreQueries(CorpusQuestions):
    """Read-only questions, answered by the store's view (those across the corpus: :class:`CorpusQuestions`)."""

    view: View
    #: Every entity's names, ready to be found in a text (rebuilt when the entities change).
    _known_names: KnownNames
    #: What reads a text's own shapes (patterns, gazetteers) for :meth:`suggestions`; ``None``:
    #: :mod:`store.suggest` in this process. The app gives the helper process's
    #: (:mod:`store.suggest.service`), so loading the tables never freezes its keys.
    text_suggester: Callable[[str], Iterable[Any]] | None = None

    @property
    def annotations_loaded(self) -> bool:
        """False until deferred annotations and entities have been read."""
        raise NotImplementedError

    def finish_loading(self) -> None:
        """Load what was deferred (see :class:`~store.store.Store`)."""
        raise NotImplementedError

    @reads
    def articles(self) -> list[Article]:
        """All articles, newest publication first, undated ones last, then by title.

        On a server store this reads every article: the app lists with :meth:`listing`.
        """
        return self.view.articles()

    @reads
    def listing(self, query: str = "") -> ArticleListing:
        """The document list: rows in the list's order, filtered by ``query`` (see :mod:`store.listing`).

        Tag counts are included once annotations are loaded (0 before).
        """
        return self.view.listing(query, self.annotations_loaded)

    @reads
    def article(self, article_id: str) -> Article:
        """One article by id, with its text. Raises ``KeyError`` if there is none."""
        return self.view.article(article_id)

    @reads
    def __len__(self) -> int:
        return self.view.count()

    @question
    def annotation_count(self, article_id: str) -> int:
        """Number of annotations of one article."""
        return self.view.annotation_count(article_id)

    @question
    def annotation_counts(self) -> dict[str, int]:
        """Number of annotations per article id (articles without any are absent)."""
        return self.view.annotation_counts()

    @question
    def entities(self) -> list[Entity]:
        """All entities, by type then name."""
        return self.view.entities()

    @question
    def entity(self, entity_id: str) -> Entity:
        """One entity by id. Raises ``KeyError`` if there is none."""
        return self.view.entity(entity_id)

    @question
    def find_entity(self, name: str) -> Entity | None:
        """The entity whose name or an alias equals ``name`` (ignoring case and accents), if any."""
        key = self.view.entity_key(name)
        try:
            return self.view.entity(key) if key is not None else None
        except KeyError:
            return None

    @question
    def match_entities(self, query: str, limit: int = 20) -> list[tuple[Entity, str]]:
        """Entities whose name or alias fuzzy-matches ``query``, best first, with the matching name."""
        return self.view.match_entities(query, limit)

    @question
    def entity_types(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """Entity id → type for the given ids (unknown ids are left out)."""
        return self.view.entity_types(entity_ids)

    @question
    def annotations(self, article_id: str | None = None) -> list[Annotation]:
        """Annotations of one article (or of all), in text order."""
        return self.view.annotations(article_id)

    @question
    def annotation(self, annotation_id: str) -> Annotation:
        """One annotation by id. Raises ``KeyError`` if there is none."""
        return self.view.annotation(annotation_id)

    @question
    def passages(self, query: str = "", *, label: str | None = None) -> list[Annotation]:
        """The passages (annotations of no entity), by label, then in the list's article order.

        ``label`` keeps those with that label (``""``: those with none); ``query`` those whose
        quote, note or labels hold every word of it (case and accents aside). A passage with
        several labels is listed once, under its first.
        """
        found = self.view.passages()
        if label is not None:
            found = [p for p in found if (label in p.labels if label else not p.labels)]
        words = squash(query).split()
        if words:
            found = [p for p in found if all(w in squash(" ".join((p.quote, p.note, *p.labels))) for w in words)]
        order = {key: rank for rank, key in enumerate(self.view.in_list_order({p.article_id for p in found}))}
        return sorted(found, key=lambda p: (p.labels[:1] or ("\uffff",), order.get(p.article_id, len(order)), p.start))

    @reads
    def article_titles(self, article_ids: Iterable[str]) -> dict[str, str]:
        """Article id → the title the list shows, for many articles at once (missing ones left out)."""
        return {key: article.display_title for key, article in self.view.articles_of(article_ids).items()}

    @question
    def labels(self) -> list[str]:
        """Every passage label in use, most used first (completion for the label prompt)."""
        counts: dict[str, int] = {}
        for label, count in self.view.label_counts().items():  # labels come from a file: shown, never obeyed
            safe = neutralize(label)
            counts[safe] = counts.get(safe, 0) + count
        return sorted(counts, key=lambda label: (-counts[label], label.casefold()))

    @question
    def links(self, annotation_id: str | None = None) -> list[Link]:
        """Every link between two tags (of one tag, with ``annotation_id``), oldest first.

        Each pair once; a link whose other tag is gone (deleted by another analyst, or an
        export merged without it) is left out (see :mod:`store.linking`).
        """
        linked = self.view.linked()
        found: dict[tuple[str, str], Link] = {}
        for key, links in linked.items():
            for other, link in links.items():
                pair = (min(key, other), max(key, other))
                if pair in found or other not in linked or key not in linked[other]:
                    continue
                if annotation_id is not None and annotation_id not in pair:
                    continue
                found[pair] = Link(
                    *pair,
                    kind=neutralize(str(link.get("kind", ""))),
                    note=neutralize(str(link.get("note", ""))),
                    author=neutralize(str(link.get("author", ""))),
                    created=str(link.get("created", "")),
                )
        return sorted(found.values(), key=lambda link: (link.created, link.first, link.second))

    @question
    def mentions(self, entity_id: str) -> list[Annotation]:
        """Every annotation linked to the entity, by article then position."""
        return self.view.mentions(entity_id)

    @question
    def mention_contexts(
        self, entity_id: str, *, exclude_article: str | None = None, limit: int | None = None
    ) -> list[Mention]:
        """Mentions of the entity with their sentences, newest articles first (see :mod:`store.xrefs`)."""
        return self.view.mention_contexts(entity_id, exclude_article, limit)

    @question
    def mention_count(self, entity_id: str, *, exclude_article: str | None = None) -> int:
        """How many annotations link to the entity (outside ``exclude_article``, live ones)."""
        return self.view.mention_count(entity_id, exclude_article)

    @question
    def mention_counts(self, entity_ids: Iterable[str]) -> dict[str, int]:
        """Entity id → how many annotations link to it, for many entities at once."""
        return self.view.mention_counts(entity_ids)

    @question
    def article_entities(self, article_id: str) -> dict[str, int]:
        """Entity id → number of mentions in the article."""
        return self.view.article_entities(article_id)

    @question
    def related(self, article_id: str, limit: int = 10) -> list[tuple[Article, float]]:
        """Articles sharing entities with this one, best first (rare entities count more)."""
        return self.view.related(article_id, limit)

    @question
    def shared_entities(self, article_id: str, other_id: str) -> list[Entity]:
        """The entities two articles both mention: why they are related."""
        shared = set(self.view.article_entities(article_id)) & set(self.view.article_entities(other_id))
        found = []
        for key in shared:
            try:
                found.append(self.view.entity(key))
            except KeyError:
                continue
        return sorted(found, key=lambda e: (e.name.casefold(), e.id))

    @needs_annotations
    def suggestions(self, article_id: str, *, within: tuple[int, int] | None = None) -> list[Suggestion]:
        """What the store proposes to tag in the article, in text order (see :mod:`store.suggestions`).

        Nothing here is saved: accept one with :meth:`accept_suggestion`, turn it down for good
        with :meth:`reject_suggestion`. Spans already tagged with an entity, or rejected, are
        not proposed again. ``within=(start, end)`` reads only that stretch (a very long
        article's part on screen). Raises ``KeyError`` for an unknown article.
        """
        with self.view.lock:  # what is read is consistent; the matching runs without the lock
            article = self.view.article(article_id)
            entities = self.view.entities()
            annotations = self.view.annotations(article_id)
            rejections = self.view.rejections(article_id)
        sources = None if self.text_suggester is None else [self.text_suggester]
        return suggest(article, entities, annotations, rejections, self._known_names, sources, within)

    def prepare_suggestions(self) -> None:
        """Load the suggesters' tables now (seconds, once per process), not at the first :meth:`suggestions`."""
        from store.suggest import warm

        warm()

    @needs_annotations
    def unlinked_mentions(self, entity_id: str, limit: int | None = None) -> list[Suggestion]:
        """Where the corpus names the entity in a spelling the matcher accepts, untagged (see :mod:`store.unlinked`).

        In the list's order, article by article; ``limit`` stops after that many. Each is a
        suggestion of the entity (accept or reject it as any other). Raises ``KeyError`` for an
        unknown entity.
        """
        with self.view.lock:
            entity = self.view.entity(entity_id)
        groups, words = unlinked.candidate_words(self.view, entity)
        candidates = self.view.articles_with_words(groups) if groups else set()
        ordered = self.view.in_list_order(candidates)[: unlinked.MAX_ARTICLES]
        found: list[Suggestion] = []
        for start in range(0, len(ordered), unlinked.ARTICLES_AT_ONCE):
            chunk = ordered[start : start + unlinked.ARTICLES_AT_ONCE]
            with self.view.lock:
                by_id = self.view.articles_of(chunk)
                chunk_articles = [by_id[key] for key in chunk if key in by_id]
                found += unlinked.unlinked_mentions(self.view, entity, chunk_articles, words)
            if limit is not None and len(found) >= limit:
                return found[:limit]
        return found

    def search(self, query: str, limit: int = 20, *, typing: bool = False) -> list[SearchHit]:
        """The articles ``query`` matches, best first, each with its hit (see :mod:`store.query_language`).

        Words and "phrases" (all must occur), designations (``Mi-35`` finds Mi-35M and Ми-35),
        filters (``entity:``, ``type:``, ``label:``, ``status:``, ``note:``, ``source:``,
        ``author:``, ``before:``, ``after:``), ``AND`` / ``OR`` / ``NOT`` and parentheses.
        ``typing``: the query is being typed, so its last word also matches as a prefix.

        Raises:
            QueryError: the query cannot be read; its message says where.
        """
        node = parse_query(query, typing=typing)
        if node is None:
            return []
        if not self.annotations_loaded and any(
            isinstance(leaf, Filter) and leaf.field in TAG_FILTERS for leaf in leaves(node, negated=True)
        ):
            self.finish_loading()
        return self.view.search(node, limit)

    def search_listing(self, query: str, filter_text: str = "", *, limit: int = 1000) -> ArticleListing:
        """The document list of a saved search: the articles ``query`` matches, in the list's order.

        At most the ``limit`` best; ``filter_text`` narrows them as the list's filter does (every
        word in the title, source, author or date). Raises :class:`QueryError` for a query that
        cannot be read.
        """
        hits = self.search(query, limit)
        with self.view.lock:
            ordered = self.view.in_list_order(hit.article_id for hit in hits)
            found = self.view.articles_of(ordered)
            counts = self.view.annotation_counts_of(ordered) if self.annotations_loaded else {}
        return MemoryListing([found[key] for key in ordered if key in found], counts, filter_text)

    def search_index(self) -> None:
        """Build what the first search would wait for (the app calls it in a thread)."""
        self.view.warm()

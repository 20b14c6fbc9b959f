"""The view of a store on PostgreSQL: every question asked of the server, nothing loaded.

Each question is one or two SQL statements over the columns :mod:`store.postgres_schema`
derives from the documents; what the folder store computes in Python from its indexes is
computed here by the server (counts, the list's order and filter, cross-references, the search
match and rank) and only what is shown comes back. Where the answer needs Python's own rules
(the fuzzy score of a name, where in a text a hit starts, the sentence around a mention), the
server narrows the candidates and the same Python code as the folder store finishes.

How the questions reach the server (the view's own connections, so none waits behind a save;
a time limit; a newer search or filter cancelling the one running) is
:mod:`store.postgres_questions`; what planners read, as this analyst last saw it, is
:mod:`store.postgres_seen`; how related articles are scored without scoring every article
is :mod:`store.postgres_related`; the document list's pages are :mod:`store.postgres_listing`.
"""

from __future__ import annotations

import contextlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable

from store import codec, postgres_vocabulary, textunits
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Change, Doc
from store.fuzzy import best_name, letter_runs, letters
from store.listing import ArticleListing
from store.models import Annotation, Article, Entity, Mention
from store.postgres_query import ServerSearch
from store.postgres_related import related_keys
from store.postgres_schema import not_rejected
from store.postgres_search import lexeme_literal
from store.postgres_seen import LastSeenLookups
from store.view import View

#: Articles whose records (with their texts) are kept after being read.
ARTICLE_CACHE = 64
#: An article's tags: its annotations without the suggestions the analyst rejected.
NOT_REJECTED = not_rejected()


class PostgresView(ServerSearch, LastSeenLookups, View):
    """Questions answered by the server (see the module docstring); a planner's lookups are :class:`LastSeenLookups`."""

    holds_corpus = False

    def __init__(self, url: str, schema: str, location: Callable[[str], str], seen: Callable[[], int]) -> None:
        self.location = location
        self.seen = seen
        self.lock = contextlib.nullcontext()
        super().__init__(url, schema)
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._count: int | None = None
        #: Every entity, as last read (suggestions ask for them all at each article), until a change.
        self._entities: list[Entity] | None = None
        #: Bumped by every change: an answer read before a change is not kept after it.
        self._generation = 0
        self._cache_lock = threading.Lock()
        #: (generation, tsquery) → articles it matches (see :meth:`term_frequencies`).
        self._frequencies: dict[tuple[int, str], int] = {}

    # ------------------------------------------------------------------ keeping current

    def apply(self, changes: Iterable[Change]) -> None:
        """Forget what the changes made stale (cached articles, the article count, the entities)."""
        with self._cache_lock:
            self._generation += 1
            self._entities = None
            for change in changes:
                if change.table == ARTICLES:
                    self._articles.pop(change.key, None)
                    if (change.before is None) != (change.after is None):
                        self._count = None

    # ------------------------------------------------------------------ articles

    def count(self) -> int:
        """Counted on the server, kept until an article is added or deleted."""
        with self._cache_lock:
            if self._count is not None:
                return self._count
            generation = self._generation
        counted = int(self._rows("SELECT count(*) FROM {s}.articles")[0][0])
        with self._cache_lock:
            if generation == self._generation:
                self._count = counted
        return counted

    def articles(self) -> list[Article]:
        """Every article with its text (exports; the app lists with :meth:`listing`)."""
        rows = self._streamed("SELECT doc FROM {s}.articles ORDER BY sort_day, display_title, id")
        return [codec.article_record(self._checked(ARTICLES, row[0])) for row in rows]

    def listing(self, query: str, with_counts: bool) -> ArticleListing:
        """Rows read from the server a page at a time (:class:`PostgresListing`)."""
        from store.postgres_listing import PostgresListing  # it reads the server through this view

        return PostgresListing(self, query, with_counts)

    def article(self, article_id: str) -> Article:
        """Read once, then kept (the last few read) until it changes."""
        with self._cache_lock:
            cached = self._articles.get(article_id)
            if cached is not None:
                self._articles.move_to_end(article_id)
                return cached
            generation = self._generation
        found = self.doc(ARTICLES, article_id)
        if found is None:
            raise KeyError(article_id)
        article = codec.article_record(found)
        with self._cache_lock:
            if generation == self._generation:
                self._articles[article_id] = article
                while len(self._articles) > ARTICLE_CACHE:
                    self._articles.popitem(last=False)
        return article

    def _article_records(self, keys: Iterable[str]) -> dict[str, Article]:
        """Several articles in one statement (cached ones not asked for again)."""
        wanted = set(keys)
        found: dict[str, Article] = {}
        with self._cache_lock:
            for key in wanted:
                if key in self._articles:
                    found[key] = self._articles[key]
        missing = sorted(wanted - found.keys())
        if missing:
            for (doc,) in self._rows("SELECT doc FROM {s}.articles WHERE id = ANY(%s)", (missing,)):
                record = codec.article_record(self._checked(ARTICLES, doc))
                found[record.id] = record
        return found

    def annotation_count(self, article_id: str) -> int:
        """Counted with the annotations' article index."""
        rows = self._rows(
            f"SELECT count(*) FROM {{s}}.annotations WHERE article_id = %s AND {NOT_REJECTED}", (article_id,)
        )
        return int(rows[0][0])

    def annotation_counts_of(self, article_ids: Iterable[str]) -> dict[str, int]:
        """Grouped on the server, for these articles only."""
        rows = self._rows(
            f"SELECT article_id, count(*) FROM {{s}}.annotations WHERE article_id = ANY(%s) AND {NOT_REJECTED}"
            " GROUP BY article_id",
            (list(article_ids),),
        )
        return {key: int(count) for key, count in rows}

    def annotation_counts(self) -> dict[str, int]:
        """Grouped on the server (one row per tagged article)."""
        return dict(
            self._rows(f"SELECT article_id, count(*) FROM {{s}}.annotations WHERE {NOT_REJECTED} GROUP BY article_id")
        )

    # ------------------------------------------------------------------ entities

    def entities(self) -> list[Entity]:
        """Every entity (the dictionary, not the corpus), sorted as the folder store sorts them.

        Kept until the next change this store takes in (its own or another analyst's), as the
        other answers of this view are.
        """
        with self._cache_lock:
            if self._entities is not None:
                return list(self._entities)
            generation = self._generation
        records = [
            codec.entity_record(self._checked(ENTITIES, row[0])) for row in self._rows("SELECT doc FROM {s}.entities")
        ]
        records.sort(key=lambda e: (e.type, e.name.casefold()))
        with self._cache_lock:
            if generation == self._generation:
                self._entities = records
        return list(records)

    def entity(self, entity_id: str) -> Entity:
        """Read from the server."""
        found = self.doc(ENTITIES, entity_id)
        if found is None:
            raise KeyError(entity_id)
        return codec.entity_record(found)

    def match_entities(self, query: str, limit: int) -> list[tuple[Entity, str]]:
        """The server keeps the names a match can come from; Python scores them.

        A name is offered for the typed letters in order (``LIKE '%s%h%o%i%'`` on the names'
        letters in Latin script, :func:`store.fuzzy.letters`) or as another spelling, which
        shares a three-letter run with the query (``LIKE ANY('{%ser%,%erg%,…}')``): the folder
        store's two rules (:func:`store.fuzzy.name_score`), so both offer the same entities.
        """
        typed = letters(query)
        pattern = "%" + "%".join(typed) + "%" if typed else "%"
        runs = [f"%{run}%" for run in letter_runs(query)]
        rows = self._rows(
            "SELECT e.doc, (SELECT count(*) FROM {s}.annotations n WHERE n.entity_id = e.id) FROM {s}.entities e"
            " WHERE EXISTS (SELECT 1 FROM {s}.entity_names m WHERE m.entity_id = e.id"
            "   AND (m.squashed LIKE %s OR m.squashed LIKE ANY(%s)))",
            (pattern, runs),
        )
        scored: list[tuple[float, str, Entity]] = []
        for doc, mentions in rows:
            entity = codec.entity_record(self._checked(ENTITIES, doc))
            best = best_name(query, entity.names())
            if best is not None:
                scored.append((best[0] + 0.01 * mentions, best[1], entity))
        scored.sort(key=lambda item: (-item[0], item[2].name.casefold(), item[2].id))
        return [(entity, name) for _, name, entity in scored[:limit]]

    def entity_types(self, entity_ids: Iterable[str]) -> dict[str, str]:
        """One statement for all the ids."""
        keys = list(entity_ids)
        return dict(self._rows("SELECT id, type FROM {s}.entities WHERE id = ANY(%s)", (keys,))) if keys else {}

    # ------------------------------------------------------------------ annotations

    def annotations(self, article_id: str | None) -> list[Annotation]:
        """One article's annotations (or, for exports, all of them)."""
        if article_id is None:
            rows = self._streamed("SELECT doc FROM {s}.annotations")
        else:
            rows = self._rows(
                f"SELECT doc FROM {{s}}.annotations WHERE article_id = %s AND {NOT_REJECTED}", (article_id,)
            )
        found = (codec.annotation_record(self._checked(ANNOTATIONS, row[0])) for row in rows)
        return sorted(found, key=lambda a: (a.article_id, a.start, -a.end, a.id))

    def annotations_of(self, article_ids: Iterable[str]) -> dict[str, list[Annotation]]:
        """In one statement with the annotations' article index."""
        rows = self._rows(
            f"SELECT doc FROM {{s}}.annotations WHERE article_id = ANY(%s) AND {NOT_REJECTED}", (list(article_ids),)
        )
        found: dict[str, list[Annotation]] = {}
        for (doc,) in rows:
            record = codec.annotation_record(self._checked(ANNOTATIONS, doc))
            found.setdefault(record.article_id, []).append(record)
        for tags in found.values():
            tags.sort(key=lambda a: (a.start, -a.end, a.id))
        return found

    def in_list_order(self, article_ids: Iterable[str]) -> list[str]:
        """Sorted on the server by the list's index."""
        rows = self._rows(
            "SELECT id FROM {s}.articles WHERE id = ANY(%s) ORDER BY sort_day, display_title, id", (list(article_ids),)
        )
        return [row[0] for row in rows]

    def articles_of(self, article_ids: Iterable[str]) -> dict[str, Article]:
        """In one statement (cached ones not asked for again)."""
        return self._article_records(article_ids)

    def words_with_keys(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """From the vocabulary table's sound index."""
        rows = self._rows("SELECT sound, word FROM {s}.vocabulary WHERE sound = ANY(%s)", (sorted(set(keys)),))
        return postgres_vocabulary.words_with_keys(rows)

    def articles_with_words(self, groups: list[list[set[str]]]) -> set[str]:
        """With the search vectors' GIN index: one ``tsquery``, ORs of ANDs of ORs of words."""

        def any_of(words: set[str]) -> str:
            return "(" + " | ".join(lexeme_literal(word) for word in sorted(words)) + ")"

        literal = " | ".join("(" + " & ".join(map(any_of, group)) + ")" for group in groups if group and all(group))
        if not literal:
            return set()
        rows = self._rows("SELECT id FROM {s}.article_words WHERE search @@ %s::tsquery", (literal,))
        return {row[0] for row in rows}

    def linked(self) -> dict[str, dict[str, Doc]]:
        """The tags whose document holds links (few: an analyst makes them one by one)."""
        rows = self._rows(
            "SELECT id, doc->'links' FROM {s}.annotations"
            " WHERE doc->'links' IS NOT NULL AND doc->'links' <> '{{}}'::jsonb"
        )
        return {key: links for key, links in rows if isinstance(links, dict)}

    def passages(self) -> list[Annotation]:
        """With the index of the annotations that link to no entity."""
        rows = self._rows(f"SELECT doc FROM {{s}}.annotations WHERE entity_id IS NULL AND {NOT_REJECTED}")
        return [codec.annotation_record(self._checked(ANNOTATIONS, row[0])) for row in rows]

    def decided_spans(self, article_ids: list[str]) -> dict[str, list[tuple[int, int]]]:
        """In one statement with the annotations' article index."""
        rows = self._rows(
            "SELECT article_id, start, (doc->>'end')::int FROM {s}.annotations WHERE article_id = ANY(%s)"
            " AND (entity_id IS NOT NULL OR doc->>'status' = 'rejected')",
            (list(article_ids),),
        )
        spans: dict[str, list[tuple[int, int]]] = {}
        for article_id, start, end in rows:
            spans.setdefault(article_id, []).append((start, end))
        return spans

    def rejections(self, article_id: str) -> list[Annotation]:
        """The article's annotations whose status is ``rejected`` (found with its article index)."""
        rows = self._rows(
            "SELECT doc FROM {s}.annotations WHERE article_id = %s AND doc->>'status' = 'rejected'", (article_id,)
        )
        found = (codec.annotation_record(self._checked(ANNOTATIONS, row[0])) for row in rows)
        return sorted(found, key=lambda a: (a.start, -a.end, a.id))

    def annotation(self, annotation_id: str) -> Annotation:
        """Read from the server."""
        found = self.doc(ANNOTATIONS, annotation_id)
        if found is None:
            raise KeyError(annotation_id)
        return codec.annotation_record(found)

    def label_counts(self) -> dict[str, int]:
        """Grouped on the server over the annotations that carry labels (a partial index)."""
        return dict(
            self._rows("SELECT l, count(*) FROM {s}.annotations, unnest(labels) l WHERE labels <> '{{}}' GROUP BY l")
        )

    # ------------------------------------------------------------------ cross-references

    def mentions(self, entity_id: str) -> list[Annotation]:
        """The entity's annotations, with the entity index."""
        rows = self._rows("SELECT doc FROM {s}.annotations WHERE entity_id = %s", (entity_id,))
        found = (codec.annotation_record(self._checked(ANNOTATIONS, row[0])) for row in rows)
        return sorted(found, key=lambda a: (a.article_id, a.start, a.id))

    def live_mention_spans(self, entity_id: str) -> list[tuple[str, str, int, int]]:
        """Columns only (the documents of a busy entity's tags were most of a concordance's wait)."""
        rows = self._rows(
            "SELECT id, article_id, start, (doc->>'end')::int FROM {s}.annotations WHERE entity_id = %s AND live",
            (entity_id,),
        )
        return [(key, article_id, int(start), int(end)) for key, article_id, start, end in rows]

    def mention_contexts(self, entity_id: str, exclude_article: str | None, limit: int | None) -> list[Mention]:
        """The server orders and cuts the mentions; their articles are read once each.

        Written as "the articles in list order, each with its mentions of the entity" so that
        the server may walk the list's index and stop at the limit for a busy entity (a quarter
        of the articles mention "Russia": it stops within the first few hundred) instead of
        joining and sorting all its mentions; for a rare entity it still starts from them.
        200,000 articles: 22 → 14 ms for the busiest entities, the worst of mid-sized ones
        866 → 13 ms.
        """
        rows = self._rows(
            "SELECT n.doc FROM {s}.articles a CROSS JOIN LATERAL (SELECT doc, start, id FROM {s}.annotations n"
            "   WHERE n.entity_id = %s AND n.article_id = a.id AND NOT n.orphaned) n"
            " WHERE a.id IS DISTINCT FROM %s"
            " ORDER BY a.sort_day, a.display_title, a.id, n.start, n.id LIMIT %s",
            (entity_id, exclude_article, limit),
        )
        annotations = [codec.annotation_record(self._checked(ANNOTATIONS, row[0])) for row in rows]
        articles = self._article_records(a.article_id for a in annotations)
        result: list[Mention] = []
        for annotation in annotations:
            article = articles[annotation.article_id]
            start, end = textunits.sentence_at(article.text, annotation.start)
            result.append(Mention(annotation, article, article.text[start:end], start))
        return result

    def mention_count(self, entity_id: str, exclude_article: str | None) -> int:
        """Counted with the entity index."""
        if exclude_article is None:
            rows = self._rows("SELECT count(*) FROM {s}.annotations WHERE entity_id = %s", (entity_id,))
        else:
            rows = self._rows(
                "SELECT count(*) FROM {s}.annotations n WHERE n.entity_id = %s AND NOT n.orphaned"
                " AND n.article_id <> %s AND EXISTS (SELECT 1 FROM {s}.articles a WHERE a.id = n.article_id)",
                (entity_id, exclude_article),
            )
        return int(rows[0][0])

    def mention_counts(self, entity_ids: Iterable[str]) -> dict[str, int]:
        """Counted for all the ids in one statement."""
        keys = list(dict.fromkeys(entity_ids))
        if not keys:
            return {}
        counted = dict(
            self._rows(
                "SELECT entity_id, count(*) FROM {s}.annotations WHERE entity_id = ANY(%s) GROUP BY entity_id", (keys,)
            )
        )
        return {key: int(counted.get(key, 0)) for key in keys}

    def article_entities(self, article_id: str) -> dict[str, int]:
        """Grouped on the server."""
        return dict(
            self._rows(
                "SELECT entity_id, count(*) FROM {s}.annotations"
                " WHERE article_id = %s AND entity_id IS NOT NULL AND live GROUP BY entity_id",
                (article_id,),
            )
        )

    def related(self, article_id: str, limit: int) -> list[tuple[Article, float]]:
        """Scored as :func:`store.xrefs.related` scores (see :func:`store.postgres_related.related_keys`)."""
        ranked = related_keys(self._rows, article_id, max(self.count(), 1), limit)
        articles = self._article_records(key for key, _ in ranked)
        return [(articles[key], round(score, 4)) for key, score in ranked if key in articles]

"""Search on the server: a parsed query (:mod:`store.query_sql`) run, ranked and its hits located.

Mixed into :class:`~store.postgres_view.PostgresView`, whose connections (a newer search
cancels the one running) and caches it uses; kept apart because it is one idea: the query
language on the server, with the rarity of each term it ranks by.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from store.backend import QueryCancelled
from store.changes import Doc
from store.models import Entity, SearchHit
from store.query_hits import TAG_FILTERS, locate, sentence_snippet, tag_matches
from store.query_language import Filter, Node, Words, leaves
from store.query_sql import SqlQuery, tsquery
from store.sanitize import neutralize

#: A search ranks at most this many of the articles that match (the newest).
RANKED_AT_MOST = 1000
#: Kept under its first name for callers of this module.
SearchCancelled = QueryCancelled


class ServerSearch:
    """The view's search (see the module docstring)."""

    _generation: int
    _cache_lock: threading.Lock
    #: (generation, tsquery) → articles it matches (see :meth:`term_frequencies`).
    _frequencies: dict[tuple[int, str], int]

    if TYPE_CHECKING:  # provided by the view (stubs here would hide them: this class comes first)

        def _rows(self, template: str, params: Any = None) -> list[tuple[Any, ...]]: ...
        def _search_query(self, template: str, params: Any) -> list[tuple[Any, ...]]: ...
        def count(self) -> int: ...  # noqa: D102
        def entity_key(self, name: str) -> str | None: ...  # noqa: D102
        def entities(self) -> list[Entity]: ...  # noqa: D102
        def entity_types(self, entity_ids: Iterable[str]) -> dict[str, str]: ...  # noqa: D102

    def search(self, query: Node, limit: int) -> list[SearchHit]:
        """Matched and ranked by the server (:mod:`store.query_sql`); the hits shown located in Python.

        Ranking reads each matching article's word list, so a word found in most of the corpus
        ("said") would cost a read of most of it: the server ranks the newest
        :data:`RANKED_AT_MOST` articles that match (walking the list's order, which stops early
        for a common word; a rare one is looked up in the index). Below that many matches, it
        ranks them all, as the folder store does. A newer search cancels this one, which then
        answers nothing (its result would not be shown).
        """
        compiled = SqlQuery(query, self.entity_key, self.entities, self, self.count())
        try:
            rows = self._search_query(
                "SELECT m.id, a.doc->>'text', m.rank FROM (SELECT id, rank, sort_day, display_title"
                "   FROM (SELECT w.id, w.sort_day, w.display_title, " + compiled.rank + " AS rank"
                "         FROM {s}.article_words w JOIN {s}.articles a ON a.id = w.id"
                "         WHERE " + compiled.condition + " ORDER BY w.sort_day, w.display_title, w.id LIMIT %s) matched"
                "   ORDER BY rank DESC, sort_day, display_title, id LIMIT %s) m"
                " JOIN {s}.articles a ON a.id = m.id ORDER BY m.rank DESC, m.sort_day, m.display_title, m.id",
                (*compiled.rank_params, *compiled.condition_params, RANKED_AT_MOST, limit),
            )
        except SearchCancelled:
            return []
        positive = list(dict.fromkeys(leaves(query)))
        tag_leaves = [leaf for leaf in positive if isinstance(leaf, Filter) and leaf.field in TAG_FILTERS]
        tags: dict[str, list[Doc]] = {}
        if tag_leaves and rows:
            for article_id, doc in self._rows(
                "SELECT article_id, doc FROM {s}.annotations WHERE article_id = ANY(%s)", ([row[0] for row in rows],)
            ):
                tags.setdefault(article_id, []).append(doc)
        named = dict(compiled.named)
        typed = [leaf for leaf in tag_leaves if leaf.field == "type"]
        if typed:  # the server joined the types; the few tags shown are told by their entities' types
            types = self.entity_types(
                {doc["entity_id"] for docs in tags.values() for doc in docs if doc.get("entity_id")}
            )
            for leaf in typed:
                named[leaf] = {key for key, kind in types.items() if kind.upper() == leaf.value}
        hits = []
        for key, stored_text, rank in rows:
            text = neutralize(stored_text or "")
            spans = [
                (doc["start"], doc["end"])
                for leaf in tag_leaves
                for doc in tags.get(key, ())
                if tag_matches(leaf, doc, named.get(leaf))
            ]
            start, end = locate(text, positive, spans)
            snippet, highlight = sentence_snippet(text, start, end)
            hits.append(SearchHit(key, start, end, snippet, round(float(rank), 4), highlight))
        return hits

    def term_frequencies(self, literals: list[str]) -> list[int]:
        """How many articles match each ``tsquery`` (rarity for the rank), counted in one round trip.

        Kept until the store changes: a query typed letter by letter asks most terms again.
        """
        with self._cache_lock:
            missing = [q for q in dict.fromkeys(literals) if (self._generation, q) not in self._frequencies]
        if missing:
            rows = self._rows(
                "SELECT q, (SELECT count(*) FROM {s}.article_words w WHERE w.search @@ q::tsquery)"
                " FROM unnest(%s::text[]) q",
                (missing,),
            )
            with self._cache_lock:
                if len(self._frequencies) > 100_000:
                    self._frequencies.clear()
                for literal, count in rows:
                    self._frequencies[(self._generation, literal)] = int(count)
        with self._cache_lock:
            return [self._frequencies.get((self._generation, q), 0) for q in literals]

    def document_frequencies(self, words: list[str]) -> dict[str, int]:
        """Each word's ``tsquery`` counted on the server (one round trip, kept until the store changes)."""
        usable = [word for word in words if tsquery(Words((word,))) is not None]
        counts = self.term_frequencies([tsquery(Words((word,))) or "" for word in usable])
        return dict(zip(usable, counts, strict=True))

    def tag_frequency(self, statement: str, params: list[Any]) -> int:
        """How many articles a tag filter keeps (:class:`store.query_sql.Frequencies`), kept until a change."""
        key = (self._generation, statement + "\x00" + repr(params))
        with self._cache_lock:
            found = self._frequencies.get(key)
        if found is None:
            rows = self._rows(statement, params)
            found = int(rows[0][0]) if rows else 0
            with self._cache_lock:
                self._frequencies[key] = found
        return found

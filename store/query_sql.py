"""A query answered by the server: the tree of :mod:`store.query_language` as one SQL condition.

Each leaf becomes a condition on an article (``w``: its words, ``a``: its row): words, phrases
and designations a ``tsquery`` matched with the search vectors' GIN index (the terms made in
Python, as :mod:`store.postgres_search` makes the vectors), tag filters a semi-join on the tags,
details a comparison of the row's columns; AND, OR and NOT are SQL's (a comparison with an
absent date is false, never unknown, so ``NOT before:2017`` keeps undated articles as the folder
store does). Every value the user typed is a parameter, never part of the statement.

The rank is BM25-like: each positive word, phrase or designation adds ``ts_rank`` (occurrences,
the title's words weighted more) times its inverse document frequency, counted by the server
once per term and kept until the store changes; each tag filter adds its rarity times
``n / (n + 1)`` of the ``n`` tags it kept. Ties keep the document list's order. As for words
(:meth:`store.postgres_query.ServerSearch.search`), the server ranks at most the newest
:data:`store.postgres_query.RANKED_AT_MOST` matching articles.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from store.models import Entity
from store.postgres_search import MAX_POSITIONS_PER_LEXEME, lexeme_literal
from store.query_hits import ENTITY_FILTERS, TAG_FILTERS, entity_ids, filter_words
from store.query_language import And, Designation, Filter, Node, Not, Or, Words, leaves

_NEVER = "false"
#: The tags a filter may keep: not orphaned; rejected suggestions only for ``status:rejected``.
_TAGS = "SELECT n.article_id FROM {s}.annotations n WHERE "
#: How many articles a tag filter, or a term, keeps (its rarity).
_TAG_ARTICLES = "SELECT count(DISTINCT n.article_id) FROM {s}.annotations n WHERE "


class Frequencies(Protocol):
    """How many articles a part of a query matches (its rarity), as the view counts it."""

    def term_frequencies(self, literals: list[str]) -> list[int]:
        """Articles matching each ``tsquery`` literal (all counted in one round trip)."""
        ...

    def tag_frequency(self, statement: str, params: list[Any]) -> int:
        """The count a ``SELECT count(…) FROM {s}.annotations n WHERE …`` statement gives."""
        ...


def tsquery(leaf: Words | Designation) -> str | None:
    """The ``tsquery`` literal of a text leaf (``None``: nothing the server can find).

    The server keeps :data:`~store.postgres_search.MAX_POSITIONS_PER_LEXEME` places of a word
    in an article: a phrase repeating a word more often than that (``"the the … the"`` pasted
    2,000 times) can match nothing there, and is not asked (it cost seconds to find so).
    """
    terms = (leaf.key,) if isinstance(leaf, Designation) else leaf.terms
    if any(len(term.encode()) > 2046 for term in terms):
        return None
    if len(terms) > MAX_POSITIONS_PER_LEXEME and max(Counter(terms).values()) > MAX_POSITIONS_PER_LEXEME:
        return None
    literals = [lexeme_literal(term) for term in terms]
    if leaf.prefix and len(literals) == 1:
        return literals[0] + ":*"
    return " <-> ".join(literals)


class SqlQuery:
    """One query compiled: its condition, its rank and their parameters (see the module docstring)."""

    def __init__(
        self,
        node: Node,
        entity_key: Callable[[str], str | None],
        entities: Callable[[], Iterable[Entity]],
        counts: Frequencies,
        total: int,
    ) -> None:
        self._entity_key = entity_key
        self._entities = entities
        #: Entity filter → the entities it names (asked once per query).
        self.named: dict[Filter, set[str]] = {}
        params: list[Any] = []
        self.condition = self._condition(node, params)
        self.condition_params = params
        self.rank, self.rank_params = self._rank(node, counts, max(total, 1))

    def _condition(self, node: Node, params: list[Any]) -> str:
        if isinstance(node, And | Or):
            # The text leaves of a group are one tsquery ('a' & 'b' <-> 'c'): one index lookup.
            joiner, operator = (" AND ", " & ") if isinstance(node, And) else (" OR ", " | ")
            literals = [tsquery(part) for part in node.parts if isinstance(part, Words | Designation)]
            conditions = [
                self._condition(part, params) for part in node.parts if not isinstance(part, Words | Designation)
            ]
            if literals:
                if None in literals and isinstance(node, And):
                    return _NEVER
                usable = [f"({literal})" for literal in literals if literal is not None]
                if usable:
                    params.append(operator.join(usable))
                    conditions.append("(w.search @@ %s::tsquery)")
            return "(" + (joiner.join(conditions) or _NEVER) + ")"
        if isinstance(node, Not):
            return "NOT " + self._condition(node.part, params)
        if isinstance(node, Filter):
            return self._filter(node, params)
        literal = tsquery(node)
        if literal is None:
            return _NEVER
        params.append(literal)
        return "(w.search @@ %s::tsquery)"

    def _filter(self, leaf: Filter, params: list[Any]) -> str:
        if leaf.field in ("before", "after"):
            params.append(leaf.first if leaf.field == "before" else leaf.last)
            return f"coalesce(a.published {'<' if leaf.field == 'before' else '>'} %s, false)"
        if leaf.field in ("source", "author"):
            words = filter_words(leaf)
            params.extend(words)
            return "(" + " AND ".join([f"strpos(lower(coalesce(a.{leaf.field}, '')), %s) > 0"] * len(words)) + ")"
        return "w.id IN (" + _TAGS + self.tag_condition(leaf, params) + ")"

    def tag_condition(self, leaf: Filter, params: list[Any]) -> str:
        """The condition on a tag ``n`` that a tag filter keeps (as :func:`store.query_hits.tag_matches`)."""
        if leaf.field == "status":
            params.append(leaf.value)
            return "NOT n.orphaned AND coalesce(n.doc->>'status', 'accepted') = %s"
        if leaf.field == "type":
            # On the server: an entity type may have thousands of entities (PERSON), whose ids
            # are better joined there than sent in a list.
            params.append(leaf.value)
            return "n.live AND n.entity_id IN (SELECT e.id FROM {s}.entities e WHERE upper(e.type) = %s)"
        if leaf.field in ENTITY_FILTERS:
            if leaf not in self.named:
                self.named[leaf] = entity_ids(leaf, self._entity_key, self._entities())
            params.append(sorted(self.named[leaf]))
            return "n.live AND n.entity_id = ANY(%s)"
        if leaf.field == "label":
            params.append(leaf.value.lower())
            return "n.live AND n.labels <> '{{}}' AND EXISTS (SELECT 1 FROM unnest(n.labels) l WHERE lower(l) = %s)"
        words = filter_words(leaf)
        params.extend(words)
        return "n.live" + "".join(" AND strpos(lower(coalesce(n.doc->>'note', '')), %s) > 0" for _ in words)

    def _rank(self, node: Node, counts: Frequencies, total: int) -> tuple[str, list[Any]]:
        """The rank expression (``counts`` says how many articles each part matches)."""
        parts: list[str] = []
        params: list[Any] = []
        literals: list[str] = []
        counted: list[list[str]] = []  # per literal: what its rarity is counted from
        for leaf in dict.fromkeys(leaves(node)):
            if isinstance(leaf, Filter):
                if leaf.field in TAG_FILTERS:
                    tag_params: list[Any] = []
                    condition = self.tag_condition(leaf, tag_params)
                    articles = counts.tag_frequency(_TAG_ARTICLES + condition, tag_params)
                    parts.append(
                        f"{_idf(total, articles)!r} * (SELECT count(*)::float8 / (count(*) + 1)"
                        f" FROM {{s}}.annotations n WHERE n.article_id = w.id AND {condition})"
                    )
                    params += tag_params
            elif (literal := tsquery(leaf)) is not None:
                literals.append(literal)
                # A phrase is as rare as its rarest word, at most: counting the phrase itself
                # would read every article holding its words (all of them, for "the the the").
                words = list(dict.fromkeys(leaf.terms if isinstance(leaf, Words) else ()))
                counted.append([tsquery(Words((w,))) or "" for w in words] if len(words) > 1 else [literal])
        frequencies = counts.term_frequencies([q for group in counted for q in group])
        at = 0
        for literal, group in zip(literals, counted, strict=True):
            articles = min(frequencies[at : at + len(group)])
            at += len(group)
            parts.append(f"{_idf(total, articles)!r} * ts_rank(w.search, %s::tsquery)")
            params.append(literal)
        return (" + ".join(parts) if parts else "0.0"), params


def _idf(total: int, frequency: int) -> float:
    """BM25's inverse document frequency of a part found in ``frequency`` of ``total`` articles."""
    return math.log(1 + (total - frequency + 0.5) / (frequency + 0.5))

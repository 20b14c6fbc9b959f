"""A query answered from the in-memory indexes (the folder and in-memory stores).

The tree of :mod:`store.query_language` is matched over the full-text index's article numbers:
an AND narrows its candidates part by part, cheapest first (a rare word, then common ones, then
prefixes and phrases, checked only where everything else matched; NOTs last), so a query costs
what its rarest part costs; an OR unites; a NOT subtracts from what is left. Filters are read
from the tags and the articles' details, each once per query.

The articles kept are ranked by BM25 (:meth:`store.search_index.SearchIndex.weight`) over the
query's positive parts: words, phrases and designations by their occurrences, tag filters by
the tags they kept (an article that names Shoigu five times is more about him than one that
names him once); ties and queries with nothing to weigh (dates, NOTs) keep the document list's
order. Only the best ``limit`` are located in their text (:func:`store.query_hits.locate`).
What a filter found is kept by the indexes until anything changes: a query typed letter by
letter asks its filters again at each key.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

from store.changes import ANNOTATIONS
from store.indexes import Indexes
from store.models import SearchHit
from store.query_hits import TAG_FILTERS, article_matches, entity_ids, locate, sentence_snippet, tag_matches
from store.query_language import And, Designation, Filter, Node, Not, Or, Words, leaves
from store.search_index import SearchIndex

#: Order in which an AND checks its parts: cheap and narrowing first, then what needs candidates.
_PREFIX_COST, _PHRASE_COST, _NOT_COST = 10**9, 10**10, 10**11


class MemoryQuery:
    """One query's evaluation over the indexes (made per search; holds what the search read)."""

    def __init__(self, indexes: Indexes, index: SearchIndex) -> None:
        self.indexes = indexes
        self.index = index
        #: Tag filter → article number → the spans of the tags it kept.
        self._tags: dict[Filter, dict[int, list[tuple[int, int]]]] = {}
        self._articles: dict[Filter, set[int]] = {}
        self._prefixes: dict[str, dict[int, int]] = {}

    # ------------------------------------------------------------------ matching

    def match(self, node: Node, within: set[int] | None = None) -> set[int]:
        """The numbers of the articles matching ``node`` (among ``within``: all when ``None``)."""
        if isinstance(node, And):
            for part in sorted(node.parts, key=self._cost):
                within = self.match(part, within)
                if not within:
                    return set()
            return within if within is not None else self.index.numbers()
        if isinstance(node, Or):
            found: set[int] = set()
            for part in node.parts:
                found |= self.match(part, within)
            return found
        if isinstance(node, Not):
            every = self.index.numbers() if within is None else within
            return every - self.match(node.part, within)
        found = set(self.counts(node, within)) if not isinstance(node, Filter) else self._filtered(node)
        return found if within is None else found & within

    def counts(self, leaf: Words | Designation | Filter, within: set[int] | None) -> dict[int, int]:
        """Article number → how often the leaf matched there (tags kept, for a tag filter)."""
        if isinstance(leaf, Filter):
            tags = self._tag_spans(leaf) if leaf.field in TAG_FILTERS else {}
            return {n: len(spans) for n, spans in tags.items() if within is None or n in within}
        term = leaf.key if isinstance(leaf, Designation) else leaf.terms[0]
        if isinstance(leaf, Words) and len(leaf.terms) > 1:
            return self.index.phrase_counts(leaf.terms, within)
        if leaf.prefix:
            found = self._prefixes.get(term)
            if found is None:
                found = self._prefixes[term] = self.index.prefix_counts(term)
            return found if within is None else {n: c for n, c in found.items() if n in within}
        return self.index.counts(term, within)

    def _cost(self, node: Node) -> int:
        """An estimate of what matching ``node`` costs and keeps: an AND asks the cheapest first."""
        if isinstance(node, Not):
            return _NOT_COST
        if isinstance(node, Or):
            return sum(self._cost(part) for part in node.parts)
        if isinstance(node, And):
            return min(self._cost(part) for part in node.parts)
        if isinstance(node, Filter):
            return len(self._filtered(node))
        if isinstance(node, Words) and len(node.terms) > 1:
            return _PHRASE_COST + min(self.index.listed(term) for term in node.terms)
        if node.prefix:
            return _PREFIX_COST
        return self.index.listed(node.key if isinstance(node, Designation) else node.terms[0])

    def _filtered(self, leaf: Filter) -> set[int]:
        """The numbers of the articles a filter keeps."""
        if leaf.field in TAG_FILTERS:
            return set(self._tag_spans(leaf))
        found = self._articles.get(leaf)
        if found is None:
            found = self.indexes.filter_cache.get(("articles", leaf, id(self.index)))  # type: ignore[assignment]
        if found is None:
            number_of = self.index.number_of
            found = self._articles[leaf] = {
                number
                for key, article in self.indexes.articles.items()
                if article_matches(leaf, article) and (number := number_of(key)) is not None
            }
            self.indexes.filter_cache[("articles", leaf, id(self.index))] = found
        self._articles[leaf] = found
        return found

    def _tag_spans(self, leaf: Filter) -> dict[int, list[tuple[int, int]]]:
        """Article number → spans of the tags a tag filter keeps there (read once per query)."""
        found = self._tags.get(leaf)
        if found is None:
            found = self.indexes.filter_cache.get(("tags", leaf, id(self.index)))  # type: ignore[assignment]
        if found is not None:
            self._tags[leaf] = found
            return found
        docs = self.indexes.docs[ANNOTATIONS]
        named: set[str] | None = None
        if leaf.field in ("entity", "type"):
            named = entity_ids(leaf, self.indexes.entity_key, self.indexes.entities.values())
            keys = {key for entity_id in named for key in self.indexes.by_entity.get(entity_id, ())}
            candidates = [docs[key] for key in keys if key in docs]
        else:
            candidates = list(docs.values())
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        number_of = self.index.number_of
        for doc in candidates:
            if tag_matches(leaf, doc, named) and (number := number_of(doc["article_id"])) is not None:
                spans[number].append((doc["start"], doc["end"]))
        self._tags[leaf] = found = dict(spans)
        self.indexes.filter_cache[("tags", leaf, id(self.index))] = found
        return found

    # ------------------------------------------------------------------ ranking

    def rank(self, node: Node, matched: set[int], limit: int) -> list[SearchHit]:
        """The best ``limit`` of the matched articles as hits, each located in its text."""
        positive = list(dict.fromkeys(leaves(node)))
        scores: dict[int, float] = dict.fromkeys(matched, 0.0)
        weight = self.index.weight
        for leaf in positive:
            if isinstance(leaf, Filter) and leaf.field not in TAG_FILTERS:
                continue
            counts = self.counts(leaf, matched)
            frequency = self._frequency(leaf, counts)
            head = leaf.terms[0] if isinstance(leaf, Words) and not leaf.prefix else ""
            for number, count in counts.items():
                scores[number] += weight(number, count, frequency, head)
        order = self.indexes.article_rank()
        article_id = self.index.article_id
        best = heapq.nsmallest(
            limit, matched, key=lambda n: (-round(scores[n], 9), order.get(article_id(n) or "", len(order)))
        )
        hits = []
        for number in best:
            key = article_id(number)
            assert key is not None
            text = self.index.text(number)
            tag_spans = [
                span
                for leaf in positive
                if isinstance(leaf, Filter) and leaf.field in TAG_FILTERS
                for span in self._tag_spans(leaf).get(number, ())
            ]
            start, end = locate(text, positive, tag_spans)
            snippet, highlight = sentence_snippet(text, start, end)
            hits.append(SearchHit(key, start, end, snippet, round(scores[number], 4), highlight))
        return hits

    def _frequency(self, leaf: Words | Designation | Filter, counts: dict[int, int]) -> int:
        """In how many articles the leaf occurs (a phrase: among the matched; as the index ranks it)."""
        if isinstance(leaf, Filter):
            return len(self._tag_spans(leaf))
        if isinstance(leaf, Words) and len(leaf.terms) > 1:
            return len(counts)
        term = leaf.key if isinstance(leaf, Designation) else leaf.terms[0]
        if leaf.prefix:
            return len(self._prefixes.get(term, counts))
        return self.index.frequency(term)


def search(indexes: Indexes, node: Node, limit: int) -> list[SearchHit]:
    """The articles matching ``node``, best first (see the module docstring)."""
    index = indexes.search_index()
    with indexes.lock:
        query = MemoryQuery(indexes, index)
        return query.rank(node, query.match(node), limit)

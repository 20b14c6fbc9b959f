"""An in-memory inverted index for full-text search over articles.

Built once when the store opens and updated article by article on import, so a query never
scans the corpus. Terms are case- and accent-folded words; the postings keep every position so
a hit can point at the exact words and a phrase can be checked. Ranking is BM25 over the
article text with a boost for title matches.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from store.models import SearchHit

_TOKEN = re.compile(r"\w+", re.U)
_QUERY_PART = re.compile(r'"([^"]+)"|(\S+)')
_K1, _B, _TITLE_BOOST = 1.2, 0.75, 2.0


@lru_cache(maxsize=500_000)
def fold(word: str) -> str:
    """Case- and accent-insensitive form of a word (``Shoïgu`` and ``shoigu`` match).

    Memoised: a corpus has far fewer distinct words than words, so indexing folds each once.
    """
    if word.isascii():
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Folded terms with their character offsets in ``text``."""
    return [(fold(m.group()), m.start(), m.end()) for m in _TOKEN.finditer(text)]


@dataclass(frozen=True, slots=True)
class _Doc:
    length: int
    title_terms: frozenset[str]


class SearchIndex:
    """Term → article → start offsets; supports AND of words, quoted phrases and a prefix last word.

    Only start offsets are kept (as compact arrays); a word's end is found again from the text
    when a hit is shown, which keeps the index small enough for tens of thousands of articles.
    """

    def __init__(self) -> None:
        self._postings: dict[str, dict[str, array[int]]] = defaultdict(dict)
        self._docs: dict[str, _Doc] = {}
        self._texts: dict[str, str] = {}
        self._total_length = 0

    def __len__(self) -> int:
        return len(self._docs)

    def add(self, article_id: str, title: str | None, text: str) -> None:
        """Index (or re-index) one article."""
        if article_id in self._docs:
            self.remove(article_id)
        tokens = _TOKEN.finditer(text)
        count = 0
        postings = self._postings
        for match in tokens:
            count += 1
            term = fold(match.group())
            per_article = postings[term]
            starts = per_article.get(article_id)
            if starts is None:
                per_article[article_id] = array("I", (match.start(),))
            else:
                starts.append(match.start())
        title_terms = frozenset(term for term, _, _ in tokenize(title or ""))
        self._docs[article_id] = _Doc(count, title_terms)
        self._texts[article_id] = text
        self._total_length += count

    def remove(self, article_id: str) -> None:
        """Drop one article from the index."""
        doc = self._docs.pop(article_id, None)
        if doc is None:
            return
        text = self._texts.pop(article_id)
        for term in {fold(m.group()) for m in _TOKEN.finditer(text)}:
            postings = self._postings.get(term)
            if postings is not None:
                postings.pop(article_id, None)
                if not postings:
                    del self._postings[term]
        self._total_length -= doc.length

    def _prefix_terms(self, prefix: str) -> list[str]:
        # Linear in the vocabulary (tens of thousands of terms), only for the last, unfinished word.
        return [term for term in self._postings if term.startswith(prefix)][:50]

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Articles containing every word (and phrase) of ``query``, best first.

        The last bare word also matches as a prefix, so results appear while the user types.
        Each hit points at the first matching words in the article.
        """
        groups = self._parse(query)
        if not groups or not self._docs:
            return []
        candidates: set[str] | None = None
        per_group: list[dict[str, list[int]]] = []
        for group in groups:
            matches = self._match_group(group)
            per_group.append(matches)
            ids = set(matches)
            candidates = ids if candidates is None else candidates & ids
            if not candidates:
                return []
        assert candidates is not None
        n_docs = len(self._docs)
        average = self._total_length / n_docs if n_docs else 1.0
        scored: list[tuple[float, str, int]] = []
        for article_id in candidates:
            doc = self._docs[article_id]
            score = 0.0
            first: int | None = None
            for group, matches in zip(groups, per_group, strict=True):
                positions = matches[article_id]
                df = len(matches)
                idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
                tf = len(positions)
                score += idf * tf * (_K1 + 1) / (tf + _K1 * (1 - _B + _B * doc.length / average))
                if group[0] in doc.title_terms:
                    score += _TITLE_BOOST * idf
                earliest = min(positions)
                if first is None or earliest < first:
                    first = earliest
            assert first is not None
            scored.append((score, article_id, first))
        scored.sort(key=lambda item: (-item[0], item[1]))
        hits = []
        for score, article_id, start in scored[:limit]:
            end = self._end_of(article_id, start, groups)
            hits.append(SearchHit(article_id, start, end, self._snippet(article_id, start, end), round(score, 4)))
        return hits

    def _end_of(self, article_id: str, start: int, groups: list[tuple[str, ...]]) -> int:
        """End of the hit at ``start``: the end of its word, or of the phrase starting there."""
        text = self._texts[article_id]
        words = max(len(g) for g in groups)
        tokens = tokenize(text[start : start + 40 * words])
        for group in groups:
            if len(tokens) >= len(group) and tuple(t for t, _, _ in tokens[: len(group)]) == group:
                return start + tokens[len(group) - 1][2]
        return start + (tokens[0][2] if tokens else 0)

    @staticmethod
    def _parse(query: str) -> list[tuple[str, ...]]:
        groups: list[tuple[str, ...]] = []
        for phrase, word in _QUERY_PART.findall(query):
            terms = tuple(term for term, _, _ in tokenize(phrase or word))
            if terms:
                groups.append(terms)
        if groups and not query.rstrip().endswith('"') and not query.endswith(" ") and len(groups[-1]) == 1:
            groups[-1] = ("*" + groups[-1][0],)
        return groups

    def _match_group(self, group: tuple[str, ...]) -> dict[str, list[int]]:
        """Start offsets of a word, a prefix (``*word``) or a phrase, per article."""
        if len(group) == 1:
            term = group[0]
            if term.startswith("*"):
                merged: dict[str, list[int]] = {}
                for full in self._prefix_terms(term[1:]):
                    for article_id, positions in self._postings[full].items():
                        merged.setdefault(article_id, []).extend(positions)
                return merged
            return {key: list(starts) for key, starts in self._postings.get(term, {}).items()}
        first = self._postings.get(group[0], {})
        result: dict[str, list[int]] = {}
        for article_id, positions in first.items():
            text = self._texts[article_id]
            for start in positions:
                tokens = tokenize(text[start : start + 40 * len(group)])[: len(group)]
                if tuple(t for t, _, _ in tokens) == group:
                    result.setdefault(article_id, []).append(start)
        return result

    def _snippet(self, article_id: str, start: int, end: int, width: int = 120) -> str:
        text = self._texts[article_id]
        left = max(0, start - width // 3)
        right = min(len(text), end + width - (start - left))
        snippet = " ".join(text[left:right].split())
        return ("…" if left else "") + snippet + ("…" if right < len(text) else "")

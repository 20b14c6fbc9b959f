"""The search index as it was before queries were deduplicated and phrases matched on folded words.

Kept verbatim (from commit 9db5d8a) as the oracle for tests/test_search_speed.py: the rewrite
must return the same hits for ordinary queries. Not used by the app.
"""

from __future__ import annotations

import math
import re
import unicodedata
from array import array
from collections import Counter
from functools import lru_cache

from store.models import SearchHit

_TOKEN = re.compile(r"\w+", re.U)
_QUERY_PART = re.compile(r'"([^"]+)"|(\S+)')
_K1, _B, _TITLE_BOOST = 1.2, 0.75, 2.0
_MAX_PREFIX_TERMS = 50


@lru_cache(maxsize=200_000)
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


#: A query part: one folded word, a prefix (``*word``), or a phrase of several words.
Group = tuple[str, ...]


class SearchIndex:
    """Term → (article numbers, counts); AND of words, quoted phrases and a prefix last word."""

    def __init__(self) -> None:
        self._postings: dict[str, tuple[array[int], array[int]]] = {}
        self._ids: list[str | None] = []  # article number → id (None once removed)
        self._numbers: dict[str, int] = {}
        self._texts: list[str | None] = []
        self._lengths: list[int] = []
        self._titles: list[frozenset[str]] = []
        self._total_length = 0

    def __len__(self) -> int:
        return len(self._numbers)

    def add(self, article_id: str, title: str | None, text: str) -> None:
        """Index (or re-index) one article."""
        if article_id in self._numbers:
            self.remove(article_id)
        number = len(self._ids)
        counts = Counter(map(fold, _TOKEN.findall(text)))
        postings = self._postings
        for term, count in counts.items():
            entry = postings.get(term)
            if entry is None:
                postings[term] = (array("I", (number,)), array("I", (count,)))
            else:
                entry[0].append(number)
                entry[1].append(count)
        length = sum(counts.values())
        self._ids.append(article_id)
        self._numbers[article_id] = number
        self._texts.append(text)
        self._lengths.append(length)
        self._titles.append(frozenset(map(fold, _TOKEN.findall(title or ""))))
        self._total_length += length

    def remove(self, article_id: str) -> None:
        """Drop one article (its postings are skipped from now on)."""
        number = self._numbers.pop(article_id, None)
        if number is None:
            return
        self._ids[number] = None
        self._texts[number] = None
        self._total_length -= self._lengths[number]

    # ------------------------------------------------------------------ querying

    @staticmethod
    def _parse(query: str) -> list[Group]:
        groups: list[Group] = []
        for phrase, word in _QUERY_PART.findall(query):
            terms = tuple(term for term, _, _ in tokenize(phrase or word))
            if terms:
                groups.append(terms)
        if groups and not query.rstrip().endswith('"') and not query.endswith(" ") and len(groups[-1]) == 1:
            groups[-1] = ("*" + groups[-1][0],)
        return groups

    def _counts(self, term: str) -> dict[int, int]:
        entry = self._postings.get(term)
        if entry is None:
            return {}
        ids = self._ids
        return {n: c for n, c in zip(entry[0], entry[1], strict=True) if ids[n] is not None}

    def _match_group(self, group: Group, within: set[int] | None) -> dict[int, int]:
        """Article number → occurrences of a word, a prefix (``*word``) or a phrase."""
        if len(group) == 1 and group[0].startswith("*"):
            prefix = group[0][1:]
            merged: dict[int, int] = {}
            terms = [t for t in self._postings if t.startswith(prefix)][:_MAX_PREFIX_TERMS]
            for term in terms:
                for number, count in self._counts(term).items():
                    merged[number] = merged.get(number, 0) + count
            return merged
        if len(group) == 1:
            return self._counts(group[0])
        candidates: set[int] | None = within
        for term in group:
            numbers = set(self._counts(term))
            candidates = numbers if candidates is None else candidates & numbers
        pattern = _phrase_pattern(group)
        result: dict[int, int] = {}
        for number in candidates or ():
            found = len(pattern.findall(self._texts[number] or ""))
            if found:
                result[number] = found
        return result

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Articles containing every word (and phrase) of ``query``, best first.

        The last bare word also matches as a prefix, so results appear while the user types.
        Each hit points at the first matching words in the article.
        """
        groups = self._parse(query)
        if not groups or not self._numbers:
            return []
        # Single words first: they narrow the candidates that phrases are checked in.
        order = sorted(range(len(groups)), key=lambda i: len(groups[i]) > 1)
        matches: dict[int, dict[int, int]] = {}
        candidates: set[int] | None = None
        for index in order:
            found = self._match_group(groups[index], candidates)
            matches[index] = found
            candidates = set(found) if candidates is None else candidates & set(found)
            if not candidates:
                return []
        assert candidates is not None
        n_docs = len(self._numbers)
        average = self._total_length / n_docs if n_docs else 1.0
        scored: list[tuple[float, int]] = []
        for number in candidates:
            length = self._lengths[number]
            score = 0.0
            for index, group in enumerate(groups):
                found = matches[index]
                count = found[number]
                idf = math.log(1 + (n_docs - len(found) + 0.5) / (len(found) + 0.5))
                score += idf * count * (_K1 + 1) / (count + _K1 * (1 - _B + _B * length / average))
                if group[0].lstrip("*") in self._titles[number]:
                    score += _TITLE_BOOST * idf
            scored.append((score, number))
        scored.sort(key=lambda item: (-item[0], self._ids[item[1]] or ""))
        hits = []
        for score, number in scored[:limit]:
            text = self._texts[number] or ""
            start, end = _first_match(text, groups)
            article_id = self._ids[number]
            assert article_id is not None
            hits.append(SearchHit(article_id, start, end, _snippet(text, start, end), round(score, 4)))
        return hits


@lru_cache(maxsize=256)
def _phrase_pattern(group: Group) -> re.Pattern[str]:
    """Words of a phrase in order, separated by anything that is not a word character."""
    return re.compile(r"\b" + r"\W+".join(re.escape(word) for word in group) + r"\b", re.I)


def _first_match(text: str, groups: list[Group]) -> tuple[int, int]:
    """The earliest place in ``text`` where any part of the query occurs."""
    best: tuple[int, int] | None = None
    for group in groups:
        if len(group) > 1:
            match = _phrase_pattern(group).search(text)
            if match and (best is None or match.start() < best[0]):
                best = match.span()
            continue
        term = group[0]
        prefix = term.startswith("*")
        wanted = term[1:] if prefix else term
        for token in _TOKEN.finditer(text, 0, best[0] if best else len(text)):
            folded = fold(token.group())
            if folded == wanted or (prefix and folded.startswith(wanted)):
                best = token.span()
                break
    return best or (0, 0)


def _snippet(text: str, start: int, end: int, width: int = 120) -> str:
    left = max(0, start - width // 3)
    right = min(len(text), end + width - (start - left))
    snippet = " ".join(text[left:right].split())
    return ("…" if left else "") + snippet + ("…" if right < len(text) else "")

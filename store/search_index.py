"""An in-memory inverted index for full-text search over articles.

Built once (lazily, off the first-screen path) and updated article by article on import, so a
query never scans the corpus. Terms are case- and accent-folded words. For each term the index
keeps two compact arrays: the numbers of the articles containing it and how often. Positions
are not kept per term (lists of positions would cost hundreds of megabytes at 10,000
articles); instead each article keeps its words as one packed string of term numbers, four
bytes a word (about 15 MB for 10,000 BBC articles), so a quoted phrase is checked by a
byte search in C rather than a regular expression over the text. A hit's place in the text is
found again, for the few hits shown, by scanning that one article. Ranking is BM25 with a
boost for words of the title.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache

from store.designations import designation_counts
from store.models import SearchHit

#: What a word is, for the index and the server store's search vectors.
WORD = _TOKEN = re.compile(r"\w+", re.U)
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


#: Each ASCII character (as a byte) to what :func:`folded_words` makes of it: a word character
#: lowered, any other a space. Derived from :data:`WORD` itself, so the two cannot disagree.
_ASCII_FOLD = bytes(ord(chr(c).lower()) if c < 128 and WORD.fullmatch(chr(c)) else 32 for c in range(256))
_ASCII_BYTES = bytes(range(128))


#: Longer "words" (a run of letters with no space: a pasted hash, a long URL part) name nothing
#: an entity could be called: the vocabulary of words by sound (:mod:`store.vocabulary`) leaves them out.
LONGEST_WORD = 100


def folded_words(text: str) -> list[str]:
    """The folded words of ``text`` in order: ``[fold(w) for w in WORD.findall(text)]``, made faster.

    A server import folds every word of every article, and the regular expression alone was a
    fifth of that. For text whose word characters are all ASCII (English news, even with a ``£``
    or curly quotes in it) a word is a run of ``[A-Za-z0-9_]`` and its fold is its lower case,
    so one ``translate`` (word characters lowered, all else a space) and a ``split`` give the
    same list at a third of the cost (on bytes: ``str.translate`` looks each character up in a
    dict). Each non-ASCII character that is not a word character is first made a ``?`` (also
    not one), which leaves every word where it was. Text with a non-ASCII word character (an
    accent, Cyrillic) is folded word by word, as :func:`fold` does.
    """
    if not ascii_words(text):
        return list(map(fold, WORD.findall(text)))
    return text.encode("ascii", "replace").translate(_ASCII_FOLD).decode("ascii").split()


def ascii_words(text: str) -> bool:
    """Whether every word character of ``text`` is ASCII (so a word's fold is its lower case).

    True for English news with a ``£``, curly quotes or dashes in it: only its non-ASCII
    characters are looked at (ASCII bytes never occur inside a longer UTF-8 sequence).
    """
    if text.isascii():
        return True
    others = text.encode("utf-8", "surrogatepass").translate(None, _ASCII_BYTES)
    return not WORD.search(others.decode("utf-8", "surrogatepass"))


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
        self._live: dict[str, int] = {}  # term → articles (not removed) that contain it
        self._term_numbers: dict[str, int] = {}
        self._terms: list[str] = []  # term number → term: the vocabulary in the order it grew
        self._streams: list[bytes] = []  # article number → its words as packed term numbers

    def __len__(self) -> int:
        return len(self._numbers)

    def add(self, article_id: str, title: str | None, text: str) -> None:
        """Index (or re-index) one article."""
        if article_id in self._numbers:
            self.remove(article_id)
        number = len(self._ids)
        words = list(map(fold, _TOKEN.findall(text)))
        counts = Counter(words)
        term_numbers = self._term_numbers
        for term in counts:
            if term not in term_numbers:
                term_numbers[term] = len(self._terms)
                self._terms.append(term)
        self._streams.append(array("I", [term_numbers[word] for word in words]).tobytes())
        postings, live = self._postings, self._live
        # Designation keys (``~mi35``) are looked up as words are, but are no words of the text:
        # they stay out of its word stream (phrases) and of the vocabulary (terms_from).
        for term, count in (*counts.items(), *designation_counts(text).items()):
            live[term] = live.get(term, 0) + 1
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
        text = self._texts[number] or ""
        for term in {*map(fold, _TOKEN.findall(text)), *designation_counts(text)}:
            self._live[term] -= 1
        self._ids[number] = None
        self._texts[number] = None
        self._streams[number] = b""
        self._total_length -= self._lengths[number]

    # ------------------------------------------------------------------ querying

    # What the query language's evaluation (:mod:`store.query_memory`) reads. Articles are
    # numbered in the order they were indexed; a removed one keeps its number, answered by none.

    def number_of(self, article_id: str) -> int | None:
        """The article's number in the index (``None``: not indexed)."""
        return self._numbers.get(article_id)

    def article_id(self, number: int) -> str | None:
        """The id of article ``number`` (``None`` once removed)."""
        return self._ids[number]

    def numbers(self) -> set[int]:
        """Every indexed article's number."""
        return set(self._numbers.values())

    def frequency(self, term: str) -> int:
        """How many indexed articles hold ``term`` (its document frequency)."""
        return self._live.get(term, 0)

    def listed(self, term: str) -> int:
        """The length of ``term``'s posting list: what looking it up costs."""
        entry = self._postings.get(term)
        return len(entry[0]) if entry else 0

    def counts(self, term: str, within: set[int] | None = None) -> dict[int, int]:
        """Article number → occurrences of ``term`` (among ``within``)."""
        return self._counts_among(term, within)

    def prefix_counts(self, prefix: str, within: set[int] | None = None) -> dict[int, int]:
        """Article number → occurrences of words starting with ``prefix`` (the first few such words)."""
        found = self._match_prefix(prefix)
        return found if within is None else {n: c for n, c in found.items() if n in within}

    def phrase_counts(self, terms: Sequence[str], within: set[int] | None = None) -> dict[int, int]:
        """Article number → occurrences of the words in a row (among ``within``)."""
        return self._match_phrase(tuple(terms), self.numbers() if within is None else within)

    def text(self, number: int) -> str:
        """Article ``number``'s text (empty once removed)."""
        return self._texts[number] or ""

    def weight(self, number: int, count: int, frequency: int, head: str) -> float:
        """BM25 of ``count`` occurrences of a part found in ``frequency`` articles, boosted in the title."""
        n_docs = len(self._numbers)
        if not count or not n_docs:
            return 0.0
        average = self._total_length / n_docs
        idf = math.log(1 + (n_docs - frequency + 0.5) / (frequency + 0.5))
        norm = _K1 * (1 - _B + _B * self._lengths[number] / (average or 1.0))
        score = idf * count * (_K1 + 1) / (count + norm)
        return score + (_TITLE_BOOST * idf if head and head in self._titles[number] else 0.0)

    def terms_from(self, start: int) -> list[str]:
        """The words first indexed after the ``start`` first ones (a caller keeps up with the vocabulary)."""
        return self._terms[start:]

    def articles_with(self, groups: Iterable[Sequence[Iterable[str]]]) -> set[str]:
        """Ids of the articles holding, for some group, one of each of its word sets (OR of ANDs of ORs)."""
        found: set[int] = set()
        for group in groups:
            within: set[int] | None = None
            for choices in group:
                holding: set[int] = set()
                for term in choices:
                    holding.update(self._counts_among(term, within))
                within = holding
                if not within:
                    break
            found |= within or set()
        ids = self._ids
        return {article_id for number in found if (article_id := ids[number]) is not None}

    @staticmethod
    def parse(query: str) -> list[Group]:
        """The query's distinct parts, in the order they first appear.

        A part written twice asks nothing more than once: keeping one copy makes the cost of a
        query depend on what it asks, not on how long it is (``"the " * 20000`` is ``the``).
        """
        groups: list[Group] = []
        seen: dict[str, Group] = {}  # each distinct part of the text is tokenised once
        for phrase, word in _QUERY_PART.findall(query):
            part = phrase or word
            terms = seen.get(part)
            if terms is None:
                terms = seen[part] = tuple(term for term, _, _ in tokenize(part))
            if terms:
                groups.append(terms)
        if groups and not query.rstrip().endswith('"') and not query.endswith(" ") and len(groups[-1]) == 1:
            groups[-1] = ("*" + groups[-1][0],)
        return list(dict.fromkeys(groups))

    def _count_in(self, term: str, number: int) -> int:
        """Occurrences of ``term`` in article ``number`` (0 if none).

        A binary search: article numbers only grow, so every posting list is sorted.
        """
        numbers, counts = self._postings[term]
        at = bisect_left(numbers, number)
        return counts[at] if at < len(numbers) and numbers[at] == number else 0

    def _counts_among(self, term: str, within: set[int] | None) -> dict[int, int]:
        """Article number → occurrences of ``term``, for live articles (only those in ``within``).

        Costs the smaller of walking the posting list and one binary search per candidate.
        """
        entry = self._postings.get(term)
        if entry is None:
            return {}
        numbers, counts = entry
        if within is not None and len(within) * max(1, len(numbers).bit_length()) < len(numbers):
            found = {n: self._count_in(term, n) for n in within}
            return {n: c for n, c in found.items() if c}
        ids = self._ids
        if within is None:
            return {n: c for n, c in zip(numbers, counts, strict=True) if ids[n] is not None}
        return {n: c for n, c in zip(numbers, counts, strict=True) if n in within}

    def _match_prefix(self, prefix: str) -> dict[int, int]:
        """Article number → occurrences of words starting with ``prefix`` (the first few such words)."""
        merged: dict[int, int] = {}
        terms = [t for t in self._postings if t.startswith(prefix)][:_MAX_PREFIX_TERMS]
        for term in terms:
            for number, count in self._counts_among(term, None).items():
                merged[number] = merged.get(number, 0) + count
        return merged

    def _match_phrase(self, group: Group, within: set[int]) -> dict[int, int]:
        """Article number → occurrences of a phrase, among ``within``.

        The text is only scanned in articles holding each word of the phrase at least as often
        as the phrase does: a pasted phrase of 2,000 words (or ``the`` 2,000 times) is ruled
        out by the counts alone, without a scan.
        """
        needed = Counter(group)
        if any(term not in self._postings for term in needed):
            return {}
        rarest = sorted(needed, key=lambda term: len(self._postings[term][0]))
        candidates = within
        for term in rarest:
            candidates = {n for n, c in self._counts_among(term, candidates).items() if c >= needed[term]}
            if not candidates:
                return {}
        needle = array("I", [self._term_numbers[term] for term in group]).tobytes()
        result: dict[int, int] = {}
        for number in candidates:
            found = _count_aligned(self._streams[number], needle)
            if found:
                result[number] = found
        return result

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Articles containing every word (and phrase) of ``query``, best first.

        The last bare word also matches as a prefix, so results appear while the user types.
        Each hit points at the first matching words in the article.

        Words are intersected rarest first, so the candidates shrink as fast as they can and a
        common word costs one binary search per remaining candidate, not a walk of its list.
        Phrases come last, checked only in the articles every other part allows.
        """
        groups = self.parse(query)
        if not groups or not self._numbers:
            return []
        words = [g for g in groups if len(g) == 1 and not g[0].startswith("*")]
        if any(self._live.get(g[0], 0) == 0 for g in words):
            return []
        matches: dict[Group, dict[int, int]] = {}
        frequency: dict[Group, int] = {}  # articles with the part: the "document frequency"
        candidates: set[int] | None = None
        for group in sorted(words, key=lambda g: len(self._postings[g[0]][0])):
            matches[group] = self._counts_among(group[0], candidates)
            frequency[group] = self._live[group[0]]
            candidates = set(matches[group])
            if not candidates:
                return []
        for group in groups:
            if len(group) == 1 and group[0].startswith("*"):
                found = self._match_prefix(group[0][1:])
                matches[group], frequency[group] = found, len(found)
                candidates = set(found) if candidates is None else candidates & found.keys()
                if not candidates:
                    return []
        for group in groups:
            if len(group) > 1:
                found = self._match_phrase(group, candidates if candidates is not None else set(self._numbers.values()))
                matches[group], frequency[group] = found, len(found)
                candidates = set(found)
                if not candidates:
                    return []
        assert candidates is not None
        for group in words:  # counts of words intersected before the candidates were final
            if len(matches[group]) > len(candidates):
                matches[group] = {n: matches[group][n] for n in candidates}
        return self._rank(groups, matches, frequency, candidates, limit)

    def _rank(
        self,
        groups: list[Group],
        matches: dict[Group, dict[int, int]],
        frequency: dict[Group, int],
        candidates: set[int],
        limit: int,
    ) -> list[SearchHit]:
        """BM25 over the parts of the query, a boost for title words; the best ``limit`` as hits."""
        n_docs = len(self._numbers)
        average = self._total_length / n_docs if n_docs else 1.0
        idf = {g: math.log(1 + (n_docs - frequency[g] + 0.5) / (frequency[g] + 0.5)) for g in groups}
        heads = {g: g[0].lstrip("*") for g in groups}
        scored: list[tuple[float, int]] = []
        for number in candidates:
            norm = _K1 * (1 - _B + _B * self._lengths[number] / average)
            title = self._titles[number]
            score = 0.0
            for group in groups:
                count = matches[group][number]
                score += idf[group] * count * (_K1 + 1) / (count + norm)
                if heads[group] in title:
                    score += _TITLE_BOOST * idf[group]
            scored.append((score, number))
        from store.text_matches import first_match, snippet  # the text's own module; it reads this one's words

        ids = self._ids
        best = heapq.nsmallest(limit, scored, key=lambda item: (-item[0], ids[item[1]] or ""))
        hits = []
        for score, number in best:
            text = self._texts[number] or ""
            start, end = first_match(text, groups)
            article_id = ids[number]
            assert article_id is not None
            hits.append(SearchHit(article_id, start, end, snippet(text, start, end), round(score, 4)))
        return hits


def _count_aligned(stream: bytes, needle: bytes, width: int = 4) -> int:
    """Non-overlapping occurrences of ``needle`` in ``stream`` that start on a term boundary.

    A match at an offset that is not a multiple of ``width`` straddles two term numbers and
    means nothing; the search goes on one byte later.
    """
    found, at = 0, stream.find(needle)
    while at != -1:
        if at % width:
            at = stream.find(needle, at + 1)
        else:
            found += 1
            at = stream.find(needle, at + len(needle))
    return found

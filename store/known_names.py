"""Known names in a text: where an article names an entity the store knows, in any spelling.

An entity's mentions are found by the sound of its words, not their letters: every word of the
text and of each name is reduced to a *word key* — its Latin transliteration (rigour's
``ascii_text``: Шойгу → Shoigu) put through Metaphone with repeated sounds collapsed, so Shoigu,
Shoygu and Шойгу, Sergey and Sergei, Mirziyoyev and Mirziyoev each share one key. One
Aho-Corasick automaton (pyahocorasick) holds the key sequences of every name and alias, so a text
is read once whatever the number of entities. A sequence found is then checked word by word
with rapidfuzz (the Latin spellings at least :data:`SAME_WORD_AT_LEAST` similar), which drops
keys that sound alike but are other words.

Short words (up to :data:`EXACT_UP_TO` letters: acronyms such as CSTO, NATO) and words with
digits (Mi-35M) keep their letters as their key: a sound is too loose a test for them. A word in
lower case in the text is not taken for a name's capitalised word ("reading" is not Reading),
which is what a reader means by case-insensitive: SHOIGU in a headline is Shoigu.

A person's surname alone ("Azizov said") is a weaker mention of the person: it is found too,
marked ``partial``; the words before it that match the name's earlier words, even spelled a
little differently ("Abusalom Azizov" for Abdusalom Azizov), join the span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from store.fuzzy import EXACT_UP_TO, latin, same_word, word_key
from store.models import Entity
from store.spans import TakenSpans

#: A word of a name or a text: letters and digits (hyphens and apostrophes separate words).
_WORD = re.compile(r"[^\W_]+")
#: Entity types whose surname alone is a mention of them.
SURNAME_TYPES = frozenset({"PERSON"})


@dataclass(frozen=True, slots=True)
class NameHit:
    """A span of the text that names a known entity (``name``: which of its names it matched)."""

    start: int
    end: int
    entity_id: str
    name: str
    #: Only part of the name was found (a person's surname, with any earlier words that match).
    partial: bool = False


def name_words(name: str) -> list[str]:
    """The words of a name, as they are matched."""
    return _WORD.findall(name)


class NameFinder:
    """Finds the known names of many entities in texts; built once for a set of entities."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        import ahocorasick

        self._automaton = ahocorasick.Automaton()
        #: Key sequence → the (entity id, name, name words, partial) it stands for.
        patterns: dict[str, list[tuple[str, str, tuple[str, ...], bool]]] = {}
        for entity in entities:
            for name in entity.names():
                words = tuple(name_words(name))
                if not words:
                    continue
                keys = " ".join(word_key(word) for word in words)
                patterns.setdefault(f" {keys} ", []).append((entity.id, name, words, False))
                if entity.type in SURNAME_TYPES and len(words) > 1 and len(latin(words[-1])) > EXACT_UP_TO:
                    patterns.setdefault(f" {word_key(words[-1])} ", []).append((entity.id, name, words, True))
        for pattern, owners in patterns.items():
            self._automaton.add_word(pattern, (len(pattern), owners))
        self._empty = not patterns
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[NameHit]:
        """Every span of ``text`` that names a known entity; overlapping finds keep the longest."""
        if self._empty:
            return []
        spans = [(m.start(), m.end()) for m in _WORD.finditer(text)]
        keys = [word_key(text[start:end]) for start, end in spans]
        # Word i's key starts at offsets[i] of the joined keys (each key has a space either side).
        joined = " " + " ".join(keys) + " "
        starts_at: dict[int, int] = {}
        offset = 1
        for index, key in enumerate(keys):
            starts_at[offset] = index
            offset += len(key) + 1
        found: list[tuple[int, int, NameHit]] = []
        for end_char, (pattern_length, owners) in self._automaton.iter(joined):
            first = starts_at.get(end_char - pattern_length + 2)
            if first is None:
                continue
            for entity_id, name, words, partial in owners:
                count = 1 if partial else len(words)
                hit = self._checked(text, spans, first, count, entity_id, name, words, partial)
                if hit is not None:
                    found.append((hit.start, hit.end, hit))
        return _longest_first(found)

    @staticmethod
    def _checked(
        text: str,
        spans: list[tuple[int, int]],
        first: int,
        count: int,
        entity_id: str,
        name: str,
        words: tuple[str, ...],
        partial: bool,
    ) -> NameHit | None:
        """The hit, if each word found is a spelling of the name's word (a partial one grows left)."""
        expected = words[-count:]
        for offset, word in enumerate(expected):
            start, end = spans[first + offset]
            if not same_word(text[start:end], word):
                return None
        if partial:
            # Earlier words of the name that stand just before the surname join the span.
            earlier = list(words[:-1])
            while earlier and first > 0:
                start, end = spans[first - 1]
                between = text[end : spans[first][0]]
                if between.strip(" ") or not same_word(text[start:end], earlier[-1]):
                    break
                earlier.pop()
                first -= 1
                count += 1
            partial = bool(earlier)
        return NameHit(spans[first][0], spans[first + count - 1][1], entity_id, name, partial)


def _longest_first(found: list[tuple[int, int, NameHit]]) -> list[NameHit]:
    """Non-overlapping hits in text order, a longer (then a whole-name) hit winning an overlap."""
    taken = TakenSpans()
    ranked = sorted(found, key=lambda item: (item[0] - item[1], item[2].partial, item[0]))
    return sorted((hit for start, end, hit in ranked if taken.take(start, end)), key=lambda hit: hit.start)

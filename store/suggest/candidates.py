"""A proposed mention, and how proposals from several sources are made into one set.

Every suggester returns :class:`Candidate` records: a span of the article text, the type it
would be tagged with and the name of the entity it would link to. The sources overlap ("Iraq"
inside "Islamic State of Iraq and the Levant", "Kerry" the county and "Kerry" the Secretary of
State), so :func:`resolve` keeps one candidate wherever several claim the same characters:

1. the longest span wins: a longer name says more ("Bank of England" is not "England"), and a
   name-building rule only fires on a longer span when it saw more evidence;
2. of spans equally long, a pattern beats a gazetteer: a pattern read the context ("Secretary
   Kerry"), a gazetteer only knows the word;
3. then the type that ``TYPE_PRIORITY`` lists first (a person's name over a place's, a
   document over an organisation: "Treaty" names are more specific than the "Organization"
   that often shares their words), then the earlier span.

The result never holds two candidates whose spans overlap, and is in text order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from store.spans import TakenSpans

#: Tie-break between equally long spans of different types (first wins).
TYPE_PRIORITY: tuple[str, ...] = ("PERSON", "EQUIPMENT", "DOCUMENT", "EVENT", "ORG", "PLACE", "MONEY", "DATE")
#: Tie-break between equally long spans of different sources (first wins).
SOURCE_PRIORITY: tuple[str, ...] = ("pattern", "gazetteer")


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed entity mention.

    ``start``/``end`` are offsets into the text the suggester read (``text[start:end]`` is the
    mention as written); ``name`` is the entity the mention would link to: the long form of an
    acronym, a person without their title, a country's short English name, an ISO date.
    ``rule`` says which rule proposed it ("acronym", "title", "designation"…), so a reviewer
    can tell why and an evaluation can score each rule.
    """

    start: int
    end: int
    entity_type: str
    name: str
    source: str
    rule: str = ""

    def surface(self, text: str) -> str:
        """The mention as written in ``text``."""
        return text[self.start : self.end]


def _rank(candidate: Candidate) -> tuple[int, int, int, int]:
    source = SOURCE_PRIORITY.index(candidate.source) if candidate.source in SOURCE_PRIORITY else len(SOURCE_PRIORITY)
    kind = TYPE_PRIORITY.index(candidate.entity_type) if candidate.entity_type in TYPE_PRIORITY else len(TYPE_PRIORITY)
    return (candidate.start - candidate.end, source, kind, candidate.start)


def resolve(candidates: Iterable[Candidate]) -> list[Candidate]:
    """One candidate wherever several overlap (rules in the module docstring), in text order."""
    taken = TakenSpans()  # the accepted spans: they never overlap each other
    kept: list[Candidate] = []
    for candidate in sorted(set(candidates), key=_rank):
        if candidate.end > candidate.start and taken.take(candidate.start, candidate.end):
            kept.append(candidate)
    kept.sort(key=lambda c: (c.start, c.end))
    return kept


#: What may stand between a sentence's end and its first word: spaces, opening quotes, a bracket.
SENTENCE_OPENERS = " \t\"'“‘("


def starts_sentence(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (or the text, or a line).

    Walks back over :data:`SENTENCE_OPENERS` only: a copy of everything before the word, made
    for each candidate, made a long article's suggestions quadratic (minutes at 9 MB).
    """
    at = start - 1
    while at >= 0 and text[at] in SENTENCE_OPENERS:
        at -= 1
    return at < 0 or text[at] in ".!?\n:"


def whole_word_spans(text: str, surface: str) -> list[tuple[int, int]]:
    """Every occurrence of ``surface`` in ``text`` with no letter or digit glued to either side."""
    if not surface:
        return []
    pattern = re.compile(r"(?<![\w-])" + re.escape(surface) + r"(?![\w]|-\w)")
    return [m.span() for m in pattern.finditer(text)]


def repeat(text: str, found: Iterable[Candidate], rule: str = "repeat") -> list[Candidate]:
    """``found`` plus every other whole-word occurrence of each candidate's surface or name.

    A name a rule recognised once (by its title, its class noun, its long form) is the same name
    wherever else the article writes it: "Gen. Townsend" makes every later "Townsend" a mention.
    The repeats keep the candidate's type, name and source; the result is in text order.
    """
    found = list(found)
    out = list(found)
    seen = {(c.start, c.end) for c in found}
    by_surface: dict[str, Candidate] = {}
    for candidate in found:
        by_surface.setdefault(candidate.surface(text), candidate)
        by_surface.setdefault(candidate.name, candidate)
    by_surface.pop("", None)
    if not by_surface:
        return out
    # one pass over the text for every surface at once, longest alternatives first
    alternatives = "|".join(re.escape(s) for s in sorted(by_surface, key=len, reverse=True))
    pattern = re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w]|-\w)")
    for m in pattern.finditer(text):
        start, end = m.span()
        if (start, end) not in seen:
            seen.add((start, end))
            model = by_surface[m.group()]
            out.append(Candidate(start, end, model.entity_type, model.name, model.source, rule))
    out.sort(key=lambda c: (c.start, c.end))
    return out

"""Places in a text, from the gazetteer (:mod:`store.suggest.gazetteer`).

Matching is case-sensitive on text folded as :func:`store.suggest.lexicon.fold` folds it
("Şanlıurfa" and "Sanliurfa" alike), whole words only, with pyahocorasick so that tens of
thousands of names cost one pass over the text.

What is refused:

* demonyms: "Russian" and "Uzbek" are not places, and no gazetteer name that is a country's
  name plus a demonym ending ("Russia" + "n") is kept;
* cities and regions whose name is an ordinary English word (in ``common_words()``: "Nice",
  "Reading", "Split", "Mobile"); countries are kept ("Turkey", "Chad" are written capitalised);
* a place name inside a longer capitalised name: inside an organisation's name ("Bank of
  England", "Tashkent State University": :func:`store.suggest.orgs.name_spans`), or with a
  capitalised word glued to it that is not itself a place, a title, a date word or a demonym
  ("Paris Hilton", "Michael Jordan", "Washington Post"; "US President" and "Iraqi Kurdistan"
  stay).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from store.suggest.candidates import Candidate, resolve
from store.suggest.gazetteer import (
    all_demonyms,
    gazetteer,
)
from store.suggest.lexicon import (
    MONTHS,
    TITLE_HEADS,
    TITLE_MODIFIERS,
    WEEKDAYS,
    fold,
    sentence_initial,
    words,
)
from store.suggest.orgs import name_spans


def countries_as_places(text: str, found: Iterable[Candidate]) -> list[Candidate]:
    """``found`` with every span that is exactly a country's name made a PLACE of that country.

    A name-building rule reads "Russian Federation" or "United Arab Emirates" as an
    organisation or a region by its head noun; the gazetteer knows it is a country's name, which
    is a PLACE whatever its last word.
    """
    out: list[Candidate] = []
    for candidate in found:
        place = gazetteer().lookup(text[candidate.start : candidate.end])
        if place is not None and place.kind == "country" and candidate.entity_type != "PLACE":
            candidate = Candidate(candidate.start, candidate.end, "PLACE", place.name, candidate.source, "country")
        out.append(candidate)
    return out


_PLACE_WORDS = words("City Province Region Governorate Oblast District State County")
_WORD_BEFORE = re.compile(r"([\w.'-]+) $")
_WORD_AFTER = re.compile(r" ([\w.'-]+)")


def _free_neighbour(word: str, folded: str, start: int, demonyms: frozenset[str], before: bool) -> bool:
    """True when a capitalised ``word`` next to a place does not make it part of a longer name."""
    if not word[:1].isupper() or (before and word.endswith(".") and word.count(".") == 1 and len(word) > 3):
        return True  # lower-case, or the last word of the sentence before
    plain = word.rstrip(".").removesuffix("'s")
    lower = plain.lower()
    return (
        plain in gazetteer().places
        or lower in TITLE_HEADS
        or lower in TITLE_MODIFIERS
        or plain in MONTHS
        or plain in WEEKDAYS
        or plain in _PLACE_WORDS
        or plain in demonyms
        or sentence_initial(folded, start)
    )


def places(text: str) -> list[Candidate]:
    """PLACE candidates for the gazetteer names in ``text`` (see the module docstring)."""
    folded = fold(text)
    gaz = gazetteer()
    demonyms = all_demonyms()
    matches: list[tuple[int, int, str]] = []
    for last, key in gaz.automaton.iter(folded):
        start, end = last - len(key) + 1, last + 1
        if (start > 0 and folded[start - 1].isalnum()) or (end < len(folded) and folded[end].isalnum()):
            continue
        if not key.endswith(".") and folded[end : end + 1] == "." and folded[end + 1 : end + 2].isalpha():
            continue  # "U.S" inside "U.S.A" and the like
        matches.append((start, end, key))
    # longest first, then leftmost: "New York" over "York"
    matches.sort(key=lambda m: (m[0] - m[1], m[0]))
    kept = [(c.start, c.end, c.name) for c in resolve(Candidate(s, e, "PLACE", k, "gazetteer") for s, e, k in matches)]
    inside = sorted(name_spans(text))
    inside_starts = [s for s, _ in inside]
    out: list[tuple[Candidate, str]] = []
    cued: set[str] = set()
    for start, end, key in sorted(kept):
        i = bisect.bisect_right(inside_starts, start) - 1
        if i >= 0 and inside[i][1] >= end and inside[i][1] - inside[i][0] > end - start:
            continue  # inside an organisation's name (the names never overlap each other)
        before = _WORD_BEFORE.search(folded, max(0, start - 40), start)
        if before and not _free_neighbour(before.group(1), folded, before.start(1), demonyms, True):
            continue
        after = _WORD_AFTER.match(folded, end)
        if after and not _free_neighbour(after.group(1), folded, after.start(1), demonyms, False):
            continue
        place = gaz.places[key]
        if place.needs_cue and _cued(folded, start, end):
            cued.add(key)
        out.append((Candidate(start, end, "PLACE", place.name, "gazetteer", place.kind), key))
    # a name placed once by its context is a place wherever else the text writes it
    return [c for c, key in out if key in cued or not gaz.places[key].needs_cue]


_CUES = words("in at near from to into outside inside around across toward towards via through")
_PLACE_NOUNS = words("city town village province region district governorate capital outskirts suburb suburbs area")
_CUE_BEFORE = re.compile(r"(\w+)(?: (of|the))? (?:the )?$")
_COUNTRY_AFTER = re.compile(r", ([A-Z][\w.'-]*(?: [A-Z][\w.'-]*)?)")


def _cued(folded: str, start: int, end: int) -> bool:
    """True when the words around a place name say it is one.

    "in Tikrit", "the town of Dabiq", "Idlib province", "Hammond, Indiana".
    """
    m = _CUE_BEFORE.search(folded, max(0, start - 40), start)
    if m:
        word, joiner = m.group(1).lower(), m.group(2)
        if (joiner is None and word in _CUES) or (joiner == "of" and word in _PLACE_NOUNS):
            return True
        if joiner is None and word in _PLACE_NOUNS:
            return True
    noun = _WORD_AFTER.match(folded, end)
    if noun and noun.group(1).lower().rstrip(".,;:") in _PLACE_NOUNS:
        return True
    after = _COUNTRY_AFTER.match(folded, end)
    if after:
        place = gazetteer().places.get(after.group(1)) or gazetteer().places.get(after.group(1).split()[0])
        return place is not None and not place.needs_cue
    return False

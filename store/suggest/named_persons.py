"""People named without a title: "Donald Trump", "Igor Pankratenko", "Joshua Kucera".

A run of two or three capitalised words is a person's name when its first word is a person's
name that rigour (OpenSanctions' name library) knows: its name analysis ties "Igor", "Joshua"
or "Vladimir" to a name symbol (a Wikidata name item), in any script. Nothing here lists names.
Such symbols also exist for surnames that are ordinary words ("Reading", "Work", "Young"), so
the first word must not be one English news writes lower-case more often (the corpus list of
:func:`store.suggest.lexicon.common_words`), nor a country or region (a city's name that is
also a given name, "Vladimir", is read as the given name), nor a title, a month or an
organisation's head noun; the later words must be capitalised words that are not common either,
and the run must not start a sentence with a word that is only capitalised because it does, nor
follow "the" ("the Lib Dems"). A longer run of capitalised words is read from each of its words
("Russian Federation Vladimir Putin's visit": "Vladimir Putin").

The surname alone later in the text is the same person (as for titled persons), unless two
people of the text share it.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable

from store.suggest.candidates import Candidate, repeat, starts_sentence
from store.suggest.gazetteer import is_language
from store.suggest.lexicon import (
    DOCUMENT_HEADS,
    EQUIPMENT_HEADS,
    EVENT_HEADS,
    MONTHS,
    ORG_HEADS,
    PLACE_HEADS,
    TITLE_HEADS,
    TITLE_MODIFIERS,
    WEEKDAYS,
    common_words,
    words,
)

#: Two or three capitalised words (letters, inner hyphens or apostrophes), then no further one.
_RUN = re.compile(r"(?<![\w.-])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)((?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?){1,2})(?![\w-]| [A-Z])")
#: A run of capitalised words of any length (the runs of two or three are read inside it).
_LONG_RUN = re.compile(r"(?<![\w.-])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?: [A-Z][a-z]+(?:-[A-Z][a-z]+)?)+(?![\w-])")
#: Arabic articles written as words of their own ("Al", "Az", "El"; "Ash" is also an English
#: given name) and "Bu" ("Al Bu Nimr", a tribe).
_ARTICLE = re.compile(r"(?:Al|Ar|As|At|Ad|Adh|An|Az|Ath|El|Bu)")
#: Compass words start places and peoples ("South African", "West Lothian"), never a given name.
_COMPASS = frozenset({"north", "south", "east", "west", "northern", "southern", "eastern", "western", "central"})
#: Heads of the names of places and things that start with a given name ("Downing Street",
#: "Carling Cup", "Daily Telegraph"): a run ending in one names no person.
_THING_HEADS = words(
    "street road avenue lane square bridge park ocean sea river lake bay island islands mountain mountains"
    " valley cup trophy prize award awards journal telegraph times post herald gazette securities bros"
    " harbour harbor port airport station stadium cathedral castle palace hall"
)
_NOT_NAMES = (
    ORG_HEADS
    | DOCUMENT_HEADS
    | EVENT_HEADS
    | PLACE_HEADS
    | EQUIPMENT_HEADS
    | TITLE_HEADS
    | TITLE_MODIFIERS
    | frozenset(MONTHS)
    | WEEKDAYS
    | _COMPASS
)


@functools.lru_cache(maxsize=20_000)
def is_given_name(word: str) -> bool:
    """Whether rigour's name analysis ties the word to a person's name symbol."""
    from rigour.names import NameTypeTag, analyze_names

    names = analyze_names(NameTypeTag.PER, [word])
    return any(str(symbol.category).endswith("NAME") for name in names for symbol in name.symbols)


def _plain(word: str) -> bool:
    """A word English news writes lower-case, or one that names no person (a title, a month…)."""
    lower = word.lower()
    return lower in common_words() or lower in _NOT_NAMES or word in _NOT_NAMES or is_language(word)


def _only_a_city(word: str) -> bool:
    """A given name that is also a city's name ("Vladimir", "Florence"), never a country's or a region's.

    Before a surname it is the person's given name ("Vladimir Putin"); "Georgia" or "Jordan"
    before a capitalised word is more often the country ("Jordan Armed Forces"), and a city
    whose name is only a family name ("Manchester Gorton", a constituency) is the city.
    """
    from store.suggest.gazetteer import gazetteer

    place = gazetteer().lookup(word)
    return place is not None and place.kind == "city" and _name_symbols(word) >= 2


@functools.lru_cache(maxsize=20_000)
def _name_symbols(word: str) -> int:
    """How many name items (Wikidata's given-name and family-name items) rigour ties ``word`` to.

    A city named after a person's given name is tied to several ("Vladimir", "Florence":
    the given name in several languages); one that is only a family name, to one
    ("Manchester", "Birmingham", "Liberal").
    """
    from rigour.names import NameTypeTag, analyze_names

    names = analyze_names(NameTypeTag.PER, [word])
    return len({symbol.id for name in names for symbol in name.symbols if str(symbol.category).endswith("NAME")})


def starts_person(word: str) -> bool:
    """Whether ``word`` may start a person's name: a given name, not a common word or a country."""
    from store.suggest.gazetteer import is_place

    if _plain(word) or not is_given_name(word):
        return False
    return not is_place(word) or _only_a_city(word)


def _runs(text: str) -> list[re.Match[str]]:
    """Every run of two or three capitalised words that ends a longer run of them.

    In "Russian Federation Vladimir Putin's visit" the name is the last two words of four: a
    run is also tried from each later word of a longer run, never past its end.
    """
    out: list[re.Match[str]] = []
    for long in _LONG_RUN.finditer(text):
        at = long.start()
        while at < long.end():
            match = _RUN.match(text, at)
            if match is not None and match.end() == long.end():
                out.append(match)
            at = text.find(" ", at, long.end())
            if at < 0:
                break
            at += 1
    return out


def named_persons(text: str, is_place: Callable[[str], bool] = lambda word: False) -> list[Candidate]:
    """People named by a known given name and a surname, and their surnames alone later."""
    found: list[Candidate] = []
    surnames: dict[str, str] = {}
    ambiguous: set[str] = set()
    taken = -1  # end of the last name found: a run inside it is part of it ("Edgar Allan Poe")
    for match in _runs(text):
        if match.start() < taken:
            continue
        first, rest = match.group(1), match.group(2).split()
        if _ARTICLE.fullmatch(first):
            continue  # "Dayr Az Zawr", "near Al Shadaddi": an article starts no given name
        if _plain(first) or (is_place(first) and not _only_a_city(first)) or not is_given_name(first):
            continue
        if starts_sentence(text, match.start()) and first.lower() in common_words():
            continue
        if text[max(0, match.start() - 4) : match.start()] in ("The ", "the "):
            continue  # a person is not written with the article: "the Lib Dems"
        if any(_plain(word) or is_place(word) for word in rest) or rest[-1].lower() in _THING_HEADS:
            continue
        name = match.group()
        found.append(Candidate(match.start(), match.end(), "PERSON", name, "pattern", "given name"))
        taken = match.end()
        surname = rest[-1]
        if surnames.get(surname, name) != name:
            ambiguous.add(surname)
        surnames[surname] = name
    alone = {surname: full for surname, full in surnames.items() if surname not in ambiguous and len(surname) >= 3}
    if alone:  # one pass over the text for every surname
        starts = sorted(c.start for c in found)
        ends = {c.start: c.end for c in found}
        pattern = "|".join(re.escape(s) for s in sorted(alone, key=len, reverse=True))
        for match in re.finditer(r"(?<![\w-])(?:" + pattern + r")(?![\w]|-\w)", text):
            at = bisect.bisect_right(starts, match.start()) - 1
            if at >= 0 and match.start() < ends[starts[at]]:
                continue  # the surname of a full name found
            found.append(Candidate(match.start(), match.end(), "PERSON", alone[match.group()], "pattern", "surname"))
    return repeat(text, found)

"""People named after a title: "Defense Minister Abdusalom Azizov", "Lt. Col. …", "Mr Ellwood".

A title is a run of office, rank and honorific words ending in one of ``TITLE_HEADS`` ("Prime
Minister", "Staff Sgt.", "Deputy Secretary of State"), optionally followed by "of"/"for" and
what the office is of ("Minister for the Middle East", "Defense Minister of Uzbekistan"). The
capitalised words after it are the person's name; the span is the name alone, the title is not
part of it.

Where the office's domain and the name run together ("Minister for the Middle East Tobias
Ellwood") the name is the trailing words that are neither title words, nor organisation heads,
nor place names (the caller says which words are places).

A name is refused when it starts with a month or weekday, when it is an acronym, when it ends
in an organisation's head noun ("General Assembly"), or when it is made only of ordinary
lower-case English words ("Foreign Secretary Joins International Call" in a title-case
heading). A name stops before a possessive ("President Putin's").

Once a full name is known, the rest of the text is read for it again: the full name, and the
surname alone when no other person of the text shares it ("Ellwood said"), are the same person.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import ahocorasick

from store.suggest.candidates import Candidate, repeat
from store.suggest.lexicon import (
    CAPITAL_ONLY_TITLES,
    DOCUMENT_HEADS,
    EVENT_HEADS,
    MONTHS,
    NAME_PARTICLES,
    ORG_HEADS,
    TITLE_HEADS,
    TITLE_MODIFIERS,
    WEEKDAYS,
    common_words,
    fold,
    words,
)
from store.suggest.named_persons import starts_person

_TOKEN = re.compile(r"[^\W\d_](?:[\w'-]*\w)?(?:'s)?\.?|[^\w\s]|\d+")
#: Words describing an office's domain, never a person's name ("Minister for Foreign Affairs").
_DOMAIN_WORDS = words(
    "affairs east west north south middle central eastern western northern southern asia europe africa"
)
_NOT_NAME_HEADS = ORG_HEADS | DOCUMENT_HEADS | EVENT_HEADS | words("affairs")
_MAX_NAME = 4
_OPEN_QUOTES = frozenset("“\"'‘")
_CLOSE_QUOTES = frozenset("”\"'’")

Token = tuple[int, int, str]


def _tokens(text: str, offset: int = 0) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        start, end, word = m.start() + offset, m.end() + offset, m.group()
        if word.endswith(".") and len(word) > 2 and word.lower() not in TITLE_HEADS:
            end -= 1  # a sentence's full stop, not an abbreviation ("Putin." but "Gen.", "J.")
            word = word[:-1]
        out.append((start, end, word))
    return out


@functools.cache
def _title_automaton() -> ahocorasick.Automaton:
    """Every title head as written lower-case, capitalised or in capitals, for one fast scan."""
    automaton = ahocorasick.Automaton()
    for head in TITLE_HEADS:
        for form in {head, head[:1].upper() + head[1:], head.upper()}:
            automaton.add_word(form, len(form))
    automaton.make_automaton()
    return automaton


#: How far after a title its name may end ("Minister for the Middle East Tobias Ellwood").
_REACH = 160


def _title_windows(folded: str) -> list[tuple[int, int]]:
    """Stretches of text that start at a title word, merged where they overlap.

    Titles are rare in a text, so only these stretches are split into words: a 5,000-word
    article costs a few regex scans instead of a pass in Python over every word.
    """
    windows: list[tuple[int, int]] = []
    for last, length in _title_automaton().iter(folded):
        start = last - length + 1
        if (start > 0 and (folded[start - 1].isalnum() or folded[start - 1] in ".'-")) or (
            last + 1 < len(folded) and (folded[last + 1].isalnum() or folded[last + 1] == "-")
        ):
            continue
        end = min(len(folded), start + _REACH)
        while end < len(folded) and not folded[end].isspace():
            end += 1
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def _is_title_head(word: str) -> bool:
    lower = word.lower()
    if lower not in TITLE_HEADS:
        return False
    return word[:1].isupper() or lower not in CAPITAL_ONLY_TITLES


def _is_title_word(word: str) -> bool:
    return _is_title_head(word) or (word[:1].isupper() and word.lower() in TITLE_MODIFIERS)


def _name_token(word: str) -> bool:
    """A word that can be part of a person's name (not yet checked as a whole)."""
    if word.lower() in NAME_PARTICLES or re.match(r"(?:al|el|ad|as|ash|ar|bin|ibn|abu)-[A-Z]", word):
        return True
    if not word[:1].isupper() or not word[:1].isalpha():
        return False
    if len(word) > 1 and word.replace(".", "").isupper() and not re.fullmatch(r"[A-Z]\.", word):
        return False  # an acronym ("ISIL"), not a name; an initial ("J.") is fine
    return not _is_title_word(word)


def _acceptable(words: list[str]) -> bool:
    if not words or words[0] in MONTHS or words[0] in WEEKDAYS or words[0].lower() in NAME_PARTICLES:
        return False
    last = words[-1].rstrip(".")
    if last.lower() in _NOT_NAME_HEADS or last.lower() in NAME_PARTICLES or len(last) < 2:
        return False
    plain = [w for w in words if len(w.rstrip(".")) > 1]
    return not all(w.lower() in common_words() for w in plain)


def _take_name(text: str, tokens: list[Token], j: int) -> list[Token]:
    """The name tokens starting at ``tokens[j]``, possibly none.

    The name stops at the first gap that is more than spaces; a quoted nickname inside it is
    kept ("John “J.D.” Dorrian").
    """
    name: list[Token] = []
    while j < len(tokens) and len(name) < _MAX_NAME:
        if name and not _adjacent(text, tokens, j - 1):
            break
        word = tokens[j][2]
        if word in _OPEN_QUOTES and name:
            close = next((k for k in range(j + 1, min(j + 6, len(tokens))) if tokens[k][2] in _CLOSE_QUOTES), None)
            if close is None or close + 1 >= len(tokens) or not _name_token(tokens[close + 1][2]):
                break
            j = close + 1
            continue
        if not _name_token(word):
            break
        if word.endswith("'s"):
            name.append((tokens[j][0], tokens[j][1] - 2, word[:-2]))
            break
        name.append(tokens[j])
        j += 1
    while name and name[-1][2].lower() in NAME_PARTICLES:
        name.pop()
    return name


def _adjacent(text: str, tokens: list[Token], i: int) -> bool:
    """True when tokens i and i+1 are separated by spaces alone (no line break, no comma)."""
    if tokens[i][2] in _OPEN_QUOTES or tokens[i + 1][2] in _CLOSE_QUOTES or tokens[i][2] in _CLOSE_QUOTES:
        return True
    gap = text[tokens[i][1] : tokens[i + 1][0]]
    return gap.strip(" ") == ""


def _split_domain(run: list[Token], is_place: Callable[[str], bool]) -> list[Token]:
    """The name in "<domain> <name>", the capitalised words after "Minister for ...".

    The domain is read from the left: words of offices' domains ("Foreign", "Affairs",
    "Middle", "East"), organisation heads, title words, and place names ("of Uzbekistan", "of
    the United States", "Minister of Defense of Uzbekistan"). What is left is the name; its last
    word is never read as a place: so "Secretary of State Kerry" names Kerry even though Kerry
    is also an Irish county.
    """
    k = 0
    if len(run) > 1 and is_place(f"{run[0][2]} {run[1][2]}"):
        k = 2
    elif run and is_place(run[0][2]):
        k = 1
    while k < len(run):
        word = run[k][2]
        lower = word.lower()
        if lower in _DOMAIN_WORDS or lower in ORG_HEADS or _is_title_word(word) or lower in ("the", "of", "and"):
            k += 1
            continue
        # a place after "of" inside the domain, with words after it ("Minister of Defense of
        # Uzbekistan …"); not a given name ("Secretary of State Antony Blinken")
        after_of = k > 0 and run[k - 1][2] in ("of", "the")
        if after_of and k + 2 < len(run) and is_place(f"{word} {run[k + 1][2]}"):
            k += 2
            continue
        if after_of and k + 1 < len(run) and is_place(word) and not starts_person(word):
            k += 1
            continue
        break
    name = run[k:]
    if k == 0 or not name or len(name) > _MAX_NAME or any(t[2].lower() in ("the", "of", "and") for t in name):
        return []
    return name


def titled_persons(text: str, is_place: Callable[[str], bool] = lambda word: False) -> list[Candidate]:
    """PERSON candidates for names after titles, and their repeats (see the module docstring).

    ``is_place`` says whether a capitalised word is a place name ("Uzbekistan"), so that it is
    read as part of the office ("Defense Minister of Uzbekistan") rather than of the name.
    """
    folded = fold(text)
    tokens = [t for start, end in _title_windows(folded) for t in _tokens(folded[start:end], start)]
    people: list[list[Token]] = []
    i = 0
    while i < len(tokens):
        word = tokens[i][2]
        if not _is_title_head(word):
            i += 1
            continue
        # absorb the rest of a multi-word title ("Lt. Col.", "Sgt. Maj.", "General Staff")
        j = i + 1
        while j < len(tokens) and _is_title_word(tokens[j][2]) and _adjacent(folded, tokens, j - 1):
            j += 1
        if j < len(tokens) and tokens[j][2] in ("of", "for") and _adjacent(folded, tokens, j - 1):
            k = j + 1
            run: list[Token] = []
            while k < len(tokens) and _adjacent(folded, tokens, k - 1):
                w = tokens[k][2]
                if w[:1].isupper() or (run and w in ("the", "and", "of")) or (not run and w == "the"):
                    run.append(tokens[k])
                    k += 1
                    if w.endswith("'s"):
                        break
                    continue
                break
            run = [t for t in run if t[2] != "the" or run.index(t) > 0]
            name = _split_domain(run, is_place)
            if name and name[-1][2].endswith("'s"):
                s, e, w = name[-1]
                name[-1] = (s, e - 2, w[:-2])
            i = k
        else:
            name = _take_name(folded, tokens, j) if j < len(tokens) and _adjacent(folded, tokens, j - 1) else []
            i = j
        name_words = [t[2] for t in name]
        if name and _acceptable(name_words):
            people.append(name)
    return _with_repeats(folded, people)


def _with_repeats(folded: str, people: list[list[Token]]) -> list[Candidate]:
    full_names: dict[str, str] = {}  # surname -> full name
    ambiguous: set[str] = set()
    for name in people:
        if len(name) > 1:
            surname = name[-1][2]
            full = folded[name[0][0] : name[-1][1]]
            if full_names.get(surname, full) != full:
                ambiguous.add(surname)
            full_names[surname] = full
    found: list[Candidate] = []
    for name in people:
        start, end = name[0][0], name[-1][1]
        surface = folded[start:end]
        canonical = full_names.get(surface, surface) if len(name) == 1 and surface not in ambiguous else surface
        found.append(Candidate(start, end, "PERSON", canonical, "pattern", "title"))
    forms: dict[str, str] = {}  # a surname as written, or without its particle -> the full name
    for surname, full in full_names.items():
        if surname in ambiguous or len(surname) < 3 or surname.lower() in common_words():
            continue
        bare = re.sub(r"^(?:al|el|ad|as|ash|ar|bin|ibn|abu)-(?=[A-Z])", "", surname)
        for form in (surname, bare):
            forms.setdefault(form, full)
    if forms:  # one pass over the text for every surname
        alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
        for m in re.finditer(r"(?<![\w-])(?:" + alternatives + r")(?![\w]|-\w)", folded):
            found.append(Candidate(m.start(), m.end(), "PERSON", forms[m.group()], "pattern", "surname"))
    return repeat(folded, found)

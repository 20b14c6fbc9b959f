"""Acronyms beside their long forms: "Collective Security Treaty Organization (CSTO)".

Both orders are read: the long form then the acronym in brackets, and the acronym then the long
form in brackets ("CSTO (Collective Security Treaty Organization)"). Which words make the long
form is decided by the Schwartz–Hearst rule (Schwartz and Hearst, "A simple algorithm for
identifying abbreviation definitions in biomedical text", PSB 2003): the acronym's characters
are matched from right to left against the words before the bracket, its first character at
the start of a word, and the shortest such run of words is the long form. That covers initials
("NATO"), letters from inside words ("DoD", "ISIL" for "Islamic State of Iraq and the Levant")
and skipped small words, with no list of acronyms.

A long form is an entity's name only if it is written as one: it starts with a capital and
every word but the small joining ones ("of", "and", "the"…) is capitalised; "improvised
explosive device (IED)" is left alone. Its type comes from its head noun, the last word before
"of"/"for"/"on"/"in" or else the last word ("… Organization" → ORG, "… Treaty" → DOCUMENT,
"… Exercise" → EVENT, "… Rocket System" → EQUIPMENT, "… Republic" or a country → PLACE); a head
on none of the lists proposes nothing.

Both spans get the long form as their name; every other use of the acronym or of the long form
in the same text is a mention too.
"""

from __future__ import annotations

import re

from store.suggest.candidates import Candidate, repeat
from store.suggest.lexicon import (
    DOCUMENT_HEADS,
    EQUIPMENT_HEADS,
    EVENT_HEADS,
    NAME_CONNECTORS,
    ORG_HEADS,
    PLACE_HEADS,
    fold,
    words,
)

#: An acronym: 2-12 characters, at least two capitals, no spaces ("CSTO", "DoD", "U.S.", "P5+1").
_ACRONYM = r"[A-Za-z][A-Za-z0-9.&+/'-]{0,10}[A-Za-z0-9.+]"
_LONG_THEN_SHORT = re.compile(r"\(\s*(?P<short>" + _ACRONYM + r")\s*\)")
_SHORT_THEN_LONG = re.compile(r"(?<![\w.])(?P<short>" + _ACRONYM + r")\s+\((?P<long>[^()\n]{4,120})\)")
_SMALL_WORDS = NAME_CONNECTORS | words("in to at against")
_HEAD_STOPS = words("of for on in to against")
_ORG_LIKE_HEADS = ORG_HEADS | words("state")
_WORDS = re.compile(r"\S+")


def _is_acronym(short: str) -> bool:
    return sum(ch.isupper() for ch in short) >= 2 and any(ch.isalpha() for ch in short)


def schwartz_hearst(short: str, long: str) -> str | None:
    """The shortest end of ``long`` whose letters spell ``short`` (None when none does).

    ``long`` is the text just before the bracket; the result starts at a word's start.
    """
    s = len(short) - 1
    i = len(long) - 1
    while s >= 0:
        ch = short[s].lower()
        if not ch.isalnum():
            s -= 1
            continue
        while i >= 0 and (long[i].lower() != ch or (s == 0 and i > 0 and long[i - 1].isalnum())):
            i -= 1
        if i < 0:
            return None
        i -= 1
        s -= 1
    start = long.rfind(" ", 0, i + 1) + 1
    return long[start:]


def _written_as_name(parts: list[str]) -> bool:
    if not parts or not parts[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS or not w[:1].isalpha() for w in parts)


def head_type(long_form: str, countries: frozenset[str] = frozenset()) -> str | None:
    """The entity type a long form's head noun says, or None."""
    if long_form in countries:
        return "PLACE"
    parts = long_form.split()
    head = parts[-1]
    for i, part in enumerate(parts[1:], start=1):
        if part.lower() in _HEAD_STOPS:
            head = parts[i - 1]
            break
    head = head.strip(".,;:'’").lower()
    for kind, heads in (
        ("DOCUMENT", DOCUMENT_HEADS),
        ("EVENT", EVENT_HEADS),
        ("EQUIPMENT", EQUIPMENT_HEADS),
        ("PLACE", PLACE_HEADS),
        ("ORG", _ORG_LIKE_HEADS),
    ):
        if head in heads:
            return kind
    return None


def _trim_article(text: str, start: int, end: int) -> int:
    """Start moved past a leading "the " ("the Syrian Democratic Forces")."""
    for article in ("the ", "The "):
        if text.startswith(article, start) and start + len(article) < end:
            return start + len(article)
    return start


def _window_words(folded: str, end: int, short: str) -> tuple[int, str]:
    """Start and text of the words before ``end`` a long form for ``short`` may use."""
    line_start = max(folded.rfind("\n", 0, end) + 1, end - 250)
    limit = min(len(short) + 5, 2 * len(short))
    found = list(_WORDS.finditer(folded, line_start, end))[-limit:]
    if not found:
        return end, ""
    start = found[0].start()
    return start, folded[start:end]


def acronyms(text: str, countries: frozenset[str] = frozenset()) -> list[Candidate]:
    """Candidates for acronym definitions and every later use (see the module docstring).

    ``countries`` are names that make a long form a PLACE ("United States (US)").
    """
    folded = fold(text)
    found: list[Candidate] = []
    for m in _LONG_THEN_SHORT.finditer(folded):
        short = m.group("short").rstrip(".") if m.group("short").count(".") == 1 else m.group("short")
        if not _is_acronym(short):
            continue
        before_end = m.start()
        while before_end > 0 and folded[before_end - 1] == " ":
            before_end -= 1
        window_start, window = _window_words(folded, before_end, short)
        long = schwartz_hearst(short, window)
        if not long:
            continue
        start = window_start + len(window) - len(long)
        start = _trim_article(folded, start, before_end)
        long = folded[start:before_end].rstrip(",'")
        kind = head_type(long, countries)
        if kind is None or not _written_as_name(long.split()) or short in long.split():
            continue
        short_start = m.start("short")
        found.append(Candidate(start, start + len(long), kind, long, "pattern", "acronym"))
        found.append(Candidate(short_start, short_start + len(short), kind, long, "pattern", "acronym"))
    for m in _SHORT_THEN_LONG.finditer(folded):
        short, inside = m.group("short"), m.group("long").strip()
        if not _is_acronym(short) or " " not in inside:
            continue
        long_start = m.start("long") + (len(m.group("long")) - len(m.group("long").lstrip()))
        long_start = _trim_article(folded, long_start, long_start + len(inside))
        long = folded[long_start : m.start("long") + len(m.group("long").rstrip())]
        if schwartz_hearst(short, long) != long:
            continue
        kind = head_type(long, countries)
        if kind is None or not _written_as_name(long.split()):
            continue
        found.append(Candidate(m.start("short"), m.end("short"), kind, long, "pattern", "acronym"))
        found.append(Candidate(long_start, long_start + len(long), kind, long, "pattern", "acronym"))
    # One name per acronym: the first definition wins if a text defines one twice.
    names: dict[str, str] = {}
    for c in found:
        names.setdefault(c.surface(folded), c.name)
    consistent = [c for c in found if names[c.surface(folded)] == c.name]
    return repeat(folded, consistent, rule="acronym")

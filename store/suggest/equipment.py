"""Equipment designations: "Mi-35M", "Su-30SM", "S-400", "BTR-82A", "T-72B3", "Bayraktar TB2".

A designation is a code of a recognisable shape: letters, a hyphen, digits and maybe suffix
letters ("Tu-22M3"); letters glued to digits ("TB2", "K53949"); or a word, a hyphen and a short
code ("Pantsir-S1"). The shape alone is not enough: "COVID-19", "G-20", "M-1 motorway", "COP26"
and "UTF-8" have it too. So a code is proposed only with evidence that it names a weapon or a
platform:

* a weapon class noun close by in the same sentence ("Mi-35 combat helicopters", "tanks such as
  the T-72B3"); "system" and its kin count only beside a weapon word ("S-400 air defence
  systems", not "the G-7 system");
* a maker's name before it ("Sukhoi Su-30", "Boeing 737", "Bayraktar TB2");
* a letter prefix that is itself a design bureau or vehicle family ("Mi", "Su", "BTR"), for the
  letters-hyphen-digits shape only;
* another code with the same letter prefix proven by one of the above in the same article
  ("F-16 and F-35 jets" proves "F-35" everywhere in that text).

Whatever the evidence, a code is never proposed inside a URL, an e-mail address or a path, when
it is one piece of a longer hyphenated run ("SARS-CoV-2"), or when a decimal point follows it
("PM-2.5"). Warships are proposed by their navy's prefix and name ("HMS Ocean", "USS Hopper").

A capitalised name right after the code ("MQ-9 Reaper", "S-400 Triumf") joins the
span when it is not an ordinary word, a title or a date. A plural "s" is part of the span but not
of the name ("F-16s" → "F-16").
"""

from __future__ import annotations

import re

from store.suggest.candidates import Candidate, repeat
from store.suggest.lexicon import (
    DESIGN_PREFIXES,
    EQUIPMENT_CLASS_NOUNS,
    MAKERS,
    MONTHS,
    SHIP_PREFIXES,
    TITLE_HEADS,
    WEAK_CLASS_NOUNS,
    WEAPON_WORDS,
    WEEKDAYS,
    common_words,
    fold,
)

_SUFFIX = r"(?:[A-Z]{1,4}[a-z]{0,2}\d{0,2}(?:/[A-Z]{1,2})?)?"
_END = r"(?P<plural>s)?(?![\w]|-\w|[.,]\d)"

#: Letters, hyphen, digits, optional suffix: "Mi-35M", "S-400", "T-72B3", "F-16C/D".
_HYPHENATED = re.compile(r"(?<![\w-])(?P<prefix>[A-Z][A-Za-z]{0,3})-(?P<digits>\d{1,5})" + _SUFFIX + _END)
#: Capitals glued to digits: "TB2", "M1A2", "K53949" (always needs evidence).
_GLUED = re.compile(r"(?<![\w-])(?P<prefix>[A-Z]{1,4})(?P<digits>\d{1,5})(?:[A-Z]{1,3}\d{0,2})?" + _END)
#: A name, a hyphen, a short code: "Pantsir-S1", "Iskander-M", "Tor-M2" (always needs evidence).
_NAMED = re.compile(r"(?<![\w-])(?P<prefix>[A-Z][a-z]{2,})-(?:[A-Z]\d{0,2}|[A-Z]{2}\d{1,2}|\d{1,3}[A-Z]?)" + _END)
#: A maker's name and a code after it: "Boeing 737", "Kamaz 53949", "Airbus A400M".
_MADE = re.compile(r"(?<![\w-])(?P<maker>[A-Z][\w-]+) (?P<code>[A-Z]{0,3}-?\d{2,5}[A-Z]{0,3}\d?)" + _END)

#: A warship: its navy's prefix and a capitalised name ("HMS Ocean", "FS Charles de Gaulle").
_SHIP = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(sorted(SHIP_PREFIXES))
    + r") [A-Z][a-z]+(?:(?: de| la| of| the)? [A-Z][a-z]+){0,2}(?![\w])"
)
_TOKEN = re.compile(r"[\w'-]+|[.!?;:()\[\]\n]")
_STOP = frozenset(".!?;:()[]\n")
_URLISH = re.compile(r"://|www\.|@|\.(?:com|org|net|gov|mil|uk|ru)\b|/\S*/")
_NAME_AFTER = re.compile(r" ([A-Z][a-z]+(?:-[A-Z]?[a-z]+)?)(?: ([A-Z][a-z]+))?")

#: Words after a code that look at the class nouns beyond them.
_WINDOW_AFTER = 4
_WINDOW_BEFORE = 3


def _context_words(text: str, start: int, end: int) -> tuple[list[str], list[str]]:
    """Lower-case words before and after [start, end), up to the sentence's edge."""
    before: list[str] = []
    for m in reversed(list(_TOKEN.finditer(text, max(0, start - 80), start))):
        token = m.group()
        if token in _STOP or len(before) >= _WINDOW_BEFORE:
            break
        before.append(token.lower())
    after: list[str] = []
    for m in _TOKEN.finditer(text, end, min(len(text), end + 100)):
        token = m.group()
        if token in _STOP or len(after) >= _WINDOW_AFTER:
            break
        after.append(token.lower())
    return before, after


def _class_noun_near(text: str, start: int, end: int) -> bool:
    before, after = _context_words(text, start, end)
    words = before + after
    if any(w in EQUIPMENT_CLASS_NOUNS for w in words):
        return True
    return any(w in WEAK_CLASS_NOUNS for w in words) and any(w in WEAPON_WORDS for w in words)


def _in_url(text: str, start: int, end: int) -> bool:
    left = text.rfind(" ", 0, start) + 1
    right = text.find(" ", end)
    chunk = text[left : right if right != -1 else len(text)]
    return bool(_URLISH.search(chunk))


def _maker_before(text: str, start: int) -> int | None:
    """Start of a maker's name right before ``start`` ("Sukhoi Su-30"), if there is one."""
    m = re.search(r"([A-Z][\w-]+) $", text[max(0, start - 40) : start])
    if m and m.group(1) in MAKERS:
        return start - len(m.group(0))
    return None


def _name_after(text: str, end: int) -> int:
    """End of a proper name right after a code ("MQ-9 Reaper"), or ``end`` when there is none."""
    m = _NAME_AFTER.match(text, end)
    if not m:
        return end
    last = end
    for group in (1, 2):
        word = m.group(group)
        if word is None:
            break
        plain = word.lower()
        if (
            plain in common_words()
            or plain in EQUIPMENT_CLASS_NOUNS
            or plain in TITLE_HEADS
            or word in MONTHS
            or word in WEEKDAYS
        ):
            break
        last = m.end(group)
    return last


def designations(text: str) -> list[Candidate]:
    """EQUIPMENT candidates for the designations in ``text`` (see the module docstring)."""
    folded = fold(text)
    found: list[tuple[int, int, str, str, bool]] = []  # start, end, name, prefix, proven
    taken: set[int] = set()
    for shape in (_MADE, _HYPHENATED, _NAMED, _GLUED):
        for m in shape.finditer(folded):
            start, end = m.span()
            if start in taken or _in_url(folded, start, end):
                continue
            code_end = m.start("plural") if m.group("plural") else end
            if shape is _MADE:
                if m.group("maker") not in MAKERS:
                    continue
                prefix = m.group("maker")
                span_start, proven = start, True
            else:
                prefix = m.group("prefix")
                maker = _maker_before(folded, start)
                span_start = maker if maker is not None else start
                proven = maker is not None or (shape is _HYPHENATED and prefix in DESIGN_PREFIXES)
            span_end = end if m.group("plural") else _name_after(folded, end)
            name_end = code_end if span_end == end else span_end
            proven = proven or _class_noun_near(folded, span_start, span_end)
            taken.add(start)
            found.append((span_start, span_end, folded[span_start:name_end], prefix, proven))
    for m in _SHIP.finditer(folded):
        if m.start() not in taken:
            found.append((m.start(), m.end(), m.group(), "", True))
    proven_prefixes = {prefix for *_, prefix, proven in found if proven}
    candidates = [
        Candidate(start, end, "EQUIPMENT", name, "pattern", "designation")
        for start, end, name, prefix, proven in found
        if proven or prefix in proven_prefixes
    ]
    return repeat(folded, candidates)

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

Names without a code are read from the class noun after them: "Igla and Strela hand-held
surface-to-air missiles", "Javelin anti-tank missiles", "Apache helicopters" (:func:`named_classes`).

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
    words,
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


#: Class nouns after which a capitalised name is the name of a weapon or platform ("Igla
#: missiles", "Apache helicopters", "Ural trucks"). Narrower than ``EQUIPMENT_CLASS_NOUNS``:
#: "jets", "planes", "vessels" or "carriers" follow airlines, shipping lines and companies.
_NAMED_CLASS_NOUNS = words(
    """
    missile missiles rocket rockets launcher launchers helicopter helicopters gunship gunships drone
    drones tank tanks rifle rifles howitzer howitzers fighter fighters bomber bombers interceptors
    submarine submarines frigate frigates corvette corvettes destroyer destroyers warship warships
    trucks manpads atgms
    """
)
#: Words that may stand between the names and the class noun ("hand-held surface-to-air",
#: "main battle", "cruise"); a hyphenated compound also may ("anti-tank", "short-range").
_CLASS_MODIFIERS = WEAPON_WORDS | words(
    "ballistic cruise battle main fighter guided portable combat transport light heavy military air"
)
_CODE_NAME = r"(?:[A-Z][a-z]{2,}|[A-Z]{3,6})"
_NAMED_CLASS = re.compile(
    r"(?<![\w-])(?P<names>"
    + _CODE_NAME
    + r"(?:(?:, | and | or )"
    + _CODE_NAME
    + r")*) (?P<modifiers>(?:[a-z][\w-]* ){0,3}?)(?P<noun>"
    + "|".join(sorted(_NAMED_CLASS_NOUNS, key=len, reverse=True))
    + r")\b"
)


#: Adjectives of peoples and blocs the gazetteer's demonyms miss ("British tanks").
_PEOPLES = words(
    "British Greek Swiss Soviet Western Eastern Northern Southern Allied Arab Czech Scots Irish Filipino Kurdish"
)
#: Endings of peoples' adjectives ("Kazakhstani", "Bosnian", "Maltese", "Danish").
_PEOPLE_SHAPE = re.compile(r"(?:ian|ish|ese|ean|stani)$")


def _code_name(word: str) -> bool:
    """A word that may name a weapon: not an ordinary word, a place, a people, a title or a date."""
    from store.suggest.gazetteer import is_demonym, is_language, is_place
    from store.suggest.known_orgs import is_known_org

    if word in MAKERS:
        return True  # "Ural trucks", "Boeing helicopters": a maker's name names its product line
    lower = word.lower()
    return not (
        lower in common_words()
        or lower in TITLE_HEADS
        or lower in EQUIPMENT_CLASS_NOUNS
        or word in MONTHS
        or word in WEEKDAYS
        or is_place(word)
        or is_language(word)
        or is_demonym(word)
        or word in _PEOPLES
        or bool(_PEOPLE_SHAPE.search(word))
        or is_known_org(word)
    )


def named_classes(text: str) -> list[Candidate]:
    """EQUIPMENT candidates for names right before a weapon class noun (see the module docstring).

    "Igla and Strela hand-held surface-to-air missiles" gives "Igla" and "Strela"; each name is
    then a mention wherever else the article writes it. A modifier between the names and the
    noun must be a weapon word or a hyphenated compound, so "Patriot Act missiles debate" or
    "Thames river boats" propose nothing.
    """
    folded = fold(text)
    found: list[Candidate] = []
    for m in _NAMED_CLASS.finditer(folded):
        modifiers = m.group("modifiers").split()
        if not all("-" in w or w in _CLASS_MODIFIERS for w in modifiers):
            continue
        names = [(n.start(), n.end()) for n in re.finditer(_CODE_NAME, m.group("names"))]
        offset = m.start("names")
        spans = [(offset + a, offset + b) for a, b in names]
        if not all(_code_name(folded[a:b]) for a, b in spans):
            continue
        found.extend(Candidate(a, b, "EQUIPMENT", folded[a:b], "pattern", "class noun") for a, b in spans)
    return repeat(folded, found)

"""Dates stated in an article's text: "on November 29th, 2016", "in November 2016", "2021-2025".

A timeline places passages and mentions by the dates their sentences state, apart from the
article's publication date. A date is kept as precise as it was written (:class:`PartialDate`:
a year, a month, or a day), never filled in: "in 2006" is 2006, not 1 January 2006. What is
relative ("last year", "two years ago", "April 27-28" with no year) is resolved against the
publication date, and left out when the article has none (a guess would be an invented date).

Read with regular expressions over English and Russian month names, numeric ISO dates and
years after a word that introduces one ("in 2006", "since 2012", "by late 2020"); a bare
number is not taken for a year (12 Mi-35 helicopters, 2000 troops). dateparser was measured
for this and left aside: about 13 ms a phrase (a corpus has hundreds of thousands), and it
fills what was not written (``2016`` → 2016-04-01 on 1 April), so the precision is lost.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from store.textunits import sentence_at

_MONTHS = {
    **{name.lower(): number for number, name in enumerate(calendar.month_name) if name},
    **{name.lower(): number for number, name in enumerate(calendar.month_abbr) if name},
    "sept": 9,
    **dict.fromkeys(("январь", "января", "январе"), 1),
    **dict.fromkeys(("февраль", "февраля", "феврале"), 2),
    **dict.fromkeys(("март", "марта", "марте"), 3),
    **dict.fromkeys(("апрель", "апреля", "апреле"), 4),
    **dict.fromkeys(("май", "мая", "мае"), 5),
    **dict.fromkeys(("июнь", "июня", "июне"), 6),
    **dict.fromkeys(("июль", "июля", "июле"), 7),
    **dict.fromkeys(("август", "августа", "августе"), 8),
    **dict.fromkeys(("сентябрь", "сентября", "сентябре"), 9),
    **dict.fromkeys(("октябрь", "октября", "октябре"), 10),
    **dict.fromkeys(("ноябрь", "ноября", "ноябре"), 11),
    **dict.fromkeys(("декабрь", "декабря", "декабре"), 12),
}
_MONTH = "(" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:1[89]|20)\d\d)"
_DASH = r"\s*[-–—]\s*"
_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_INTRO = r"(?:in|since|by|until|till|from|of|before|after|during|through|early|late|mid-?|end of|beginning of|year)"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"(?<![\d-]){_YEAR}-(\d\d)-(\d\d)(?![\d-])")),
    (
        "day month year",
        re.compile(rf"(?<!\w){_DAY}(?:{_DASH}\d{{1,2}}(?:st|nd|rd|th)?)?\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}(?!\d)", re.I),
    ),
    (
        "month day year",
        re.compile(rf"(?<!\w){_MONTH}\s+{_DAY}(?:{_DASH}\d{{1,2}}(?:st|nd|rd|th)?)?,?\s+{_YEAR}(?!\d)", re.I),
    ),
    ("month year", re.compile(rf"(?<!\w){_MONTH},?\s+(?:of\s+)?{_YEAR}(?!\d)", re.I)),
    ("year range", re.compile(rf"(?<![\w-]){_YEAR}{_DASH}{_YEAR}(?![\w-])")),
    ("year", re.compile(rf"(?<!\w){_INTRO}\s+(?:the\s+)?(?:year\s+)?{_YEAR}(?![\w-])", re.I)),
    ("month day", re.compile(rf"(?<!\w){_MONTH}\s+{_DAY}(?:{_DASH}\d{{1,2}}(?:st|nd|rd|th)?)?(?![\w,]*\s*\d)", re.I)),
    ("relative", re.compile(r"(?<!\w)(last|this|next|past) (year|month)(?!\w)", re.I)),
    ("ago", re.compile(r"(?<!\w)(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten) years? ago(?!\w)", re.I)),
]


#: The patterns that state a day (a day of 0 makes them no date at all).
_WITH_DAY = frozenset({"iso", "day month year", "month day year", "month day"})


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date as precise as it was stated: a year, a month of a year, or a day."""

    year: int
    month: int = 0
    day: int = 0

    def __str__(self) -> str:
        if not self.month:
            return f"{self.year:04d}"
        if not self.day:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @classmethod
    def of(cls, day: date) -> PartialDate:
        """A whole date (a publication date)."""
        return cls(day.year, day.month, day.day)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """``2016``, ``2016-11`` or ``2016-11-29``; ``ValueError`` otherwise."""
        parts = text.split("-")
        if not 1 <= len(parts) <= 3 or not all(part.isascii() and part.isdigit() for part in parts):
            raise ValueError(f"not a date: {text!r}")
        found = cls(*map(int, parts))
        if not found.valid():
            raise ValueError(f"not a date: {text!r}")
        return found

    def valid(self) -> bool:
        """A year that may be written, a month 1-12, a day that month has."""
        if not 1 <= self.year <= 9999 or not 0 <= self.month <= 12 or (self.day and not self.month):
            return False
        return not self.day or 1 <= self.day <= calendar.monthrange(self.year, self.month)[1]


@dataclass(frozen=True, slots=True)
class StatedDate:
    """A date stated in a text: where, as written, what it means (``until``: the end of a range)."""

    start: int
    end: int
    text: str
    date: PartialDate
    until: PartialDate | None = None
    relative: bool = False


def stated_dates(text: str, published: date | None = None) -> list[StatedDate]:
    """Every date stated in ``text``, in text order (see the module docstring).

    Where two readings overlap ("November 29th, 2016" holds "November 2016"-like parts), the
    one found by the earlier, more precise pattern wins.
    """
    return list(_stated(text, published))


@lru_cache(maxsize=4096)
def _stated(text: str, published: date | None) -> tuple[StatedDate, ...]:
    found: list[StatedDate] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span(match.lastindex or 0) if kind == "year" else match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            read = _read(kind, match, published)
            if read is None or (kind in _WITH_DAY and read[0].day == 0):
                continue  # "0 March 2016", "2016-11-00": no day, and not a month either
            stated, until, relative = read
            if not stated.valid() or (until is not None and not until.valid()):
                continue
            found.append(StatedDate(start, end, text[start:end], stated, until, relative))
            taken.append((start, end))
    return tuple(sorted(found, key=lambda item: item.start))


def _read(
    kind: str, match: re.Match[str], published: date | None
) -> tuple[PartialDate, PartialDate | None, bool] | None:
    """What one match says (``None``: nothing it can be read as)."""
    groups = match.groups()
    if kind == "iso":
        return PartialDate(int(groups[0]), int(groups[1]), int(groups[2])), None, False
    if kind == "day month year":
        return PartialDate(int(groups[2]), _MONTHS[groups[1].lower()], int(groups[0])), None, False
    if kind == "month day year":
        return PartialDate(int(groups[2]), _MONTHS[groups[0].lower()], int(groups[1])), None, False
    if kind == "month year":
        return PartialDate(int(groups[1]), _MONTHS[groups[0].lower()]), None, False
    if kind == "year range":
        first, last = int(groups[0]), int(groups[1])
        return (PartialDate(first), PartialDate(last), False) if first < last <= first + 50 else None
    if kind == "year":
        return PartialDate(int(groups[0])), None, False
    if published is None:
        return None  # relative to a publication date the article does not have
    if kind == "month day":
        return PartialDate(published.year, _MONTHS[groups[0].lower()], int(groups[1])), None, True
    if kind == "ago":
        count = _NUMBERS.get(groups[0].lower()) or int(groups[0])
        return PartialDate(published.year - count), None, True
    which, unit = groups[0].lower(), groups[1].lower()
    shift = {"last": -1, "past": -1, "this": 0, "next": 1}[which]
    if unit == "year":
        return PartialDate(published.year + shift), None, True
    month = published.month + shift
    year = published.year + (month - 1) // 12
    return PartialDate(year, (month - 1) % 12 + 1), None, True


def sentence_span(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The sentence around ``start`` (with ``end``: through the sentence ``end`` is in)."""
    first, last = sentence_at(text, start)
    if end is not None and end > last:
        last = max(last, sentence_at(text, max(end - 1, start))[1])
    return first, last


def dates_in(text: str, first: int, last: int, published: date | None = None) -> list[StatedDate]:
    """The dates stated in ``text[first:last]``, at their places in ``text``."""
    return [
        StatedDate(item.start + first, item.end + first, item.text, item.date, item.until, item.relative)
        for item in stated_dates(text[first:last], published)
    ]


def dates_near(text: str, offset: int, published: date | None = None, end: int | None = None) -> list[StatedDate]:
    """The dates stated in the sentence around ``offset`` (those a passage or a mention there is placed by).

    With ``end``, the sentences from ``offset`` to ``end`` (a passage of several sentences).
    """
    return dates_in(text, *sentence_span(text, offset, end), published)

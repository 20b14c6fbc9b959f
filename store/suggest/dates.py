"""Dates and date ranges: "12 March 2024", "March 12-14, 2024", "5-6 April 2016", "2016-2017".

Read forms: day month [year] ("4 April", "12 March 2024", "5-6 April 2016"), month day [, year]
("March 12, 2024", "November 22-23"), month year ("March 2024"), ISO dates ("2024-03-12") and
ranges of years ("2016-2017", "2016-17"); a weekday before a date joins it ("Tuesday, March 12,
2024"). Dashes of any kind count as a hyphen. Bare years and weekdays alone are not proposed: in
news they are everywhere and rarely what an analyst tags.

A date is refused when a digit or a hyphenated digit run is glued to it (phone numbers, ISBNs,
"2016-2017-2018" codes), when it sits in a URL, or when its day or month is impossible.

The name is the ISO 8601 form when the year is known: "2024-03-12", a range as an interval
"2024-03-12/2024-03-14", a month "2024-03", years "2016/2017"; without a year it is the text.
"""

from __future__ import annotations

import re

from store.spans import TakenSpans
from store.suggest.candidates import Candidate
from store.suggest.lexicon import MONTHS, WEEKDAYS, fold

_FULL_MONTHS = "|".join(m for m in sorted(MONTHS, key=len, reverse=True) if len(m) > 4 or m == "May")
_SHORT_MONTHS = "|".join(m for m in sorted(MONTHS, key=len, reverse=True) if len(m) <= 4 and m != "May")
_DASH = r"\s?-\s?"
_WEEKDAY = r"(?:(?:" + "|".join(WEEKDAYS) + r"),?\s)?"
_BEFORE = r"(?<![\w-])"
_AFTER = r"(?![\w]|-\d)"


def _month(group: str) -> str:
    """A month: its full name, or an abbreviation with or without its full stop ("Sept.", "Jan")."""
    return rf"(?:(?P<{group}>{_FULL_MONTHS})|(?P<{group}_short>{_SHORT_MONTHS})\.?)"


def _day(group: str) -> str:
    return rf"(?P<{group}>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?"


def _year(group: str) -> str:
    return rf"(?P<{group}>1[89]\d\d|20\d\d)"


_DAY_MONTH = re.compile(
    rf"{_BEFORE}{_WEEKDAY}{_day('d1')}(?:{_DASH}{_day('d2')})?\s{_month('m1')}(?:,?\s{_year('y1')})?{_AFTER}"
)
_MONTH_DAY = re.compile(
    rf"{_BEFORE}{_WEEKDAY}{_month('m1')}\s{_day('d1')}(?:{_DASH}{_day('d2')})?(?:,?\s{_year('y1')})?{_AFTER}"
)
_MONTH_YEAR = re.compile(rf"{_BEFORE}{_month('m1')},?\s{_year('y1')}{_AFTER}")
_ISO = re.compile(rf"{_BEFORE}{_year('y1')}-(?P<m1>0[1-9]|1[0-2])-(?P<d1>0[1-9]|[12]\d|3[01]){_AFTER}")
_YEARS = re.compile(rf"{_BEFORE}{_year('y1')}{_DASH}(?P<y2>1[89]\d\d|20\d\d|\d\d){_AFTER}")
_URLISH = re.compile(r"://|www\.|/\d|\d/")

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _month_number(m: re.Match[str]) -> int:
    value = m.group("m1") or m.groupdict().get("m1_short") or ""
    return int(value) if value.isdigit() else MONTHS[value]


def _ok_day(month: int, day: str | None) -> bool:
    return day is None or 1 <= int(day) <= _DAYS_IN_MONTH[month - 1]


def _name(m: re.Match[str], surface: str) -> str:
    groups = m.groupdict()
    year = groups.get("y1")
    if groups.get("y2") is not None:
        second = groups["y2"]
        second = year[:2] + second if len(second) == 2 else second
        return f"{year}/{second}"
    if year is None:
        return " ".join(surface.split())
    month = _month_number(m)
    if groups.get("d1") is None:
        return f"{year}-{month:02d}"
    first = f"{year}-{month:02d}-{int(groups['d1']):02d}"
    if groups.get("d2"):
        return f"{first}/{year}-{month:02d}-{int(groups['d2']):02d}"
    return first


def _valid(m: re.Match[str]) -> bool:
    groups = m.groupdict()
    if groups.get("y2") is not None:
        year, second = int(groups["y1"]), groups["y2"]
        later = int(groups["y1"][:2] + second) if len(second) == 2 else int(second)
        return year < later <= year + 50
    month = _month_number(m)
    if not (_ok_day(month, groups.get("d1")) and _ok_day(month, groups.get("d2"))):
        return False
    return not (groups.get("d2") and int(groups["d2"]) <= int(groups["d1"]))


def _in_url(text: str, start: int, end: int) -> bool:
    left = text.rfind(" ", 0, start) + 1
    right = text.find(" ", end)
    return bool(_URLISH.search(text[left : right if right != -1 else len(text)]))


def dates(text: str) -> list[Candidate]:
    """DATE candidates (see the module docstring), longest forms first where they overlap."""
    folded = fold(text)
    found: list[Candidate] = []
    covered = TakenSpans()
    for pattern in (_DAY_MONTH, _MONTH_DAY, _ISO, _MONTH_YEAR, _YEARS):
        for m in pattern.finditer(folded):
            start, end = m.span()
            if not covered.free(start, end) or not _valid(m) or _in_url(folded, start, end):
                continue
            covered.take(start, end)
            found.append(Candidate(start, end, "DATE", _name(m, text[start:end]), "pattern", "date"))
    return found

"""Recognise metadata lines of scraped articles: dates, bylines, names, front matter.

Every function answers only from what the line states; none guesses. A line that is not
clearly a date or a byline yields ``None`` and the article's field stays unknown.
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
_LABEL = r"(?:(?:published|posted|updated|date|first published)(?:\s+on)?\s*:?\s*)?"
_TIME = r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s*\(?[A-Z]{2,5}\)?)?)?"
_DATE_FORMS = (
    re.compile(rf"^{_LABEL}{_WEEKDAY}(?P<year>\d{{4}})-(?P<m>\d{{1,2}})-(?P<day>\d{{1,2}})(?:[T ]\S*)?{_TIME}$", re.I),
    re.compile(rf"^{_LABEL}{_WEEKDAY}(?P<day>\d{{1,2}})\.(?P<m>\d{{1,2}})\.(?P<year>\d{{4}}){_TIME}$", re.I),
    re.compile(
        rf"^{_LABEL}{_WEEKDAY}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?P<year>\d{{4}}){_TIME}$", re.I
    ),
    re.compile(
        rf"^{_LABEL}{_WEEKDAY}{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}}){_TIME}$", re.I
    ),
)
_BYLINE = re.compile(r"^(?:by|author|written by|words by)\s*:?\s+(?P<name>.+?)\.?$", re.I)
_NAME_WORD = r"[A-ZÀ-ÖØ-ÞА-ЯЁ][\w'’\-]*\.?"
_NAME = re.compile(rf"^{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}}\.?$")
#: "We are republishing this article by Joshua Kucera", "This story was written by Jane Doe": the
#: author stated in a sentence of the lead (not a byline line of its own).
_AUTHOR_SENTENCE = re.compile(
    rf"\b(?i:article|story|report|piece|column|analysis|commentary|essay|interview)\s+(?i:was\s+)?"
    rf"(?i:written\s+|filed\s+)?(?i:by)\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{1,3}})"
)
#: "Subscribe to PolitNavigator news", "Follow Eurasianet on Telegram": the outlet naming itself
#: in its own page furniture (which is dropped from the text, so it is read first).
_OUTLET_PLUG = re.compile(
    r"^(?:[•·*\-]\s*)?(?i:subscribe\s+to|follow)\s+(?i:the\s+)?(?P<outlet>[A-Z][\w.&'’\-]*(?:\s+[A-Z][\w.&'’\-]*){0,2})"
    r"(?:'s|’s)?\s+(?i:news|newsletter|channel|updates|on\s+(?:telegram|twitter|x|facebook|youtube|instagram))\b"
)
_URL_LINE = re.compile(r"^(?:url|link|source|originally published(?: at| in)?)\s*:?\s*(?P<url>https?://\S+)$", re.I)
_FRONT_MATTER = re.compile(r"\A---\n(?P<body>.*?)\n---\n", re.S)


def parse_date_line(line: str) -> date | None:
    """Return the date if ``line`` is nothing but a date (optionally a weekday, time or label)."""
    text = line.strip().strip("•·|").strip()
    if len(text) > 60:
        return None
    for form in _DATE_FORMS:
        match = form.match(text)
        if not match:
            continue
        parts = match.groupdict()
        month = int(parts["m"]) if parts.get("m") else _MONTHS[parts["month"].lower()]
        try:
            return date(int(parts["year"]), month, int(parts["day"]))
        except ValueError:
            return None
    return None


def parse_byline(line: str) -> str | None:
    """Return the author of a byline such as ``by Safia Southey`` or ``Author: X``."""
    match = _BYLINE.match(line.strip())
    if not match:
        return None
    name = match.group("name").strip()
    if len(name.split()) > 6 or not name[:1].isupper():
        return None
    return name


def author_in_sentence(paragraph: str) -> str | None:
    """The author a lead paragraph names in a sentence ("republishing this article by Joshua Kucera")."""
    found = _AUTHOR_SENTENCE.search(paragraph)
    return found.group("name").rstrip(".") if found else None


def outlet_in_plug(line: str) -> str | None:
    """The outlet a line of page furniture names ("Subscribe to PolitNavigator news at …")."""
    found = _OUTLET_PLUG.match(line.strip())
    return found.group("outlet") if found else None


def looks_like_name(line: str) -> bool:
    """True for a line that is only a personal name: 2-4 capitalised words, at most a final dot."""
    return bool(_NAME.match(line.strip())) and len(line) <= 60


def strip_name(line: str) -> str:
    """A name line without its trailing full stop."""
    return line.strip().rstrip(".").strip()


def parse_url_line(line: str) -> str | None:
    """Return the URL of a line like ``Source: https://...``."""
    match = _URL_LINE.match(line.strip())
    return match.group("url") if match else None


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split YAML-style front matter (``---`` key: value lines ``---``) from a Markdown file.

    Only flat ``key: value`` pairs are read; that covers what note-taking tools and static
    site generators write for title, author, date, source and url.
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    fields: dict[str, str] = {}
    for line in match.group("body").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields, text[match.end() :]

"""Separate the article from the web page it was scraped from.

Scraped articles carry the page around them: image file names, the title repeated as the first
line of the body, bylines and date lines, view counters, category lists, "subscribe" lines,
"if you find an error" notes, comment rules, calendars, navigation links. The rules below are
written for scraped news pages in general, from the shapes these lines take, and they are
conservative: a line is dropped only when it is clearly not a sentence of the article, so
quotes, captions, headings and endnotes stay.

The page is treated in three zones:

* the **header**, everything before the first paragraph of prose: the title, byline, date and
  page furniture live here, and are read as metadata;
* the **body**, where only unmistakable noise is removed (promotions, image names, teasers that
  repeat an earlier paragraph);
* the **footer**, which starts at a strong marker (an error-report note, a tag list, comment
  rules) when nothing after it is a long paragraph; it is dropped whole. A single short line
  left trailing after the last paragraph is the outlet's name, and becomes the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from store.metadata import (
    author_in_sentence,
    looks_like_name,
    outlet_in_plug,
    parse_byline,
    parse_date_line,
    parse_front_matter,
    parse_url_line,
    strip_name,
)

#: Paragraphs of the lead where an author named in a sentence is looked for.
LEAD_PARAGRAPHS = 3
_WORD = re.compile(r"\w+", re.U)
_IMAGE_NAME = re.compile(r"^[\w\-.()%+ ]+\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?|avif)$", re.I)
#: How :data:`_IMAGE_NAME` ends, looked for in a line's last six characters before the whole
#: line is matched (which walks the line's first run of word characters for every line).
_IMAGE_END = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|bmp|tiff?|avif)$", re.I)
_NO_LETTERS = re.compile(r"^[\W\d_]*$", re.U)
_PROMO = re.compile(
    r"\b(?:subscribe|unsubscribe|sign up for|newsletter|follow us|join us on|share (?:this|on)"
    r"|download (?:our|the) app|click here)\b",
    re.I,
)
#: Something each match of :data:`_PROMO` holds, in lower case (see :func:`_may_hold`).
_PROMO_WORDS = ("subscribe", "sign up", "newsletter", "follow us", "join us", "share ", "download ", "click here")
_SOCIAL = re.compile(
    r"\b(?:telegram|facebook|twitter|vk|vkontakte|youtube|instagram|whatsapp|viber|tiktok|linkedin|odnoklassniki)\b",
    re.I,
)
_APPEAL = re.compile(r"^(?:support|donate|become a (?:member|patron|supporter)|please support)\b", re.I)
_COUNTER = re.compile(r"^(?:views|reads|comments|likes|shares|print|e-?mail|share)\s*:?\s*[\d\s,.kK]*$", re.I)
_SEE_ALSO = re.compile(r"^(?:read (?:more|also)|see also|related(?: articles| stories)?|more on this)\s*:", re.I)
_TIMEZONE = re.compile(r"^\(?\s*(?:[\w ]+ time|gmt|utc|msk|[A-Z]{3,4})\s*\)?\s*(?:,\s*[\w .'-]{1,40})?$", re.I)
#: What starts a page's footer (a comments policy, tags, a copyright line), in three parts so
#: that a paragraph is only searched for what it could hold (the comments rules scan a line twice).
_FOOTER_START = re.compile(
    r"tags?\s*:|dear readers\b|leave a (?:comment|reply)|comments? (?:policy|rules)\b"
    r"|all rights reserved|©|copyright\b",
    re.I,
)
_FOOTER_ERRORS = re.compile(r"\bif you (?:find|found|notice|spot|see) an? (?:error|mistake|typo)", re.I)
_FOOTER_COMMENTS = re.compile(
    r"\bcomments?\b.*\b(?:publish|prohibit|delete|moderat|rules)"
    r"|\b(?:publish|prohibit|delete|moderat|rules)\w*\b.*\bcomments?\b",
    re.I,
)
#: Words one of which each match of :data:`_FOOTER_COMMENTS` holds besides "comment".
_COMMENT_RULE_WORDS = ("publish", "prohibit", "delete", "moderat", "rules")
_TERMINAL = (".", "!", "?", "…", '"', "”", "»", "'", ")", ":", ";")
_LIST_ITEM = re.compile(r"^(?:[-*+•]\s|\d+[.)]\s|#)")

#: A footer is only cut when nothing after its marker is this long (a real paragraph).
_FOOTER_MAX_PARAGRAPH = 300


@dataclass(frozen=True, slots=True)
class CleanedArticle:
    """The article part of a page and the metadata the page states."""

    title: str | None
    source: str | None
    author: str | None
    published: date | None
    url: str | None
    paragraphs: tuple[str, ...]

    @property
    def text(self) -> str:
        """Paragraphs joined by one blank line: the text annotations point into."""
        return "\n\n".join(self.paragraphs)


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text)]


def is_prose(line: str) -> bool:
    """A paragraph of running text: enough words and ends like a sentence, or simply long."""
    # Words are counted only in a line under 160 characters, and only up to ten.
    return len(line) >= 160 or (len(line.split(maxsplit=9)) >= 10 and line.rstrip().endswith(_TERMINAL))


def _may_hold(line: str, lowered: str, words: tuple[str, ...]) -> bool:
    """False when a case-blind (``re.I``) expression needing one of ``words`` cannot match ``line``.

    Such an expression cannot use its fast literal search, and scans each line from every
    position. In an ASCII line ``re.I`` matches ASCII case only, so one of the words must be in
    the line's lower case (``lowered``); in any other line (where ``re.I`` also takes ``ſ`` for
    ``s`` or ``ı`` for ``i``) the expression is asked.
    """
    return not line.isascii() or any(word in lowered for word in words)


def _is_noise(line: str) -> bool:
    """Lines that are page furniture wherever they appear."""
    short = len(line) < 200
    words = len(line.split(maxsplit=8))  # counted up to nine: only "at most 4" and "at most 8" are asked
    return bool(
        (_IMAGE_END.search(line[-6:]) and _IMAGE_NAME.match(line))
        or (_NO_LETTERS.match(line) and len(line) <= 40 and parse_date_line(line) is None)
        or _COUNTER.match(line)
        or (short and _may_hold(line, line.lower(), _PROMO_WORDS) and _PROMO.search(line))
        or (words <= 4 and _SOCIAL.search(line) and not line.endswith((".", "!", "?")))
        or (words <= 8 and _APPEAL.match(line))
        or (short and _SEE_ALSO.match(line))
    )


def _is_category_list(line: str) -> bool:
    """``Author column, Armed forces, Policy, Russia``: a list of short tags, not a sentence."""
    items = [item.strip() for item in line.split(",")]
    return (
        len(items) >= 4
        and all(0 < len(item.split()) <= 3 for item in items)
        and not line.rstrip().endswith((".", "!", "?"))
    )


def _is_teaser(line: str, earlier: list[str]) -> bool:
    """A truncated repeat of an earlier paragraph (``...`` at the end, mostly the same words)."""
    if not line.rstrip().endswith(("...", "…")):
        return False
    words = set(_words(line))
    if len(words) < 5:
        return False
    return any(len(words & set(_words(previous))) >= 0.7 * len(words) for previous in earlier)


def split_units(text: str, *, markdown: bool) -> list[str]:
    """Split text into candidate paragraphs.

    Scraped ``.txt`` files put one paragraph per line, so every line is a unit, except blocks
    that are clearly hard-wrapped (three or more long lines, most not ending a sentence). In
    Markdown a single newline continues the paragraph, except for headings and list items.
    """
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if markdown:
            units.extend(_join_markdown(lines))
        elif _hard_wrapped(lines):
            units.append(" ".join(lines))
        else:
            units.extend(lines)
    return units


def _hard_wrapped(lines: list[str]) -> bool:
    if len(lines) < 3:
        return False
    body = lines[:-1]
    long_enough = all(40 <= len(line) <= 110 for line in body)
    open_ended = sum(1 for line in body if not line.endswith(_TERMINAL))
    return long_enough and open_ended * 2 >= len(body)


def _join_markdown(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out and not _LIST_ITEM.match(line) and not _LIST_ITEM.match(out[-1]):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
    return [re.sub(r"^#+\s*", "", unit) for unit in out]


def clean_article(text: str, *, markdown: bool = False) -> CleanedArticle:
    """Find the article in sanitised page text and read the metadata the page states."""
    front: dict[str, str] = {}
    if markdown:
        front, text = parse_front_matter(text)
    every_unit = split_units(text, markdown=markdown)
    # The outlet may name itself only in its page furniture ("Subscribe to X news"), which the
    # noise filter drops: read it first, as the last fallback for the source.
    plugged = next((outlet for unit in every_unit if (outlet := outlet_in_plug(unit))), None)
    units = [u for u in every_unit if not _is_noise(u)]

    title = front.get("title") or None
    author = front.get("author") or None
    source = front.get("source") or front.get("outlet") or None
    url = front.get("url") or front.get("link") or None
    published = parse_date_line(front["date"]) if front.get("date") else None

    first_prose = next((i for i, u in enumerate(units) if is_prose(u)), len(units))
    header, rest = units[:first_prose], units[first_prose:]

    if title is None and header and len(header[0]) <= 250:
        title = header[0]
        header = header[1:]
    elif title is None and not header and rest and not is_prose(rest[0][:250]):
        title = rest.pop(0)
    # A paragraph that says the title again (in other case or punctuation) is dropped.
    title_words = _words(title) if title else []

    kept_header: list[str] = []
    for index, unit in enumerate(header):
        previous = header[index - 1] if index else ""
        following = header[index + 1] if index + 1 < len(header) else ""
        when = parse_date_line(unit)
        if when is not None:
            published = published or when
            continue
        if title_words and _words(unit) == title_words:
            continue
        byline = parse_byline(unit)
        if byline:
            author = author or byline
            continue
        if looks_like_name(unit) and (parse_date_line(previous) or parse_date_line(following)):
            author = author or strip_name(unit)
            continue
        if parse_date_line(previous) and _TIMEZONE.match(unit):
            continue
        found_url = parse_url_line(unit)
        if found_url:
            url = url or found_url
            continue
        if _is_category_list(unit):
            continue
        kept_header.append(unit)

    body: list[str] = []
    for unit in rest:
        if title_words and not body and _words(unit) == title_words:
            continue
        if _is_teaser(unit, body):
            continue
        body.append(unit)
    body = _cut_footer(body)

    trailing = _trailing_short_lines(body)
    if trailing:
        body = body[: -len(trailing)]
        if len(trailing) == 1 and source is None:
            source = trailing[0]

    paragraphs = tuple(kept_header + body)
    if author is None:  # named in a sentence of the lead ("this article by Joshua Kucera")
        author = next((name for p in paragraphs[:LEAD_PARAGRAPHS] if (name := author_in_sentence(p))), None)
    return CleanedArticle(title, source or plugged, author, published, url, paragraphs)


def _footer_mark(unit: str) -> bool:
    """True for a paragraph that starts a footer (see ``_FOOTER_START``)."""
    if _FOOTER_START.match(unit):
        return True
    lowered = unit.lower()
    return ("if you" in lowered and _FOOTER_ERRORS.search(unit) is not None) or (
        "comment" in lowered
        and _may_hold(unit, lowered, _COMMENT_RULE_WORDS)
        and _FOOTER_COMMENTS.search(unit) is not None
    )


def _cut_footer(body: list[str]) -> list[str]:
    for index, unit in enumerate(body):
        if index == 0 or not _footer_mark(unit):
            continue
        if all(len(after) < _FOOTER_MAX_PARAGRAPH for after in body[index:]):
            return body[:index]
    return body


def _trailing_short_lines(body: list[str]) -> list[str]:
    """Short lines after the last sentence: an outlet name or navigation, not article text."""
    trailing: list[str] = []
    for unit in reversed(body):
        if len(unit.split()) <= 5 and not unit.rstrip().endswith(_TERMINAL) and len(unit) <= 60:
            trailing.append(unit)
        else:
            break
    if len(trailing) == len(body):
        return []
    return list(reversed(trailing))

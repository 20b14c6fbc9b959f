"""What a web page states about itself in its markup: its encoding, date, language, address.

Each reader answers from a standard way for a page to say a thing, never from a guess:

* the **encoding** from ``<meta charset>``, its older ``http-equiv`` form, or an XML
  declaration (in the page's first bytes, as browsers look for it);
* the **publication date** from the standard vocabularies for it (Open Graph's
  ``article:published_time``, schema.org's ``datePublished`` in microdata or JSON-LD, Dublin
  Core, the Highwire ``citation_`` tags scholarly pages carry, ``<time pubdate>``); never from
  a date in the address, an image name, the copyright year or "today", which extractors fall
  back on and which are not the date the article was published;
* the **language** from ``<html lang>``, ``Content-Language`` or Open Graph's ``og:locale``;
* the **address** a browser or a saving tool wrote into the page it saved (``<!-- saved from
  url=(0047)https://… -->``, SingleFile's ``url:`` line), for a page that names no canonical
  address of its own.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

import orjson

from store.metadata import parse_date_line

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: How far into a page its encoding declaration is looked for (browsers look at the first 1,024
#: bytes; saved pages put a comment and long style sheets first, so a little further).
CHARSET_SCAN_BYTES = 8192
_META_CHARSET = re.compile(rb"<meta\b[^>]*?\bcharset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.I)
_XML_ENCODING = re.compile(rb"^\s*<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([A-Za-z0-9._-]+)", re.I)
#: Labels a page may declare that browsers read as another encoding (the WHATWG Encoding
#: standard): Latin-1 and ASCII pages are decoded as windows-1252, its superset.
_READ_AS = {"latin_1": "cp1252", "ascii": "cp1252", "iso8859_1": "cp1252"}

#: Names under which a ``<meta>`` tag states when the page was first published, lower case:
#: Open Graph, schema.org, Dublin Core, Highwire (Google Scholar), and the plain names of the
#: HTML specification's wiki of meta names. Modification dates are not publication dates.
PUBLISHED_NAMES = frozenset(
    {
        "article:published_time",
        "og:published_time",
        "datepublished",
        "dc.date",
        "dc.date.issued",
        "dc.date.created",
        "dcterms.issued",
        "dcterms.created",
        "dcterms.date",
        "citation_publication_date",
        "citation_date",
        "date",
        "pubdate",
        "publishdate",
        "publish_date",
        "publication_date",
    }
)
#: ``2023-04-12`` (ISO 8601) and ``2023/04/12`` (Highwire): year first, one separator throughout.
_ISO_DATE = re.compile(r"^\s*(\d{4})(?P<separator>[-/])(\d{1,2})(?P=separator)(\d{1,2})(?!\d)")
_COMPACT_DATE = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:$|T)")
#: Years outside these are template placeholders (``0001-01-01``), not publication dates.
_FIRST_YEAR = 1900
#: A language tag as BCP 47 writes one (``en``, ``en-GB``, ``zh-Hant-TW``); ``og:locale`` uses ``_``.
_LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,3}$")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)\s*(https?://[^\s>]+?)\s*-->", re.I)
_SINGLEFILE_URL = re.compile(r"<!--\s*Page saved with SingleFile\b[^>]*?^\s*url:\s*(https?://\S+)", re.I | re.M)
#: JSON-LD objects nest (``@graph``, ``mainEntity``): walked this deep at most.
_JSON_DEPTH = 6


def declared_charset(data: bytes) -> str | None:
    """The encoding a page declares in its first bytes, as Python names it; None if none or unknown.

    A declaration of UTF-16 or UTF-32 is ignored, as browsers ignore it: a page that could be
    read far enough to find the tag is not in either (a real UTF-16 page starts with a BOM).
    """
    head = data[:CHARSET_SCAN_BYTES]
    found = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return charset_named(found.group(1).decode("ascii", "replace")) if found else None


def charset_named(label: str | None) -> str | None:
    """The encoding a declared label names, as Python names it; None if unknown or not to be trusted.

    See :func:`declared_charset` and :func:`_ascii_compatible` for the labels not trusted.
    """
    try:
        name = codecs.lookup((label or "").strip()).name
    except LookupError:
        return None
    if name.startswith(("utf-16", "utf-32", "utf-7")) or not _ascii_compatible(name):
        return None
    return _READ_AS.get(name.replace("-", "_"), name)


def _ascii_compatible(codec: str) -> bool:
    """True when ``codec`` reads ASCII as ASCII, as the declaration itself was just read.

    A page whose tag could be found by reading its bytes as ASCII is not in EBCDIC (``cp037``)
    or UTF-7 (whose ``+ADw-`` is ``<``: a way to smuggle markup past filters); such a
    declaration is a mistake or an attack, and is ignored.
    """
    sample = bytes(range(0x20, 0x7F))
    try:
        return sample.decode(codec) == sample.decode("ascii")
    except (UnicodeDecodeError, LookupError):
        return False


def saved_from(page: str) -> str | None:
    """The address a browser or SingleFile recorded in the page it saved, if it did."""
    head = page[:CHARSET_SCAN_BYTES]
    found = _SAVED_FROM.search(head) or _SINGLEFILE_URL.search(head)
    return found.group(1) if found else None


def stated_language(tree: HtmlElement) -> str | None:
    """The page's language as it states it (``en-GB``), or None."""
    candidates = [tree.get("lang"), tree.get("{http://www.w3.org/XML/1998/namespace}lang")]
    for meta in tree.iter("meta"):
        key = (meta.get("http-equiv") or meta.get("property") or meta.get("name") or "").lower()
        if key in ("content-language", "og:locale", "language"):
            candidates.append(meta.get("content"))
    for candidate in candidates:
        tag = (candidate or "").split(",")[0].strip()
        if _LANGUAGE_TAG.match(tag):
            return tag.replace("_", "-")
    return None


def stated_published(tree: HtmlElement) -> date | None:
    """The date the page says it was published, or None when it does not say.

    Tags are read in the order of their explicitness: ``<meta>`` names, then schema.org
    microdata on any element, then JSON-LD, then ``<time pubdate>``; the first that reads as
    a date wins.
    """
    return next((day for value in _published_values(tree) if (day := parse_stated_date(value))), None)


def _published_values(tree: HtmlElement) -> Iterator[str]:
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in PUBLISHED_NAMES and meta.get("content"):
            yield meta.get("content", "")
    for element in tree.xpath("//*[@itemprop]"):
        if element.get("itemprop", "").strip().lower() == "datepublished":
            yield element.get("datetime") or element.get("content") or element.text_content()
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            try:
                data = orjson.loads(script.text.strip().encode("utf-8", "replace"))
            except orjson.JSONDecodeError:
                continue
            yield from _json_published(data, _JSON_DEPTH)
    for time in tree.iter("time"):
        if time.get("pubdate") is not None:
            yield time.get("datetime") or time.text_content()


def _json_published(data: Any, depth: int) -> Iterator[str]:
    """``datePublished`` values of JSON-LD objects, outer objects first."""
    if depth <= 0:
        return
    if isinstance(data, list):
        for item in data:
            yield from _json_published(item, depth - 1)
    elif isinstance(data, dict):
        value = data.get("datePublished")
        if isinstance(value, str):
            yield value
        for key, inner in data.items():
            if key != "datePublished" and isinstance(inner, (dict, list)):
                yield from _json_published(inner, depth - 1)


def parse_stated_date(value: str) -> date | None:
    """The calendar day a metadata value states (``2023-04-12T08:30:00+01:00`` → 2023-04-12).

    The day is taken as written, in the page's own time zone: the day its readers saw on it.
    A value that is no date, or a placeholder year, gives None.
    """
    value = value.strip()
    found = _ISO_DATE.match(value) or _COMPACT_DATE.match(value)
    if found is None:
        return parse_date_line(value) if len(value) <= 60 else None
    year, month, day = (int(part) for part in found.groups() if part not in ("-", "/"))
    if not _FIRST_YEAR <= year <= date.today().year + 1:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None

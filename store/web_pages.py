"""Saved web pages (``.html``, ``.htm``, ``.xhtml``) read into an article and what the page states.

A page saved from a browser is mostly not the article: navigation, cookie notices, share
buttons, related links, footers. trafilatura (a maintained extractor, measured well in
published comparisons) finds the article's paragraphs and reads the page's metadata (title,
author, site name, canonical address). The publication date and language are read here, from
the page's own tags only (:mod:`store.page_metadata`): extractors fall back on dates in the
address or on the page's furniture, which would be invented dates.

The result has the shape every article has: paragraphs (headings and list items each their
own) separated by one blank line, sanitised like a text file's (no control characters, no
bidi overrides, odd spaces made plain). A page with no paragraph of running text (a login
form, an index of links, an empty body) is refused with that reason, not imported as an
article of menu items.

A browser's "Save page, complete" writes ``page.html`` beside a ``page_files`` folder of its
scripts, styles and images; :func:`companion_folders` names those folders so an import of the
parent folder passes them over as part of the page.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from store.cleaning import CleanedArticle, is_prose
from store.decoding import NotText, decode_bytes
from store.page_metadata import charset_named, declared_charset, saved_from, stated_language, stated_published
from store.sanitize import sanitize_line, sanitize_text

if TYPE_CHECKING:
    from lxml.etree import _Element

#: File name endings read as web pages.
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".xhtml")
#: What browsers (Chrome, Firefox, Edge) add to a saved page's name for its folder of files.
COMPANION_ENDING = "_files"
#: The reason given for a page that holds no article.
NO_ARTICLE = "no article text in the page (only links, forms or page furniture)"
#: The reason given for a file that an HTML parser cannot make a page of.
NOT_HTML = "not readable as HTML (no markup, or nested too deeply to parse); a text file can be renamed .txt"
#: Characters an HTML parser (libxml2) refuses outright; they carry no text, and are dropped
#: before parsing as :func:`store.sanitize.sanitize_text` would drop them afterwards.
_UNPARSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: The extractor's elements that hold blocks of their own (its other elements are inline).
_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "table", "row", "cell", "quote", "code", "div"})
_WORD = re.compile(r"\w+")
_URL = re.compile(r"^https?://\S+$", re.I)
#: How far into a file :func:`looks_like_page` looks.
_SNIFF_BYTES = 4096
_PAGE_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>])", re.I | re.S
)


@dataclass(frozen=True, slots=True)
class WebPage:
    """The article a page holds, the encoding it was read in, and its language if stated."""

    article: CleanedArticle
    encoding: str
    language: str | None


def is_web_page(name: str) -> bool:
    """True for a file name that is read as a web page."""
    return name.lower().endswith(HTML_SUFFIXES)


def companion_folders(names: Collection[str]) -> set[str]:
    """The names among ``names`` (one folder's entries) of saved pages' companion folders.

    ``page_files`` is a companion when ``page.html`` (or ``.htm``, ``.xhtml``) is beside it.
    """
    folders = set()
    for name in names:
        for suffix in HTML_SUFFIXES:
            if name.lower().endswith(suffix):
                folders.add(name[: -len(suffix)] + COMPANION_ENDING)
    return folders & set(names)


def looks_like_page(data: bytes) -> bool:
    """True for bytes that start as an HTML document does (``<!DOCTYPE html>``, ``<html>``).

    A file named explicitly whatever its ending (``story.php``, ``article.aspx``, no ending at
    all) is a page when it says so in its first characters, after a BOM, an XML declaration or
    comments (a browser's "saved from" line).
    """
    return _PAGE_START.match(data[:_SNIFF_BYTES]) is not None


def read_page(data: bytes, *, charset: str | None = None, address: str | None = None) -> WebPage:
    """The article in a web page's bytes, with the metadata the page states.

    ``charset`` is an encoding named outside the page (a single-file page's MIME part), which
    comes before the page's own declaration; ``address`` is where the page was saved from,
    the url when the page names none itself.

    Raises:
        NotText: with the reason, for bytes that are not text, not HTML, or hold no article.
    """
    decoded = decode_bytes(data, charset_named(charset) or declared_charset(data))
    markup = _UNPARSABLE.sub("", decoded.text)
    import trafilatura  # only imports of pages need it: the app opens without paying for it
    from trafilatura.utils import load_html

    tree = load_html(markup)
    if tree is None:
        raise NotText(NOT_HTML)
    # Read before extracting: the extractor prunes the tree it is given.
    published = stated_published(tree)
    language = stated_language(tree)
    for hidden in tree.xpath("//noscript|//template"):
        hidden.drop_tree()  # never shown to a reader whose browser runs scripts (the one who saved it)
    extracted = trafilatura.bare_extraction(
        tree,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        # Its date is not used (see the module's docstring): the cheapest search for it.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    paragraphs = _paragraphs(extracted.body if extracted is not None else None)
    title = _line(extracted.title) if extracted is not None else None
    if paragraphs and title and _words(paragraphs[0]) == _words(title):
        paragraphs = paragraphs[1:]  # the headline again, as the text's first line
    if not any(is_prose(paragraph) for paragraph in paragraphs):
        raise NotText(NO_ARTICLE)
    url = _line(extracted.url) if extracted is not None else None
    url = next((u for u in (url, saved_from(markup), _line(address)) if u and _URL.match(u)), None)
    article = CleanedArticle(
        title=title,
        source=_line(extracted.sitename) if extracted is not None else None,
        author=_line(extracted.author) if extracted is not None else None,
        published=published,
        url=_line(url),
        paragraphs=tuple(paragraphs),
    )
    return WebPage(article, decoded.encoding, _line(language))


def _paragraphs(body: _Element | None) -> list[str]:
    """The extracted content's blocks as paragraphs, sanitised.

    Read from the extractor's tree, not its text output, which decodes character references
    a second time (a page that writes ``&amp;pound;`` means the six characters ``&pound;``,
    not ``£``). Headings, paragraphs, quotations and list items are each a paragraph; a line
    break inside one starts another.
    """
    if body is None:
        return []
    lines = sanitize_text("\n".join(_blocks(body))).split("\n")
    return [" ".join(line.split()) for line in lines if line.strip()]


def _blocks(element: _Element) -> Iterator[str]:
    """The text blocks under ``element``, in order; see :func:`_table` for tables."""
    for child in element:
        if child.tag == "table":
            yield from _table(child)
        elif child.tag == "list":
            for item in child:
                if any(inner.tag in _BLOCK_TAGS for inner in item):
                    yield from _blocks(item)
                else:
                    yield "- " + _text(item)
        elif any(inner.tag in _BLOCK_TAGS for inner in child):
            yield from _blocks(child)
        else:
            yield _text(child)


def _table(table: _Element) -> Iterator[str]:
    """A table's rows: one paragraph a row (``Route | Crossings``), cells apart.

    A row any cell of which holds running text is a layout table (old pages set their article
    in one): then each block of each cell is a paragraph of its own.
    """
    for row in table:
        cells = [[block for block in _blocks_of_cell(cell) if block.strip()] for cell in row]
        blocks = [block for cell in cells for block in cell]
        if any(len(cell) > 1 for cell in cells) or any(is_prose(block) for block in blocks):
            yield from blocks
        elif blocks:
            yield " | ".join(" ".join(block.split()) for block in blocks)


def _blocks_of_cell(cell: _Element) -> list[str]:
    if any(inner.tag in _BLOCK_TAGS for inner in cell):
        return list(_blocks(cell))
    return [_text(cell)]


def _text(element: _Element) -> str:
    """An element's text with its inline markup dropped; a line break (``lb``) is a new line."""
    parts = [element.text or ""]
    for child in element:
        parts.append("\n" if child.tag == "lb" else _text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _line(value: str | None) -> str | None:
    """A one-line metadata value, sanitised; None for nothing."""
    return (sanitize_line(value) or None) if value else None


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]

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
from collections.abc import Collection
from dataclasses import dataclass

from store.cleaning import CleanedArticle, is_prose
from store.decoding import NotText, decode_bytes
from store.page_metadata import declared_charset, saved_from, stated_language, stated_published
from store.sanitize import sanitize_line, sanitize_text

#: File name endings read as web pages.
HTML_SUFFIXES: tuple[str, ...] = (".html", ".htm", ".xhtml")
#: What browsers (Chrome, Firefox, Edge) add to a saved page's name for its folder of files.
COMPANION_ENDING = "_files"
#: The reason given for a page that holds no article.
NO_ARTICLE = "no article text in the page (only links, forms or page furniture)"
#: Characters an HTML parser (libxml2) refuses outright; they carry no text, and are dropped
#: before parsing as :func:`store.sanitize.sanitize_text` would drop them afterwards.
_UNPARSABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: A row of a table as trafilatura writes it: ``| cell | cell |``.
_TABLE_ROW = re.compile(r"^\|.*\|$")
_WORD = re.compile(r"\w+")
_URL = re.compile(r"^https?://\S+$", re.I)


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


def read_page(data: bytes) -> WebPage:
    """The article in a web page's bytes, with the metadata the page states.

    Raises:
        NotText: with the reason, for bytes that are not text, not HTML, or hold no article.
    """
    decoded = decode_bytes(data, declared_charset(data))
    markup = _UNPARSABLE.sub("", decoded.text)
    import trafilatura  # only imports of pages need it: the app opens without paying for it
    from trafilatura.utils import load_html

    tree = load_html(markup)
    if tree is None:
        raise NotText("no HTML markup in the page (rename it .txt to import it as text)")
    # Read before extracting: the extractor prunes the tree it is given.
    published = stated_published(tree)
    language = stated_language(tree)
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
    text = extracted.text if extracted is not None else ""
    paragraphs = _paragraphs(text or "")
    title = _line(extracted.title) if extracted is not None else None
    if paragraphs and title and _words(paragraphs[0]) == _words(title):
        paragraphs = paragraphs[1:]  # the headline again, as the text's first line
    if not any(is_prose(paragraph) for paragraph in paragraphs):
        raise NotText(NO_ARTICLE)
    url = _line(extracted.url) if extracted is not None else None
    url = url if url and _URL.match(url) else saved_from(markup)
    article = CleanedArticle(
        title=title,
        source=_line(extracted.sitename) if extracted is not None else None,
        author=_line(extracted.author) if extracted is not None else None,
        published=published,
        url=_line(url),
        paragraphs=tuple(paragraphs),
    )
    return WebPage(article, decoded.encoding, _line(language))


def _paragraphs(text: str) -> list[str]:
    """The extractor's lines as paragraphs, sanitised; table rows made readable.

    A table's row is one paragraph with its cells apart (``Party | Votes``), except that a
    row any cell of which is running text is a layout table (old pages set their article in
    one): then each cell is a paragraph of its own.
    """
    paragraphs: list[str] = []
    for line in sanitize_text(text).split("\n"):
        if _TABLE_ROW.match(line):
            cells = [cell.strip() for cell in line[1:-1].split("|")]
            cells = [cell for cell in cells if cell]
            if any(is_prose(cell) for cell in cells):
                paragraphs.extend(cells)
            elif cells:
                paragraphs.append(" | ".join(cells))
        elif line:
            paragraphs.append(line)
    return paragraphs


def _line(value: str | None) -> str | None:
    """A one-line metadata value, sanitised; None for nothing."""
    return (sanitize_line(value) or None) if value else None


def _words(text: str) -> list[str]:
    return [word.casefold() for word in _WORD.findall(text)]

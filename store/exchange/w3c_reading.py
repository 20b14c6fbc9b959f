"""W3C Web Annotations in: Dossier's own (:mod:`store.exchange.w3c`) and other tools' (Hypothesis...).

The annotations are turned into Dossier's export document (:mod:`store.export`) pointing at
articles already stored, and :meth:`store.Store.merge_export` re-anchors each one by its quote
and context. An annotation finds its article by Dossier's IRI for it (or the ``dossier:article``
extension), else by the article's URL, the way a Hypothesis annotation names a web page.

The position a file gives is a hint, never trusted alone: other tools count in UTF-16 code units
(JavaScript's string offsets), not the code points the model requires, and the page they
annotated was not cleaned as Dossier cleaned it. The quote decides; the position only chooses
between equal matches.

What cannot be anchored is said, never dropped unseen: an annotation of a page that is not
stored, with no selector Dossier can use, or in a form Dossier does not read is listed in
:attr:`W3CReading.not_anchored` with the reason, and so is one whose quoted words are no longer
in the article (it is still merged, as an orphan, keeping its quote). A document that is not
JSON, or is neither an Annotation, a list of them, an AnnotationCollection nor an AnnotationPage,
raises :class:`W3CFormatError`: odd but valid JSON-LD (a string body, a single target given as
an IRI, one selector rather than a list) is read.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit, urlunsplit

import orjson

from store import anchoring
from store.codec import name_key
from store.exchange.w3c import ARTICLE, DEFAULT_BASE_IRI, DOSSIER_VOCAB, as_uri, stored_stamp
from store.exchange.w3c_bodies import Bodies, author_of, hypothesis_user, many, status_of, types_of
from store.export import FORMAT, VERSION
from store.models import Article
from store.sanitize import neutralize
from store.store import Store

#: How much of an id or address from the file a report line shows.
_SHOWN = 120


#: The reason given for an annotation that was read but whose words are gone: the merge keeps it
#: as an orphan and reports it itself (:attr:`store.models.ImportReport.not_anchored`).
ORPHAN_REASON = "its words are no longer in the article: kept as an orphan"


class W3CFormatError(ValueError):
    """The document is not W3C Web Annotation JSON-LD that Dossier can read (the message says why)."""


class W3CReading(NamedTuple):
    """What a W3C document says, as an export document, and what in it could not be anchored.

    ``not_anchored`` holds ``(annotation, reason)``: the annotation's IRI as the file gives it
    (or its place, ``item 3``), neutralised and shortened for a terminal.
    """

    data: dict[str, Any]
    not_anchored: list[tuple[str, str]]


def parse_w3c(raw: bytes | str) -> Any:
    """The parsed JSON of a W3C file; :class:`W3CFormatError` when it is not JSON."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise W3CFormatError(f"not JSON: {error}") from None


def export_from_w3c(doc: object, store: Store, *, base_iri: str = DEFAULT_BASE_IRI) -> W3CReading:
    """The export document of the annotations in ``doc`` that are on ``store``'s articles.

    ``doc`` is a parsed Annotation, a list of them, an AnnotationCollection (its ``first``
    page embedded, and the pages ``next`` embedded in it) or an AnnotationPage. Merge the
    result with :meth:`store.Store.merge_export`.
    """
    reader = _Reader(_Articles(store.articles(), base_iri), base_iri)
    for index, item in _items(doc, reader.not_anchored):
        reader.read(item, index)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "articles": [],
        "entities": list(reader.entities.values()),
        "annotations": reader.annotations,
        "links": [],
    }
    return W3CReading(data, reader.not_anchored)


# ---------------------------------------------------------------------- the document's shape


def _items(doc: object, problems: list[tuple[str, str]]) -> Iterator[tuple[int, Any]]:
    """Each annotation in the document, numbered; pages only referenced by IRI are reported."""
    if isinstance(doc, list):
        yield from enumerate(doc)
        return
    if not isinstance(doc, dict):
        raise W3CFormatError(f"expected a JSON object or list of annotations, found {type(doc).__name__}")
    types = types_of(doc)
    if "Annotation" in types:
        yield 0, doc
        return
    if "AnnotationCollection" in types:
        first = doc.get("first")
        if isinstance(first, str):
            raise W3CFormatError(
                f"the collection's first page is only referenced ({_shown(first)}), not embedded: "
                "Dossier reads the file it is given and fetches nothing"
            )
        pages = [first] if isinstance(first, dict) else []
        if not pages and "items" not in doc:
            if doc.get("total") in (0, None):
                return
            raise W3CFormatError("the collection has a total but no first page")
        if "items" in doc:  # not the model's form, but some tools write the page's items here
            pages.insert(0, doc)
    elif "AnnotationPage" in types:
        pages = [doc]
    else:
        shown = ", ".join(types) or "none"
        raise W3CFormatError(f"not an Annotation, AnnotationCollection or AnnotationPage (type: {_shown(shown)})")
    yield from _page_items(pages, problems)


def _page_items(pages: list[Any], problems: list[tuple[str, str]]) -> Iterator[tuple[int, Any]]:
    """The items of a page and of the pages embedded as its ``next``, once each (no loop)."""
    count, seen = 0, set()
    while pages:
        page = pages.pop(0)
        if id(page) in seen:
            continue
        seen.add(id(page))
        items = page.get("items")
        if not isinstance(items, list):
            raise W3CFormatError("an AnnotationPage has no list of items")
        for item in items:
            yield count, item
            count += 1
        following = page.get("next")
        if isinstance(following, dict):
            pages.append(following)
        elif isinstance(following, str):
            problems.append((_shown(following), "a next page only referenced, not embedded: not read"))


def _shown(value: object) -> str:
    text = neutralize(str(value))
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


# ---------------------------------------------------------------------- articles


class _Articles:
    """The stored articles, found by Dossier's IRI for them or by their URL."""

    def __init__(self, articles: Iterable[Article], base_iri: str) -> None:
        self.prefix = f"{base_iri}article:"
        self.texts: dict[str, str] = {}
        self.by_url: dict[str, list[str]] = defaultdict(list)
        for article in articles:
            self.texts[article.id] = article.text
            if article.url:
                for key in {_url_key(article.url), _url_key(as_uri(article.url) or "")} - {""}:
                    self.by_url[key].append(article.id)

    def find(self, target: dict[str, Any], source: str) -> tuple[str | None, str]:
        """The stored article a target is on, or None and why not."""
        named = target.get(ARTICLE, target.get(f"{DOSSIER_VOCAB}article"))
        if isinstance(named, str) and named in self.texts:
            return named, ""
        if source.startswith(self.prefix) and unquote(source[len(self.prefix) :]) in self.texts:
            return unquote(source[len(self.prefix) :]), ""
        found = self.by_url.get(_url_key(source), [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, f"{len(found)} stored articles have the address {_shown(source)}"
        return None, f"no stored article is {_shown(source) or 'named'}"


def _url_key(url: str) -> str:
    """How addresses are compared: scheme and host in lower case, no fragment, no final ``/``."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


# ---------------------------------------------------------------------- one annotation


class _Reader:
    """Reads annotations one by one into export records, collecting the entities they name."""

    def __init__(self, articles: _Articles, base_iri: str) -> None:
        self.articles = articles
        self.prefix = f"{base_iri}annotation:"
        self.annotations: list[dict[str, Any]] = []
        self.entities: dict[str, dict[str, Any]] = {}
        self.not_anchored: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def read(self, item: object, index: int) -> None:
        if not isinstance(item, dict):
            shown = f"{_shown(item)}" if isinstance(item, str) else f"item {index}"
            self.not_anchored.append((shown, "not an embedded annotation (a JSON object)"))
            return
        raw_id = item.get("id")
        label = _shown(raw_id) if isinstance(raw_id, str) and raw_id else f"item {index}"
        key = self._key(item, raw_id)
        if key in self.ids:
            self.not_anchored.append((label, "another annotation in the file has the same id: kept the first"))
            return
        targets = many(item.get("target"))
        if not targets:
            self.not_anchored.append((label, "no target"))
            return
        reasons: list[str] = []
        for target in targets:
            record = self._on_target(target, reasons)
            if record is not None:
                break
        else:
            self.not_anchored.append((label, "; ".join(dict.fromkeys(reasons))))
            return
        article_id, start, end, quote, prefix, suffix, found = record
        if not found:
            self.not_anchored.append((label, ORPHAN_REASON))
        bodies = Bodies(item)
        entity_id = self._entity(bodies)
        self.ids.add(key)
        self.annotations.append(
            {
                "id": key,
                "article_id": article_id,
                "start": start,
                "end": end,
                "quote": quote,
                "prefix": prefix,
                "suffix": suffix,
                "entity_id": entity_id,
                "labels": bodies.labels,
                "note": "\n\n".join(bodies.notes),
                "status": status_of(item),
                "author": author_of(item.get("creator")) or hypothesis_user(item),
                "created": stored_stamp(item.get("created")),
                "updated": stored_stamp(item.get("modified") or item.get("updated"))
                or stored_stamp(item.get("created")),
            }
        )

    def _key(self, item: dict[str, Any], raw_id: object) -> str:
        """Dossier's id for the annotation: its own back, else one made from the file's IRI.

        Made, not random: importing the same file twice finds the same ids and adds nothing.
        """
        if isinstance(raw_id, str) and raw_id.startswith(self.prefix) and len(raw_id) > len(self.prefix):
            return unquote(raw_id[len(self.prefix) :])
        seed = raw_id if isinstance(raw_id, str) and raw_id else orjson.dumps(item, option=orjson.OPT_SORT_KEYS)
        return "w3c-" + hashlib.sha256(seed.encode() if isinstance(seed, str) else seed).hexdigest()[:16]

    def _on_target(self, target: object, reasons: list[str]) -> tuple[str, int, int, str, str, str, bool] | None:
        """Where on a stored article a target is, or None (the reason added to ``reasons``)."""
        if isinstance(target, str):
            article_id, why = self.articles.find({}, target)
            reasons.append("the whole page, no selector: Dossier tags words" if article_id else why)
            return None
        if not isinstance(target, dict):
            reasons.append("a target that is neither an IRI nor an object")
            return None
        source = target.get("source")
        if isinstance(source, dict):
            source = source.get("id")
        if not isinstance(source, str):
            source = target.get("id") if isinstance(target.get("id"), str) else ""
        article_id, why = self.articles.find(target, source)
        if article_id is None:
            reasons.append(why)
            return None
        text = self.articles.texts[article_id]
        selection = _selection(many(target.get("selector")), text)
        if selection is None:
            reasons.append("no TextQuoteSelector or TextPositionSelector Dossier can use")
            return None
        quote, prefix, suffix, hint = selection
        anchor = anchoring.reanchor(text, quote, prefix, suffix, hint)
        return article_id, anchor.start, anchor.end, quote, prefix, suffix, anchor.found

    def _entity(self, bodies: Bodies) -> str | None:
        """The entity an identifying body names (recorded once per id), or None."""
        if not bodies.entity_name:
            return None
        key = bodies.entity_id or "w3c-" + hashlib.sha256(name_key(bodies.entity_name).encode()).hexdigest()[:16]
        entity = {"id": key, "name": bodies.entity_name, "type": bodies.entity_type, "aliases": bodies.aliases}
        self.entities.setdefault(key, {**entity, "note": ""})
        return key


def _selection(selectors: list[Any], text: str) -> tuple[str, str, str, int] | None:
    """The quote, prefix, suffix and position hint the selectors give, or None.

    A TextQuoteSelector is preferred (the words themselves); a TextPositionSelector alone gives
    the words at its place when that place is inside the text.
    """
    quoted: dict[str, Any] | None = None
    position: tuple[int, int] | None = None
    for selector in selectors:
        if not isinstance(selector, dict):
            continue
        kinds = types_of(selector)
        if "TextQuoteSelector" in kinds and quoted is None:
            exact = selector.get("exact")
            if isinstance(exact, str) and exact:
                quoted = selector
        elif "TextPositionSelector" in kinds and position is None:
            start, end = selector.get("start"), selector.get("end")
            if _count(start) and _count(end) and start <= end:
                position = (start, end)
    if quoted is not None:
        prefix, suffix = (quoted.get(f) if isinstance(quoted.get(f), str) else "" for f in ("prefix", "suffix"))
        return quoted["exact"], prefix, suffix, position[0] if position else 0
    if position is not None and position[0] < position[1] <= len(text):
        start, end = position
        return (text[start:end], *anchoring.context(text, start, end), start)
    return None


def _count(value: object) -> bool:
    """A JSON non-negative integer (``true`` is no number, though Python says it is)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0

"""Dossier's tags as W3C Web Annotations (https://www.w3.org/TR/annotation-model/), JSON-LD.

One ``Annotation`` per tag, all of them in one ``AnnotationCollection`` whose first (and only)
``AnnotationPage`` is embedded, so the file stands alone. Each annotation's ``target`` is a
``SpecificResource`` on the article with two selectors that describe the same words (model
§4.2): a ``TextQuoteSelector`` (the quote and its context, what survives edits) and a
``TextPositionSelector`` (start and end). Positions count Unicode code points, as the model
requires ("in terms of unicode code points ... not in terms of code units", §4.2.4, §4.2.5);
they are Python string indices into the article's cleaned text, the text Dossier shows.

Bodies say what the tag says: an entity mention has a ``TextualBody`` with purpose
``identifying`` (the entity's name) and one with purpose ``classifying`` (its type); each label
is a ``TextualBody`` with purpose ``tagging``; the note one with purpose ``commenting``. What
the model has no word for (the review status, the entity's and article's ids) goes in
``dossier:`` extension properties, defined in a context of their own listed after the model's
(the extension pattern of https://www.w3.org/TR/annotation-vocab/#extensions).

Identifiers are URNs, ``urn:dossier:annotation:<id>`` and so on: stable (the same tag has the
same IRI in every export, so importing a file twice adds nothing and other tools can refer to a
tag), needing no server, and not pretending to be addresses anyone can fetch. A user who
publishes the annotations under a web address passes it as ``base_iri``.

:mod:`store.exchange.w3c_reading` reads such documents (and other tools' annotations) back.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import orjson

#: The Web Annotation context: every Annotation and Collection MUST list it (model §3.1, §5.1).
ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
#: Where Dossier's extension terms live (an IRI prefix; nothing is served there).
DOSSIER_VOCAB = "urn:dossier:vocab:"
#: The context of every document written: the model's first, then Dossier's terms.
CONTEXT: list[Any] = [ANNO_CONTEXT, {"dossier": DOSSIER_VOCAB}]
#: The prefix of the IRIs given to annotations, articles, entities and collections.
DEFAULT_BASE_IRI = "urn:dossier:"

#: Extension properties (compact IRIs in the ``dossier:`` prefix).
ARTICLE = "dossier:article"
ENTITY = "dossier:entity"
ALIASES = "dossier:aliases"
STATUS = "dossier:status"
ORPHANED = "dossier:orphaned"

#: Characters an IRI segment may hold as they are; everything else is percent-encoded.
_SAFE = "-._~!$&'()*+,;=@"


def iri(base_iri: str, kind: str, key: str) -> str:
    """The IRI of a record: ``<base>annotation:<id>``, the id percent-encoded (UTF-8).

    Ids come from other stores' exports too and may hold anything (spaces, non-ASCII, ``#``);
    encoded, every id makes a valid IRI, and :func:`key_of` gives it back unchanged.
    """
    return f"{base_iri}{kind}:{quote(key, safe=_SAFE)}"


def w3c_document(data: dict[str, Any], base_iri: str = DEFAULT_BASE_IRI) -> dict[str, Any]:
    """An ``AnnotationCollection`` of the tags in ``data`` (an export, :func:`store.export.export_data`).

    The collection's IRI is made from its annotations' ids, so the same tags make the same
    collection. An export with no tags is a collection of ``total`` 0 without a page: a page
    MUST hold at least one annotation (model §5.2), and ``first`` is required only when the
    total is above 0 (§5.1).
    """
    articles = {str(a.get("id")): a for a in data.get("articles", [])}
    entities = {str(e.get("id")): e for e in data.get("entities", [])}
    items = [_annotation(raw, articles, entities, base_iri) for raw in data.get("annotations", [])]
    digest = hashlib.sha256("\n".join(sorted(item["id"] for item in items)).encode()).hexdigest()[:16]
    collection_iri = f"{base_iri}collection:{digest}"
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": collection_iri,
        "type": "AnnotationCollection",
        "label": "Dossier annotations",
        "total": len(items),
    }
    if items:
        document["first"] = {
            "id": f"{collection_iri}:page:0",
            "type": "AnnotationPage",
            "partOf": collection_iri,
            "startIndex": 0,
            "items": items,
        }
    return document


def w3c_bytes(data: dict[str, Any], base_iri: str = DEFAULT_BASE_IRI) -> bytes:
    r"""The collection as indented UTF-8 JSON-LD (indented: people read and diff these files).

    Text is written as it is, in UTF-8, except the characters a terminal would obey: C0
    controls (JSON escapes them anyway), DEL, C1 controls (``\x9b`` is CSI) and bidi overrides
    are written as ``\u`` escapes. A JSON reader gets the very same strings back, and
    ``cat``-ing the file on a terminal runs nothing.
    """
    text = orjson.dumps(w3c_document(data, base_iri), option=orjson.OPT_INDENT_2).decode()
    return _OBEYED.sub(lambda match: f"\\u{ord(match.group()):04x}", text).encode()


#: Characters left raw by JSON that a terminal obeys (JSON escapes C0 itself).
_OBEYED = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def utc_datetime(value: object) -> str | None:
    """``value`` as an xsd:dateTime in UTC written with ``Z`` (model §3.3.1), or None.

    Dossier stores ``2024-05-01T10:00:00+00:00``; the model wants ``2024-05-01T10:00:00Z``.
    A stamp without a time zone is taken as UTC (Dossier writes every stamp in UTC); one that
    is not a date-time at all is left out rather than written wrong.
    """
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    spec = "microseconds" if moment.microsecond else "seconds"
    return moment.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def stored_stamp(value: object) -> str:
    """An xsd:dateTime as Dossier stores stamps (UTC, ``+00:00``), or "" when it is none.

    The inverse of :func:`utc_datetime`: a stamp exported and read back is the stamp stored.
    """
    if not isinstance(value, str):
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return ""
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def as_uri(value: object) -> str | None:
    """``value`` as an absolute URI (RFC 3986), or None when it cannot be one.

    An article's URL may hold non-ASCII characters (an IRI); they are percent-encoded as UTF-8,
    the IRI-to-URI mapping of RFC 3987 §3.1, which names the same resource. A URL without a
    scheme, with spaces or control characters, or with a stray ``%`` is no IRI: None.
    """
    if not isinstance(value, str) or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        return None
    uri = quote(value, safe=_URI_CHARS)
    return uri if _ABSOLUTE_URI.fullmatch(uri) else None


#: What :func:`as_uri` keeps as it is: RFC 3986's reserved and unreserved characters, and ``%``.
_URI_CHARS = "!#$%&'()*+,/:;=?@[]~"
_ABSOLUTE_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})+")


def _annotation(
    raw: dict[str, Any], articles: dict[str, dict[str, Any]], entities: dict[str, dict[str, Any]], base_iri: str
) -> dict[str, Any]:
    article_id = str(raw.get("article_id"))
    source = as_uri((articles.get(article_id) or {}).get("url")) or iri(base_iri, "article", article_id)
    selectors: list[dict[str, Any]] = [
        {
            "type": "TextQuoteSelector",
            "exact": raw.get("quote") or "",
            "prefix": raw.get("prefix") or "",
            "suffix": raw.get("suffix") or "",
        }
    ]
    start, end = raw.get("start"), raw.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end:
        selectors.append({"type": "TextPositionSelector", "start": start, "end": end})
    bodies: list[dict[str, Any]] = []
    entity_id = raw.get("entity_id")
    if entity_id:
        entity = entities.get(str(entity_id)) or {}
        bodies.append(_textual(entity.get("name") or raw.get("quote") or "", "identifying"))
        bodies[-1][ENTITY] = str(entity_id)
        if entity.get("aliases"):
            bodies[-1][ALIASES] = [str(alias) for alias in entity["aliases"]]
        if entity.get("type"):
            bodies.append(_textual(entity["type"], "classifying"))
    bodies.extend(_textual(label, "tagging") for label in raw.get("labels") or [])
    if raw.get("note"):
        bodies.append(_textual(raw["note"], "commenting"))
    annotation: dict[str, Any] = {
        "@context": CONTEXT,
        "id": iri(base_iri, "annotation", str(raw.get("id"))),
        "type": "Annotation",
        "motivation": _motivation(raw),
    }
    if raw.get("author"):
        annotation["creator"] = {"type": "Person", "name": str(raw["author"])}
    for name, field in (("created", "created"), ("modified", "updated")):
        stamp = utc_datetime(raw.get(field))
        if stamp:
            annotation[name] = stamp
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = {
        "type": "SpecificResource",
        "source": source,
        ARTICLE: article_id,
        "selector": selectors,
    }
    annotation[STATUS] = raw.get("status") or "accepted"
    if raw.get("orphaned"):
        annotation[ORPHANED] = True
    return annotation


def _textual(value: object, purpose: str) -> dict[str, Any]:
    return {"type": "TextualBody", "purpose": purpose, "value": str(value), "format": "text/plain"}


def _motivation(raw: dict[str, Any]) -> str:
    """Why the tag was made, in the model's words (§3.3.5): one motivation per annotation."""
    if raw.get("entity_id"):
        return "identifying"
    if raw.get("labels"):
        return "tagging"
    return "commenting" if raw.get("note") else "highlighting"

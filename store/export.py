"""Dossier's own exchange format: a whole store (or some articles) as one JSON document.

It carries everything needed to rebuild the work elsewhere — articles with their text and
details, entities, annotations with their quotes and context, the links analysts made between
annotations (:mod:`store.linking`) — keyed by the same stable ids, so
exporting from one store and importing into another (or the same) one is lossless and
idempotent. Other formats (brat, W3C Web Annotation, CSV) will be written from the same
records.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import orjson

from store.store import Store

FORMAT = "dossier-export"
VERSION = 1

_ARTICLE_FIELDS = ("id", "title", "source", "author", "published", "url", "text", "origin", "language")
_ENTITY_FIELDS = ("id", "name", "type", "aliases", "note")
_ANNOTATION_FIELDS = (
    "id",
    "article_id",
    "start",
    "end",
    "quote",
    "prefix",
    "suffix",
    "entity_id",
    "labels",
    "note",
    "status",
    "author",
    "created",
    "updated",
    "orphaned",
)


def export_data(store: Store, article_ids: Iterable[str] | None = None) -> dict[str, Any]:
    """The export of the given articles (all by default), their annotations and entities."""
    wanted = set(article_ids) if article_ids is not None else None
    articles = [a for a in store.articles() if wanted is None or a.id in wanted]
    ids = {a.id for a in articles}
    annotations = [a for a in store.annotations() if a.article_id in ids]
    tag_ids = {a.id for a in annotations}
    entity_ids = {a.entity_id for a in annotations if a.entity_id}
    entities = [e for e in store.entities() if wanted is None or e.id in entity_ids]
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported": datetime.now(UTC).isoformat(timespec="seconds"),
        "articles": [_pick(a.to_dict(), _ARTICLE_FIELDS) for a in articles],
        "entities": [_pick(e.to_dict(), _ENTITY_FIELDS) for e in entities],
        "annotations": [_pick(a.to_dict(), _ANNOTATION_FIELDS) for a in annotations],
        "links": [link.to_dict() for link in store.links() if {link.first, link.second} <= tag_ids],
    }


def export_bytes(store: Store, article_ids: Iterable[str] | None = None) -> bytes:
    """The export as indented UTF-8 JSON."""
    return orjson.dumps(export_data(store, article_ids), option=orjson.OPT_INDENT_2)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of this format (``store/exchange/schemas/dossier-export.schema.json``).

    Shipped with the package so a script can check a file before it merges one, and the tests
    check every export against it: the schema is the format's documentation that cannot drift.
    """
    from importlib.resources import files

    return orjson.loads((files("store.exchange") / "schemas" / "dossier-export.schema.json").read_bytes())


def is_export(data: object) -> bool:
    """True for a parsed document in this format."""
    return isinstance(data, dict) and data.get("format") == FORMAT


def _pick(record: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: record.get(name) for name in fields}

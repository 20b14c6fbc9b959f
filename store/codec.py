"""The one translation between records (what callers see) and stored documents (what is saved).

Every stored document is a plain JSON object, the same in every backend. This module is the
only place that knows their fields: it builds new documents, checks documents read from a store
(a file may be damaged or planted), recomputes derived fields, and makes the frozen records
handed out to callers, neutralising any control character on the way out (text from a store
file is data, whoever wrote the file).
"""

from __future__ import annotations

import getpass
import os
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from store import anchoring
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Doc
from store.models import EDITABLE_FIELDS, STATUSES, Annotation, Article, Entity
from store.sanitize import INVISIBLE, neutralize, sanitize_line, sanitize_text
from store.search_index import fold

#: Article fields computed from ``extracted`` and the user's ``overrides``.
ARTICLE_DERIVED: frozenset[str] = frozenset(EDITABLE_FIELDS)


def now() -> str:
    """The time stamp stored on records: UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def new_id(prefix: str) -> str:
    """A fresh record id (random: two processes never pick the same)."""
    return f"{prefix}{uuid.uuid4().hex[:16]}"


def current_user() -> str:
    """The OS user: every record says who made and who last changed it."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


def name_key(name: str) -> str:
    """How entity names are compared: spacing, case, accents and invisible characters do not matter.

    A name saved before invisible characters were dropped from names may still hold one: its
    key is the visible name's, so it can be neither doubled nor hidden behind a look-alike.
    """
    return fold(" ".join(INVISIBLE.sub("", name).split()))


def names_of(doc: Doc) -> list[str]:
    """An entity document's name, then its aliases, as written."""
    return [str(doc.get("name", "")), *doc.get("aliases", [])]


def name_keys(doc: Doc | None) -> set[str]:
    """The :func:`name_key` of an entity document's name and aliases (none for an absent one)."""
    return {name_key(name) for name in names_of(doc)} if doc is not None else set()


def clean_labels(labels: Iterable[str]) -> list[str]:
    """Labels as stored: one line each, no duplicates, in the order given."""
    seen: list[str] = []
    for label in labels:
        cleaned = sanitize_line(str(label))
        if cleaned and cleaned not in seen:
            seen.append(cleaned)
    return seen


def parse_date(value: object) -> date | None:
    """The date ``value`` states in ISO form, or ``None`` (empty, or not a date)."""
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def iso_date(value: object) -> str | None:
    """``value`` if it is an ISO date, else ``None`` (a date that cannot be read is not stored)."""
    parsed = parse_date(value)
    return parsed.isoformat() if parsed else None


# ---------------------------------------------------------------------- derived fields


def effective(doc: Doc) -> Doc:
    """An article document with the user's corrections laid over the extracted metadata."""
    merged = dict(doc)
    merged.update(doc.get("extracted", {}))
    merged.update(doc.get("overrides", {}))
    return merged


def derived_fields(table: str) -> frozenset[str]:
    """Fields of ``table`` that :func:`finish` recomputes (a merge never merges them itself)."""
    return ARTICLE_DERIVED if table == ARTICLES else frozenset()


def finish(table: str, doc: Doc) -> Doc:
    """Recompute what a document derives from its other fields (after a merge)."""
    if table == ARTICLES:
        return effective(doc)
    if table == ENTITIES:
        name = name_key(str(doc.get("name", "")))
        aliases: list[str] = []
        seen = {name}
        for alias in doc.get("aliases", []):
            if name_key(alias) not in seen:
                seen.add(name_key(alias))
                aliases.append(alias)
        return {**doc, "aliases": aliases}
    return {**doc, "kind": "entity" if doc.get("entity_id") else "passage"}


def stamp(doc: Doc, user: str, at: str) -> Doc:
    """The document marked as last changed by ``user`` at ``at``."""
    return {**doc, "updated": at, "updated_by": user}


# ---------------------------------------------------------------------- new documents


def article_doc(
    key: str,
    text: str,
    *,
    origin: str,
    extracted: dict[str, Any],
    overrides: dict[str, Any] | None = None,
    raw_hash: str | None = None,
    encoding: str = "utf-8",
    language: str | None = None,
) -> Doc:
    """A new article document (the effective metadata filled in)."""
    return effective(
        {
            "id": key,
            "text": text,
            "origin": origin,
            "raw_hash": raw_hash,
            "encoding": encoding,
            "imported": now(),
            "language": language,
            "extracted": extracted,
            "overrides": dict(overrides or {}),
        }
    )


def annotation_doc(
    article: Article,
    start: int,
    end: int,
    *,
    entity_id: str | None,
    labels: Iterable[str] = (),
    note: str = "",
    status: str = "accepted",
    author: str,
) -> Doc:
    """A new annotation of [start, end) of ``article``, with its quote and context."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    if not 0 <= start < end <= len(article.text):
        raise ValueError(f"span {start}-{end} is outside the article (0-{len(article.text)}) or empty")
    prefix, suffix = anchoring.context(article.text, start, end)
    stamp_ = now()
    return {
        "id": new_id("a"),
        "article_id": article.id,
        "start": start,
        "end": end,
        "quote": article.text[start:end],
        "prefix": prefix,
        "suffix": suffix,
        "kind": "entity" if entity_id else "passage",
        "entity_id": entity_id,
        "labels": clean_labels(labels),
        "note": sanitize_text(note).strip(),
        "status": status,
        "author": author,
        "created": stamp_,
        "updated": stamp_,
        "orphaned": False,
    }


def entity_doc(name: str, entity_type: str, aliases: Iterable[str] = (), *, key: str | None = None) -> Doc:
    """A new entity document; the type is upper case, as the defaults are."""
    return finish(
        ENTITIES,
        {
            "id": key or new_id("e"),
            "name": name,
            "type": sanitize_line(entity_type).upper(),
            "aliases": list(aliases),
            "note": "",
            "created": now(),
        },
    )


# ---------------------------------------------------------------------- checking stored documents

_NONE = type(None)
_ABSENT: Any = object()
#: Per table: field, the exact types it may have, whether it must be there. Exact types (not
#: ``isinstance``): ``True`` is no span offset, and the check runs once per record at open.
_SHAPES: dict[str, tuple[tuple[str, frozenset[type], bool], ...]] = {
    ARTICLES: (
        ("id", frozenset({str}), True),
        ("text", frozenset({str}), True),
        ("title", frozenset({str, _NONE}), False),
        ("source", frozenset({str, _NONE}), False),
        ("author", frozenset({str, _NONE}), False),
        ("published", frozenset({str, _NONE}), False),
        ("url", frozenset({str, _NONE}), False),
        ("origin", frozenset({str}), False),
        ("extracted", frozenset({dict}), False),
        ("overrides", frozenset({dict}), False),
    ),
    ANNOTATIONS: (
        ("id", frozenset({str}), True),
        ("article_id", frozenset({str}), True),
        ("start", frozenset({int}), True),
        ("end", frozenset({int}), True),
        ("quote", frozenset({str}), True),
        ("entity_id", frozenset({str, _NONE}), False),
        ("labels", frozenset({list}), False),
        ("note", frozenset({str}), False),
        ("status", frozenset({str}), False),
        ("prefix", frozenset({str}), False),
        ("suffix", frozenset({str}), False),
        ("orphaned", frozenset({bool}), False),
        ("links", frozenset({dict}), False),
    ),
    ENTITIES: (
        ("id", frozenset({str}), True),
        ("name", frozenset({str}), True),
        ("type", frozenset({str}), True),
        ("aliases", frozenset({list}), False),
        ("note", frozenset({str}), False),
    ),
}
_TEXT_LISTS = {ANNOTATIONS: "labels", ENTITIES: "aliases"}


def problem(table: str, doc: Any) -> str | None:
    """What makes ``doc`` unusable as a record of ``table``, or ``None`` if it is fine.

    A store file may have been damaged or written by someone else: a document of the wrong
    shape must be reported (naming it), never crash the app with a ``KeyError``.
    """
    if type(doc) is not dict:
        return "a record that is not an object"
    for name, kinds, required in _SHAPES[table]:
        value = doc.get(name, _ABSENT)
        if value is _ABSENT:
            if required:
                return f"a record without a valid {name!r} (id {str(doc.get('id'))[:40]!r})"
        elif type(value) not in kinds:
            if required:
                return f"a record without a valid {name!r} (id {str(doc.get('id'))[:40]!r})"
            return f"record {doc['id'][:40]!r} has an invalid {name!r}"
    if table == ARTICLES:
        if doc.get("published") and iso_date(doc["published"]) is None:
            return f"record {doc['id'][:40]!r} has an invalid 'published' date"
    elif table == ANNOTATIONS and not 0 <= doc["start"] <= doc["end"]:
        return f"record {doc['id'][:40]!r} has an invalid span"
    if table == ANNOTATIONS and doc.get("links"):
        for other, link in doc["links"].items():
            if type(link) is not dict or type(link.get("kind")) is not str or not isinstance(other, str):
                return f"record {doc['id'][:40]!r} has an invalid link"
    items = doc.get(_TEXT_LISTS.get(table, ""), ())
    if items and not all(type(item) is str for item in items):
        return f"record {doc['id'][:40]!r} has a non-text item in {_TEXT_LISTS[table]!r}"
    return None


# ---------------------------------------------------------------------- records


def _safe(value: str | None) -> str | None:
    return neutralize(value) if value else value


def article_record(doc: Doc) -> Article:
    """The frozen :class:`Article` of a stored article document."""
    return Article(
        id=doc["id"],
        title=_safe(doc.get("title")),
        source=_safe(doc.get("source")),
        author=_safe(doc.get("author")),
        published=parse_date(doc.get("published")),
        url=_safe(doc.get("url")),
        stored_text=doc["text"],
        origin=neutralize(doc.get("origin", "")),
        language=_safe(doc.get("language")) if isinstance(doc.get("language"), str) else None,
        imported=str(doc.get("imported", "")),
    )


def annotation_record(doc: Doc) -> Annotation:
    """The frozen :class:`Annotation` of a stored annotation document."""
    return Annotation(
        id=doc["id"],
        article_id=doc["article_id"],
        start=doc["start"],
        end=doc["end"],
        quote=neutralize(doc["quote"]),
        entity_id=doc.get("entity_id"),
        labels=tuple(neutralize(label) for label in doc.get("labels", ())),
        note=neutralize(doc.get("note", "")),
        status=str(doc.get("status", "accepted")),
        author=neutralize(str(doc.get("author", ""))),
        created=str(doc.get("created", "")),
        updated=str(doc.get("updated", "")),
        prefix=neutralize(doc.get("prefix", "")),
        suffix=neutralize(doc.get("suffix", "")),
        orphaned=bool(doc.get("orphaned", False)),
    )


def entity_record(doc: Doc) -> Entity:
    """The frozen :class:`Entity` of a stored entity document."""
    return Entity(
        id=doc["id"],
        name=neutralize(doc["name"]),
        type=neutralize(doc["type"]),
        aliases=tuple(neutralize(alias) for alias in doc.get("aliases", ())),
        note=neutralize(doc.get("note", "")),
    )

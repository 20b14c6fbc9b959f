"""The checks every export document read from a file passes before it is merged.

A reader (JSON, JSON Lines, brat, W3C) turns a file into an export document; the file may have
been edited by hand or written by another tool. :meth:`store.Store.merge_export` trusts the
shape of what it is given (a missing ``"id"`` would be a ``KeyError``), so each record is
checked here first: one that lacks a field the merge needs, or holds a field of the wrong type,
is left out and reported, and the rest is imported.
"""

from __future__ import annotations

from typing import Any

#: Field → the type it must have, for the fields the merge reads without a default.
_REQUIRED: dict[str, dict[str, type | tuple[type, ...]]] = {
    "articles": {"id": str, "text": str},
    "entities": {"id": str, "name": str},
    "annotations": {"id": str, "article_id": str, "start": int, "end": int, "quote": str},
    "links": {"first": str, "second": str, "kind": str},
}
#: Optional fields and the types they must have when present (``None`` is always allowed).
_OPTIONAL: dict[str, dict[str, type | tuple[type, ...]]] = {
    "entities": {"aliases": list, "type": str, "note": str},
    "annotations": {"labels": list, "note": str, "prefix": str, "suffix": str, "entity_id": str, "status": str},
}


def checked(document: dict[str, Any], origin: str) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """``document`` without the records the merge could not take, and those records (where, why)."""
    problems: list[tuple[str, str]] = []
    result = dict(document)
    for section, required in _REQUIRED.items():
        records = document.get(section, [])
        if not isinstance(records, list):
            problems.append((origin, f"“{section}” is not a list: left out"))
            result[section] = []
            continue
        kept = []
        for number, record in enumerate(records, start=1):
            why = _problem(record, required, _OPTIONAL.get(section, {}))
            if why:
                where = record.get("read_from") if isinstance(record, dict) else None
                problems.append((str(where or f"{origin}#{section}[{number}]"), why))
            else:
                kept.append(record)
        result[section] = kept
    return result, problems


def _problem(
    record: object,
    required: dict[str, type | tuple[type, ...]],
    optional: dict[str, type | tuple[type, ...]],
) -> str:
    """Why ``record`` cannot be merged, or ``""``."""
    if not isinstance(record, dict):
        return "not an object: left out"
    for name, kind in required.items():
        value = record.get(name)
        if value is None:
            return f"no “{name}”: left out"
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"“{name}” is not {_describe(kind)}: left out"
    for name, kind in optional.items():
        value = record.get(name)
        if value is not None and not isinstance(value, kind):
            return f"“{name}” is not {_describe(kind)}: left out"
    if "name" in required and not record["name"].strip():
        return "its “name” is blank: left out"
    if "start" in required and not 0 <= record["start"] <= record["end"]:
        return "its offsets are not 0 ≤ start ≤ end: left out"
    return ""


def _describe(kind: type | tuple[type, ...]) -> str:
    names = {str: "text", int: "a whole number", list: "a list"}
    return names.get(kind, "of the right kind") if isinstance(kind, type) else "of the right kind"

"""JSON Lines: the export document one record per line, for tools that stream (jq, pandas, grep).

Schema — each line is one JSON object (UTF-8, no line breaks inside: JSON escapes them) whose
``"record"`` field says what it is:

* ``{"record": "header", "format": "dossier-export", "version": 1, "exported": "<ISO time>"}``
  — first line, exactly once.
* ``{"record": "article", "id", "title", "source", "author", "published", "url", "text",
  "origin", "language"}`` — ``text`` is the article's text; annotation offsets count its
  characters (code points).
* ``{"record": "entity", "id", "name", "type", "aliases": [...], "note"}``
* ``{"record": "annotation", "id", "article_id", "start", "end", "quote", "prefix", "suffix",
  "entity_id", "labels": [...], "note", "status", "author", "created", "updated", "orphaned"}``
  — ``entity_id`` is ``null`` for a passage.
* ``{"record": "link", "first", "second", "kind", "note", "author", "created"}``

Articles come before entities, entities before annotations, annotations before links, so a
reader can stream and resolve references as it goes. Every other field is exactly the one of
the same name in the JSON export (:mod:`store.export`); reading the lines back gives that
document.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from store.export import FORMAT, VERSION

#: Record kind → the export document's list it belongs to, in the order they are written.
SECTIONS: dict[str, str] = {
    "article": "articles",
    "entity": "entities",
    "annotation": "annotations",
    "link": "links",
}


def lines(document: dict[str, Any]) -> Iterator[bytes]:
    """The document as JSON Lines, one ``bytes`` line (ending in a newline) at a time."""
    header = {"record": "header", "format": FORMAT, "version": VERSION, "exported": document.get("exported")}
    yield orjson.dumps(header) + b"\n"
    for kind, section in SECTIONS.items():
        for item in document.get(section, []):
            yield orjson.dumps({"record": kind, **item}) + b"\n"


def to_bytes(document: dict[str, Any]) -> bytes:
    """The whole document as JSON Lines."""
    return b"".join(lines(document))


class NotJsonLines(ValueError):
    """The file is not a Dossier JSON Lines export at all (no header line of ours)."""


def read(raw_lines: Iterable[bytes | str], origin: str = "jsonl") -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The export document the lines hold, and the lines that could not be used (where, why).

    A line that is not JSON, not an object, or of an unknown record kind is listed and left
    out; the rest is read, so one damaged line loses only itself.

    Raises:
        NotJsonLines: the first non-blank line is not our header (the file is something else).
    """
    document: dict[str, Any] = {section: [] for section in SECTIONS.values()}
    problems: list[tuple[str, str]] = []
    header_seen = False
    for number, line in enumerate(raw_lines, start=1):
        if not line.strip():
            continue
        where = f"{origin}:{number}"
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            if not header_seen:
                raise NotJsonLines(f"{origin}: line {number} is not JSON ({exc})") from None
            problems.append((where, f"not JSON ({exc})"))
            continue
        kind = record.get("record") if isinstance(record, dict) else None
        if not header_seen:
            if kind != "header" or record.get("format") != FORMAT:
                raise NotJsonLines(f"{origin}: not a Dossier JSON Lines export (no header line)")
            header_seen = True
            document.update(format=FORMAT, version=record.get("version"), exported=record.get("exported"))
            continue
        if kind not in SECTIONS:
            problems.append((where, f"unknown record kind {kind!r}" if kind else "not a record"))
            continue
        item = {k: v for k, v in record.items() if k != "record"}
        if kind == "annotation":
            item.setdefault("read_from", where)
        document[SECTIONS[kind]].append(item)
    if not header_seen:
        raise NotJsonLines(f"{origin}: empty, not a Dossier JSON Lines export")
    return document, problems

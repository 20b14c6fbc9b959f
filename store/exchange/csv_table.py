"""CSV: one row per annotation, for a spreadsheet or a statistics package.

The columns are :data:`COLUMNS`; labels are joined with ``"; "``. The file is UTF-8 (no
byte-order mark) with a header row and the ``csv`` module's standard quoting, so a quote or
note holding commas, double quotes or line breaks comes back whole from any CSV reader.

Cells are data, never formulas: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return as a formula (CSV injection, OWASP), and a label or note
comes from whoever wrote the article or the tag. Such a cell is written with a leading ``'``,
as OWASP advises; the offsets (numbers the program writes itself) never are.
"""

from __future__ import annotations

import csv
import io
from typing import Any

COLUMNS: tuple[str, ...] = (
    "article_id",
    "article_title",
    "start",
    "end",
    "quote",
    "entity_id",
    "entity_name",
    "entity_type",
    "labels",
    "note",
    "author",
    "status",
    "created",
    "updated",
)
#: What makes a spreadsheet read a cell as a formula (OWASP "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
LABEL_SEPARATOR = "; "


def defused(value: str) -> str:
    """``value`` as a cell a spreadsheet shows and never evaluates."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def rows(document: dict[str, Any]) -> list[dict[str, str | int]]:
    """One row per annotation of the export document, in the document's order."""
    titles = {a["id"]: a.get("title") or "" for a in document.get("articles", [])}
    entities = {e["id"]: e for e in document.get("entities", [])}
    table: list[dict[str, str | int]] = []
    for tag in document.get("annotations", []):
        entity = entities.get(tag.get("entity_id") or "", {})
        text = {
            "article_id": tag["article_id"],
            "article_title": titles.get(tag["article_id"], ""),
            "quote": tag.get("quote") or "",
            "entity_id": tag.get("entity_id") or "",
            "entity_name": entity.get("name") or "",
            "entity_type": entity.get("type") or "",
            "labels": LABEL_SEPARATOR.join(tag.get("labels") or ()),
            "note": tag.get("note") or "",
            "author": tag.get("author") or "",
            "status": tag.get("status") or "",
            "created": tag.get("created") or "",
            "updated": tag.get("updated") or "",
        }
        row: dict[str, str | int] = {name: defused(str(value)) for name, value in text.items()}
        row.update(start=int(tag["start"]), end=int(tag["end"]))
        table.append({name: row[name] for name in COLUMNS})
    return table


def to_bytes(document: dict[str, Any]) -> bytes:
    """The CSV file: UTF-8, a header row, rows ending in CR LF as RFC 4180 says."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL)
    writer.writeheader()
    writer.writerows(rows(document))
    return buffer.getvalue().encode("utf-8")

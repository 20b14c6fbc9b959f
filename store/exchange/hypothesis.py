"""Hypothesis' own JSON (its API and its client's export) recognised, as the W3C reader's input.

Hypothesis (https://web.hypothes.is) is the annotation tool most readers of web pages use, and
its annotations are W3C-shaped at heart (a ``target`` with a ``source`` and TextQuote,
TextPosition and Range selectors) but not W3C JSON-LD: no ``@context``, no ``type``. What a user
saves from it is one of:

* one annotation, as ``GET /api/annotations/<id>`` returns it;
* a search result, ``{"total": n, "rows": [annotation, ...]}`` (``GET /api/search``);
* the client's "Export annotations" file, ``{"export_date": ..., "annotations": [...]}``;
* a plain list of annotations.

:func:`hypothesis_annotations` gives the annotations of any of these, for
:func:`store.exchange.w3c_reading.export_from_w3c` to read (it knows Hypothesis' ``text``,
``tags``, ``user`` and ``updated`` fields).
"""

from __future__ import annotations

from typing import Any

#: The fields of a result or export that hold its annotations.
_LISTS = ("rows", "annotations")


def _is_annotation(value: object) -> bool:
    """A Hypothesis annotation: a list of targets, and the page's address or the user who wrote it."""
    return (
        isinstance(value, dict)
        and isinstance(value.get("target"), list)
        and isinstance(value.get("uri", value.get("user")), str)
    )


def hypothesis_annotations(data: object) -> list[Any] | None:
    """The annotations of Hypothesis JSON, or None when ``data`` is not Hypothesis JSON.

    Items of a result that are not annotations are kept, for the reader to report one by one.
    """
    if _is_annotation(data):
        return [data]
    if isinstance(data, list):
        return data if data and _is_annotation(data[0]) else None
    if isinstance(data, dict) and data.get("format") is None:
        for field in _LISTS:
            items = data.get(field)
            if isinstance(items, list) and (not items or _is_annotation(items[0])):
                return items
    return None

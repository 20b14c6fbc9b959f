"""Importing annotations from a file in any format Dossier reads, merged and re-anchored.

:func:`import_annotations` finds the format (:func:`detect`), has the format's reader turn the
file into an export document, checks every record (:mod:`store.exchange.records`) and merges it
with :meth:`store.Store.merge_export`, which re-anchors each annotation by its quote and
context on the stored article's text. The report lists what was left out and why
(``skipped``), and each annotation that did not anchor (``not_anchored``).

A new format is one entry in :data:`READERS` and one test in :func:`detect`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import orjson

from store.decoding import NotText
from store.exchange import brat_reading, jsonl, w3c_reading
from store.exchange.hypothesis import hypothesis_annotations
from store.exchange.records import checked
from store.export import is_export
from store.importing import MAX_EXPORT_BYTES
from store.ingest import origin_text, read_limited
from store.models import ImportReport
from store.sanitize import escape_undecodable
from store.store import Store

Reader = Callable[[Store, Path], tuple[dict[str, Any], list[tuple[str, str]]]]


class UnknownFormat(ValueError):
    """The path is not a file or folder in a format Dossier imports (the message says why)."""


def _read_json(store: Store, path: Path) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    try:
        data = orjson.loads(read_limited(path, MAX_EXPORT_BYTES))
    except orjson.JSONDecodeError as exc:
        raise UnknownFormat(f"{path}: not readable JSON ({exc})") from None
    if is_export(data):
        return data, []
    if is_w3c(data):
        return _w3c_of(store, data)
    annotations = hypothesis_annotations(data)
    if annotations is not None:
        return _w3c_of(store, annotations)
    raise UnknownFormat(
        f"{path}: JSON that is neither a Dossier export nor W3C Web Annotations nor Hypothesis annotations"
    )


#: What marks a JSON document as W3C Web Annotations: the model's context, or one of its types.
_W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
_W3C_TYPES = frozenset({"Annotation", "AnnotationCollection", "AnnotationPage"})


def is_w3c(data: object) -> bool:
    """Whether parsed JSON is W3C Web Annotation data (one annotation, a list, a collection, a page)."""
    first = data[0] if isinstance(data, list) and data else data
    if not isinstance(first, dict):
        return False
    context = first.get("@context")
    contexts = context if isinstance(context, list) else [context]
    kinds = first.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return _W3C_CONTEXT in contexts or any(isinstance(k, str) and k in _W3C_TYPES for k in kinds)


def _w3c_of(store: Store, data: object) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The W3C annotations as an export document; what could not be read, as skipped lines.

    Annotations whose words are gone are merged (as orphans) and reported by the merge, so the
    reader's own line for them is not repeated.
    """
    try:
        reading = w3c_reading.export_from_w3c(data, store)
    except w3c_reading.W3CFormatError as exc:
        raise UnknownFormat(str(exc)) from None
    return reading.data, [item for item in reading.not_anchored if item[1] != w3c_reading.ORPHAN_REASON]


def _read_w3c(store: Store, path: Path) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    try:
        data = w3c_reading.parse_w3c(read_limited(path, MAX_EXPORT_BYTES))
    except w3c_reading.W3CFormatError as exc:
        raise UnknownFormat(f"{path}: {exc}") from None
    return _w3c_of(store, data)


def _read_jsonl(store: Store, path: Path) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    content = read_limited(path, MAX_EXPORT_BYTES)
    try:
        return jsonl.read(content.splitlines(), str(path))
    except jsonl.NotJsonLines as exc:
        raise UnknownFormat(str(exc)) from None


#: Format name → reader. ``json`` reads a Dossier export or W3C JSON-LD, whichever the file is.
READERS: dict[str, Reader] = {
    "json": _read_json,
    "jsonl": _read_jsonl,
    "brat": brat_reading.read,
    "w3c": _read_w3c,
}


def detect(path: Path) -> str:
    """The format of ``path``: a folder of ``.ann`` files or an ``.ann`` is brat, and so on.

    Raises:
        UnknownFormat: the path is missing, or nothing Dossier imports.
    """
    if path.is_dir():
        if any(p.suffix == ".ann" for p in path.rglob("*.ann")):
            return "brat"
        raise UnknownFormat(f"{path}: a folder with no brat .ann file")
    if not path.exists():
        raise UnknownFormat(f"{path}: no such file or folder")
    suffix = path.suffix.lower()
    if suffix == ".ann":
        return "brat"
    if suffix == ".jsonl":
        return "jsonl"
    if suffix == ".jsonld":
        return "w3c"
    if suffix == ".json":
        return "json"
    raise UnknownFormat(f"{path}: not a format Dossier imports annotations from (.json, .jsonl, .jsonld, brat .ann)")


def import_annotations(store: Store, path: Path | str, fmt: str | None = None) -> ImportReport:
    """Read ``path`` (in ``fmt``, or the format :func:`detect` finds) and merge it into ``store``.

    Nothing unreadable stops the rest: each record or line that cannot be used is in the
    report's ``skipped`` with where and why; each annotation that did not anchor on its
    article is in ``not_anchored``. The merge is one undoable step.

    Raises:
        UnknownFormat: ``path`` is in no format Dossier imports, or ``fmt`` is unknown.
        OSError: the file cannot be read at all.
    """
    path = Path(path)
    fmt = fmt or detect(path)
    if fmt not in READERS:
        raise UnknownFormat(f"no reader for the format {fmt!r} (one of: {', '.join(READERS)})")
    try:
        document, problems = READERS[fmt](store, path)
    except NotText as exc:
        raise UnknownFormat(f"{path}: {exc}") from None
    document, bad_records = checked(document, origin_text(path))
    report = ImportReport()
    report.skipped.extend(problems)
    report.skipped.extend(bad_records)
    return store.merge_export(document, report=report, origin=origin_text(path))


def holds_annotations(path: Path) -> bool:
    """Whether ``path`` is a file of annotations (an export, JSON Lines, W3C, brat), not of articles.

    A folder is brat when it holds ``.ann`` files; any other folder is a folder of articles.
    """
    if path.is_dir():
        return any(path.rglob("*.ann"))
    return path.suffix.lower() in (".json", ".jsonl", ".jsonld", ".ann")


def import_anything(
    store: Store,
    paths: Iterable[str | Path],
    *,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ImportReport:
    """Import what each path is: articles (files, folders, web pages) or annotations, in one report.

    What the command line and the app's import both call, so a brat folder or a W3C file dropped
    on either goes the same way. Articles come first, so annotations on them find them; a file
    of annotations that cannot be read is a ``skipped`` line, like a file of text that cannot.
    ``read_annotations`` on the report says whether an annotation file was read (importing one
    again adds nothing and is no failure).
    """
    paths = [Path(p) for p in paths]
    annotation_files = [p for p in paths if holds_annotations(p)]
    articles = [p for p in paths if p not in annotation_files]
    report = store.import_paths(articles, progress=progress, cancelled=cancelled) if articles else ImportReport()
    for path in annotation_files:
        if report.stopped or report.cancelled or (cancelled is not None and cancelled()):
            break
        try:
            done = import_annotations(store, path)
        except UnknownFormat as exc:
            report.skipped.append((origin_text(path), escape_undecodable(str(exc).removeprefix(f"{path}: "))))
            continue
        except OSError as exc:
            report.skipped.append((origin_text(path), exc.strerror or escape_undecodable(str(exc))))
            continue
        report.absorb(done)
        report.annotation_files_read += 1
    return report

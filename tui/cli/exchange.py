"""``dossier import`` and ``dossier export``: articles and annotations in and out of a store.

Import takes article files (.txt, .md, web pages) and folders, and Dossier exports; every file
gets a line saying what became of it, so a script's log says why a file was skipped. Export
writes the whole store or a selection, atomically and as privately as the store it comes from.
"""

from __future__ import annotations

import dataclasses
import signal
import sys
import threading
import time
from pathlib import Path
from typing import TextIO

import click

from store import ImportReport
from store.models import STATUSES
from store.sanitize import neutralize
from tui.cli.context import (
    FAILED,
    NOTHING,
    OK,
    CommandFailed,
    argument_text,
    opened,
    place,
    print_json,
    say,
    store_options,
)


def print_report(report: ImportReport, out: TextIO | None = None, *, summary: bool = True) -> None:
    """Print an import report, one line per file (and per tag that did not anchor), then a summary.

    Every field that reaches the terminal is neutralised, not just file names: a merged Dossier
    export supplies its own article ids (and origins built from them), so an id can carry an
    escape sequence as easily as a file name can. Reasons are neutralised too, since some quote
    an error raised on the file's content.
    """
    stream = out if out is not None else sys.stdout
    lines = (
        [(f"imported   {o}  [{i}]") for o, i in report.added]
        + [f"updated    {o}  [{i}]" for o, i in report.updated]
        + [f"unchanged  {o}  [{i}]" for o, i in report.unchanged]
        + [f"duplicate  {o}: same text as article [{i}]" for o, i in report.duplicates]
        + [f"skipped    {o}: {reason}" for o, reason in report.skipped]
        + [
            f"{'orphaned' if u.kept else 'not here':<10} {u.source}: {_clipped(u.quote)!r}: {u.reason}"
            for u in report.not_anchored
        ]
    )
    for line in lines:
        print(neutralize(line), file=stream)
    if summary:
        print(neutralize(report.summary()), file=stream)


def _clipped(quote: str, size: int = 60) -> str:
    """A quote on one line, at most ``size`` characters (a passage can be paragraphs long)."""
    flat = " ".join(quote.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"


def report_dict(report: ImportReport) -> dict[str, object]:
    """The report as JSON for scripts: every list and count, and the summary line."""
    data = dataclasses.asdict(report)
    data["summary"] = report.summary()
    return data


@click.command("import", short_help="Import article files, folders, web pages and exports.")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--json", "as_json", is_flag=True, help="The report as one JSON object, for scripts.")
@store_options
def import_command(paths: tuple[str, ...], as_json: bool) -> int:
    """Import article files and folders (recursively), and Dossier exports.

    Text (.txt, .md) and web pages (.html, .htm) become articles; a Dossier export (.json) is
    merged. Prints what was imported and what was skipped and why; Ctrl+C stops after the
    current file and keeps everything imported so far. Exit status: 0 imported, 1 nothing could
    be read, 2 a PATH does not exist (the others are imported) or the store could not save,
    130 stopped.
    """
    missing = [path for path in paths if not Path(path).exists()]  # read the rest, then fail
    report = _import_with_progress(paths)
    if as_json:
        print_json(report_dict(report))
    elif report.stopped:  # what was saved on stdout; why it stopped, one line on stderr
        print_report(report, summary=False)
    else:
        print_report(report)
    if report.stopped:
        click.echo(f"dossier: {neutralize(report.summary())}", err=True)
        return FAILED
    if missing:
        click.echo(f"dossier: no such file or folder: {neutralize(', '.join(missing))}", err=True)
        return FAILED
    return 130 if report.cancelled else (OK if report.read_count else NOTHING)


def _import_with_progress(paths: tuple[str, ...]) -> ImportReport:
    """Import with a progress bar on a terminal (files done of all, files per second)."""
    # Imported here: opening the app (the common case) need not pay for them.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from store.exchange.reading import import_anything

    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        with (
            opened(place(), create=True) as store,
            Progress(
                TextColumn("importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                console=Console(stderr=True),
                transient=True,
                disable=not sys.stderr.isatty(),
            ) as bar,
        ):
            task = bar.add_task("import", total=None, rate="")
            started = time.monotonic()

            def progress(done: int, total: int, _name: str) -> None:
                elapsed = max(time.monotonic() - started, 1e-6)
                bar.update(task, completed=done, total=total, rate=f"{done / elapsed:.0f} files/s")

            return import_anything(store, paths, progress=progress, cancelled=stop.is_set)
    finally:
        signal.signal(signal.SIGINT, previous)


@click.command("export", short_help="Export the store or a selection (JSON, JSON Lines, CSV, brat, W3C).")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["json", "jsonl", "csv", "brat", "w3c"]),
    default="json",
    show_default=True,
    help="json: the whole store (Dossier's own); jsonl: one record per line; csv: one row per tag;"
    " brat: a folder of .txt + .ann standoff files; w3c: W3C Web Annotation JSON-LD.",
)
@click.option("-o", "--out", "--output", "output", metavar="PATH", help="Write here (default: standard output).")
@click.option("--article", "articles", multiple=True, metavar="ID", help="Only this article (repeatable).")
@click.option(
    "--entity", "entities", multiple=True, metavar="NAME", help="Only tags of this entity (name, alias or id)."
)
@click.option("--label", "labels", multiple=True, metavar="LABEL", help="Only passages with this label.")
@click.option(
    "--status", "statuses", multiple=True, type=click.Choice(STATUSES), help="Only tags in this review state."
)
@store_options
def export_command(
    fmt: str,
    output: str | None,
    articles: tuple[str, ...],
    entities: tuple[str, ...],
    labels: tuple[str, ...],
    statuses: tuple[str, ...],
) -> int:
    """Export articles, entities and tags, all of them or a selection.

    Filters repeat: values of one filter are alternatives (OR), different filters must all hold
    (AND). `dossier import` reads every format back (CSV is for spreadsheets: one way). A brat
    export is a folder (--out is needed); it replaces only an earlier Dossier brat export or an
    empty folder. Files are written whole or not at all, as private as the store.
    """
    from store.exchange.selection import NothingNamed, Selection, selected
    from store.exchange.writing import FILE_WRITERS, ExportRefused, export_to

    selection = Selection(
        *(tuple(argument_text([value]) for value in values) for values in (articles, entities, labels)), statuses
    )
    with opened(place()) as store:
        try:
            if output is None:
                if fmt == "brat":
                    raise CommandFailed("export --format brat writes a folder: give it with --out FOLDER")
                payload = FILE_WRITERS[fmt](selected(store, selection))
                sys.stdout.buffer.write(payload if payload.endswith(b"\n") else payload + b"\n")
                return OK
            summary = export_to(store, fmt, Path(output), selection)
        except NothingNamed as exc:
            raise CommandFailed(str(exc), NOTHING) from None
        except ExportRefused as exc:
            raise CommandFailed(str(exc)) from None
    say(summary.line())
    return OK

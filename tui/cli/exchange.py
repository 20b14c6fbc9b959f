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

from store import ImportReport, Store
from store.sanitize import neutralize
from tui.cli.context import FAILED, NOTHING, OK, CommandFailed, opened, place, print_json, store_options


def print_report(report: ImportReport, out: TextIO | None = None, *, summary: bool = True) -> None:
    """Print an import report, one line per file, then a summary.

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
    )
    for line in lines:
        print(neutralize(line), file=stream)
    if summary:
        print(neutralize(report.summary()), file=stream)


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
    done = report.read_count or report.tags_added or report.entities_added or report.links_added
    return 130 if report.cancelled else (OK if done else NOTHING)


def _import_with_progress(paths: tuple[str, ...]) -> ImportReport:
    """Import with a progress bar on a terminal (files done of all, files per second)."""
    # Imported here: opening the app (the common case) need not pay for them.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        with (
            opened(place()) as store,
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

            return store.import_paths(paths, progress=progress, cancelled=stop.is_set)
    finally:
        signal.signal(signal.SIGINT, previous)


def _has_article(store: Store, article_id: str) -> bool:
    """Whether the store holds that article (asked one at a time: never the whole corpus)."""
    try:
        store.article(article_id)
    except KeyError:
        return False
    return True


@click.command("export", short_help="Export the store or a selection.")
@click.option("-o", "--out", "--output", "output", metavar="PATH", help="Write here (default: standard output).")
@click.option("--article", "articles", multiple=True, metavar="ID", help="Only this article (repeatable).")
@store_options
def export_command(output: str | None, articles: tuple[str, ...]) -> int:
    """Export articles, entities and annotations as a Dossier JSON document.

    `dossier import FILE.json` reads it back into any store (merged, idempotent).
    """
    from store.export import export_bytes
    from store.storage import atomic_write, file_mode_for

    where = place()
    with opened(where) as store:
        missing = [i for i in articles if not _has_article(store, i)]
        if missing:
            raise CommandFailed(f"no article {', '.join(missing)} in the store", NOTHING)
        payload = export_bytes(store, list(articles) or None)
    if output:
        # As private as the store it comes from (0600, or 0660 in a shared store), written
        # atomically through a fresh temporary file that is never a planted symlink.
        mode = file_mode_for(where.location) if isinstance(where.location, Path) else 0o600
        atomic_write(Path(output), payload, mode)
    else:
        sys.stdout.buffer.write(payload + b"\n")
    return OK

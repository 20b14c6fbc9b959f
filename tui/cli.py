"""The ``dossier`` command: open the app, or run a subcommand on a store.

The command line lives in ``tui/`` because its default action launches the app; everything it
does besides that is a call into :mod:`store`. Subcommands import Textual only when they open
the app, so ``dossier import`` starts fast and works without a terminal.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import grp
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from store import (
    ConflictError,
    ImportReport,
    SaveError,
    SchemaError,
    Store,
    StoreBusyError,
    StoreConnectionError,
    StoreFileError,
    default_store_path,
)
from store.locations import DEFAULT_SCHEMA, SCHEMA_ENV, default_schema, schema_name, shown, store_location
from store.sanitize import neutralize
from tui.access_command import ACCESS_ACTIONS, run_access


def _store_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--store",
        metavar="PATH|URL",
        type=store_location,
        default=None if top else argparse.SUPPRESS,
        help="store folder, or postgresql://user@host/db (default: $DOSSIER_STORE, else the user data directory)",
    )


def _schema_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--schema",
        metavar="NAME",
        default=None if top else argparse.SUPPRESS,
        help=f"a PostgreSQL store's schema (default: ${SCHEMA_ENV}, else {DEFAULT_SCHEMA})",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; every subcommand accepts ``--store`` and ``--schema`` too."""
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="Read, tag and cross-reference a corpus of articles in the terminal.",
        epilog="With no subcommand, opens the app. An empty store starts with the bundled seed articles.",
    )
    _store_option(parser, top=True)
    _schema_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    importer = sub.add_parser(
        "import",
        help="import .txt/.md files and folders (recursively)",
        description="Import files and folders; prints what was imported and what was skipped and why.",
    )
    importer.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    _store_option(importer, top=False)
    _schema_option(importer, top=False)
    exporter = sub.add_parser(
        "export",
        help="write the store (or some articles) as a Dossier JSON export",
        description="Export articles, entities and annotations as JSON; `dossier import FILE.json` reads it back.",
    )
    exporter.add_argument("-o", "--output", metavar="FILE", help="write here (default: standard output)")
    exporter.add_argument("--article", action="append", metavar="ID", help="only this article (repeatable)")
    _store_option(exporter, top=False)
    _schema_option(exporter, top=False)
    searcher = sub.add_parser(
        "search",
        help="search the articles with the query language",
        description='Search with the app\'s query language: words, "phrases", designations (Mi-35),'
        " entity: type: label: source: author: before: after: status: note:, AND OR NOT ( )."
        " Exit status: 0 found, 1 nothing matched, 2 a query that cannot be read.",
        epilog="Quote the query for the shell: dossier search 'entity:\"Sergey Shoigu\" Mi-35'."
        " A query starting with - goes after --: dossier search -- -csto treaty",
    )
    searcher.add_argument("query", nargs="+", metavar="QUERY", help="the query (several words are joined by spaces)")
    searcher.add_argument("-n", "--limit", type=int, default=20, metavar="N", help="at most N hits (default 20)")
    searcher.add_argument("--json", action="store_true", help="a JSON array of hits, for scripts")
    _store_option(searcher, top=False)
    _schema_option(searcher, top=False)
    opener = sub.add_parser("open", help="open the app (the default)")
    _store_option(opener, top=False)
    _schema_option(opener, top=False)
    maintenance = sub.add_parser(
        "store",
        help="store maintenance: check, compact, backups, restore, share, migrate, copy, verify;"
        " access on PostgreSQL: grant, revoke",
        description="Check the store, fold journals into the TinyDB files, list or restore backups;"
        " migrate a PostgreSQL store; copy a store between a folder and PostgreSQL (copy SRC DST);"
        " give a database role read, annotate or admin rights in a PostgreSQL store (grant ROLE), or take them.",
    )
    maintenance.add_argument(
        "action",
        choices=["check", "compact", "backups", "restore", "share", "migrate", "copy", "verify", *ACCESS_ACTIONS],
    )
    maintenance.add_argument(
        "locations",
        nargs="*",
        metavar="ARG",
        help="copy, verify: SRC DST, each a store folder or a postgresql:// URL; grant, revoke: ROLE",
    )
    levels = maintenance.add_mutually_exclusive_group()
    for level, does in (
        ("read", "read everything, change nothing"),
        ("annotate", "also tag, edit and delete tags and entities"),
        ("admin", "also import, delete articles, merge exports, migrate"),
    ):
        levels.add_argument(f"--{level}", dest="level", action="store_const", const=level, help=f"grant: {does}")
    maintenance.add_argument("--group", help="share: the Unix group to share the store with (default: the directory's)")
    maintenance.add_argument(
        "--force",
        action="store_true",
        help="restore: go back to the newest backup even for files that load;"
        " copy: replace records the destination holds in another version",
    )
    _store_option(maintenance, top=False)
    _schema_option(maintenance, top=False)
    return parser


def _group_name(gid: int) -> str:
    """The group's name, or its number where the machine has no name for it (no entry, LDAP down)."""
    try:
        return neutralize(grp.getgrgid(gid).gr_name)
    except KeyError:
        return str(gid)


def _maintain(store_path: Path | str, action: str, *, force: bool, group: str | None, schema: str) -> int:
    from store import maintenance

    if isinstance(store_path, str):
        from tui.cli_server import server_maintenance

        return server_maintenance(store_path, action, schema)
    if action == "migrate":
        print("A folder store needs no migrate: it is upgraded when it is opened (the old files stay in backups/).")
        return 0
    if not store_path.is_dir():
        print(f"dossier: no store at {store_path}", file=sys.stderr)
        return 2
    if action == "share":
        try:
            lines = maintenance.share(store_path, group)
        except KeyError:
            print(f"dossier: there is no group {neutralize(group or '')!r} on this machine", file=sys.stderr)
            return 2
        skipped = [line for line in lines if line.startswith("skipped ")]
        shared = len(lines) - len(skipped)
        print(f"shared with group {_group_name(store_path.stat().st_gid)}: {shared} files and folders")
        for line in skipped:
            print(line, file=sys.stderr)
        return 0
    if action == "restore":
        for line in maintenance.restore(store_path, force=force):
            print(neutralize(line))
        return 0 if all(h.problem is None for h in maintenance.check(store_path)) else 2
    health = maintenance.check(store_path)
    if action == "backups":
        for item in health:
            print(f"{item.name}:")
            for backup in item.backups:
                print(f"  {neutralize(str(backup))}")
            if not item.backups:
                print("  (none yet: a backup is kept each time the journal is folded in)")
        return 0
    broken = [item for item in health if item.problem]
    for item in health:
        print(f"{item.name}: {'ok' if item.problem is None else neutralize(item.problem)}")
    if broken:
        print("Run `dossier store restore` to put the newest good backup in place.", file=sys.stderr)
        return 2
    if action == "compact":
        store = Store.open(store_path)
        done = store.compact()
        store.close()
        print("journals folded into the TinyDB files" if done else "the store is busy (locked); try again")
        return 0 if done else 1
    # check: counted from what was just loaded; opening a Store would compact on close.
    counts: dict[str, int] = {}
    for item in health:
        counts.update(item.counts)
    print(
        f"{counts.get('articles', 0)} articles, {counts.get('annotations', 0)} annotations, "
        f"{counts.get('entities', 0)} entities"
    )
    return 0


def print_report(report: ImportReport, out: object = None, *, summary: bool = True) -> None:
    """Print an import report, one line per file, then a summary.

    Every field that reaches the terminal is neutralised, not just file names: a merged Dossier
    export supplies its own article ids (and origins built from them), so an id can carry an
    escape sequence as easily as a file name can. Reasons are neutralised too, since some quote
    an error raised on the file's content.
    """
    stream = out if out is not None else sys.stdout

    def safe(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(neutralize(first), neutralize(second)) for first, second in pairs]

    report = dataclasses.replace(
        report,
        added=safe(report.added),
        updated=safe(report.updated),
        unchanged=safe(report.unchanged),
        duplicates=safe(report.duplicates),
        skipped=safe(report.skipped),
    )
    for origin, article_id in report.added:
        print(f"imported   {origin}  [{article_id}]", file=stream)  # type: ignore[call-overload]
    for origin, article_id in report.updated:
        print(f"updated    {origin}  [{article_id}]", file=stream)  # type: ignore[call-overload]
    for origin, article_id in report.unchanged:
        print(f"unchanged  {origin}  [{article_id}]", file=stream)  # type: ignore[call-overload]
    for origin, article_id in report.duplicates:
        print(f"duplicate  {origin}: same text as article [{article_id}]", file=stream)  # type: ignore[call-overload]
    for origin, reason in report.skipped:
        print(f"skipped    {origin}: {reason}", file=stream)  # type: ignore[call-overload]
    if summary:
        print(neutralize(report.summary()), file=stream)  # type: ignore[call-overload]


def _import(store_path: Path | str, paths: list[str], schema: str) -> int:
    """Import with a progress bar (on a terminal).

    Ctrl+C stops after the current file and keeps everything imported so far.
    """
    # Imported here: opening the app (the common case) need not pay for them.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    stop = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        with (
            _opened(store_path, schema) as store,
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

            report = store.import_paths(paths, progress=progress, cancelled=stop.is_set)
    finally:
        signal.signal(signal.SIGINT, previous)
    if report.stopped:  # what was saved on stdout; why it stopped, one line on stderr
        print_report(report, summary=False)
        print(f"dossier: {neutralize(report.summary())}", file=sys.stderr)
        return 2
    print_report(report)
    return 130 if report.cancelled else (0 if report.read_count else 1)


@contextlib.contextmanager
def _opened(store_path: Path | str, schema: str = DEFAULT_SCHEMA) -> Iterator[Store]:
    """The store, closed afterwards; a failure to tidy on close is a note, never the error.

    Every save is durable in a journal before it is reported done, so a store that cannot be
    compacted on close (read-only, full disk) has lost nothing; the next session folds it in.
    When the command itself failed, that failure is the one message shown.
    """
    store = Store.open(store_path, schema=schema)
    try:
        yield store
    except BaseException:
        with contextlib.suppress(OSError):
            store.close()
        raise
    try:
        store.close()
    except OSError as exc:
        print(
            f"dossier: note: the journals were left as they are ({exc.strerror or exc}); nothing is lost",
            file=sys.stderr,
        )


def _has_article(store: Store, article_id: str) -> bool:
    """Whether the store holds that article (asked one at a time: never the whole corpus)."""
    try:
        store.article(article_id)
    except KeyError:
        return False
    return True


def _export(store_path: Path | str, output: str | None, article_ids: list[str] | None, schema: str) -> int:
    from store.export import export_bytes
    from store.storage import atomic_write, file_mode_for

    with _opened(store_path, schema) as store:
        missing = [i for i in article_ids or [] if not _has_article(store, i)]
        if missing:
            print(f"dossier: no article {neutralize(', '.join(missing))} in the store", file=sys.stderr)
            return 1
        payload = export_bytes(store, article_ids)
    if output:
        # As private as the store it comes from (0600, or 0660 in a shared store), written
        # atomically through a fresh temporary file that is never a planted symlink.
        mode = file_mode_for(store_path) if isinstance(store_path, Path) else 0o600
        atomic_write(Path(output), payload, mode)
    else:
        sys.stdout.buffer.write(payload + b"\n")
    return 0


def _schema(chosen: str | None) -> str:
    """``--schema`` if given, else ``$DOSSIER_SCHEMA``, else ``dossier``; ``ValueError`` if unusable."""
    try:
        return schema_name(chosen) if chosen else default_schema()
    except ValueError as exc:
        where = "--schema" if chosen else f"${SCHEMA_ENV}"
        raise ValueError(f"{where}: {exc}") from None


def _store_action(args: argparse.Namespace, store_path: Path | str, schema: str) -> int:
    """``dossier store ACTION``: copy and verify name two stores, the others the one store."""
    if args.action in ACCESS_ACTIONS:
        if len(args.locations) > 1:
            print(f"dossier: store {args.action} takes one role", file=sys.stderr)
            return 2
        role = args.locations[0] if args.locations else None
        return run_access(store_path, args.action, role, args.level, schema)
    if args.level is not None:
        print(f"dossier: --{args.level} is for store grant", file=sys.stderr)
        return 2
    if args.action in ("copy", "verify"):
        from tui.cli_copy import run_copy, run_verify

        if len(args.locations) != 2:
            print(f"dossier: store {args.action} takes two stores: SRC DST (folders or URLs)", file=sys.stderr)
            return 2
        source, destination = (store_location(location) for location in args.locations)
        if args.action == "verify":
            return run_verify(source, destination, schema=schema)
        return run_copy(source, destination, schema=schema, force=args.force)
    if args.locations:
        print(f"dossier: store {args.action} takes no stores by position; use --store", file=sys.stderr)
        return 2
    return _maintain(store_path, args.action, force=args.force, group=args.group, schema=schema)


def _run_app(store_path: Path | str, schema: str) -> int:
    """Open the store while the interface's modules load, then run the app on it.

    Opening a server store mostly waits for the server (three connections, the schema's
    version); loading Textual and the panes is work for this process. Side by side, the first
    screen comes that much sooner. Opening errors are raised here, as before.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-open") as opener:
        opening = opener.submit(Store.open, store_path, defer_annotations=True, schema=schema)
        try:
            from tui.app import run_app
        except BaseException:
            with contextlib.suppress(Exception):
                opening.result().close()
            raise
        store = opening.result()
    return run_app(store_path, schema=schema, store=store)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dossier`` console script and of ``python -m tui``."""
    parser = build_parser()
    # argparse takes a command's positionals in one go: in `store copy --force SRC DST` the
    # stores come after an option, are left over, and belong to the action (bpo-14191).
    args, extra = parser.parse_known_args(argv)
    takes_more = ("copy", "verify", *ACCESS_ACTIONS)
    if extra and getattr(args, "action", None) in takes_more and not any(e.startswith("-") for e in extra):
        args.locations += extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    store_path: Path | str = args.store or default_store_path()
    try:
        schema = _schema(args.schema)
    except ValueError as exc:
        print(f"dossier: {neutralize(str(exc))}", file=sys.stderr)
        return 2
    try:
        if args.command == "import":
            return _import(store_path, args.paths, schema)
        if args.command == "export":
            return _export(store_path, args.output, args.article, schema)
        if args.command == "store":
            return _store_action(args, store_path, schema)
        if args.command == "search":
            from tui.cli_search import run_search

            if args.limit < 1:
                print("dossier: search: --limit takes a number from 1", file=sys.stderr)
                return 2
            with _opened(store_path, schema) as store:
                return run_search(store, " ".join(args.query), args.limit, args.json)
        return _run_app(store_path, schema)
    except StoreFileError as exc:
        print(f"dossier: cannot open the store: {neutralize(str(exc))}", file=sys.stderr)
        print(
            "`dossier store check` says what is wrong; `dossier store restore` puts the newest good backup in place.",
            file=sys.stderr,
        )
        return 2
    except (SaveError, StoreBusyError, ConflictError, StoreConnectionError, SchemaError) as exc:
        # A full disk, a read-only store, a lock held too long: nothing of that step was saved.
        print(f"dossier: {neutralize(str(exc))}", file=sys.stderr)
        return 2
    except OSError as exc:
        # A read-only store, a store path that is a file, a full disk: say which file and why.
        where = exc.filename if exc.filename is not None else shown(store_path)
        print(f"dossier: {neutralize(str(where))}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

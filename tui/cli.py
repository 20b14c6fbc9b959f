"""The ``dossier`` command: open the app, or run a subcommand on a store.

The command line lives in ``tui/`` because its default action launches the app; everything it
does besides that is a call into :mod:`store`. Subcommands import Textual only when they open
the app, so ``dossier import`` starts fast and works without a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from store import ImportReport, Store, StoreFileError, default_store_path


def _store_option(parser: argparse.ArgumentParser, *, top: bool) -> None:
    parser.add_argument(
        "--store",
        metavar="PATH",
        type=Path,
        default=None if top else argparse.SUPPRESS,
        help="store directory (default: $DOSSIER_STORE, else the user data directory)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; every subcommand accepts ``--store`` too."""
    parser = argparse.ArgumentParser(
        prog="dossier",
        description="Read, tag and cross-reference a corpus of articles in the terminal.",
        epilog="With no subcommand, opens the app. An empty store starts with the bundled seed articles.",
    )
    _store_option(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    importer = sub.add_parser(
        "import",
        help="import .txt/.md files and folders (recursively)",
        description="Import files and folders; prints what was imported and what was skipped and why.",
    )
    importer.add_argument("paths", nargs="+", metavar="PATH", help="files or folders to import")
    _store_option(importer, top=False)
    opener = sub.add_parser("open", help="open the app (the default)")
    _store_option(opener, top=False)
    return parser


def print_report(report: ImportReport, out: object = None) -> None:
    """Print an import report, one line per file, then a summary."""
    stream = out if out is not None else sys.stdout
    for origin, article_id in report.added:
        print(f"imported   {origin}  [{article_id}]", file=stream)  # type: ignore[call-overload]
    for origin, article_id in report.updated:
        print(f"updated    {origin}  [{article_id}]", file=stream)  # type: ignore[call-overload]
    for origin, article_id in report.unchanged:
        print(f"unchanged  {origin}  [{article_id}]", file=stream)  # type: ignore[call-overload]
    for origin, reason in report.skipped:
        print(f"skipped    {origin}: {reason}", file=stream)  # type: ignore[call-overload]
    print(report.summary(), file=stream)  # type: ignore[call-overload]


def _import(store_path: Path, paths: list[str]) -> int:
    store = Store.open(store_path)
    try:
        last = [0.0]

        def progress(done: int, total: int, _name: str) -> None:
            import time

            now = time.monotonic()
            if sys.stderr.isatty() and (now - last[0] > 0.1 or done == total):
                last[0] = now
                sys.stderr.write(f"\rimporting {done}/{total}")
                sys.stderr.flush()

        report = store.import_paths(paths, progress=progress)
        if sys.stderr.isatty():
            sys.stderr.write("\r\x1b[K")
    finally:
        store.close()
    print_report(report)
    return 0 if report.read_count else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dossier`` console script and of ``python -m tui``."""
    args = build_parser().parse_args(argv)
    store_path: Path = args.store or default_store_path()
    try:
        if args.command == "import":
            return _import(store_path, args.paths)
        from tui.app import run_app

        return run_app(store_path)
    except StoreFileError as exc:
        print(f"dossier: cannot open the store: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

"""``dossier store copy SRC DST`` and ``dossier store verify SRC DST``: moving a store between backends.

The work is :mod:`store.copying`'s; this module opens both ends, shows progress (a Rich bar on a
terminal, plain lines in a log), and says what was copied and whether the verification found
both sides equal. Exit codes: 0 copied and verified equal; 1 conflicts were left or the
verification found a difference; 2 the copy could not start or a batch was refused; 130
interrupted (run the same command again: what was copied is kept and skipped).
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from store.backend import Backend
from store.copying import (
    CopyError,
    TableCopy,
    TableVerification,
    copy_store,
    open_backend,
    same_location,
    same_store,
    verify,
)
from store.locations import shown
from store.sanitize import neutralize

#: Seconds between progress lines when the output is not a terminal.
PLAIN_EVERY_S = 1.0


def _named(location: Path | str, schema: str) -> str:
    text = neutralize(shown(location))
    return f"{text} (schema {schema!r})" if isinstance(location, str) else f"folder {text}"


@contextlib.contextmanager
def _ends(
    source: Path | str, destination: Path | str, schema: str, *, create: bool
) -> Iterator[tuple[Backend, Backend]]:
    """Both backends, closed afterwards; :class:`CopyError` for one store named twice."""
    if same_location(source, destination):
        raise CopyError(f"{_named(source, schema)} is both the source and the destination")
    src = open_backend(source, schema=schema, create=False)
    try:
        dst = open_backend(destination, schema=schema, create=create)
        try:
            if same_store(src, dst):
                raise CopyError(f"{_named(source, schema)} and {_named(destination, schema)} are the same store")
            yield src, dst
        finally:
            dst.close()
    finally:
        src.close()


@contextlib.contextmanager
def _progress() -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback: a Rich bar when stdout is a terminal, else a line a second."""
    if sys.stdout.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        tasks: dict[str, object] = {}
        with Progress(
            TextColumn("{task.description:<12}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            transient=True,
        ) as bar:

            def update(table: str, done: int, total: int) -> None:
                if table not in tasks:
                    tasks[table] = bar.add_task(table, total=total)
                bar.update(tasks[table], completed=done, total=total)  # type: ignore[arg-type]

            yield update
        return
    last = 0.0

    def line(table: str, done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done == total or now - last >= PLAIN_EVERY_S:
            last = now
            print(f"{table}: {done}/{total}", flush=True)

    yield line


def run_copy(source: Path | str, destination: Path | str, *, schema: str, force: bool) -> int:
    """Copy, then verify; see the module docstring for the exit codes."""
    try:
        with _ends(source, destination, schema, create=True) as (src, dst):
            print(f"copying {_named(source, schema)} to {_named(destination, schema)}", flush=True)
            try:
                with _progress() as progress:
                    copied = copy_store(src, dst, force=force, progress=progress)
            except KeyboardInterrupt:
                print(
                    "dossier: copy interrupted; what was copied is kept: run the same command again to finish"
                    " (records already there are skipped)",
                    file=sys.stderr,
                )
                return 130
            _report_copy(copied)
            checked = verify(src, dst)
    except CopyError as exc:
        print(f"dossier: {neutralize(str(exc))}", file=sys.stderr)
        return 2
    equal = _report_verification(checked)
    conflicts = sum(len(table.conflicts) for table in copied)
    if conflicts:
        print(
            f"dossier: {conflicts} records were left as the destination holds them (see above);"
            " --force replaces those held in another version with the source's",
            file=sys.stderr,
        )
    return 0 if equal and not conflicts else 1


def run_verify(source: Path | str, destination: Path | str, *, schema: str) -> int:
    """Only the verification: 0 when the destination holds every record of the source, equal."""
    try:
        with _ends(source, destination, schema, create=False) as (src, dst):
            print(f"verifying {_named(destination, schema)} against {_named(source, schema)}", flush=True)
            checked = verify(src, dst)
    except CopyError as exc:
        print(f"dossier: {neutralize(str(exc))}", file=sys.stderr)
        return 2
    return 0 if _report_verification(checked) else 1


def _report_copy(copied: list[TableCopy]) -> None:
    for table in copied:
        print(
            f"{table.table}: {table.copied} copied, {table.unchanged} already there (equal),"
            f" {table.overwritten} replaced, {len(table.conflicts)} conflicts"
        )
        for key, why in table.conflicts[:20]:
            print(f"  conflict: {neutralize(repr(key))}: {neutralize(why)}")
        if len(table.conflicts) > 20:
            print(f"  … and {len(table.conflicts) - 20} more")


def _report_verification(checked: list[TableVerification]) -> bool:
    """Print one line per table (and what differs); True when every table is equal."""
    for table in checked:
        others = f"; the destination also holds {table.others} other records, left as they were" if table.others else ""
        if table.equal:
            count, digest = table.source_count, table.source_hash
            print(f"verified {table.table}: {count} records, sha256 {digest} on both sides{others}")
            continue
        print(
            f"MISMATCH {table.table}: source {table.source_count} records sha256 {table.source_hash},"
            f" destination {table.destination_count} records sha256 {table.destination_hash}{others}"
        )
        if table.missing_count:
            names = ", ".join(neutralize(repr(key)) for key in table.missing)
            print(f"  missing in the destination ({table.missing_count}): {names}")
        if table.differing_count:
            names = ", ".join(neutralize(repr(key)) for key in table.differing)
            print(f"  different in the destination ({table.differing_count}): {names}")
    return all(table.equal for table in checked)

"""What every ``dossier`` subcommand shares: which store, opening it, and printing for people or scripts.

``--store``, ``--schema`` and ``--author`` are accepted before the subcommand and after it (the
later one wins), so ``dossier --store S import X`` and ``dossier import X --store S`` mean the
same: the options remember their value on the root context instead of being passed around.
Output goes two ways: a Rich table on a terminal, tab-separated plain lines when piped, and
JSON with ``--json``. Every value printed is neutralised: article text and store files are data.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from store import Store
from store.locations import DEFAULT_SCHEMA, SCHEMA_ENV, chosen_store, default_schema, schema_name
from store.sanitize import escape_undecodable, neutralize
from store.settings import Settings, chosen_author, load_settings
from store.settings_file import SettingsError

F = TypeVar("F", bound=Callable[..., Any])

#: Exit codes: what a script can rely on (the README lists them).
OK, NOTHING, FAILED = 0, 1, 2


class CommandFailed(click.ClickException):
    """A failure the user can act on: one line ``dossier: ...`` on standard error, exit code 2."""

    exit_code = FAILED

    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(neutralize(message))
        self.exit_code = code

    def show(self, file: Any = None) -> None:
        click.echo(f"dossier: {self.format_message()}", err=True)


class InOrder(click.Group):
    """A group that lists its commands in the order they were added (the order of a day's work)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)


def _remember(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Keep a store option's value where every command finds it (the one given last wins).

    An empty ``--store`` is refused rather than taken as "not given": ``--store "$DIR"`` with
    ``DIR`` unset would otherwise import into, or list, the default store without a word.
    (An empty ``$DOSSIER_STORE`` still counts as unset, as empty environment variables do.)
    """
    if param.name == "store" and value is not None and not value.strip():
        raise click.BadParameter(
            "is empty: give a store folder or a postgresql:// URL (leave --store out for the default)",
            ctx=ctx,
            param_hint="--store",
        )
    if value is not None:
        ctx.find_root().meta[f"dossier.{param.name}"] = value
    return value


def store_options(command: F) -> F:
    """``--store``, ``--schema`` and ``--author``, on the root command and on every subcommand."""
    options = (
        click.option(
            "--store",
            metavar="PATH|URL",
            expose_value=False,
            callback=_remember,
            help="Store folder, or postgresql://user@host/db (default: $DOSSIER_STORE, the settings file,"
            " else the user data directory).",
        ),
        click.option(
            "--schema",
            metavar="NAME",
            expose_value=False,
            callback=_remember,
            help=f"A PostgreSQL store's schema (default: ${SCHEMA_ENV}, else {DEFAULT_SCHEMA}).",
        ),
        click.option(
            "--author",
            metavar="NAME",
            expose_value=False,
            callback=_remember,
            help="The name your tags are saved under (default: $DOSSIER_AUTHOR, the settings file, else your login).",
        ),
    )
    for option in reversed(options):
        command = option(command)
    return command


@dataclass(frozen=True)
class Place:
    """The store a command works on: its location, its schema on a server, who is working, and how."""

    location: Path | str
    schema: str
    author: str
    settings: Settings


def settings(binding_ids: frozenset[str] | None = None) -> Settings:
    """The user's settings file, read once per command (:mod:`store.settings`).

    ``binding_ids`` checks the ``[keys]`` table against the app's bindings; only commands that
    open the app pass them, since finding them loads the whole interface.
    """
    meta = click.get_current_context().find_root().meta
    if binding_ids is not None or "dossier.settings" not in meta:
        try:
            meta["dossier.settings"] = load_settings(binding_ids=binding_ids)
        except SettingsError as exc:
            raise CommandFailed(str(exc)) from None
    return meta["dossier.settings"]


def place(binding_ids: frozenset[str] | None = None) -> Place:
    """The store and author chosen, the first given of each of these winning.

    The command line (before or after the command), then the environment (``$DOSSIER_STORE``,
    ``$DOSSIER_AUTHOR``), then the settings file, then the defaults.
    """
    meta = click.get_current_context().find_root().meta
    chosen = settings(binding_ids)
    location = chosen_store(meta.get("dossier.store"), chosen)
    schema_option = meta.get("dossier.schema")
    try:
        schema = schema_name(schema_option) if schema_option else default_schema()
    except ValueError as exc:
        where = "--schema" if schema_option else f"${SCHEMA_ENV}"
        raise CommandFailed(f"{where}: {exc}") from None
    try:
        author = chosen_author(meta.get("dossier.author"), chosen)
    except ValueError as exc:  # the message names the source: --author or $DOSSIER_AUTHOR
        raise CommandFailed(str(exc)) from None
    return Place(location, schema, author, chosen)


@contextlib.contextmanager
def opened(where: Place, *, create: bool = False) -> Iterator[Store]:
    """The store, closed afterwards; a failure to tidy on close is a note, never the error.

    Only commands that add to a store (``import``, the app) make one where there is none
    (``create``): a command that reads, given a folder that does not exist, says so and exits 2
    rather than leave an empty store at a mistyped path and report "no articles".

    Every save is durable in a journal before it is reported done, so a store that cannot be
    compacted on close (read-only, full disk) has lost nothing; the next session folds it in.
    When the command itself failed, that failure is the one message shown.
    """
    if not create and isinstance(where.location, Path) and not where.location.exists():
        raise CommandFailed(f"no store at {where.location} (`dossier import PATH` makes one there)")
    if not create and isinstance(where.location, str):
        from store.locations import display_url
        from store.postgres_schema import holds_store

        if not holds_store(where.location, where.schema):
            raise CommandFailed(
                f"no store in schema {where.schema} at {display_url(where.location)}"
                " (`dossier import PATH` makes one there; --schema names another)"
            )
    store = Store.open(where.location, schema=where.schema, author=where.author)
    try:
        yield store
    except BaseException:
        with contextlib.suppress(OSError):
            store.close()
        raise
    try:
        store.close()
    except OSError as exc:
        reason = exc.strerror or exc
        click.echo(f"dossier: note: the journals were left as they are ({reason}); nothing is lost", err=True)


def print_json(value: Any) -> None:
    """One JSON document on standard output (UTF-8, not escaped to ASCII: names stay readable)."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str | None = None) -> None:
    """Rows as a Rich table on a terminal; tab-separated lines (header first) when piped.

    Piped output is for ``cut``, ``sort`` and spreadsheets: one record per line, so tabs and
    newlines inside a value become spaces there. Values are never read as Rich markup.
    """
    cells = [["" if value is None else neutralize(str(value)) for value in row] for row in rows]
    if not sys.stdout.isatty():
        click.echo("\t".join(columns))
        for row in cells:
            click.echo("\t".join(" ".join(cell.split()) for cell in row))
        return
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_edge=False, header_style="bold", pad_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in cells:
        table.add_row(*(Text(cell) for cell in row))
    Console(highlight=False).print(table)


def argument_text(words: Sequence[str]) -> str:
    r"""Command-line words as one text to search or look up (a query, a name, an id).

    A byte that is not UTF-8 (a query typed in a Latin-1 terminal) is written ``\xNN``: as a
    lone surrogate it would fail deep in matching or saving, far from the argument that held it.
    """
    return " ".join(escape_undecodable(word) for word in words)


def say(message: str) -> None:
    """A line for the person at the terminal, on standard error (so piped output stays data)."""
    click.echo(neutralize(message), err=True)

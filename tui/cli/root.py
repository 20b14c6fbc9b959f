"""The ``dossier`` command: open the app, or run a subcommand on a store.

The command line lives in ``tui/`` because its default action launches the app; everything it
does besides that is a call into :mod:`store`. Subcommands import Textual only when they open
the app, so ``dossier import`` starts fast and works without a terminal. Click parses; this
module turns every failure a user can meet into one ``dossier: ...`` line and an exit code
(0 done, 1 nothing found, 2 could not do it, 130 interrupted, 141 the reader of the output
stopped reading): never a traceback.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version

import click

from store import (
    ConflictError,
    SaveError,
    SchemaError,
    Store,
    StoreBusyError,
    StoreConnectionError,
    StoreFileError,
)
from store.locations import shown
from store.sanitize import neutralize
from tui.cli.context import FAILED, CommandFailed, InOrder, place, settings, store_options
from tui.cli.output import OUTPUT_CLOSED, OutputClosed, OutputFailed, guarded_stdout


def _version() -> str:
    try:
        return version("dossier")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


@click.group(
    cls=InOrder,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="With no command, opens the app. An empty store starts with the bundled seed articles."
    " Exit codes: 0 done, 1 nothing found, 2 could not do it (the message says why), 130 interrupted.",
)
@click.version_option(_version(), "-V", "--version", prog_name="dossier", message="%(prog)s %(version)s")
@store_options
@click.pass_context
def dossier(ctx: click.Context) -> int:
    """Read, tag and cross-reference a corpus of articles in the terminal."""
    if ctx.invoked_subcommand is None:
        return run_app()
    return 0


@dossier.command("open")
@store_options
def open_command() -> int:
    """Open the app (the default)."""
    return run_app()


def run_app() -> int:
    """Open the store while the interface's modules load, then run the app on it.

    Opening a server store mostly waits for the server (three connections, the schema's
    version); loading Textual and the panes is work for this process. Side by side, the first
    screen comes that much sooner. Opening errors are raised here, as before.
    """
    where = place()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-open") as opener:
        opening = opener.submit(
            Store.open, where.location, defer_annotations=True, schema=where.schema, author=where.author
        )
        try:
            from tui.app import run_app as run
            from tui.binding_ids import binding_ids

            chosen = settings(binding_ids())  # now the keys can be checked against the app's bindings
        except BaseException:
            with contextlib.suppress(Exception):
                opening.result().close()
            raise
        store = opening.result()
    return run(where.location, schema=where.schema, store=store, settings=chosen)


@dossier.command("serve", short_help="Open the same app in a browser tab (localhost).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (others: a warning).")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@store_options
def serve_command(host: str, port: int) -> int:
    """Run the app in the browser at http://HOST:PORT/ (textual-serve), on the chosen store.

    Each tab is its own app on the same store. Open http://127.0.0.1:8000/?author=NAME to tag as
    NAME in that tab (a claim, not a login); --author (or $DOSSIER_AUTHOR, the settings file)
    names who tags in a tab opened without it. Bound to this machine only unless --host says
    otherwise: whoever reaches the port can read and change the store. Ctrl+C stops it.
    """
    from tui.binding_ids import binding_ids
    from tui.serve import serve

    # Each tab's app reads the settings again and refuses a [keys] id it does not have: checked
    # here, that is one message now instead of every browser tab ending as soon as it opens.
    where = place(binding_ids())
    meta = click.get_current_context().find_root().meta
    return serve(where.location, schema=where.schema, host=host, port=port, author=meta.get("dossier.author"))


def _register() -> None:
    """The subcommands, one module per kind of work."""
    from tui.cli.exchange import export_command, import_command
    from tui.cli.reading import entities_command, list_command, show_command, stats_command
    from tui.cli.search import search_command
    from tui.cli.settings_command import settings_command
    from tui.cli.store_commands import store_group

    for command in (
        import_command,
        list_command,
        show_command,
        search_command,
        entities_command,
        export_command,
        stats_command,
        store_group,
        settings_command,
    ):
        dossier.add_command(command)


_register()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``dossier`` console script and of ``python -m tui``; the exit code."""
    try:
        with guarded_stdout():
            result = dossier.main(
                args=list(argv) if argv is not None else None, prog_name="dossier", standalone_mode=False
            )
    except OutputClosed:  # the reader has what it wanted (`dossier list | head -1`): no message
        return OUTPUT_CLOSED
    except OutputFailed as exc:  # the output's disk or device, not the store's
        click.echo(f"dossier: cannot write the output: {neutralize(exc.reason)}", err=True)
        return FAILED
    except click.exceptions.Exit as done:  # --help, --version
        return done.exit_code
    except click.UsageError as exc:  # one line, like every other failure: scripts read stderr too
        command = exc.ctx.command_path if exc.ctx is not None else "dossier"
        click.echo(f"dossier: {neutralize(exc.format_message())} (see `{command} --help`)", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        return 130
    except StoreFileError as exc:
        click.echo(f"dossier: cannot open the store: {neutralize(str(exc))}", err=True)
        click.echo(
            "`dossier store check` says what is wrong; `dossier store restore` puts the newest good backup in place.",
            err=True,
        )
        return FAILED
    except (SaveError, StoreBusyError, ConflictError, StoreConnectionError, SchemaError) as exc:
        # A full disk, a read-only store, a lock held too long: nothing of that step was saved.
        click.echo(f"dossier: {neutralize(str(exc))}", err=True)
        return FAILED
    except OSError as exc:
        # A read-only store, a store path that is a file, a full disk: say which file and why.
        where = exc.filename if exc.filename is not None else _location_shown()
        click.echo(f"dossier: {neutralize(str(where))}: {exc.strerror or exc}", err=True)
        return FAILED
    return result if isinstance(result, int) else 0


def _location_shown() -> str:
    """The store named on the command line, for a message about it (never with its password)."""
    try:
        return shown(place().location)
    except (RuntimeError, CommandFailed):
        return "the store"


if __name__ == "__main__":
    sys.exit(main())

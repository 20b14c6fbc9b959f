"""The Dossier app: one browsing screen over a store, plus its modal dialogs.

``make_app(store)`` builds the app around an open store, so tests drive the real app with
``run_test()``; ``run_app(path)`` is what the ``dossier`` command runs. Both take the user's
:class:`store.settings.Settings`: the theme, keys remapped by binding id, the entity types
offered. A theme chosen in the app (ctrl+p, "Change theme") is written back to the settings
file the settings came from, so the next start has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import signal
import sys
from collections.abc import Iterable
from pathlib import Path

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from store import ImportReport, Store, seed_directory, seed_if_empty
from store.locations import DEFAULT_SCHEMA
from store.sanitize import neutralize
from store.settings import Settings, chosen_author
from tui.commands import CorpusCommands
from tui.keyboard import KeyLine
from tui.main_screen import MainScreen
from tui.theme_memory import ThemeMemory


class DossierApp(App[None]):
    """Read, tag and cross-reference articles."""

    TITLE = "Dossier"
    CSS_PATH = "styles/dossier.tcss"
    COMMANDS = App.COMMANDS | {CorpusCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: list[BindingType] = [
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    #: Seconds between looks at whether the saves a quit waits for are done.
    QUIT_POLL_S = 0.1

    def __init__(self, store: Store, *, seeded: ImportReport | None = None, settings: Settings | None = None) -> None:
        super().__init__()
        self.store = store
        self.seeded = seeded
        self.settings = settings or Settings()
        #: Entity types offered when tagging, in order (``tui.dialogs.entity_picker.offered_types``).
        self.entity_types: tuple[str, ...] = self.settings.entity_types
        #: The settings' ``[keys]`` (binding id → keys as the user wrote them): ``?`` shows these.
        self.key_overrides: dict[str, str] = dict(self.settings.keys)
        self.set_keymap(self.key_overrides)
        #: Applies the settings' theme and writes a theme the user picks back to the file.
        self.theme_memory = ThemeMemory(self, self.settings)
        self._quit_asked = False
        #: Changes that were still waiting for the store when the user quit anyway.
        self.unsaved_on_exit = 0
        #: Keys read and waiting their turn (see :mod:`tui.keyboard`).
        self.keys = KeyLine(self, self._hand_on)

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal join the key line; everything else goes as Textual sends it."""
        if isinstance(event, events.Key | events.Paste) and not event.is_forwarded:
            self.keys.take(event)
            return
        await super().on_event(event)

    async def _hand_on(self, event: events.Key | events.Paste) -> None:
        """A key (or paste) whose turn has come: Textual's own rules (priority bindings, then the focus)."""
        await super().on_event(event)

    def on_unmount(self) -> None:
        self.keys.stop()

    async def action_quit(self) -> None:
        """Quit; while a change still waits for the store, wait for it (q again: quit now)."""
        pending = self.main.store_thread.pending if self._has_main() else 0
        if not pending:
            self.exit()
            return
        if self._quit_asked:
            self.unsaved_on_exit = pending
            self.exit(return_code=1)
            return
        self._quit_asked = True
        self.notify(
            "Waiting for the store to save your last change (another process holds it); "
            "Dossier quits when it is saved. q again quits now, without that change.",
            title="Quitting",
            severity="warning",
            markup=False,
            timeout=30,
        )
        self._quit_poll = self.set_interval(self.QUIT_POLL_S, self._quit_when_saved)

    def _quit_when_saved(self) -> None:
        # The poll may fire once more while the app is already ending (its screens gone):
        # then there is nothing left to wait for.
        if not self._has_main() or not self.main.store_thread.pending:
            self._quit_poll.stop()
            self.exit()

    def _has_main(self) -> bool:
        return any(isinstance(s, MainScreen) for s in self.screen_stack)

    def on_mount(self) -> None:
        # A dropped SSH connection (SIGHUP) or a polite kill (SIGTERM) ends the app as q does:
        # the terminal is restored if it is still there, and the store is closed (its journals
        # folded in). Every change was already on disk; nothing waits to be saved.
        loop = asyncio.get_running_loop()
        for number in (signal.SIGHUP, signal.SIGTERM):
            loop.add_signal_handler(number, functools.partial(self.exit, return_code=128 + number))
        main = MainScreen(self.store)
        if self.seeded is not None:  # said where the article will be read, not over the panes
            help_key = neutralize(self.key_overrides.get("screen.help", "?").split(",")[0])  # as remapped
            main.welcome = (
                f"First run: the store was empty, so the {len(self.seeded.added)} seed articles were imported"
                f" from {neutralize(str(seed_directory()))}. Choose one in the list (j, k, Enter) to read it here;"
                f" {help_key} lists every key."
            )
        self.push_screen(main)
        self.theme_memory.start()

    @property
    def main(self) -> MainScreen:
        """The browsing screen (under any open dialog)."""
        return next(s for s in self.screen_stack if isinstance(s, MainScreen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        main = self.main
        yield SystemCommand("Search articles", "Full-text search (/)", main.action_search)
        yield SystemCommand("Help: keys", "Every key binding (?)", main.action_help)
        yield SystemCommand("Undo", "Undo the last change (u)", main.action_undo)
        yield SystemCommand("Redo", "Redo the last undone change (U)", main.action_redo)
        yield SystemCommand("Back", "Return to the previous place ([)", main.action_back)
        yield SystemCommand("Forward", "Go forward again (])", main.action_forward)
        yield SystemCommand("Zoom pane", "Show only the focused pane, or all four (z)", main.action_zoom)
        yield SystemCommand("Edit article details", "Correct title, source, author, date (D)", main.action_edit_details)
        yield SystemCommand(
            "Import files", "Import a file or folder of articles, with progress (I)", main.action_import_files
        )
        yield SystemCommand(
            "Export", "The store or the open article as JSON, JSON Lines, CSV, brat or W3C (W)", main.action_export
        )
        yield SystemCommand("Passages", "Every passage by label, with its note (P)", main.action_passages)
        yield SystemCommand(
            "Concordance",
            "Every place the entity in pane 4 (or the last search) occurs, aligned (K)",
            main.action_concordance,
        )
        yield SystemCommand(
            "Timeline",
            "Publication dates and dates stated in the text, of the entity, search or corpus (Y)",
            main.action_timeline,
        )
        yield SystemCommand(
            "Compare sources",
            "Passages of a label or tags of an entity side by side; link them (C)",
            main.action_compare,
        )
        yield SystemCommand(
            "Pass over suggestions",
            "The open article's suggestions, y/n each (p in the reader)",
            main.pass_over_article,
        )
        yield SystemCommand(
            "Pass over the whole corpus",
            "Every article's suggestions in the list's order, y/n each",
            main.pass_over_corpus,
        )


def make_app(store: Store, *, seeded: ImportReport | None = None, settings: Settings | None = None) -> DossierApp:
    """The app around an open store (the factory the tests use), with the user's ``settings``."""
    return DossierApp(store, seeded=seeded, settings=settings)


def run_app(
    store_path: Path | str,
    *,
    schema: str = DEFAULT_SCHEMA,
    store: Store | None = None,
    settings: Settings | None = None,
    author: str | None = None,
) -> int:
    """Open the store (seeding an empty one), run the app, close the store.

    ``schema`` chooses a PostgreSQL store's schema (a folder store has none); ``store``, if
    given, is that store already opened (with ``defer_annotations``). ``settings`` are the
    user's (``store.settings.load_settings``); ``author`` is ``--author`` (else
    ``$DOSSIER_AUTHOR``, the settings' author, the OS user: ``chosen_author``). Returns the
    app's exit code: 0, or 128 + the signal that ended it.

    Raises:
        ValueError: the author's name cannot be one (empty, too long).
    """
    if store is None:
        store = Store.open(store_path, defer_annotations=True, schema=schema, author=chosen_author(author, settings))
    app: DossierApp | None = None
    try:
        seeded = seed_if_empty(store)
        app = make_app(store, seeded=seeded, settings=settings)
        with contextlib.suppress(OSError):  # the terminal went away under Textual (hang-up)
            app.run()
    finally:
        store.close(wait=False)
    if app is not None and app.unsaved_on_exit:
        count = app.unsaved_on_exit
        print(
            f"dossier: quit while {count} change{'s' if count != 1 else ''} still waited for the store "
            "(another process held it); not saved.",
            file=sys.stderr,
        )
    return (app.return_code or 0) if app is not None else 0

"""Import files into the store from inside the app: choose a path, watch the progress, cancel.

The import runs in a thread worker, so the screen keeps drawing and Escape is heard at once; the
store stops after the file it is reading and keeps everything imported until then.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.suggester import Suggester
from textual.widgets import Input, ProgressBar, Static
from textual.worker import get_current_worker

from store import ImportReport, Store
from store.exchange.reading import import_anything
from store.sanitize import neutralize
from tui.dialogs.dialog import Dialog
from tui.dialogs.field_keys import focus_first_field


class PathSuggester(Suggester):
    """Completes the last part of a path from what is on disk."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        expanded = os.path.expanduser(value)
        folder, _, partial = expanded.rpartition("/")
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:
            return None
        for name in names:
            if name.startswith(partial) and name != partial and not name.startswith("."):
                suffix = "/" if os.path.isdir(os.path.join(folder or ".", name)) else ""
                return value[: len(value) - len(partial)] + name + suffix
        return None


class ImportDialog(Dialog[str | None]):
    """Modal: the file or folder to import (→ completes the path)."""

    BINDINGS: list[BindingType] = [Binding("escape", "cancel", "Cancel", id="import.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            title = "Import (.txt, .md, web pages, folders; exports, brat, W3C annotations)"
            yield Static(title, id="dialog-title")
            yield Input(placeholder="path to a file or folder", suggester=PathSuggester(), id="import-path")
            yield Static("", id="import-error", markup=False)
            yield Static("→ completes · Enter import · Esc cancel", classes="dialog-help")

    def on_mount(self) -> None:
        focus_first_field(self, "#import-path")

    @on(Input.Submitted, "#import-path")
    def _submitted(self, event: Input.Submitted) -> None:
        path = Path(os.path.expanduser(event.value.strip()))
        if not event.value.strip() or not path.exists():
            self.query_one("#import-error", Static).update(f"No such file or folder: {event.value.strip()}")
            return
        self.dismiss(str(path))

    def action_cancel(self) -> None:
        """Close without importing."""
        self.dismiss(None)


class ImportProgress(Dialog[ImportReport]):
    """Modal: a progress bar while a thread imports; Escape cancels."""

    BINDINGS: list[BindingType] = [Binding("escape", "cancel", "Cancel import", id="import.stop")]

    #: Seconds between progress updates sent to the screen.
    UPDATE_EVERY_S = 0.1

    def __init__(self, store: Store, path: str) -> None:
        super().__init__()
        self.store = store
        self.path = path
        self._last_update = 0.0

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Static(Text(f"Importing {self.path}"), id="dialog-title")
            yield ProgressBar(total=None, show_eta=True, id="import-bar")
            yield Static("", id="import-current", markup=False)
            yield Static("Esc cancels (what is imported so far is kept)", classes="dialog-help")

    def on_mount(self) -> None:
        self._run()

    @work(thread=True, exclusive=True, name="import")
    def _run(self) -> None:
        worker = get_current_worker()
        report = import_anything(
            self.store, [self.path], progress=self._progress, cancelled=lambda: worker.is_cancelled
        )
        self.app.call_from_thread(self.dismiss, report)

    def _progress(self, done: int, total: int, name: str) -> None:
        now = time.monotonic()
        if now - self._last_update >= self.UPDATE_EVERY_S or done == total:
            self._last_update = now
            self.app.call_from_thread(self._show_progress, done, total, name)

    def _show_progress(self, done: int, total: int, name: str) -> None:
        self.query_one("#import-bar", ProgressBar).update(total=total, progress=done)
        self.query_one("#import-current", Static).update(f"{done}/{total}  {Path(name).name}")

    def action_cancel(self) -> None:
        """Stop after the current file."""
        self.query_one("#import-current", Static).update("Cancelling…")
        for worker in self.workers:
            worker.cancel()


def import_summary(report: ImportReport) -> str:
    """What an import did, in one notification: its counts and the first files skipped, and why."""
    details = "; ".join(f"{neutralize(Path(origin).name)}: {reason}" for origin, reason in report.skipped[:3])
    more = f" (and {len(report.skipped) - 3} more)" if len(report.skipped) > 3 else ""
    return report.summary() + (f". Skipped {details}{more}" if details else ".")

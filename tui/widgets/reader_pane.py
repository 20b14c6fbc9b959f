"""Pane 2: the reader in its numbered box, titled with the open article.

Its border says what the reader is waiting for: the store (``waiting for the store…``,
``reconnecting…``, set by the screen) or the rest of a count being typed (``count 3…``).
"""

from __future__ import annotations

from textual.app import ComposeResult

from tui.widgets.pane import Pane
from tui.widgets.reader import Reader
from tui.widgets.reader_motion import CountChanged


class ReaderPane(Pane):
    """Pane 2: the reading view, titled with the open article."""

    PANE_TITLE = "Reader"
    PANE_NUMBER = 2

    def compose(self) -> ComposeResult:
        yield self.compose_empty()
        yield Reader(id="reader")

    @property
    def main_widget(self) -> Reader:
        return self.query_one(Reader)

    def on_count_changed(self, message: CountChanged) -> None:
        """Show a count being typed (``3`` of ``3w``) where the eye is: the reader's border."""
        count = message.count
        if count is None:
            self.set_status(None)
        elif 1 <= count <= 4:
            self.set_status(f"count {count}… (alt+{count}: pane {count})")
        else:
            self.set_status(f"count {count}…")

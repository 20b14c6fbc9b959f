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

    #: The store's state (set by the screen) and a count being typed: a count shows over the
    #: state, and once it is used up the state shows again (it is still true).
    _store_status: str | None = None
    _count_status: str | None = None

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
            self._count_status = None
        elif 1 <= count <= 4:
            self._count_status = f"count {count}… (alt+{count}: pane {count})"
        else:
            self._count_status = f"count {count}…"
        super().set_status(self._count_status or self._store_status)

    def set_status(self, status: str | None) -> None:
        """The store's state (``waiting for the store…``), shown whenever no count is being typed."""
        self._store_status = status
        super().set_status(self._count_status or status)

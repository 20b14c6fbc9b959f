"""Base class for the four panes: a titled, numbered box with an empty state.

Each pane owns one main widget (a list or the reader). When the pane has nothing to show, a
short message says why and what to do instead of leaving an empty box.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static


class Pane(Vertical):
    """A numbered pane; subclasses compose their main widget after :meth:`compose_empty`."""

    DEFAULT_CLASSES = "pane"

    #: Shown in the border: ``[1] Documents``; the number is the key that focuses the pane.
    PANE_TITLE = ""
    PANE_NUMBER = 0

    _subtitle: str | None = None
    _status: str | None = None

    def on_mount(self) -> None:
        self.set_title(self.PANE_TITLE)

    def set_title(self, title: str, subtitle: str | None = None) -> None:
        """Set the border title (and subtitle) as plain text.

        Titles may come from articles, and a string given to ``border_title`` is parsed as markup.
        """
        self.border_title = Content(f"[{self.PANE_NUMBER}] {title}")
        self._subtitle = subtitle
        self._show_subtitle()

    def set_status(self, status: str | None) -> None:
        """Show a passing state (``waiting for the store…``) in place of the subtitle, or clear it."""
        self._status = status
        self._show_subtitle()

    def _show_subtitle(self) -> None:
        shown = self._status or self._subtitle
        self.border_subtitle = Content(shown) if shown else None

    def compose_empty(self) -> Static:
        """The empty-state message, hidden until :meth:`set_empty` shows it."""
        empty = Static("", classes="empty", markup=False)
        empty.display = False
        return empty

    @property
    def main_widget(self) -> Widget:
        """The widget that takes focus for the pane."""
        raise NotImplementedError

    def set_empty(self, message: str | None) -> None:
        """Show ``message`` in place of the main widget, or the main widget when ``None``."""
        empty = self.query_one(".empty", Static)
        empty.update(message or "")
        empty.display = message is not None

    def focus_main(self) -> None:
        """Give the pane's main widget the keyboard, at once.

        ``Widget.focus()`` is deferred, so keys typed right after the one that moved focus (as
        over SSH, where keys arrive together) would still reach the old widget.
        """
        self.screen.set_focus(self.main_widget)

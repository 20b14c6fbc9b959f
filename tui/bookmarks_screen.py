"""Your bookmarks in this store: ``'`` from anywhere (``B`` in the reader makes one).

Each with its article and the words where it is; ``Enter`` opens the place, ``x`` takes the
highlighted bookmark away, ``Esc`` goes back. Bookmarks are this analyst's own
(:class:`store.reading_state.ReadingState`), never the shared store's.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from store import Store, StoreConnectionError
from store.reading_state import ReadingState
from tui.widgets.nav_list import NavList


class BookmarksScreen(ModalScreen[tuple[str, int] | None]):
    """The bookmarks; returns the place chosen (article, offset) or ``None``."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "back", "Back", id="bookmarks.back"),
        Binding("x,delete", "remove", "Remove", id="bookmarks.remove"),
    ]

    def __init__(self, store: Store, reading: ReadingState) -> None:
        super().__init__()
        self.store = store
        self.reading = reading

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-box"):
            yield NavList(id="bookmarks-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#bookmarks-box").border_title = "Bookmarks"
        self._fill()
        self.query_one("#bookmarks-list", OptionList).focus()

    def _fill(self) -> None:
        marks = list(reversed(self.reading.bookmarks()))
        try:
            titles = self.store.article_titles({b.article_id for b in marks})
        except StoreConnectionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            titles = {}
        rows = []
        for mark in marks:
            gone = mark.article_id not in titles
            row = Text(titles.get(mark.article_id, "(article no longer in the store)"), style="dim" if gone else "bold")
            row.append(f"\n  {mark.label}", style="dim")
            rows.append(Option(row, id=f"{mark.offset}:{mark.article_id}", disabled=gone))
        options = self.query_one("#bookmarks-list", OptionList)
        options.set_options(
            rows or [Option(Text("No bookmarks yet: B in the reader marks a place.", style="dim"), disabled=True)]
        )
        if rows:
            options.highlighted = 0
        self.query_one("#bookmarks-box").border_subtitle = f"{len(rows)} · Enter open · x remove"

    @staticmethod
    def _place(option_id: str) -> tuple[str, int]:
        offset, _, article_id = option_id.partition(":")
        return article_id, int(offset)

    @on(OptionList.OptionSelected, "#bookmarks-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(self._place(event.option.id))

    def action_remove(self) -> None:
        """Take the highlighted bookmark away."""
        option = self.query_one("#bookmarks-list", OptionList).highlighted_option
        if option is None or not option.id:
            return
        article_id, offset = self._place(option.id)
        try:
            self.reading.remove_bookmark(article_id, offset)
        except OSError as exc:
            self.notify(f"Not removed: {exc}", severity="error", markup=False)
            return
        self._fill()

    def action_back(self) -> None:
        """Back to the main screen."""
        self.dismiss(None)

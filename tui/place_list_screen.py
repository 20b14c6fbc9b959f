"""The base of the screens that list places across the corpus (concordance, timeline).

Each reads its rows off the UI thread (:meth:`PlaceListScreen.read`), shows them
(:meth:`PlaceListScreen.show`), keeps the highlighted line across a new reading (a re-sort)
or opens at a line asked for (the history coming back), says under the list what the
highlighted line is, and returns the place chosen: (article id, start, end). A subject gone
meanwhile (another analyst deleted the entity), a query that cannot be read or a server that
does not answer is said in the list's place, never a crash.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.worker import get_current_worker

from store import QueryError, Store, StoreConnectionError
from tui.widgets.row_list import RowList


class PlaceListScreen(ModalScreen[tuple[str, int, int] | None]):
    """A list of places (see the module docstring); subclasses say what is read and shown."""

    BINDINGS: list[BindingType] = [Binding("escape", "back", "Back", id="places.back")]

    #: The ids of the list and of the line that says the list is empty (or why it is not shown).
    LIST_ID = ""
    EMPTY_ID = ""

    def __init__(
        self,
        store: Store,
        *,
        entity_id: str | None = None,
        query: str | None = None,
        label: str | None = None,
        start_key: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        #: What the list is about: an entity, a search, or a label (the store's questions take these).
        self.entity_id = entity_id
        self.search_query = query
        self.label = label
        #: The line to highlight at the first reading (the history coming back to it).
        self.start_key = start_key

    @property
    def rows(self) -> RowList[Any]:
        """The list widget."""
        return self.query_one(f"#{self.LIST_ID}", RowList)

    def read(self) -> tuple[Any, ...]:
        """What to show, read on a worker thread (the arguments of :meth:`show`)."""
        raise NotImplementedError

    def show(self, *read: Any) -> None:
        """Show what :meth:`read` gave (on the UI thread)."""
        raise NotImplementedError

    def detail(self, row: Any) -> None:
        """Say under the list what the highlighted line is."""

    def place_of(self, row: Any) -> tuple[str, int, int]:
        """Where a chosen line leads: (article id, start, end)."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="place-list", exit_on_error=False)
    def load(self) -> None:
        """Read off the UI thread: an entity may be named thousands of times, a corpus be big."""
        try:
            read = self.read()
        except (KeyError, QueryError, StoreConnectionError) as error:
            message = "It is gone: another analyst deleted it." if isinstance(error, KeyError) else str(error)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self.show_error, message)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.show, *read)

    def fill(self, rows: list[Any], empty_message: str) -> None:
        """Put ``rows`` in the list, the kept line highlighted; ``empty_message`` when there are none."""
        self.rows.set_rows(rows, highlight_id=self.kept_key())
        empty = self.query_one(f"#{self.EMPTY_ID}", Static)
        empty.display = not rows
        empty.update(Text(empty_message if not rows else ""))
        self.detail(self.rows.highlighted_row())

    def show_error(self, message: str) -> None:
        """Say why there is nothing to show."""
        empty = self.query_one(f"#{self.EMPTY_ID}", Static)
        empty.display = True
        empty.update(Text(message))

    def kept_key(self) -> str | None:
        """The line to highlight after a reading: the one highlighted, else the one asked for at opening."""
        shown = self.rows.highlighted_row()
        key = self.rows.row_key(shown) if shown is not None else self.start_key
        self.start_key = None
        return key

    def highlighted_key(self) -> str | None:
        """The key of the line highlighted (the history comes back to it)."""
        shown = self.rows.highlighted_row()
        return self.rows.row_key(shown) if shown is not None else None

    @on(RowList.Highlighted)
    def _highlighted(self, event: RowList.Highlighted) -> None:
        self.detail(event.row)

    @on(RowList.Chosen)
    def _chosen(self, event: RowList.Chosen) -> None:
        self.dismiss(self.place_of(event.row))

    def action_back(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

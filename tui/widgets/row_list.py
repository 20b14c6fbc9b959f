"""A list of rows (two lines each, or one) that reads and draws only the rows on screen, however many there are.

An :class:`OptionList` measures every row when filled (2 s for 10,000 articles here); this list
renders, through Textual's line API, the lines that are visible. Its rows are any sequence: a
Python list, or a listing that a store on a server fills a page at a time
(:class:`store.listing.ArticleListing`). The list asks its length once per fill and reads the
rows on screen (and a few either side) in one request, kept until the view moves past them;
it never walks the whole sequence. Subclasses say what a row shows (:meth:`RowList.row_lines`)
and what identifies it (:meth:`RowList.row_key`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar, runtime_checkable

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

#: Lines per row unless a list says otherwise (:attr:`RowList.row_height`).
ROW_HEIGHT = 2
#: Rows read beyond each edge of the screen, so that moving a row or two asks for nothing.
WINDOW_MARGIN = 4
RowT = TypeVar("RowT")
RowT_co = TypeVar("RowT_co", covariant=True)


@runtime_checkable
class PagedRows(Protocol[RowT_co]):
    """Rows that are cheaper to read a slice at a time and to look up by key than to walk.

    :class:`store.listing.ArticleListing` is one: on a server each call is one query.
    """

    def rows(self, start: int, stop: int) -> list[RowT_co]:
        """The rows from ``start`` to ``stop``."""
        ...

    def index_of(self, key: str) -> int | None:
        """Where the row with that key is, or ``None``."""
        ...


def top_row(highlighted: int | None, height: int, row_height: int = ROW_HEIGHT) -> int:
    """The first row on screen right after a fill that highlights ``highlighted``.

    A fill scrolls to the top, then just far enough down for the highlighted row to show.
    """
    if highlighted is None:
        return 0
    height = max(height, row_height)
    bottom = (highlighted + 1) * row_height
    return max(bottom - height, 0) // row_height


def window(top: int, height: int, length: int, row_height: int = ROW_HEIGHT) -> tuple[int, int]:
    """The rows read in one request: those on screen from row ``top``, and a margin either side."""
    shown = max(height, row_height) // row_height + 1  # a row cut in half by the edge counts
    return max(top - WINDOW_MARGIN, 0), min(top + shown + WINDOW_MARGIN, length)


class RowList(ScrollView, Generic[RowT], can_focus=True):
    """Rows of :attr:`row_height` lines with a highlighted row and vim keys; subclasses say how a row reads."""

    #: Lines each row takes; a list may change it (the documents list has one-line rows on a
    #: narrow screen), then calls :meth:`set_row_height`.
    row_height = ROW_HEIGHT

    BINDINGS: list[BindingType] = [
        Binding("down,j", "move(1)", "Down", show=False, id="rows.down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="rows.up"),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False, id="rows.page_down"),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False, id="rows.page_up"),
        Binding("home,g", "edge(-1)", "First", show=False, id="rows.first"),
        Binding("end,G", "edge(1)", "Last", show=False, id="rows.last"),
        Binding("enter", "choose", "Open", show=False, id="rows.open"),
    ]

    COMPONENT_CLASSES = {"row-list--highlight", "row-list--details"}

    #: Errors that mean the rows cannot be read just now (a server gone away): the rows not at
    #: hand are drawn blank and :class:`RowList.Unreadable` is posted, instead of the app ending.
    UNREADABLE: tuple[type[Exception], ...] = ()

    class RowMessage(Message):
        """Something happened to one row of a list."""

        def __init__(self, row_list: RowList[object], row: object) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

        @property
        def control(self) -> RowList[object]:
            """The list of the row (lets ``@on(RowList.Chosen, "#id")`` match)."""
            return self.row_list

    class Chosen(RowMessage):
        """Enter (or a click) on a row."""

    class Highlighted(RowMessage):
        """The highlight moved to another row (a screen may show more of it elsewhere)."""

    class Unreadable(Message):
        """Rows could not be read (one of :attr:`RowList.UNREADABLE`); said once per fill."""

        def __init__(self, row_list: RowList[object], error: Exception) -> None:
            super().__init__()
            self.row_list = row_list
            self.error = error

        @property
        def control(self) -> RowList[object]:
            """The list whose rows could not be read."""
            return self.row_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: The rows listed: read only through :meth:`row_at` and :meth:`index_of`.
        self.rows: Sequence[RowT] = ()
        self.highlighted: int | None = None
        self._length = 0
        #: The rows last read, and the index of the first: what is drawn comes from here.
        self._window: tuple[int, list[RowT]] = (0, [])
        #: Positions by key, for rows that are a plain list (made on the first lookup).
        self._positions: dict[str, int] | None = None
        self._unreadable_said = False

    @property
    def row_count(self) -> int:
        """Number of rows listed."""
        return self._length

    def row_key(self, row: RowT) -> str:
        """A row's identity, to find it again (keep the highlight on it across refills)."""
        raise NotImplementedError

    def row_lines(self, row: RowT) -> tuple[Text, ...]:
        """The lines a row shows (:attr:`row_height` of them)."""
        raise NotImplementedError

    def fit_line(self, row: RowT, line: Text, width: int) -> Text:
        """One of a row's lines made ``width`` cells wide (cut with an ellipsis, or padded)."""
        fitted = line.copy()
        fitted.truncate(width, overflow="ellipsis", pad=True)
        return fitted

    def set_row_height(self, lines: int) -> None:
        """Draw each row on ``lines`` lines from now on, keeping the highlighted row in view."""
        if lines == self.row_height:
            return
        self.row_height = lines
        self.virtual_size = Size(self.scrollable_content_region.width, self._length * lines)
        self._show_highlight()
        self.refresh()

    def set_rows(
        self,
        rows: Sequence[RowT],
        highlight_id: str | None = None,
        *,
        length: int | None = None,
        highlighted: int | None = None,
        window: tuple[int, list[RowT]] | None = None,
    ) -> None:
        """List ``rows``; keep the highlight on ``highlight_id`` if it is among them.

        A caller that already asked the rows for their length, the highlighted row's position
        or the rows first on screen (off the UI thread: see :class:`DocumentList`) passes them
        in, and they are not asked again.
        """
        self.rows = rows
        self._positions = None
        self._unreadable_said = False
        self._length = len(rows) if length is None else length
        self._window = window or (0, [])
        if highlighted is None and highlight_id is not None:
            highlighted = self.index_of(highlight_id)
        if highlighted is None or not 0 <= highlighted < self._length:
            highlighted = 0 if self._length else None
        self.highlighted = highlighted
        self.virtual_size = Size(self.scrollable_content_region.width, self._length * self.row_height)
        self.scroll_to(y=0, animate=False)
        self._show_highlight()
        self.refresh()

    def row_at(self, index: int) -> RowT:
        """The row at ``index``, read with the rows around it if it is not at hand."""
        start, cached = self._window
        if not start <= index < start + len(cached):
            height = self.scrollable_content_region.height
            top = int(self.scroll_y) // self.row_height
            first, last = window(top, height, self._length, self.row_height)
            if not first <= index < last:  # a row away from the screen: a screenful from it
                first, last = window(index, height, self._length, self.row_height)
            start, cached = first, self._read(first, last)
            self._window = (start, cached)
        return cached[index - start]

    def _read(self, start: int, stop: int) -> list[RowT]:
        if isinstance(self.rows, PagedRows):
            return list(self.rows.rows(start, stop))
        return list(self.rows[start:stop])

    def _shown_row(self, index: int) -> RowT | None:
        """The row at ``index``, or ``None`` when it cannot be read just now (see UNREADABLE)."""
        try:
            return self.row_at(index)
        except self.UNREADABLE as error:
            if not self._unreadable_said:
                self._unreadable_said = True
                self.post_message(self.Unreadable(self, error))
            return None

    def highlighted_row(self) -> RowT | None:
        """The highlighted row, if any (and if it can be read)."""
        return self._shown_row(self.highlighted) if self.highlighted is not None and self._length else None

    def index_of(self, key: str) -> int | None:
        """Position of a row in the list, if listed (rows at hand are looked up first)."""
        index = self._index_at_hand(key)
        if index is not None:
            return index
        if isinstance(self.rows, PagedRows):
            return self.rows.index_of(key)
        if self._positions is None:
            self._positions = {self.row_key(row): index for index, row in enumerate(self.rows)}
        return self._positions.get(key)

    def _index_at_hand(self, key: str) -> int | None:
        start, cached = self._window
        for offset, row in enumerate(cached):
            if self.row_key(row) == key:
                return start + offset
        return None

    def highlight_id(self, key: str) -> bool:
        """Highlight a row if it is listed; True if it was."""
        index = self.index_of(key)
        if index is None:
            return False
        self.highlighted = index
        self._show_highlight()
        self.refresh()
        return True

    def refresh_row(self, key: str) -> None:
        """Redraw one row after what it shows changed (rows not at hand are not on screen)."""
        index = self._index_at_hand(key)
        if index is not None:
            self.refresh_lines(index * self.row_height - int(self.scroll_y), self.row_height)

    def row_text(self, index: int) -> str:
        """The lines of a row as plain text (what the row shows)."""
        return "\n".join(line.plain for line in self.row_lines(self.row_at(index)))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        index, part = divmod(line, self.row_height)
        row = self._shown_row(index) if index < self._length else None
        if row is None:
            return Strip.blank(width, self.rich_style)
        text = self.fit_line(row, self.row_lines(row)[part], width)
        if index == self.highlighted:
            text.stylize(self.get_component_rich_style("row-list--highlight"))
        return (
            Strip(text.render(self.app.console)).extend_cell_length(width).crop(0, width).apply_style(self.rich_style)
        )

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, self._length * self.row_height)

    def _show_highlight(self) -> None:
        if self.highlighted is None:
            return
        top = self.highlighted * self.row_height
        height = max(self.scrollable_content_region.height, self.row_height)
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif top + self.row_height > self.scroll_y + height:
            self.scroll_to(y=top + self.row_height - height, animate=False)

    def _move_to(self, index: int) -> None:
        if not self._length:
            return
        before = self.highlighted
        self.highlighted = max(0, min(index, self._length - 1))
        self._show_highlight()
        self.refresh()
        if self.highlighted != before:
            row = self._shown_row(self.highlighted)
            if row is not None:
                self.post_message(self.Highlighted(self, row))

    def action_move(self, step: int) -> None:
        """Move the highlight by ``step`` rows."""
        self._move_to((self.highlighted or 0) + step if self.highlighted is not None else 0)

    def action_page(self, direction: int) -> None:
        """Move the highlight by a screenful."""
        rows = max(self.scrollable_content_region.height // self.row_height - 1, 1)
        self.action_move(direction * rows)

    def action_edge(self, direction: int) -> None:
        """Highlight the first or the last row."""
        self._move_to(0 if direction < 0 else self._length - 1)

    def action_choose(self) -> None:
        """Open the highlighted row."""
        row = self.highlighted_row()
        if row is not None:
            self.post_message(self.Chosen(self, row))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (int(self.scroll_y) + offset.y) // self.row_height
        if index < self._length:
            self._move_to(index)
            row = self._shown_row(index)
            if row is not None:
                self.post_message(self.Chosen(self, row))

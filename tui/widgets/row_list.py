"""A list of two-line rows that draws only the rows on screen, however many there are.

An :class:`OptionList` measures every row when filled (2 s for 10,000 articles here); this list
keeps its rows in a Python list and renders, through Textual's line API, the lines that are
visible. Refilling replaces the list; nothing else is recomputed. Subclasses say what a row
shows (:meth:`RowList.row_lines`) and what identifies it (:meth:`RowList.row_key`).
"""

from __future__ import annotations

from typing import Generic, TypeVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

ROW_HEIGHT = 2
RowT = TypeVar("RowT")


class RowList(ScrollView, Generic[RowT], can_focus=True):
    """Two-line rows with a highlighted row and vim keys; subclasses say how a row reads."""

    BINDINGS: list[BindingType] = [
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False),
        Binding("home,g", "edge(-1)", "First", show=False),
        Binding("end,G", "edge(1)", "Last", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]

    COMPONENT_CLASSES = {"row-list--highlight", "row-list--details"}

    class Chosen(Message):
        """Enter (or a click) on a row."""

        def __init__(self, row_list: RowList[object], row: object) -> None:
            super().__init__()
            self.row_list = row_list
            self.row = row

        @property
        def control(self) -> RowList[object]:
            """The list the row was chosen in (lets ``@on(RowList.Chosen, "#id")`` match)."""
            return self.row_list

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[RowT] = []
        self.highlighted: int | None = None
        self._positions: dict[str, int] = {}

    @property
    def row_count(self) -> int:
        """Number of rows listed."""
        return len(self.rows)

    def row_key(self, row: RowT) -> str:
        """A row's identity, to find it again (keep the highlight on it across refills)."""
        raise NotImplementedError

    def row_lines(self, row: RowT) -> tuple[Text, Text]:
        """The two lines a row shows."""
        raise NotImplementedError

    def set_rows(self, rows: list[RowT], highlight_id: str | None = None) -> None:
        """List ``rows``; keep the highlight on ``highlight_id`` if it is among them."""
        self.rows = rows
        self._positions = {self.row_key(row): index for index, row in enumerate(rows)}
        self.highlighted = self._positions.get(highlight_id or "", 0 if rows else None)
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows) * ROW_HEIGHT)
        self.scroll_to(y=0, animate=False)
        self._show_highlight()
        self.refresh()

    def index_of(self, key: str) -> int | None:
        """Position of a row in the list, if listed."""
        return self._positions.get(key)

    def highlight_id(self, key: str) -> bool:
        """Highlight a row if it is listed; True if it was."""
        index = self._positions.get(key)
        if index is None:
            return False
        self.highlighted = index
        self._show_highlight()
        self.refresh()
        return True

    def refresh_row(self, key: str) -> None:
        """Redraw one row after what it shows changed."""
        index = self._positions.get(key)
        if index is not None:
            self.refresh_lines(index * ROW_HEIGHT - int(self.scroll_y), ROW_HEIGHT)

    def row_text(self, index: int) -> str:
        """The two lines of a row as plain text (what the row shows)."""
        first, second = self.row_lines(self.rows[index])
        return f"{first.plain}\n{second.plain}"

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        index, part = divmod(line, ROW_HEIGHT)
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        text = self.row_lines(self.rows[index])[part].copy()
        text.truncate(width, overflow="ellipsis", pad=True)
        if index == self.highlighted:
            text.stylize(self.get_component_rich_style("row-list--highlight"))
        return (
            Strip(text.render(self.app.console)).extend_cell_length(width).crop(0, width).apply_style(self.rich_style)
        )

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows) * ROW_HEIGHT)

    def _show_highlight(self) -> None:
        if self.highlighted is None:
            return
        top = self.highlighted * ROW_HEIGHT
        height = max(self.scrollable_content_region.height, ROW_HEIGHT)
        if top < self.scroll_y:
            self.scroll_to(y=top, animate=False)
        elif top + ROW_HEIGHT > self.scroll_y + height:
            self.scroll_to(y=top + ROW_HEIGHT - height, animate=False)

    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        self.highlighted = max(0, min(index, len(self.rows) - 1))
        self._show_highlight()
        self.refresh()

    def action_move(self, step: int) -> None:
        """Move the highlight by ``step`` rows."""
        self._move_to((self.highlighted or 0) + step if self.highlighted is not None else 0)

    def action_page(self, direction: int) -> None:
        """Move the highlight by a screenful."""
        rows = max(self.scrollable_content_region.height // ROW_HEIGHT - 1, 1)
        self.action_move(direction * rows)

    def action_edge(self, direction: int) -> None:
        """Highlight the first or the last row."""
        self._move_to(0 if direction < 0 else len(self.rows) - 1)

    def action_choose(self) -> None:
        """Open the highlighted article."""
        if self.highlighted is not None and self.rows:
            self.post_message(self.Chosen(self, self.rows[self.highlighted]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (int(self.scroll_y) + offset.y) // ROW_HEIGHT
        if index < len(self.rows):
            self._move_to(index)
            self.post_message(self.Chosen(self, self.rows[index]))

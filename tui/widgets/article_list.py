"""A list of articles that draws only the rows on screen, however many there are.

An :class:`OptionList` measures every row when filled (2 s for 10,000 articles here); this list
keeps the articles in a Python list and renders, through Textual's line API, the two lines of
each row that are visible. Filtering replaces the list; nothing else is recomputed.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from store import Article

ROW_HEIGHT = 2


class ArticleList(ScrollView, can_focus=True):
    """Two-line rows (title; source · date · tags) with a highlighted row and vim keys."""

    BINDINGS: list[BindingType] = [
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("pagedown,ctrl+f", "page(1)", "Page down", show=False),
        Binding("pageup,ctrl+b", "page(-1)", "Page up", show=False),
        Binding("home,g", "edge(-1)", "First", show=False),
        Binding("end,G", "edge(1)", "Last", show=False),
        Binding("enter", "choose", "Open", show=False),
    ]

    COMPONENT_CLASSES = {"article-list--highlight", "article-list--details"}

    class Chosen(Message):
        """Enter (or a click) on an article."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[Article] = []
        self.counts: dict[str, int] = {}
        self.highlighted: int | None = None
        self._positions: dict[str, int] = {}

    @property
    def row_count(self) -> int:
        """Number of articles listed."""
        return len(self.rows)

    def set_rows(self, rows: list[Article], counts: dict[str, int], highlight_id: str | None = None) -> None:
        """List ``rows``; keep the highlight on ``highlight_id`` if it is among them."""
        self.rows = rows
        self.counts = counts
        self._positions = {article.id: index for index, article in enumerate(rows)}
        self.highlighted = self._positions.get(highlight_id or "", 0 if rows else None)
        self.virtual_size = Size(self.scrollable_content_region.width, len(rows) * ROW_HEIGHT)
        self.scroll_to(y=0, animate=False)
        self._show_highlight()
        self.refresh()

    def index_of(self, article_id: str) -> int | None:
        """Position of an article in the list, if listed."""
        return self._positions.get(article_id)

    def highlight_id(self, article_id: str) -> bool:
        """Highlight an article if it is listed; True if it was."""
        index = self._positions.get(article_id)
        if index is None:
            return False
        self.highlighted = index
        self._show_highlight()
        self.refresh()
        return True

    def update_count(self, article_id: str, count: int) -> None:
        """A row's tag count changed."""
        self.counts[article_id] = count
        index = self._positions.get(article_id)
        if index is not None:
            self.refresh_lines(index * ROW_HEIGHT - int(self.scroll_y), ROW_HEIGHT)

    def row_text(self, index: int) -> str:
        """The two lines of a row as plain text (what the row shows)."""
        title, details = self._row_lines(self.rows[index])
        return f"{title.plain}\n{details.plain}"

    def _row_lines(self, article: Article) -> tuple[Text, Text]:
        title = Text(article.display_title, no_wrap=True, overflow="ellipsis", end="")
        parts = [p for p in (article.source, article.published.isoformat() if article.published else None) if p]
        count = self.counts.get(article.id, 0)
        if count:
            parts.append(f"{count} tag{'s' if count != 1 else ''}")
        details = Text(" · ".join(parts) or "no source or date stated", no_wrap=True, overflow="ellipsis", end="")
        details.stylize(self.get_component_rich_style("article-list--details"))
        return title, details

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        line = int(self.scroll_y) + y
        index, part = divmod(line, ROW_HEIGHT)
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        text = self._row_lines(self.rows[index])[part]
        text.truncate(width, overflow="ellipsis", pad=True)
        if index == self.highlighted:
            text.stylize(self.get_component_rich_style("article-list--highlight"))
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
            self.post_message(self.Chosen(self.rows[self.highlighted].id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = (int(self.scroll_y) + offset.y) // ROW_HEIGHT
        if index < len(self.rows):
            self._move_to(index)
            self.post_message(self.Chosen(self.rows[index].id))

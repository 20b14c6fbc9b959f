"""The rows of the documents pane: one article per row, read and drawn only when on screen."""

from __future__ import annotations

from rich.text import Text
from textual import events

from store import StoreConnectionError
from store.listing import ArticleRow
from tui.widgets.row_list import RowList

#: On a terminal shorter than this, rows take one line (the title and its tag count): at 80x24
#: the list is 13 lines tall, and six articles in view were too few to find one. Decided by the
#: terminal, not by the list's own height, which passes through other sizes while laid out.
TWO_LINE_ROWS_FROM = 32


class ArticleList(RowList[ArticleRow]):
    """Two-line rows: the title; number of tags · source · date. One line when the list is short.

    The rows come from a listing (:meth:`store.Store.listing`), a snapshot: a tag saved after it
    was read would show the old count until the next listing. :meth:`update_count` keeps the new
    count beside the listing and draws it instead, so a save never reads the listing again.
    """

    #: A server store that stops answering while rows are read.
    UNREADABLE = (StoreConnectionError,)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: Tag counts newer than the listing's: article id -> (count, mark when it was set).
        self._counts: dict[str, tuple[int, int]] = {}
        self._mark = 0
        #: The articles this analyst has read (their titles are plain; unread ones bold), or
        #: ``None`` when that is not known (nothing is marked).
        self.read: set[str] | None = None

    def row_key(self, row: ArticleRow) -> str:
        return row.id

    def mark_counts(self) -> int:
        """Note that a new listing is being asked for; pass the mark to :meth:`forget_counts`.

        A count set from now on may be newer than what that listing read, so it is kept over it.
        """
        self._mark += 1
        return self._mark

    def forget_counts(self, mark: int) -> None:
        """Drop the counts set before ``mark``: the listing asked for then has them already."""
        self._counts = {key: value for key, value in self._counts.items() if value[1] >= mark}

    def update_count(self, article_id: str, count: int) -> None:
        """An article's tag count changed: show it without asking for a new listing."""
        self._counts[article_id] = (count, self._mark)
        self.refresh_row(article_id)

    def tag_count(self, row: ArticleRow) -> int:
        """The row's tag count: the listing's, or a newer one given to :meth:`update_count`."""
        newer = self._counts.get(row.id)
        return row.tags if newer is None else newer[0]

    def on_resize(self, event: events.Resize) -> None:
        super().on_resize(event)
        self.set_row_height(1 if self.app.size.height < TWO_LINE_ROWS_FROM else 2)

    def set_read(self, article_id: str, read: bool) -> None:
        """One article was marked read (or unread): draw its row so."""
        if self.read is not None:
            (self.read.add if read else self.read.discard)(article_id)
            self.refresh_row(article_id)

    def _title_style(self, row: ArticleRow) -> str:
        return "bold" if self.read is not None and row.id not in self.read else ""

    def row_lines(self, row: ArticleRow) -> tuple[Text, ...]:
        if self.row_height == 1:
            title = Text(row.display_title, style=self._title_style(row), end="")
            return (Text.assemble(title, self._count_suffix(row), no_wrap=True, end=""),)
        title = Text(row.display_title, style=self._title_style(row), no_wrap=True, overflow="ellipsis", end="")
        parts = [p for p in (row.source, row.published.isoformat() if row.published else None) if p]
        count = self.tag_count(row)
        if count:  # first: it changes as you work, and a narrow pane cuts the end of the line
            parts.insert(0, f"{count} tag{'s' if count != 1 else ''}")
        details = Text(" · ".join(parts) or "no source or date stated", no_wrap=True, overflow="ellipsis", end="")
        details.stylize(self.get_component_rich_style("row-list--details"))
        return title, details

    def _count_suffix(self, row: ArticleRow) -> Text:
        count = self.tag_count(row)
        suffix = Text(f" {count} tag{'s' if count != 1 else ''}" if count else "", end="")
        suffix.stylize(self.get_component_rich_style("row-list--details"))
        return suffix

    def fit_line(self, row: ArticleRow, line: Text, width: int) -> Text:
        """A one-line row keeps its tag count: the title is cut before it."""
        if self.row_height != 1:
            return super().fit_line(row, line, width)
        suffix = self._count_suffix(row)
        title = Text(row.display_title, style=self._title_style(row), no_wrap=True, end="")
        title.truncate(max(width - len(suffix), 1), overflow="ellipsis", pad=True)
        return Text.assemble(title, suffix, no_wrap=True, end="")

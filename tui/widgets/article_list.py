"""The rows of the documents pane: one article per row, drawn only when on screen."""

from __future__ import annotations

from rich.text import Text

from store import Article
from tui.widgets.row_list import RowList


class ArticleList(RowList[Article]):
    """Two-line rows: the title; source · date · number of tags."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: dict[str, int] = {}

    def row_key(self, row: Article) -> str:
        return row.id

    def set_articles(self, rows: list[Article], counts: dict[str, int], highlight_id: str | None = None) -> None:
        """List ``rows`` with their tag counts."""
        self.counts = counts
        self.set_rows(rows, highlight_id)

    def update_count(self, article_id: str, count: int) -> None:
        """A row's tag count changed."""
        self.counts[article_id] = count
        self.refresh_row(article_id)

    def row_lines(self, row: Article) -> tuple[Text, Text]:
        title = Text(row.display_title, no_wrap=True, overflow="ellipsis", end="")
        parts = [p for p in (row.source, row.published.isoformat() if row.published else None) if p]
        count = self.counts.get(row.id, 0)
        if count:
            parts.append(f"{count} tag{'s' if count != 1 else ''}")
        details = Text(" · ".join(parts) or "no source or date stated", no_wrap=True, overflow="ellipsis", end="")
        details.stylize(self.get_component_rich_style("row-list--details"))
        return title, details

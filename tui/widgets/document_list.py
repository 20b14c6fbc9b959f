"""Pane 1: the documents, filtered as you type.

The rows live in an :class:`ArticleList`, which draws only what is on screen, so 10,000
articles cost no more than ten. Typing a letter that is not a key binding starts the filter;
every typed word must occur in the title, source, author or date.
"""

from __future__ import annotations

from textual import events, on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Input

from store import Article
from store.fuzzy import words_score
from tui.widgets.article_list import ArticleList
from tui.widgets.pane import Pane
from tui.widgets.row_list import RowList


def _haystack(article: Article) -> str:
    published = article.published.isoformat() if article.published else None
    return " ".join(part for part in (article.display_title, article.source, article.author, published) if part)


class DocumentList(Pane):
    """The article list with a filter line above it."""

    PANE_TITLE = "Documents"
    PANE_NUMBER = 1

    BINDINGS: list[BindingType] = [
        Binding("ctrl+l", "focus_filter", "Filter", id="documents.filter"),
    ]

    class ArticleChosen(Message):
        """The user opened an article from the list."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._articles: list[Article] = []
        self._counts: dict[str, int] = {}
        self._redirecting = False

    def compose(self):
        yield Input(placeholder="type to filter…", id="document-filter", select_on_focus=False)
        yield self.compose_empty()
        yield ArticleList(id="document-rows")

    @property
    def main_widget(self) -> ArticleList:
        return self.query_one("#document-rows", ArticleList)

    def set_articles(self, articles: list[Article], counts: dict[str, int]) -> None:
        """Replace the articles listed (keeps the filter and, if still listed, the highlight)."""
        self._articles = articles
        self._counts = counts
        self._refill()

    def update_count(self, article: Article, count: int) -> None:
        """Refresh one row after its article's tags changed."""
        self._counts[article.id] = count
        self.main_widget.update_count(article.id, count)

    def _matches(self, query: str) -> list[Article]:
        if not query.strip():
            return self._articles
        scored = []
        for article in self._articles:
            score = words_score(query, _haystack(article))
            if score is not None:
                scored.append((score, article))
        scored.sort(key=lambda item: -item[0])
        return [article for _, article in scored]

    def _refill(self) -> None:
        rows = self.main_widget
        highlighted = rows.rows[rows.highlighted].id if rows.highlighted is not None and rows.rows else None
        query = self.query_one("#document-filter", Input).value
        shown = self._matches(query)
        rows.set_articles(shown, self._counts, None if query.strip() else highlighted)
        if not self._articles:
            self.set_empty("No articles yet.\nImport some from a shell:\n  dossier import PATH…")
        elif not shown:
            self.set_empty(f"No article matches “{query}”.\nEscape clears the filter.")
        else:
            self.set_empty(None)
        self.border_subtitle = Content(f"{len(shown)}/{len(self._articles)}" if query else str(len(self._articles)))

    def select_article(self, article_id: str) -> None:
        """Highlight the row of an article opened from elsewhere."""
        self.main_widget.highlight_id(article_id)

    @on(Input.Changed, "#document-filter")
    def _filter_changed(self) -> None:
        self._refill()

    @on(Input.Submitted, "#document-filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter opens the highlighted (by default the best) match."""
        rows = self.main_widget
        self.screen.set_focus(rows)
        rows.action_choose()

    def on_key(self, event: events.Key) -> None:
        """Filter as you type: a printable key that is no binding starts a new filter."""
        filter_input = self.query_one("#document-filter", Input)
        if filter_input.has_focus:
            if event.key == "escape":
                filter_input.value = ""
                self.screen.set_focus(self.main_widget)
                event.stop()
            elif event.key in ("down", "up"):
                self.screen.set_focus(self.main_widget)
                event.stop()
            return
        if event.is_printable and event.character and event.key not in self.screen.active_bindings:
            # The first key typed in the list starts a new filter; keys typed faster than the
            # focus moves (they still arrive here) are added to it, not put in its place.
            filter_input.value = (filter_input.value if self._redirecting else "") + event.character
            filter_input.cursor_position = len(filter_input.value)
            self._redirecting = True
            self.screen.set_focus(filter_input)
            event.stop()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Back in the list: the next letter typed starts a new filter."""
        if event.widget is self.main_widget:
            self._redirecting = False

    def action_focus_filter(self) -> None:
        """Move to the filter line with its text selected, so typing replaces it."""
        filter_input = self.query_one("#document-filter", Input)
        self.screen.set_focus(filter_input)
        filter_input.select_all()

    @on(RowList.Chosen, "#document-rows")
    def _chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        assert isinstance(event.row, Article)
        self.post_message(self.ArticleChosen(event.row.id))

"""Pane 1: the documents, filtered as you type.

The list is an :class:`OptionList` (the only Textual list that stays fast at 10,000 rows) filled
after the first frame. Typing a letter that is not a key binding starts the filter; the filter
matches title, source, author and date: every typed word must occur.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from store import Article
from store.fuzzy import words_score
from tui.widgets.nav_list import NavList
from tui.widgets.pane import Pane


def article_prompt(article: Article, count: int) -> Text:
    """Two lines for one article: its title, then source · date · number of tags."""
    prompt = Text(article.display_title, no_wrap=True, overflow="ellipsis", end="")
    details = [part for part in (article.source, article.published.isoformat() if article.published else None) if part]
    if count:
        details.append(f"{count} tag{'s' if count != 1 else ''}")
    prompt.append("\n")
    prompt.append(" · ".join(details) or "no source or date stated", style="dim")
    return prompt


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
        yield NavList(id="document-options")

    @property
    def main_widget(self) -> NavList:
        return self.query_one("#document-options", OptionList)

    def set_articles(self, articles: list[Article], counts: dict[str, int]) -> None:
        """Replace the articles listed (keeps the filter and, if still listed, the highlight)."""
        self._articles = articles
        self._counts = counts
        self._refill()

    def update_count(self, article: Article, count: int) -> None:
        """Refresh one row after its article's tags changed."""
        self._counts[article.id] = count
        options = self.main_widget
        if options.index_of(article.id) is not None:
            options.replace_option_prompt(article.id, article_prompt(article, count))

    def _matches(self, query: str) -> list[Article]:
        if not query.strip():
            return self._articles
        scored = []
        for article in self._articles:
            haystack = " ".join(
                part
                for part in (
                    article.display_title,
                    article.source,
                    article.author,
                    article.published.isoformat() if article.published else None,
                )
                if part
            )
            score = words_score(query, haystack)
            if score is not None:
                scored.append((score, article))
        scored.sort(key=lambda item: -item[0])
        return [article for _, article in scored]

    def _refill(self) -> None:
        options = self.main_widget
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        query = self.query_one("#document-filter", Input).value
        shown = self._matches(query)
        options.set_options(Option(article_prompt(a, self._counts.get(a.id, 0)), id=a.id) for a in shown)
        if query.strip() and shown:
            options.highlighted = 0
        if not self._articles:
            self.set_empty("No articles yet.\nImport some from a shell:\n  dossier import PATH…")
        elif not shown:
            self.set_empty(f"No article matches “{query}”.\nEscape clears the filter.")
        else:
            self.set_empty(None)
        if highlighted is not None and not options.highlight_id(highlighted):
            options.highlighted = 0 if shown else None
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
        options = self.main_widget
        self.screen.set_focus(options)
        if options.option_count and options.highlighted is None:
            options.highlighted = 0
        chosen = options.highlighted_option
        if chosen is not None and chosen.id:
            self.post_message(self.ArticleChosen(chosen.id))

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

    @on(OptionList.OptionSelected, "#document-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.ArticleChosen(event.option.id))

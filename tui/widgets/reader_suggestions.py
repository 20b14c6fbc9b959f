"""The reader's suggestions: drawn apart from tags, decided one key each.

What the store proposes (:meth:`store.Store.suggestions`) is drawn under the tags in a style
of its own (dim and dotted in colour, underlined only without colour, where tags are bold or
coloured), so the analyst's work and the machine's proposals never look alike. ``y`` accepts
the suggestion under the cursor, ``r`` rejects it, ``o`` / ``O`` go to the next or previous
one. The reader only asks (:class:`SuggestionDecided`); the screen saves.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message

from store import Suggestion

if TYPE_CHECKING:
    from store import Article


class SuggestionDecided(Message):
    """The analyst accepted (``accept``) or rejected a suggestion."""

    def __init__(self, suggestion: Suggestion, accept: bool) -> None:
        super().__init__()
        self.suggestion = suggestion
        self.accept = accept


#: The reader's keys for suggestions (Textual takes bindings from widget classes only: the
#: reader lists these among its own).
SUGGESTION_BINDINGS: list[BindingType] = [
    Binding("y", "decide(True)", "Accept", show=False, id="reader.accept_suggestion"),
    Binding("r", "decide(False)", "Reject", show=False, id="reader.reject_suggestion"),
    Binding("o", "next_suggestion(1)", "Next suggestion", show=False, id="reader.next_suggestion"),
    Binding("O", "next_suggestion(-1)", "Previous suggestion", show=False, id="reader.previous_suggestion"),
    Binding("p", "pass_over", "Pass", id="reader.pass"),
]


class PassRequested(Message):
    """``p``: pass over the article's suggestions one key each (the yes/no pass)."""


class ReaderSuggestions:
    """The suggestions layer of :class:`~tui.widgets.reader.Reader` (a mixin: the reader has the cursor)."""

    if TYPE_CHECKING:
        article: Article | None
        cursor: int

        def take_count(self) -> int: ...
        def place_cursor(self, offset: int) -> None: ...
        def refresh(self, *args: object, **kwargs: object) -> object: ...
        def post_message(self, message: Message) -> bool: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def get_component_rich_style(self, name: str) -> Style: ...

    _suggestions: list[Suggestion]
    _suggestion_starts: list[int]

    def set_suggestions(self, suggestions: list[Suggestion]) -> None:
        """Replace the suggestions drawn (for the article shown; others are ignored)."""
        article_id = self.article.id if self.article is not None else None
        self._suggestions = sorted((s for s in suggestions if s.article_id == article_id), key=lambda s: s.start)
        self._suggestion_starts = [s.start for s in self._suggestions]
        self.refresh()

    @property
    def suggestions(self) -> list[Suggestion]:
        """The suggestions drawn, in text order."""
        return list(getattr(self, "_suggestions", []))

    def suggestion_at(self, offset: int) -> Suggestion | None:
        """The suggestion covering ``offset``, if any (suggestions never overlap)."""
        found = [s for s in self.suggestions if s.start <= offset < s.end]
        return found[0] if found else None

    def stylize_suggestions(self, text: Text, start: int, end: int) -> None:
        """Style the suggestions on the line [start, end) (before the tags, which draw over them)."""
        suggestions = getattr(self, "_suggestions", [])
        if not suggestions:
            return
        style = self.get_component_rich_style("reader--suggestion")
        first = max(bisect.bisect_right(self._suggestion_starts, start) - 1, 0)
        for suggestion in suggestions[first:]:
            if suggestion.start >= end:
                break
            if suggestion.end > start:
                text.stylize(style, max(suggestion.start, start) - start, min(suggestion.end, end) - start)

    def action_decide(self, accept: bool) -> None:
        """Accept (``y``) or reject (``r``) the suggestion under the cursor."""
        self.take_count()
        suggestion = self.suggestion_at(self.cursor)
        if suggestion is None:
            message = "No suggestion under the cursor (o goes to the next one)."
            self.notify(message if self.suggestions else "No suggestions in this article.", severity="information")
            return
        self.post_message(SuggestionDecided(suggestion, accept))

    def action_pass_over(self) -> None:
        """Pass over this article's suggestions, one key each (y, n, s…)."""
        self.take_count()
        if self.article is None:
            self.notify("Open an article first.", severity="information")
            return
        self.post_message(PassRequested())

    def action_next_suggestion(self, direction: int) -> None:
        """Go to the next (or previous) suggestion, a count's number of them ahead; wraps around."""
        count = self.take_count()
        shown = self.suggestions
        if not shown:
            self.notify("No suggestions in this article.", severity="information")
            return
        at = self.cursor
        for _ in range(count):
            if direction > 0:
                at = next((s for s in shown if s.start > at), shown[0]).start
            else:
                at = next((s for s in reversed(shown) if s.start < at), shown[-1]).start
        self.place_cursor(at)

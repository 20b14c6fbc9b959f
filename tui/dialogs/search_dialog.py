"""Full-text search over the corpus; results update as you type, Enter opens the hit."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from store import SearchHit, Store
from tui.dialogs.dialog import Dialog, hold_keys
from tui.dialogs.field_keys import focus_first_field, steer_list_from_field


@dataclass(frozen=True, slots=True)
class SearchChoice:
    """The hit opened, with the search it came from (``n`` / ``N`` go on through its hits)."""

    query: str
    hits: tuple[SearchHit, ...]
    index: int

    @property
    def hit(self) -> SearchHit:
        """The hit chosen."""
        return self.hits[self.index]


class SearchDialog(Dialog[SearchChoice | None]):
    """Modal: search articles; returns the chosen hit and the search's hits."""

    BINDINGS: list[BindingType] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, store: Store, query: str = "") -> None:
        super().__init__()
        self.store = store
        self.initial = query
        self._hits: list[SearchHit] = []
        self._shown_query: str | None = None  # the query the listed results answer
        self._open_when_shown = False  # Enter came before the results (keys typed ahead)
        self._holding = False  # keys held from that Enter until the results open the hit

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Static("Search articles", id="dialog-title")
            yield Input(value=self.initial, placeholder='words, "a phrase", prefix…', id="search-query")
            yield OptionList(id="search-results")
            yield Static("↑↓ choose · Enter open · Esc cancel", classes="dialog-help", id="search-status")

    def on_mount(self) -> None:
        focus_first_field(self, "#search-query")
        self._run()

    @on(Input.Changed, "#search-query")
    def _run(self) -> None:
        query = self.query_one("#search-query", Input).value
        if not query.strip():
            self._show(query, [])
            return
        self.query_one("#search-status", Static).update("Searching…")
        self._search(query)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, query: str) -> None:
        """Search off the UI thread: typing never waits for a search (a pasted query may be long)."""
        hits = self.store.search(query, limit=50, typing=True)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits: list[SearchHit]) -> None:
        if query != self.query_one("#search-query", Input).value:
            return  # typed on since: a newer search is on its way
        self._shown_query = query
        if self._open_when_shown and hits and self.is_current:
            self.dismiss(SearchChoice(query, tuple(hits), 0))
            self._stop_holding()
            return
        # No hit, or another screen (the palette) opened over the dialog meanwhile: Enter waits
        # for the user again rather than closing a dialog that is not on top.
        self._open_when_shown = False
        self._stop_holding()
        self._hits = hits
        rows = []
        for number, hit in enumerate(hits):
            key = f"h{number}"
            article = self.store.article(hit.article_id)
            prompt = Text(article.display_title, style="bold", no_wrap=True, overflow="ellipsis", end="")
            prompt.append("\n")
            prompt.append(hit.snippet, style="dim")
            rows.append(Option(prompt, id=key))
        results = self.query_one("#search-results", OptionList)
        results.set_options(rows)
        if rows:
            results.highlighted = 0
        status = self.query_one("#search-status", Static)
        if query.strip() and not rows:
            status.update(Text(f"No article contains all of: {query}"))
        else:
            status.update(
                Text(f"{len(rows)} found · ↑↓ choose · Enter open · Esc cancel" if rows else "Type to search")
            )

    def on_key(self, event: events.Key) -> None:
        steer_list_from_field(
            event, self.query_one("#search-query", Input), self.query_one("#search-results", OptionList)
        )

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        if self._shown_query != self.query_one("#search-query", Input).value:
            # Open the first hit as soon as the search answers; the keys typed after Enter wait
            # for it (e then tags the hit, not the search box).
            self._open_when_shown = True
            if not self._holding:
                self._holding = True
                hold_keys(self.app, True)
            return
        option = self.query_one("#search-results", OptionList).highlighted_option
        if option is not None:
            self._choose(option.id or "")

    @on(OptionList.OptionSelected, "#search-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option.id or "")

    def _choose(self, key: str) -> None:
        query = self._shown_query or ""
        self.dismiss(SearchChoice(query, tuple(self._hits), int(key[1:])))

    def _stop_holding(self) -> None:
        if self._holding:
            self._holding = False
            hold_keys(self.app, False)

    def on_unmount(self) -> None:
        self._stop_holding()

    def action_cancel(self) -> None:
        """Close without opening anything."""
        self._stop_holding()
        self.dismiss(None)

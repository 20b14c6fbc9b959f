"""Search the corpus with the query language; results update as you type, Enter opens the hit.

A query that cannot be read (an unclosed quote, a filter that does not exist) says so, and
where, in the status line; nothing is opened until it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from store import QueryError, SearchHit, Store
from store.sanitize import neutralize
from tui.dialogs.dialog import Dialog, hold_keys
from tui.dialogs.field_keys import focus_first_field, steer_list_from_field
from tui.dialogs.prompt_dialog import PromptDialog

#: The keys of the results, said under them.
HINT = "↑↓ choose · Enter open · ctrl+s save as view · Esc cancel"
#: What the status line says before anything is typed: the language in one breath.
SYNTAX = (
    'Type to search: words, "a phrase", Mi-35, treat*, AND OR NOT ( ), filters entity: type: '
    "label: source: author: before: after: status: note: · Esc cancel"
)


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


def _shown(text: str, longest: int = 200) -> str:
    """Typed or pasted text as the status line shows it: no control codes, one line, not too long."""
    shown = " ".join(neutralize(text).split())
    return shown if len(shown) <= longest else shown[: longest - 1] + "…"


def sentence_line(hit: SearchHit, width: int) -> Text:
    """The hit's sentence on one line of ``width`` cells, the hit in it highlighted and in view.

    A longer sentence is cut around the hit (a third of the line before it), ``…`` marking the cuts.
    """
    before, after = hit.highlight
    snippet = hit.snippet
    if len(snippet) > width:
        left = max(0, min(before - width // 3, len(snippet) - width))
        right = left + width
        head = "…" if left > 0 else ""
        tail = "…" if right < len(snippet) else ""
        body = snippet[left + len(head) : right - len(tail)]
        shift = left
        snippet = head + body + tail
        before = min(max(before - shift, len(head)), len(snippet) - len(tail))
        after = min(max(after - shift, before), len(snippet) - len(tail))
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    line.append(snippet[:before], style="dim")
    line.append(snippet[before:after], style="bold reverse")
    line.append(snippet[after:], style="dim")
    return line


class SearchDialog(Dialog[SearchChoice | None]):
    """Modal: search articles; returns the chosen hit and the search's hits."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "cancel", "Cancel", id="search.cancel"),
        Binding("ctrl+s", "save_view", "Save as view", id="search.save_view"),
    ]

    def __init__(
        self,
        store: Store,
        query: str = "",
        save_view: Callable[[str, str], None] | None = None,
        *,
        start_index: int = 0,
    ) -> None:
        super().__init__()
        self.start_index = start_index
        self.store = store
        self.save_view = save_view
        self.initial = query
        self._hits: list[SearchHit] = []
        self._shown_query: str | None = None  # the query the listed results answer
        self._open_when_shown = False  # Enter came before the results (keys typed ahead)
        self._holding = False  # keys held from that Enter until the results open the hit
        self._failed: str | None = None  # the query the status line says cannot be read

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide"):
            yield Static("Search articles", id="dialog-title")
            yield Input(
                value=self.initial, placeholder='words, "a phrase", Mi-35, entity:NAME, OR, NOT…', id="search-query"
            )
            yield OptionList(id="search-results")
            yield Static(
                "↑↓ choose · Enter open · ctrl+s save as view · Esc cancel", classes="dialog-help", id="search-status"
            )

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
        try:
            hits = self.store.search(query, limit=50, typing=True)
        except QueryError as error:
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._show, query, [], error)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, query, hits)

    def _show(self, query: str, hits: list[SearchHit], error: QueryError | None = None) -> None:
        if query != self.query_one("#search-query", Input).value:
            return  # typed on since: a newer search is on its way
        self.query_one("#search-query", Input).set_class(error is not None, "-invalid")
        if error is not None:
            self._shown_query = None  # Enter opens nothing until the query reads
            self._failed = query
            self._open_when_shown = False
            self._stop_holding()
            self._hits = []
            self.query_one("#search-results", OptionList).clear_options()
            self.query_one("#search-status", Static).update(Text(f"Cannot search: {_shown(str(error))}", style="bold"))
            return
        self._shown_query = query
        self._failed = None
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
            prompt.append_text(sentence_line(hit, max(20, self.app.size.width - 8)))
            rows.append(Option(prompt, id=key))
        results = self.query_one("#search-results", OptionList)
        results.set_options(rows)
        if rows:
            # A search of the history comes back at the hit it was left at, until typed over.
            results.highlighted = min(self.start_index, len(rows) - 1) if query == self.initial else 0
        status = self.query_one("#search-status", Static)
        if query.strip() and not rows:
            status.update(Text(f"No article matches: {_shown(query)}"))
        elif rows:
            status.update(Text(f"{len(rows)} found · {HINT}"))
        else:
            status.update(Text(SYNTAX))

    def on_key(self, event: events.Key) -> None:
        steer_list_from_field(
            event, self.query_one("#search-query", Input), self.query_one("#search-results", OptionList)
        )

    @on(Input.Submitted, "#search-query")
    def _submitted(self) -> None:
        if self._failed == self.query_one("#search-query", Input).value:
            self.app.bell()  # the status line says what is wrong with it
            return
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

    @work(exclusive=True, group="search-save")
    async def action_save_view(self) -> None:
        """Keep the query as a view of the document list (V there shows it); asks for a name."""
        query = self.query_one("#search-query", Input).value.strip()
        if self.save_view is None or not query:
            self.notify("Type a search first; ctrl+s then keeps it as a view of the documents.", markup=False)
            return
        name = await self.app.push_screen_wait(
            PromptDialog("Save this search as a view named:", _shown(query, 40), "V in the documents shows it")
        )
        if not name:
            return
        try:
            self.save_view(name, query)
        except QueryError as error:
            self.notify(f"Not saved: {_shown(str(error))}", severity="warning", markup=False)
        except (ValueError, OSError) as error:
            self.notify(f"Not saved: {error}", severity="error", markup=False)
        else:
            self.notify(f"Saved the view “{_shown(name, 40)}”: V in the documents shows it.", markup=False)

    def action_cancel(self) -> None:
        """Close without opening anything."""
        self._stop_holding()
        self.dismiss(None)

"""Every passage of the corpus by label, with its note: ``P`` from anywhere.

A passage is a span marked with labels and a note (``m`` in the reader). This screen lists them
all, grouped by their first label, each with its article, its words and its note, filtered as
you type (words of the quote, the note or the labels; case and accents aside). ``Enter`` opens
the passage in the reader; ``/`` goes back to the filter, ``Esc`` back to the reader.
"""

from __future__ import annotations

from itertools import groupby

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList
from textual.widgets.option_list import Option

from store import Annotation, Store, StoreConnectionError
from tui.widgets.nav_list import NavList

#: What the list shows of a passage's words.
QUOTE_SHOWN = 60


class PassagesScreen(ModalScreen[tuple[str, int, int] | None]):
    """The corpus's passages by label; returns the one chosen (article, start, end) or ``None``."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "back", "Back", id="passages.back"),
        Binding("slash", "filter", "Filter", id="passages.filter"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.shown: list[Annotation] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="passages-box"):
            yield Input(placeholder="filter: words of the passage, its note or labels", id="passages-filter")
            yield NavList(id="passages-list")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#passages-box").border_title = "Passages"
        self._fill("")
        self.query_one("#passages-list", OptionList).focus()

    def _fill(self, query: str) -> None:
        try:
            self.shown = self.store.passages(query)
        except StoreConnectionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            return
        titles = self.store.article_titles({p.article_id for p in self.shown})
        rows: list[Option] = []
        for label, group in groupby(self.shown, key=lambda p: p.labels[0] if p.labels else ""):
            members = list(group)
            rows.append(Option(Text(f"{label or '(no label)'} ({len(members)})", style="bold"), disabled=True))
            for passage in members:
                row = Text("  ")
                row.append(titles.get(passage.article_id, "?")[:24], style="dim")
                quote = " ".join(passage.quote.split())
                row.append(f"  “{quote[:QUOTE_SHOWN]}{'…' if len(quote) > QUOTE_SHOWN else ''}”")
                if passage.note:
                    row.append(f"  — {passage.note}", style="italic")
                rows.append(Option(row, id=passage.id))
        options = self.query_one("#passages-list", OptionList)
        options.set_options(rows)
        box = self.query_one("#passages-box")
        box.border_subtitle = f"{len(self.shown)} passage{'s' if len(self.shown) != 1 else ''}"
        if not self.shown:
            message = "No passage matches." if query else "No passages yet: select words in the reader and press m."
            options.set_options([Option(Text(message, style="dim"), disabled=True)])

    def others_changed(self) -> None:
        """Another analyst's changes were taken in: list the passages as they now are."""
        self._fill(self.query_one("#passages-filter", Input).value)

    @on(Input.Changed, "#passages-filter")
    def _filtered(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#passages-filter")
    def _to_list(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#passages-list", OptionList)
        options.focus()
        options.action_first()

    @on(OptionList.OptionSelected, "#passages-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        passage = next((p for p in self.shown if p.id == event.option.id), None)
        if passage is not None:
            self.dismiss((passage.article_id, passage.start, passage.end))

    def action_filter(self) -> None:
        """Type in the filter."""
        self.query_one("#passages-filter", Input).focus()

    def action_back(self) -> None:
        """Back to the reader (from the filter: to the list first)."""
        field = self.query_one("#passages-filter", Input)
        if field.has_focus:
            self.query_one("#passages-list", OptionList).focus()
            return
        self.dismiss(None)

"""The timeline: ``Y`` from anywhere.

Articles by publication date (``■``) and, kept apart, the dates their texts state (``·``),
oldest first, each as precise as it was stated (``2016``, ``2016-11``, ``2016-11-29``). Of the
entity pane 4 shows, or of the last search, with the articles they are in; ``c`` switches to
the whole corpus (every dated article, and the dates stated near passages) and back. Above the
list, one bar per year counts what falls in it, so gaps and clusters show at a glance (characters
only: readable over ssh and with ``NO_COLOR``). ``Enter`` opens the place, the date selected.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static
from textual.worker import get_current_worker

from store import QueryError, Store, StoreConnectionError
from store.models import TimelineItem
from tui.widgets.row_list import RowList

#: Columns of the date (the longest: 2016-11-29).
DATE_WIDTH = 10
_BARS = " ▁▂▃▄▅▆▇█"


def year_bars(items: list[TimelineItem], width: int) -> Text:
    """One character per year from the first to the last, its height the items of that year.

    When there are more years than columns, each character stands for several years.
    """
    if not items:
        return Text("")
    counts = Counter(item.date.year for item in items)
    first, last = min(counts), max(counts)
    room = max(width - 12, 10)
    per = max(1, -(-(last - first + 1) // room))
    buckets = [sum(counts.get(year, 0) for year in range(y, y + per)) for y in range(first, last + 1, per)]
    top = max(buckets)
    bars = "".join(_BARS[0 if not n else max(1, round(n / top * 8))] for n in buckets)
    line = Text(f"{first} ", style="dim", end="")
    line.append(bars, style="bold")
    line.append(f" {last}" + (f" ({per} years a column)" if per > 1 else ""), style="dim")
    return line


class TimelineList(RowList[TimelineItem]):
    """The timeline's items, one line each: date, then the article (published) or the sentence (stated)."""

    row_height = 1

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.titles: dict[str, str] = {}

    def row_key(self, row: TimelineItem) -> str:
        return f"{row.kind}:{row.article_id}:{row.start}"

    def row_lines(self, row: TimelineItem) -> tuple[Text, ...]:
        when = str(row.date) + (f"–{row.until}" if row.until else "")
        line = Text(when.ljust(DATE_WIDTH) + " ", style="bold", no_wrap=True, end="")
        if row.kind == "published":
            line.append("■ ", style="bold")
            line.append(self.titles.get(row.article_id, row.article_id), style="bold")
            return (line,)
        line.append("· ", style="dim")
        sentence = row.sentence
        at = sentence.find(row.text)
        if at > 24:
            sentence, at = "…" + sentence[at - 20 :], 21
        if at >= 0:
            line.append(sentence[:at])
            line.append(row.text, style="underline")
            line.append(sentence[at + len(row.text) :], style="dim")
        else:
            line.append(sentence)
        if row.relative:
            line.append(" (relative to its date)", style="dim italic")
        return (line,)


class TimelineScreen(ModalScreen[tuple[str, int, int] | None]):
    """The timeline of a subject or of the corpus; returns the place chosen (article, start, end) or ``None``."""

    BINDINGS: list[BindingType] = [
        Binding("escape", "back", "Back", id="timeline.back"),
        Binding("c", "toggle_corpus", "Corpus / subject", id="timeline.corpus"),
    ]

    def __init__(
        self,
        store: Store,
        *,
        entity_id: str | None = None,
        query: str | None = None,
        title: str | None = None,
        whole_corpus: bool | None = None,
        start_key: str | None = None,
    ) -> None:
        super().__init__()
        self.start_key = start_key
        self.store = store
        self.entity_id = entity_id
        self.search_query = query
        self.subject_title = title
        self.whole_corpus = title is None if whole_corpus is None else whole_corpus
        self.items: list[TimelineItem] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="timeline-box"):
            yield Static("", id="timeline-bars")
            yield Static("Reading…", id="timeline-empty")
            yield TimelineList(id="timeline-items")
            yield Static("", id="timeline-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TimelineList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="timeline", exit_on_error=False)
    def _load(self) -> None:
        """Read the timeline off the UI thread (the whole corpus reads every dated article)."""
        try:
            if self.whole_corpus:
                items = self.store.timeline()
            else:
                items = self.store.timeline(entity_id=self.entity_id, query=self.search_query)
            titles = self.store.article_titles({item.article_id for item in items})
        except (KeyError, QueryError, StoreConnectionError) as error:
            message = "It is gone: another analyst deleted it." if isinstance(error, KeyError) else str(error)
            if not get_current_worker().is_cancelled:
                self.app.call_from_thread(self._show_error, message)
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, items, titles)

    def _show(self, items: list[TimelineItem], titles: dict[str, str]) -> None:
        self.items = items
        rows = self.query_one(TimelineList)
        rows.titles = titles
        rows.set_rows(items, highlight_id=self._keep())
        published = sum(1 for item in items if item.kind == "published")
        what = "the corpus" if self.whole_corpus else self.subject_title
        box = self.query_one("#timeline-box")
        box.border_title = f"Timeline: {what}"
        box.border_subtitle = f"{published} published · {len(items) - published} stated" + (
            "" if self.subject_title is None else " · c: corpus / subject"
        )
        self.query_one("#timeline-bars", Static).update(year_bars(items, self.size.width))
        empty = self.query_one("#timeline-empty", Static)
        empty.display = not items
        if not items:
            empty.update(
                Text(
                    "No dates: no dated article, and no date stated near a passage."
                    if self.whole_corpus
                    else "No dates: its articles are undated and state no date near it."
                )
            )
        self._detail(rows.highlighted_row())

    def _show_error(self, message: str) -> None:
        empty = self.query_one("#timeline-empty", Static)
        empty.display = True
        empty.update(Text(message))

    @on(RowList.Highlighted, "#timeline-items")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        assert isinstance(event.row, TimelineItem)
        self._detail(event.row)

    def _detail(self, item: TimelineItem | None) -> None:
        detail = self.query_one("#timeline-detail", Static)
        if item is None:
            detail.update("")
            return
        titles = self.query_one(TimelineList).titles
        text = Text("published: " if item.kind == "published" else f"stated “{item.text}” in: ", style="dim")
        text.append(titles.get(item.article_id, item.article_id), style="bold")
        detail.update(text)

    @on(RowList.Chosen, "#timeline-items")
    def _chosen(self, event: RowList.Chosen) -> None:
        item = event.row
        assert isinstance(item, TimelineItem)
        self.dismiss((item.article_id, item.start or 0, item.end or 0))

    def action_toggle_corpus(self) -> None:
        """Switch between the whole corpus and the subject the timeline was opened on."""
        if self.subject_title is None:
            self.notify("This is the whole corpus: open the timeline on a tag or after a search for one subject.")
            return
        self.whole_corpus = not self.whole_corpus
        self._load()

    def _keep(self) -> str | None:
        """The line to highlight after a fill: the one highlighted, else the one asked for at opening."""
        shown = self.query_one(TimelineList).highlighted_row()
        key = self.query_one(TimelineList).row_key(shown) if shown is not None else self.start_key
        self.start_key = None
        return key

    def highlighted_key(self) -> str | None:
        """The key of the line highlighted (the history comes back to it)."""
        shown = self.query_one(TimelineList).highlighted_row()
        return self.query_one(TimelineList).row_key(shown) if shown is not None else None

    def action_back(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

"""The timeline: ``Y`` from anywhere.

Articles by publication date (``■``) and, kept apart, the dates their texts state (``·``),
oldest first, each as precise as it was stated (``2016``, ``2016-11``, ``2016-11-29``). Of the
entity pane 4 shows, of the label of the passage under the cursor, or of the last search, with
the articles they are in; ``c`` switches to the whole corpus (every dated article, and the
dates stated near passages) and back. Above the list, one bar per year counts what falls in
it, so gaps and clusters show at a glance (characters only: readable over ssh and with
``NO_COLOR``). ``Enter`` opens the place, the date selected.
"""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Static

from store import Store
from store.models import TimelineItem
from tui.place_list_screen import PlaceListScreen
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


class TimelineScreen(PlaceListScreen):
    """The timeline of a subject or of the corpus; returns the place chosen (article, start, end) or ``None``."""

    BINDINGS: list[BindingType] = [
        *PlaceListScreen.BINDINGS,
        Binding("c", "toggle_corpus", "Corpus / subject", id="timeline.corpus"),
    ]
    LIST_ID, EMPTY_ID = "timeline-items", "timeline-empty"

    def __init__(
        self,
        store: Store,
        *,
        entity_id: str | None = None,
        query: str | None = None,
        label: str | None = None,
        title: str | None = None,
        whole_corpus: bool | None = None,
        start_key: str | None = None,
    ) -> None:
        super().__init__(store, entity_id=entity_id, query=query, label=label, start_key=start_key)
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
        self.rows.focus()
        self.load()

    def read(self) -> tuple[list[TimelineItem], dict[str, str]]:
        if self.whole_corpus:
            items = self.store.timeline()
        else:
            items = self.store.timeline(entity_id=self.entity_id, query=self.search_query, label=self.label)
        return items, self.store.article_titles({item.article_id for item in items})

    def show(self, items: list[TimelineItem], titles: dict[str, str]) -> None:
        self.items = items
        self.query_one(TimelineList).titles = titles
        empty = (
            "No dates: no dated article, and no date stated near a passage."
            if self.whole_corpus
            else "No dates: its articles are undated and state no date near it."
        )
        self.fill(items, empty)
        published = sum(1 for item in items if item.kind == "published")
        what = "the corpus" if self.whole_corpus else self.subject_title
        box = self.query_one("#timeline-box")
        box.border_title = Content(f"Timeline: {what}")
        box.border_subtitle = f"{published} published · {len(items) - published} stated" + (
            "" if self.subject_title is None else " · c: corpus / subject"
        )
        self.query_one("#timeline-bars", Static).update(year_bars(items, self.size.width))

    def detail(self, row: TimelineItem | None) -> None:
        """The item under the highlight: published, or stated in which article."""
        detail = self.query_one("#timeline-detail", Static)
        if row is None:
            detail.update("")
            return
        titles = self.query_one(TimelineList).titles
        text = Text("published: " if row.kind == "published" else f"stated “{row.text}” in: ", style="dim")
        text.append(titles.get(row.article_id, row.article_id), style="bold")
        detail.update(text)

    def place_of(self, row: TimelineItem) -> tuple[str, int, int]:
        return row.article_id, row.start or 0, row.end or 0

    def action_toggle_corpus(self) -> None:
        """Switch between the whole corpus and the subject the timeline was opened on."""
        if self.subject_title is None:
            self.notify("This is the whole corpus: open the timeline on a tag or after a search for one subject.")
            return
        self.whole_corpus = not self.whole_corpus
        self.load()

"""The concordance (keyword in context): ``K`` from anywhere.

Every place an entity is named (its tags ``●`` and its names said untagged ``○``), every
passage of a label (the passage under the reader's cursor says which), or every place a search
matched, one per line, the matches aligned in one column with the text either side, as a
concordancer shows them; the line under the highlight says which article and date. Sorted by
article (the list's order), date, or the words left or right of the match (``a`` ``d`` ``l``
``r``), so repeated phrasings line up. ``Enter`` opens the place in the reader, the match
selected (so ``e`` tags an untagged one); ``Esc`` goes back.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Footer, Static

from store import Store
from store.models import ConcordanceLine
from tui.place_list_screen import PlaceListScreen
from tui.widgets.row_list import RowList

#: The match column is at most this share of the line (a passage is cut, the context stays).
MATCH_SHARE = 3
SORT_NAMES = {"article": "article", "date": "date", "left": "left context", "right": "right context"}


class KwicList(RowList[ConcordanceLine]):
    """Concordance lines, the matches aligned in one column whatever the width."""

    row_height = 1

    def row_key(self, row: ConcordanceLine) -> str:
        return f"{row.article_id}:{row.start}"

    def row_lines(self, row: ConcordanceLine) -> tuple[Text, ...]:
        return (Text(row.left + row.match + row.right),)

    def fit_line(self, row: ConcordanceLine, line: Text, width: int) -> Text:
        """``● …left context MATCH right context…``, the match starting in the same column on every line."""
        marker = "● " if row.annotation_id else "○ "
        room = max(width - len(marker) - 2, 10)
        match_width = min(len(row.match), max(room // MATCH_SHARE, 8))
        left_width = (room - match_width) // 2
        right_width = room - left_width - match_width
        left = row.left[-left_width:] if left_width else ""
        fitted = Text(marker, style="bold" if row.annotation_id else "dim", no_wrap=True, end="")
        fitted.append(left.rjust(left_width), style="dim")
        fitted.append(" ")
        match = row.match if len(row.match) <= match_width else row.match[: match_width - 1] + "…"
        fitted.append(match, style="bold underline" if row.annotation_id else "underline")
        fitted.append(" ")
        fitted.append(row.right[:right_width], style="dim")
        fitted.truncate(width, pad=True)
        return fitted


class ConcordanceScreen(PlaceListScreen):
    """The concordance of an entity or a query; returns the place chosen (article, start, end) or ``None``."""

    BINDINGS: list[BindingType] = [
        *PlaceListScreen.BINDINGS,
        Binding("a", "sort('article')", "By article", id="concordance.sort_article"),
        Binding("d", "sort('date')", "By date", id="concordance.sort_date"),
        Binding("l", "sort('left')", "By left", id="concordance.sort_left"),
        Binding("r", "sort('right')", "By right", id="concordance.sort_right"),
    ]
    LIST_ID, EMPTY_ID = "concordance-lines", "concordance-empty"

    def __init__(
        self,
        store: Store,
        *,
        entity_id: str | None = None,
        query: str | None = None,
        label: str | None = None,
        title: str,
        sort: str = "article",
        start_key: str | None = None,
    ) -> None:
        super().__init__(store, entity_id=entity_id, query=query, label=label, start_key=start_key)
        self.title_text = title
        self.sort = sort
        self.lines: list[ConcordanceLine] = []
        self._titles: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="concordance-box"):
            yield Static("Reading…", id="concordance-empty")
            yield KwicList(id="concordance-lines")
            yield Static("", id="concordance-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#concordance-box").border_title = Content(f"Concordance: {self.title_text}")
        self.rows.focus()
        self.load()

    def read(self) -> tuple[list[ConcordanceLine], dict[str, str]]:
        lines = self.store.concordance(
            entity_id=self.entity_id, label=self.label, query=self.search_query, sort=self.sort
        )
        return lines, self.store.article_titles({line.article_id for line in lines})

    def show(self, lines: list[ConcordanceLine], titles: dict[str, str]) -> None:
        self.lines, self._titles = lines, titles
        self.fill(lines, "Nothing: no tag and no name of it in the articles.")
        tagged = sum(1 for line in lines if line.annotation_id)
        articles = len({line.article_id for line in lines})
        self.query_one("#concordance-box").border_subtitle = Content(
            f"{len(lines)} lines ({tagged} tagged) in {articles} articles · by {SORT_NAMES[self.sort]}"
        )

    def detail(self, row: ConcordanceLine | None) -> None:
        """The line under the highlight: its article, date, and whether it is a tag."""
        detail = self.query_one("#concordance-detail", Static)
        if row is None:
            detail.update("")
            return
        text = Text(self._titles.get(row.article_id, row.article_id), style="bold", no_wrap=True, end="")
        text.append(f"  {row.published or 'undated'} · {'tagged' if row.annotation_id else 'untagged'}")
        text.append("  a d l r sort · Enter open", style="dim")
        detail.update(text)

    def place_of(self, row: ConcordanceLine) -> tuple[str, int, int]:
        return row.article_id, row.start, row.end

    def action_sort(self, by: str) -> None:
        """Sort the lines again (``a`` article, ``d`` date, ``l`` left context, ``r`` right context)."""
        self.sort = by
        self.load()

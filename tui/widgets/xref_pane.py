"""Pane 4: cross-references.

Two views of the same question, "where else?": for the article, the related articles ranked by
the entities they share, rare ones counting more (and which ones), or by the words they share
when the article has no tags yet; for the entity under the reader's cursor (or highlighted in
the entity pane), every other article that names it, its title once with each place under it:
``●`` a tag, ``○`` its name said untagged (to tag it: follow it, then ``e``). Enter follows a
reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

from rich.text import Text
from textual import on
from textual.content import Content
from textual.message import Message

from store import Article, Entity
from store.models import ConcordanceLine
from tui.widgets.pane import Pane
from tui.widgets.row_list import RowList


@dataclass(frozen=True, slots=True)
class Target:
    """Where a cross-reference leads: an article, and a span in it to show."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class XrefRow:
    """One cross-reference as listed: where it leads and its two lines."""

    key: str
    target: Target
    first: Text
    second: Text


class XrefList(RowList[XrefRow]):
    """Cross-references, drawn only when on screen (an entity may have thousands)."""

    def row_key(self, row: XrefRow) -> str:
        return row.key

    def row_lines(self, row: XrefRow) -> tuple[Text, Text]:
        return row.first, row.second


#: Characters of context shown before a name in the pane (it is narrow).
LEFT_SHOWN = 14


def _occurrence_line(line: ConcordanceLine) -> Text:
    """``  ● …context Name context…``: a tag (●) or the name said untagged (○)."""
    tagged = bool(line.annotation_id)
    row = Text(
        "  ● " if tagged else "  ○ ", style="bold" if tagged else "dim", no_wrap=True, overflow="ellipsis", end=""
    )
    left = line.left[-LEFT_SHOWN:]
    row.append(("…" if len(line.left) > LEFT_SHOWN else "") + left, style="dim")
    row.append(line.match, style="reverse" if tagged else "underline")
    row.append(line.right, style="dim")
    return row


class XrefPane(Pane):
    """Related articles, or every mention of one entity elsewhere."""

    PANE_TITLE = "Cross-references"
    PANE_NUMBER = 4

    class Follow(Message):
        """The user followed a cross-reference."""

        def __init__(self, target: Target) -> None:
            super().__init__()
            self.target = target

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entity_id: str | None = None

    def compose(self):
        yield self.compose_empty()
        yield XrefList(id="xref-rows")

    @property
    def main_widget(self) -> XrefList:
        return self.query_one("#xref-rows", XrefList)

    def _fill(self, rows: list[tuple[Text, Text, Target]]) -> None:
        self.main_widget.set_rows(
            [XrefRow(f"x{i}", target, first, second) for i, (first, second, target) in enumerate(rows)]
        )

    def show_related(
        self, article: Article | None, related: list[tuple[Article, list[str]]], *, by_words: bool = False
    ) -> None:
        """Articles related to ``article``, best first, with why: the entities (or, ``by_words``, the words) shared."""
        self.entity_id = None
        self.set_title("Related articles" if not by_words else "Related by words")
        rows = []
        for other, shared in related:
            title = Text(other.display_title, style="bold", no_wrap=True, overflow="ellipsis", end="")
            why = ("shares words: " if by_words else "shares: ") + ", ".join(shared)
            rows.append((title, Text(why, style="dim", no_wrap=True, end=""), Target(other.id, 0, 0)))
        self.main_widget.set_row_height(2)
        self._fill(rows)
        self.border_subtitle = Content(str(len(rows))) if rows else None
        if article is None:
            self.set_empty("Open an article to see related ones.")
        elif not rows:
            self.set_empty("No related articles yet.\nArticles are linked by the entities you tag in both.")
        else:
            self.set_empty(None)

    def show_occurrences(
        self, entity: Entity, lines: list[ConcordanceLine], titles: dict[str, str], *, more: bool = False
    ) -> None:
        """Where other articles name ``entity`` (tagged or not), each article once with its places under it."""
        self.entity_id = entity.id
        self.set_title(f"{entity.name} elsewhere")
        rows: list[tuple[Text, Text, Target]] = []
        articles = 0
        for article_id, group in groupby(lines, key=lambda line: line.article_id):
            places = list(group)
            articles += 1
            # The count first: a long title is cut at the pane's edge, the count stays in view.
            title = Text(f"{len(places)}× ", style="dim", no_wrap=True, overflow="ellipsis", end="")
            title.append(titles.get(article_id, article_id), style="bold")
            first = places[0]
            rows.append((title, Text(""), Target(article_id, first.start, first.end)))
            rows += [(_occurrence_line(x), Text(""), Target(article_id, x.start, x.end)) for x in places]
        self.main_widget.set_row_height(1)
        self._fill(rows)
        tagged = sum(1 for line in lines if line.annotation_id)
        counts = f"{tagged} tagged · {len(lines) - tagged} untagged · {articles} articles"
        self.border_subtitle = Content(f"first {counts}, more in K" if more else counts) if lines else None
        if not rows:
            self.set_empty(f"No other article names {entity.name} ({entity.type}).")
        else:
            self.set_empty(None)

    @on(RowList.Chosen, "#xref-rows")
    def _chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        assert isinstance(event.row, XrefRow)
        self.post_message(self.Follow(event.row.target))

"""Pane 4: cross-references.

Two views of the same question, "where else?": for the article, the related articles ranked by
the entities they share (and which ones); for the entity under the reader's cursor (or
highlighted in the entity pane), every other article that mentions it, with the sentence it
appears in. Enter follows a reference.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.content import Content
from textual.message import Message

from store import Article, Entity, Mention
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


def _mention_lines(mention: Mention) -> tuple[Text, Text]:
    title = Text(mention.article.display_title, style="bold", no_wrap=True, overflow="ellipsis", end="")
    sentence = Text(" ".join(mention.sentence.split()), no_wrap=True, overflow="ellipsis", end="")
    start = mention.annotation.start - mention.sentence_start
    leading = len(mention.sentence) - len(mention.sentence.lstrip())
    start -= leading
    length = mention.annotation.end - mention.annotation.start
    if 0 <= start < len(sentence.plain):
        sentence.stylize("reverse", start, start + length)
        # Start the line a little before the mention, so that it is on screen in a narrow pane.
        if start > 20:
            sentence = Text("…", end="") + sentence[start - 12 :]
    return title, sentence


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

    def show_related(self, article: Article | None, related: list[tuple[Article, list[Entity]]]) -> None:
        """Articles sharing entities with ``article``, best first, with the entities shared."""
        self.entity_id = None
        self.set_title("Related articles")
        rows = []
        for other, shared in related:
            title = Text(other.display_title, style="bold", no_wrap=True, overflow="ellipsis", end="")
            shares = Text("shares: " + ", ".join(e.name for e in shared), style="dim", no_wrap=True, end="")
            rows.append((title, shares, Target(other.id, 0, 0)))
        self._fill(rows)
        self.border_subtitle = Content(str(len(rows))) if rows else None
        if article is None:
            self.set_empty("Open an article to see related ones.")
        elif not rows:
            self.set_empty("No related articles yet.\nArticles are linked by the entities you tag in both.")
        else:
            self.set_empty(None)

    def show_mentions(self, entity: Entity, mentions: list[Mention], *, total: int | None = None) -> None:
        """Mentions of ``entity`` in other articles with their sentences: the first of ``total``."""
        self.entity_id = entity.id
        self.set_title(f"{entity.name} elsewhere")
        rows = [(*_mention_lines(m), Target(m.article.id, m.annotation.start, m.annotation.end)) for m in mentions]
        self._fill(rows)
        total = len(rows) if total is None else total
        if total > len(rows):
            self.border_subtitle = Content(f"newest {len(rows)} of {total}")
        else:
            self.border_subtitle = Content(str(len(rows))) if rows else None
        if not rows:
            self.set_empty(f"{entity.name} ({entity.type}) is not tagged in any other article yet.")
        else:
            self.set_empty(None)

    @on(RowList.Chosen, "#xref-rows")
    def _chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        assert isinstance(event.row, XrefRow)
        self.post_message(self.Follow(event.row.target))

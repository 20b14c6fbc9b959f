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
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from store import Article, Entity, Mention
from tui.widgets.nav_list import NavList
from tui.widgets.pane import Pane


@dataclass(frozen=True, slots=True)
class Target:
    """Where a cross-reference leads: an article, and a span in it to show."""

    article_id: str
    start: int
    end: int


def _mention_prompt(mention: Mention) -> Text:
    prompt = Text(mention.article.display_title, style="bold", no_wrap=True, overflow="ellipsis", end="")
    prompt.append("\n")
    sentence = Text(" ".join(mention.sentence.split()), end="")
    start = mention.annotation.start - mention.sentence_start
    leading = len(mention.sentence) - len(mention.sentence.lstrip())
    start -= leading
    length = mention.annotation.end - mention.annotation.start
    if 0 <= start < len(sentence.plain):
        sentence.stylize("reverse", start, start + length)
    prompt.append_text(sentence)
    return prompt


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
        self._targets: dict[str, Target] = {}
        self.entity_id: str | None = None

    def compose(self):
        yield self.compose_empty()
        yield NavList(id="xref-options")

    @property
    def main_widget(self) -> NavList:
        return self.query_one("#xref-options", OptionList)

    def _fill(self, rows: list[tuple[Text, Target]]) -> None:
        self._targets = {}
        options: list[Option] = []
        for index, (prompt, target) in enumerate(rows):
            key = f"x{index}"
            self._targets[key] = target
            options.append(Option(prompt, id=key))
        self.main_widget.set_options(options)

    def show_related(self, article: Article | None, related: list[tuple[Article, list[Entity]]]) -> None:
        """Articles sharing entities with ``article``, best first, with the entities shared."""
        self.entity_id = None
        self.set_title("Related articles")
        rows = []
        for other, shared in related:
            prompt = Text(other.display_title, style="bold", no_wrap=True, overflow="ellipsis", end="")
            prompt.append("\n")
            prompt.append("shares: " + ", ".join(e.name for e in shared), style="dim")
            rows.append((prompt, Target(other.id, 0, 0)))
        self._fill(rows)
        self.border_subtitle = Content(str(len(rows))) if rows else None
        if article is None:
            self.set_empty("Open an article to see related ones.")
        elif not rows:
            self.set_empty("No related articles yet.\nArticles are linked by the entities you tag in both.")
        else:
            self.set_empty(None)

    def show_mentions(self, entity: Entity, mentions: list[Mention]) -> None:
        """Every mention of ``entity`` in other articles, with its sentence."""
        self.entity_id = entity.id
        self.set_title(f"{entity.name} elsewhere")
        rows = [(_mention_prompt(m), Target(m.article.id, m.annotation.start, m.annotation.end)) for m in mentions]
        self._fill(rows)
        self.border_subtitle = Content(str(len(rows))) if rows else None
        if not rows:
            self.set_empty(f"{entity.name} ({entity.type}) is not tagged in any other article yet.")
        else:
            self.set_empty(None)

    @on(OptionList.OptionSelected, "#xref-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        target = self._targets.get(event.option.id or "")
        if target is not None:
            self.post_message(self.Follow(target))

"""Pane 3: the entities tagged in the current article, grouped by type, with mention counts."""

from __future__ import annotations

from itertools import groupby

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store import Annotation, Entity
from tui.widgets.nav_list import NavList
from tui.widgets.pane import Pane


class EntityPane(Pane):
    """Entities of the article; highlighting one shows its cross-references, Enter jumps to it."""

    PANE_TITLE = "Entities"
    PANE_NUMBER = 3
    BINDINGS: list[BindingType] = [
        Binding("p", "pass_over", "Unlinked", id="entities.pass"),
        Binding("i", "open_screen", "Entity", id="entities.screen"),
        Binding("w", "seen_with", "Seen with", id="entities.seen_with"),
    ]

    class EntityHighlighted(Message):
        """The highlight moved to an entity."""

        def __init__(self, entity_id: str) -> None:
            super().__init__()
            self.entity_id = entity_id

    class EntityChosen(Message):
        """The user pressed Enter on an entity: go to its next mention in the article."""

        def __init__(self, entity_id: str) -> None:
            super().__init__()
            self.entity_id = entity_id

    class PassRequested(Message):
        """``p`` on an entity: pass over its unlinked mentions across the corpus."""

        def __init__(self, entity_id: str) -> None:
            super().__init__()
            self.entity_id = entity_id

    class ScreenRequested(Message):
        """``i`` on an entity: its own screen (names, every mention, edits)."""

        def __init__(self, entity_id: str) -> None:
            super().__init__()
            self.entity_id = entity_id

    class SeenWithRequested(Message):
        """``w`` on an entity: the entities seen with it most (same sentence, same article)."""

        def __init__(self, entity_id: str) -> None:
            super().__init__()
            self.entity_id = entity_id

    def action_seen_with(self) -> None:
        """The entities seen with the highlighted one most often; Enter shows one's cross-references."""
        option = self.main_widget.highlighted_option
        if option is None or not option.id:
            self.notify("Highlight an entity first (j/k).", severity="information")
            return
        self.post_message(self.SeenWithRequested(option.id))

    def action_open_screen(self) -> None:
        """Open the highlighted entity's screen (names, every mention, rename, merge, split)."""
        option = self.main_widget.highlighted_option
        if option is None or not option.id:
            self.notify("Highlight an entity first (j/k).", severity="information")
            return
        self.post_message(self.ScreenRequested(option.id))

    def action_pass_over(self) -> None:
        """Pass over the highlighted entity's unlinked mentions in every article (y/n each)."""
        option = self.main_widget.highlighted_option
        if option is None or not option.id:
            self.notify("Highlight an entity first (j/k).", severity="information")
            return
        self.post_message(self.PassRequested(option.id))

    _shown: tuple[list[tuple[Entity, int]], bool, list[Annotation] | None] | None = None

    def compose(self):
        yield self.compose_empty()
        yield NavList(id="entity-options")
        yield Static(id="passage-note")

    def show_passage(self, passage: Annotation | None) -> None:
        """Under the entities: the labels and note of the passage under the reader's cursor."""
        note = self.query_one("#passage-note", Static)
        note.display = passage is not None
        if passage is not None:
            shown = Text("Passage: ", style="bold")
            shown.append(", ".join(passage.labels) or "no label")
            if passage.note:
                shown.append(f"\n{passage.note}", style="italic")
            note.update(shown)

    @property
    def main_widget(self) -> NavList:
        return self.query_one("#entity-options", OptionList)

    def set_entities(
        self, entities: list[tuple[Entity, int]], *, article_open: bool, orphans: list[Annotation] | None = None
    ) -> None:
        """Show ``(entity, mentions in this article)`` pairs grouped by type, then orphaned tags.

        Orphaned tags (their words left the text when the file was re-imported) are listed with
        their quote so the user sees what was lost; they are not drawn in the text.
        """
        self._shown = (entities, article_open, orphans)
        options = self.main_widget
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        rows: list[Option] = []
        ordered = sorted(entities, key=lambda pair: (pair[0].type, -pair[1], pair[0].name.casefold()))
        for kind, group in groupby(ordered, key=lambda pair: pair[0].type):
            members = list(group)
            rows.append(Option(Text(f"{kind} ({len(members)})", style="bold"), disabled=True))
            for entity, count in members:
                rows.append(Option(_row(entity.name, count, self._row_width()), id=entity.id))
        if orphans:
            rows.append(Option(Text(f"ORPHANED ({len(orphans)})", style="bold"), disabled=True))
            for orphan in orphans:
                rows.append(Option(Text(f"  “{orphan.quote[:60]}”", style="dim strike"), disabled=True))
        options.set_options(rows)
        if not article_open:
            self.set_empty("Open an article to see its entities.")
        elif not entities and not orphans:
            self.set_empty("None tagged yet.\nIn the reader, p passes over the suggestions.")
        else:
            self.set_empty(None)
        options.highlight_id(highlighted)
        self.border_subtitle = Content(str(len(entities))) if entities else None

    def _row_width(self) -> int:
        """Cells a row may take: the list's width less a scrollbar's (one may appear)."""
        width = self.main_widget.size.width or 30
        return max(width - 2, 12)

    def on_resize(self) -> None:
        """Rows are cut to the pane's width: cut them again when it changes."""
        if self._shown is not None:
            entities, article_open, orphans = self._shown
            self.set_entities(entities, article_open=article_open, orphans=orphans)

    def highlight_entity(self, entity_id: str) -> None:
        """Move the highlight to an entity without announcing it."""
        options = self.main_widget
        index = options.index_of(entity_id)
        if index is None:
            return
        with options.prevent(OptionList.OptionHighlighted):
            options.highlighted = index

    @on(OptionList.OptionHighlighted, "#entity-options")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id and self.main_widget.has_focus:
            self.post_message(self.EntityHighlighted(event.option.id))

    @on(OptionList.OptionSelected, "#entity-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.post_message(self.EntityChosen(event.option.id))


def _row(name: str, count: int, width: int) -> Text:
    """An entity's row on one line: its name (cut with … when long) and its count at the right.

    A long name never pushes the count onto a line of its own or off the pane.
    """
    count_text = f"×{count}"
    room = max(width - len(count_text) - 3, 4)  # two cells of indent, one before the count
    name_text = Text(name, no_wrap=True, end="")
    name_text.truncate(room, overflow="ellipsis", pad=True)
    row = Text("  ", end="")
    row.append_text(name_text)
    row.append(" ")
    row.append(count_text, style="dim")
    return row

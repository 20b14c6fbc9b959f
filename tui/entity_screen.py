"""An entity's own screen: its names, type and note, every mention with its sentence, and its edits.

Opened with ``i`` on an entity (pane 3). The list holds every mention in every article (newest
first) with the sentence it is in; ``Enter`` goes to one. The keys edit the entity, each one
change saved on the browsing screen's store thread (undoable with ``u``, safe with other
analysts): ``r`` rename (the old name stays an alias), ``t`` type, ``a`` add an alias, ``A``
remove one, ``n`` note, ``m`` merge another entity into this one (the picker offers first the
entities whose names the matcher takes for this one's), ``space`` marks mentions and ``s``
splits the marked ones off to a new entity, ``D`` deletes the entity and its mentions (asked
twice), ``p`` passes over its unlinked mentions.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from store import Entity, Mention, Store, StoreConnectionError
from tui.dialogs.entity_picker import EntityChoice, EntityPicker, offered_types
from tui.dialogs.prompt_dialog import PromptDialog
from tui.widgets.nav_list import NavList

#: Merge proposals shown under the names.
PROPOSALS = 3

Saver = Callable[[Callable[[], Any]], Awaitable[Any]]


class EntityScreen(ModalScreen[tuple[str, int, int] | None]):
    """One entity: details, mentions, edits. Returns the mention to go to, or ``None``."""

    BINDINGS: list[BindingType] = [
        Binding("enter", "go", "Go to", id="entity.go"),
        Binding("r", "rename", "Rename", id="entity.rename"),
        Binding("t", "retype", "Type", id="entity.retype"),
        Binding("a", "add_alias", "Alias", id="entity.add_alias"),
        Binding("A", "remove_alias", "Remove alias", show=False, id="entity.remove_alias"),
        Binding("n", "note", "Note", show=False, id="entity.note"),
        Binding("m", "merge", "Merge", id="entity.merge"),
        Binding("space", "mark", "Mark", show=False, id="entity.mark"),
        Binding("s", "split", "Split", show=False, id="entity.split"),
        Binding("D", "delete", "Delete", show=False, id="entity.delete"),
        Binding("p", "pass_over", "Unlinked", show=False, id="entity.pass"),
        Binding("u", "undo", "Undo", show=False, id="entity.undo"),
        Binding("escape,q", "back", "Back", id="entity.back"),
    ]

    def __init__(self, store: Store, entity_id: str, save: Saver, pass_over: Callable[[str], None]) -> None:
        super().__init__()
        self.store = store
        self.entity_id = entity_id
        self.save = save
        self.pass_over = pass_over
        self.entity: Entity | None = None
        self.mentions: list[Mention] = []
        #: Annotation ids marked for a split.
        self.marked: set[str] = set()
        self._confirm_delete = False

    def compose(self) -> ComposeResult:
        with Vertical(id="entity-box"):
            yield Static(id="entity-details")
            yield NavList(id="entity-mentions")
        yield Footer()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#entity-mentions", OptionList).focus()

    # ------------------------------------------------------------------ showing

    def others_changed(self) -> None:
        """Another analyst's changes were taken in: show the entity as it now is (or say it is gone)."""
        shown = self.entity
        if not self.reload():
            name = shown.name if shown is not None else "This entity"
            self.app.notify(
                f"{name} is gone: another analyst deleted it or merged it into another entity.",
                severity="warning",
                markup=False,
                timeout=8,
            )

    def reload(self) -> bool:
        """Read the entity and its mentions again (after an edit, or one by another analyst).

        False when the entity is gone (deleted here or by another analyst): the screen closes.
        """
        try:
            self.entity = self.store.entity(self.entity_id)
        except KeyError:  # nothing left to show
            self.dismiss(None)
            return False
        except StoreConnectionError as exc:  # the main screen says "reconnecting…"; this keeps what it shows
            self.notify(str(exc), severity="warning", markup=False)
            return True
        self.mentions = self.store.mention_contexts(self.entity_id)
        self.marked &= {m.annotation.id for m in self.mentions}
        self._draw()
        return True

    def proposals(self) -> list[Entity]:
        """Other entities the matcher takes for this one (by any of its names)."""
        assert self.entity is not None
        found: dict[str, Entity] = {}
        for name in self.entity.names():
            for other, _ in self.store.match_entities(name):
                if other.id != self.entity_id and other.type == self.entity.type:
                    found.setdefault(other.id, other)
        return list(found.values())[:PROPOSALS]

    def _draw(self) -> None:
        entity = self.entity
        assert entity is not None
        articles = len({m.article.id for m in self.mentions})
        box = self.query_one("#entity-box")
        box.border_title = Text(f"{entity.name} · {entity.type}", overflow="ellipsis")
        count = len(self.mentions)
        box.border_subtitle = (
            f"{count} mention{'s' if count != 1 else ''} in {articles} article{'s' if articles != 1 else ''}"
        )
        details = Text()
        details.append("Aliases: ", style="bold")
        details.append(", ".join(entity.aliases) or "none (a to add)")
        details.append("\nNote: ", style="bold")
        details.append(entity.note or "none (n to write one)")
        proposals = self.proposals()
        if proposals:
            details.append("\nSame entity? ", style="bold")
            details.append(" · ".join(f"{p.name} ({p.type})" for p in proposals))
            details.append("  — m merges", style="dim")
        self.query_one("#entity-details", Static).update(details)
        options = self.query_one("#entity-mentions", OptionList)
        highlighted = options.highlighted
        rows = []
        for mention in self.mentions:
            row = Text("● " if mention.annotation.id in self.marked else "  ")
            row.append(mention.article.display_title[:28], style="bold")
            row.append("  ")
            sentence = Text(" ".join(mention.sentence.split()))
            start = mention.annotation.start - mention.sentence_start
            sentence.stylize("reverse", max(start, 0), max(start, 0) + len(mention.annotation.quote))
            row.append_text(sentence)
            rows.append(Option(row, id=mention.annotation.id))
        options.set_options(rows)
        if rows:
            options.highlighted = min(highlighted or 0, len(rows) - 1)

    def _current(self) -> Mention | None:
        options = self.query_one("#entity-mentions", OptionList)
        if options.highlighted is None or not self.mentions:
            return None
        return self.mentions[options.highlighted]

    # ------------------------------------------------------------------ keys

    @on(OptionList.OptionSelected, "#entity-mentions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_go()

    def action_go(self) -> None:
        """Go to the highlighted mention in its article."""
        mention = self._current()
        if mention is not None:
            self.dismiss((mention.article.id, mention.annotation.start, mention.annotation.end))

    async def _edit(self, call: Callable[[], Any], done: str) -> None:
        """Save an edit on the store thread; say why it was refused if it was."""
        try:
            saved = await self.save(call)
        except (KeyError, ValueError) as exc:  # a name another entity holds, an empty one...
            self.notify(str(exc).strip("'\""), severity="warning", markup=False, timeout=6)
            return
        if saved is not None:
            self.notify(done, markup=False, timeout=3)
        self.reload()

    async def _ask(self, question: str, value: str = "", hint: str = "") -> str | None:
        return await self.app.push_screen_wait(PromptDialog(question, value, hint))

    @work(exclusive=True, group="entity-edit")
    async def action_rename(self) -> None:
        """Rename the entity (its old name stays an alias)."""
        assert self.entity is not None
        name = await self._ask("Rename to:", self.entity.name, "The old name stays an alias.")
        if name and name != self.entity.name:
            await self._edit(lambda: self.store.rename_entity(self.entity_id, name), f"Renamed to {name}. (u undoes)")

    @work(exclusive=True, group="entity-edit")
    async def action_retype(self) -> None:
        """Give the entity another type (a default one or your own)."""
        assert self.entity is not None
        kind = await self._ask("Type:", self.entity.type, " ".join(offered_types(self.app)) + " — or your own")
        if kind and kind.upper() != self.entity.type:
            await self._edit(lambda: self.store.retype_entity(self.entity_id, kind), f"Type: {kind.upper()}.")

    @work(exclusive=True, group="entity-edit")
    async def action_add_alias(self) -> None:
        """Add another name of the entity."""
        alias = await self._ask("Add alias:", "", "Another spelling or name of this entity.")
        if alias:
            await self._edit(lambda: self.store.add_alias(self.entity_id, alias), f"Alias “{alias}” added.")

    @work(exclusive=True, group="entity-edit")
    async def action_remove_alias(self) -> None:
        """Remove one of the entity's aliases."""
        assert self.entity is not None
        if not self.entity.aliases:
            self.notify("No aliases to remove.", severity="information")
            return
        alias = await self._ask("Remove alias:", self.entity.aliases[-1], "Aliases: " + ", ".join(self.entity.aliases))
        if alias:
            await self._edit(lambda: self.store.remove_alias(self.entity_id, alias), f"Alias “{alias}” removed.")

    @work(exclusive=True, group="entity-edit")
    async def action_note(self) -> None:
        """Write the entity's note (empty clears it)."""
        assert self.entity is not None
        note = await self._ask("Note:", self.entity.note)
        if note is not None and note != self.entity.note:
            await self._edit(lambda: self.store.set_entity_note(self.entity_id, note), "Note saved.")

    @work(exclusive=True, group="entity-edit")
    async def action_merge(self) -> None:
        """Merge another entity into this one: its mentions move here, its names become aliases."""
        assert self.entity is not None
        proposals = self.proposals()
        first = proposals[0].name if proposals else ""

        def others(query: str) -> list[tuple[Entity, str]]:
            return [(e, n) for e, n in self.store.match_entities(query) if e.id != self.entity_id]

        choice = await self.app.push_screen_wait(EntityPicker(first, others))
        if not isinstance(choice, EntityChoice) or choice.entity_id is None:
            if choice is not None:
                self.notify("Choose an existing entity to merge into this one.", severity="information")
            return
        other = self.store.entity(choice.entity_id)
        await self._edit(
            lambda: self.store.merge_entities(self.entity_id, other.id),
            f"Merged {other.name} into {self.entity.name if self.entity else 'it'}. (u undoes)",
        )

    def action_mark(self) -> None:
        """Mark (or unmark) the highlighted mention for a split."""
        mention = self._current()
        if mention is None:
            return
        self.marked ^= {mention.annotation.id}
        options = self.query_one("#entity-mentions", OptionList)
        if options.highlighted is not None and options.highlighted + 1 < len(self.mentions):
            options.highlighted += 1
        self._draw()

    @work(exclusive=True, group="entity-edit")
    async def action_split(self) -> None:
        """Move the marked mentions (or the highlighted one) to a new entity."""
        chosen = set(self.marked)
        if not chosen and (mention := self._current()) is not None:
            chosen = {mention.annotation.id}
        if not chosen:
            return
        name = await self._ask(f"Split {len(chosen)} mention(s) off to:", "", "A new name, or an existing entity's.")
        if name:
            self.marked.clear()
            await self._edit(
                lambda: self.store.split_entity(self.entity_id, chosen, name), f"Moved to {name}. (u undoes)"
            )

    async def action_delete(self) -> None:
        """Delete the entity and every mention of it (asks once more first)."""
        if not self._confirm_delete:
            self._confirm_delete = True
            count = len(self.mentions)
            self.notify(f"Delete this entity and its {count} mention(s)? D again to delete; u undoes.", timeout=5)
            return
        self._confirm_delete = False
        await self._edit(lambda: self.store.delete_entity(self.entity_id), "Deleted. (u undoes)")

    def action_pass_over(self) -> None:
        """Pass over the entity's unlinked mentions across the corpus."""
        self.dismiss(None)
        self.pass_over(self.entity_id)

    async def action_undo(self) -> None:
        """Undo the last change (of this screen or before it)."""
        label = await self.save(lambda: self.store.undo() or "")
        self.notify(f"Undone: {label}" if label else "Nothing to undo.", markup=False, timeout=3)
        self.reload()

    def action_back(self) -> None:
        """Back to the reader."""
        self.dismiss(None)

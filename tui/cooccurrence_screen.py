"""Seen with: the entities that appear with one entity most often (``w`` in the entity pane).

Counted over the tags: in how many sentences both are tagged, then in how many articles (see
:meth:`store.Store.cooccurrence`). ``Enter`` shows the chosen one's places across the corpus
in pane 4 (and ``K``, ``Y``, ``C`` then ask about it); ``Esc`` goes back.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from store import Store, StoreConnectionError
from tui.widgets.nav_list import NavList


class CooccurrenceScreen(ModalScreen[str | None]):
    """The entities seen with one; returns the id of the one chosen, or ``None``."""

    BINDINGS: list[BindingType] = [Binding("escape", "back", "Back", id="seen_with.back")]

    def __init__(self, store: Store, entity_id: str, start_key: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.entity_id = entity_id
        #: The entity to highlight at opening (the history coming back to it).
        self.start_key = start_key

    def compose(self) -> ComposeResult:
        with Vertical(id="seen-with-box"):
            yield NavList(id="seen-with-list")
        yield Footer()

    def on_mount(self) -> None:
        box = self.query_one("#seen-with-box")
        options = self.query_one("#seen-with-list", OptionList)
        try:
            entity = self.store.entity(self.entity_id)
            found = self.store.cooccurrence(self.entity_id)
        except KeyError:
            self.dismiss(None)
            return
        except StoreConnectionError as exc:
            self.notify(str(exc), severity="warning", markup=False)
            found = []
            entity = None
        box.border_title = Content(f"Seen with {entity.name if entity else '…'}")
        box.border_subtitle = "Enter: its places in pane 4 · Esc back"
        rows = []
        for seen in found:
            row = Text(seen.entity.name, style="bold", no_wrap=True, overflow="ellipsis")
            row.append(f"  {seen.entity.type}", style="dim")
            row.append(f"  {seen.sentences} sentences · {seen.articles} articles")
            rows.append(Option(row, id=seen.entity.id))
        if not rows:
            rows = [Option(Text("No other entity is tagged in its articles yet.", style="dim"), disabled=True)]
        options.set_options(rows)
        if found:
            keys = [seen.entity.id for seen in found]
            options.highlighted = keys.index(self.start_key) if self.start_key in keys else 0
        options.focus()

    @on(OptionList.OptionSelected, "#seen-with-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def highlighted_key(self) -> str | None:
        """The entity highlighted (the history comes back to it)."""
        option = self.query_one("#seen-with-list", OptionList).highlighted_option
        return option.id if option is not None else None

    def action_back(self) -> None:
        """Back to the main screen."""
        self.dismiss(None)

"""An OptionList with vim keys, used by the three list panes."""

from __future__ import annotations

from textual.binding import Binding, BindingType
from textual.widgets import OptionList
from textual.widgets.option_list import OptionDoesNotExist


class NavList(OptionList):
    """OptionList that also moves with j/k and jumps with g/G."""

    BINDINGS: list[BindingType] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
        Binding("enter", "select", "Open", show=False, id="list.open"),
    ]

    def on_focus(self) -> None:
        """Arriving in a list always shows a highlighted row, so Enter acts at once."""
        if self.highlighted is None and self.option_count:
            self.action_first()

    def index_of(self, option_id: str) -> int | None:
        """Index of the option with ``option_id``, or ``None`` when it is not listed (filtered out)."""
        try:
            return self.get_option_index(option_id)
        except OptionDoesNotExist:
            return None

    def highlight_id(self, option_id: str | None) -> bool:
        """Highlight the option with ``option_id`` if it is listed; True if it was."""
        index = self.index_of(option_id) if option_id is not None else None
        if index is not None:
            self.highlighted = index
        return index is not None

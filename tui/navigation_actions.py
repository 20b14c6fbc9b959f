"""Moving around the main screen: the panes (``1``-``4``, ``alt+1``-``alt+4``), zoom, back and forward.

Mixed into :class:`tui.main_screen.MainScreen`, whose bindings call these actions. Which pane
has the keyboard, which one fills the screen and which place comes back on ``[`` are one idea:
where the user is, not what the panes show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widgets import Input

from store import Article
from tui.history import History, ListPlace, Place
from tui.widgets.pane import Pane
from tui.widgets.reader_pane import ReaderPane

if TYPE_CHECKING:
    from tui.widgets.reader import Reader


class NavigationActions:
    """The pane, zoom and history keys' actions (see the module docstring)."""

    history: History
    article: Article | None

    if TYPE_CHECKING:  # provided by the screen

        @property
        def reader(self) -> Reader: ...
        @property
        def focused(self) -> Any: ...
        def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...
        def query(self, selector: Any) -> Any: ...
        def has_class(self, name: str) -> bool: ...
        def add_class(self, name: str) -> Any: ...
        def remove_class(self, name: str) -> Any: ...
        def call_after_refresh(self, callback: Any) -> Any: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def _show_place(self, article_id: str, start: int, end: int = 0) -> None: ...
        def reopen_list(self, place: ListPlace) -> None: ...

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Disable the pane keys while a text field has focus, so digits stay text there.

        Pane keys are priority bindings so that keys typed right after them (they arrive
        together over SSH) reach the new pane rather than the old one.
        """
        return not (action == "focus_pane" and isinstance(self.focused, Input))

    def action_pane(self, pane_id: str) -> None:
        """Focus one of the four panes, whatever has the keyboard (``alt+1``-``alt+4``)."""
        self.action_focus_pane(pane_id)

    def action_focus_pane(self, pane_id: str) -> None:
        """Focus one of the four panes."""
        pane = self.query_one(f"#{pane_id}", Pane)
        if self.has_class("-zoom"):
            self._zoom_to(pane)
        pane.focus_main()

    def _focused_pane(self) -> Pane | None:
        node = self.focused
        while node is not None and not isinstance(node, Pane):
            node = node.parent  # type: ignore[assignment]
        return node

    def _zoom_to(self, pane: Pane | None) -> None:
        for other in self.query(Pane):
            other.set_class(other is pane, "-zoomed")

    def action_zoom(self) -> None:
        """Show only the focused pane (again: show all four)."""
        if self.has_class("-zoom"):
            self.remove_class("-zoom")
            self._zoom_to(None)
        else:
            self.add_class("-zoom")
            self._zoom_to(self._focused_pane() or self.query_one(ReaderPane))
        self.call_after_refresh(self.reader.refresh)

    def action_back(self) -> None:
        """Return to where you were before following a reference."""
        if self.article is not None:
            self.history.remember_offset(self.reader.cursor)
        place = self.history.back()
        if place is None:
            self.notify("No earlier place.", markup=False, timeout=2)
            return
        self._go_back_to(place)

    def action_forward(self) -> None:
        """Go forward again after going back."""
        place = self.history.forward()
        if place is None:
            self.notify("No later place.", markup=False, timeout=2)
            return
        self._go_back_to(place)

    def _go_back_to(self, place: Place | ListPlace) -> None:
        """Show a place of the history: an article at its offset, or a list at its line."""
        if isinstance(place, ListPlace):
            self.reopen_list(place)
        else:
            self._show_place(place.article_id, place.offset)

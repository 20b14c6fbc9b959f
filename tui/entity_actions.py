"""Opening an entity's own screen (:mod:`tui.entity_screen`) from the browsing screen.

Mixed into :class:`tui.main_screen.MainScreen`: ``i`` on an entity in pane 3 opens its screen;
its edits are saved on this screen's store thread (undoable, safe with other analysts), and the
mention chosen there is opened in the reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from store import Store
from tui.entity_screen import EntityScreen
from tui.widgets.entity_pane import EntityPane


class EntityActions:
    """The entity screen's opening and return (see the module docstring)."""

    store: Store

    if TYPE_CHECKING:  # provided by the screen

        async def _save(self, call: Any) -> Any: ...
        def refresh_views(self) -> None: ...
        def pass_over_unlinked(self, entity_id: str) -> None: ...
        def open_article(self, article_id: str, start: int = 0, end: int = 0) -> None: ...
        @property
        def app(self) -> Any: ...

    def on_entity_pane_screen_requested(self, message: EntityPane.ScreenRequested) -> None:
        """``i`` on an entity: its screen (a handler by name, as this is a mixin)."""
        self.open_entity_screen(message.entity_id)

    def open_entity_screen(self, entity_id: str) -> None:
        """Show the entity's screen; the mention chosen there opens in the reader."""
        self.app.push_screen(
            EntityScreen(self.store, entity_id, self._save, self.pass_over_unlinked), self._entity_done
        )

    def _entity_done(self, chosen: tuple[str, int, int] | None) -> None:
        self.refresh_views()
        if chosen is not None:
            self.open_article(*chosen)

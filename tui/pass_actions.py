"""Opening a yes/no pass (:mod:`tui.pass_screen`) from the browsing screen, and saving its decisions.

Mixed into :class:`tui.main_screen.MainScreen`: the reader asks for a pass over the open
article's suggestions (``p``), the entity pane for one over an entity's unlinked mentions
across the corpus (``p`` on the entity). Decisions are saved on the screen's store thread like
any other change, so they are undoable, journaled and safe with other analysts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from store import Article, Store, Suggestion
from tui.pass_screen import PassScreen, PassSource
from tui.read_only import changes_store
from tui.widgets.entity_pane import EntityPane
from tui.widgets.reader import Reader

#: Longer articles (characters) are passed over a stretch at a time: the one around the cursor.
PASSED_AT_ONCE = 100_000
#: Articles a corpus-wide pass reads ahead at most, and the suggestions that are enough to go on.
CORPUS_WINDOW = 100
CORPUS_ENOUGH = 20


class PassActions:
    """The pass keys' actions (see the module docstring)."""

    article: Article | None
    store: Store
    reader: Reader

    if TYPE_CHECKING:  # provided by the screen

        async def _save(self, call: Any) -> Any: ...
        def refresh_views(self) -> None: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        @property
        def app(self) -> Any: ...

    # Handlers by name: Textual registers ``@on`` handlers only on its own widget classes, and
    # this is a mixin of one.
    def on_pass_requested(self, _message: Reader.PassRequested) -> None:
        """The reader's ``p``: a pass over the open article's suggestions."""
        self.pass_over_article()

    @changes_store
    def pass_over_article(self) -> None:
        """A pass over the open article's suggestions (the palette's command too)."""
        article = self.article
        if article is None:
            self.notify("Open an article first.", severity="information")
            return
        title = f"Suggestions in “{article.display_title}”"
        within = None
        if len(article.text) > PASSED_AT_ONCE:  # a very long article: the stretch around the cursor
            centre = self.reader.cursor
            within = (centre - PASSED_AT_ONCE // 2, centre + PASSED_AT_ONCE // 2)
            title += " (around the cursor)"
        self._open_pass(title, lambda _at, _wanted: self.store.suggestions(article.id, within=within))

    @changes_store
    def on_entity_pane_pass_requested(self, message: EntityPane.PassRequested) -> None:
        """The entity pane's ``p``: a pass over the entity's unlinked mentions across the corpus."""
        self.pass_over_unlinked(message.entity_id)

    def pass_over_unlinked(self, entity_id: str) -> None:
        """After ``a`` tagged a name: pass over its other mentions in every article (``A A`` takes all)."""
        entity = self.store.entity(entity_id)
        self._open_pass(f"Every mention of {entity.name}", lambda _at, _wanted: self.store.unlinked_mentions(entity.id))

    @changes_store
    def pass_over_corpus(self) -> None:
        """A pass over the suggestions of every article, in the list's order (the palette's command)."""
        self._open_pass("Suggestions in every article", self._corpus_window)

    def _corpus_window(self, at: str | None, wanted: Callable[[Suggestion], bool]) -> list[Suggestion]:
        """The suggestions of the articles from ``at`` on (the first if ``None``), until enough are wanted.

        A corpus's suggestions are never all computed at once: the pass asks again as it goes,
        and each time at most :data:`CORPUS_WINDOW` articles are read.
        """
        listing = self.store.listing()
        start = (listing.index_of(at) if at is not None else 0) or 0
        found: list[Suggestion] = []
        for row in listing.rows(start, min(start + CORPUS_WINDOW, len(listing))):
            found += self.store.suggestions(row.id)
            if sum(1 for s in found if wanted(s)) >= CORPUS_ENOUGH:
                break
        return found

    def _open_pass(self, title: str, suggestions: Any) -> None:
        source = PassSource(
            title, suggestions, self.store.article, self._decide_in_pass, self._undo_in_pass, self.store.find_entity
        )
        self.app.push_screen(PassScreen(source), self._pass_done)

    async def _decide_in_pass(self, chosen: list[Suggestion], accept: bool, entity_type: str | None) -> bool:
        """Save a pass's decision; false (and said why) when it was not saved."""

        def save() -> Any:
            if accept:
                return self.store.accept_suggestions(chosen, entity_type=entity_type)
            return self.store.reject_suggestions(chosen)

        try:
            saved = await self._save(save)
        except ValueError as exc:  # the article changed under the suggestion: the pass asks again
            self.notify(str(exc), severity="warning", markup=False)
            return False
        return saved is not None

    async def _undo_in_pass(self) -> bool:
        label = await self._save(lambda: self.store.undo() or "")
        if label:
            self.notify(f"Undone: {label}", markup=False, timeout=3)
        elif label == "":
            self.notify("Nothing to undo.", markup=False, timeout=3)
        return bool(label)

    def _pass_done(self, decided: int | None) -> None:
        self.refresh_views()
        if decided:
            self.notify(f"{decided} decision{'s' if decided != 1 else ''} saved (u undoes the last).", timeout=3)

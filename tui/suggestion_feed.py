"""The reader's suggestions, asked off the UI thread and drawn when they come.

Mixed into :class:`tui.main_screen.MainScreen`. The text's own suggestions (patterns,
gazetteers) come from a helper process (:mod:`store.suggest.service`), whose tables load
there, not in this process; the rest (known names) is matched in a daemon thread here, not a
Textual worker: quitting never waits for it. Only the answer to the latest question is drawn.
A very long article is asked a stretch at a time, the stretch around the cursor.
"""

from __future__ import annotations

import contextlib
import threading
from typing import TYPE_CHECKING, Any

from store import Article, Store, StoreConnectionError, Suggestion
from store.sanitize import neutralize
from store.suggest.service import SERVICE

if TYPE_CHECKING:
    from tui.widgets.reader import Reader

#: Articles longer than this (characters) get their suggestions a stretch at a time, the stretch
#: around the reader's cursor: what a reader looks at, without reading megabytes for it.
SUGGESTED_AT_ONCE = 100_000


class SuggestionFeed:
    """Asks the store for the open article's suggestions and gives them to the reader."""

    article: Article | None
    store: Store
    #: Suggestions asked and not drawn yet (tests wait for 0).
    suggestions_pending = 0
    _suggestions_asked = 0
    #: The stretch of a very long article its suggestions were asked for (``None``: all of it).
    _suggested_within: tuple[int, int] | None = None

    if TYPE_CHECKING:  # provided by the screen

        @property
        def reader(self) -> Reader: ...
        @property
        def app(self) -> Any: ...
        @property
        def is_attached(self) -> bool: ...
        def notify(self, message: str, **kwargs: object) -> None: ...

    def start_suggestion_feed(self, store: Store) -> None:
        """Give the store the helper process's text suggester (started after the first screen)."""
        store.text_suggester = SERVICE.candidates

    def start_suggesters(self) -> None:
        """Start the helper process loading its tables now, beside this one."""
        threading.Thread(target=SERVICE.start, name="dossier-suggesters", daemon=True).start()

    def follow_cursor_with_suggestions(self, offset: int) -> None:
        """In a very long article, ask again when the cursor leaves the middle of the stretch asked."""
        within = self._suggested_within
        if within is not None and self.article is not None:
            quarter = (within[1] - within[0]) // 4
            if not within[0] + quarter <= offset <= within[1] - quarter:
                self._show_suggestions(self.article.id)

    def _show_suggestions(self, article_id: str) -> None:
        """Ask what the store proposes for the article, off the UI thread; the latest answer is drawn.

        In a daemon thread of its own, not a Textual worker: the first suggestions of a process
        load gazetteers for seconds, and quitting meanwhile must not wait for them.
        """
        self._suggestions_asked += 1
        asked = self._suggestions_asked
        self.suggestions_pending += 1
        length = len(self.article.text) if self.article is not None else 0
        within = None
        if length > SUGGESTED_AT_ONCE:  # a very long article: the stretch around the cursor
            centre = self.reader.cursor
            within = (centre - SUGGESTED_AT_ONCE // 2, centre + SUGGESTED_AT_ONCE // 2)
        self._suggested_within = within

        def draw(found: list[Suggestion] | None) -> None:
            self.suggestions_pending -= 1
            if found is not None and asked == self._suggestions_asked and self.is_attached:
                self.reader.set_suggestions(found)

        def ask() -> None:
            found: list[Suggestion] | None = None
            try:
                found = self.store.suggestions(article_id, within=within)
            except (StoreConnectionError, KeyError):  # the server is away, the article was deleted
                pass
            except Exception as exc:  # a suggester's fault must cost the suggestions, not the app
                with contextlib.suppress(RuntimeError):
                    self.app.call_from_thread(
                        self.notify, f"No suggestions here: {neutralize(str(exc))}", severity="warning", markup=False
                    )
            with contextlib.suppress(RuntimeError):  # the app has ended meanwhile
                self.app.call_from_thread(draw, found)

        threading.Thread(target=ask, name="dossier-suggestions", daemon=True).start()

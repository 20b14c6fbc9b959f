"""Searching from the main screen: ``s`` (all articles), ``n`` / ``N`` (the hits on), ``*`` / ``#``.

Mixed into :class:`tui.main_screen.MainScreen`, whose bindings call these actions: what a
search remembers (:attr:`found`) and where its hits take the reader is one idea; the rule for
the next hit is :func:`tui.find.next_hit`, tested on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work

from store import Article, QueryError, SearchHit, Store
from store.search_index import WORD
from tui.dialogs.dialog import answer_of
from tui.dialogs.search_dialog import SearchChoice, SearchDialog
from tui.find import next_hit
from tui.history import History, ListPlace
from tui.store_screen import asks_store
from tui.widgets.reader import Reader


class SearchActions:
    """The search keys' actions (see the module docstring)."""

    #: The last search opened from (``n`` / ``N`` go through its hits).
    found: SearchChoice | None = None
    article: Article | None
    store: Store
    history: History

    if TYPE_CHECKING:  # provided by the screen

        @property
        def reader(self) -> Reader: ...
        def open_article(self, article_id: str, start: int = 0, end: int = 0) -> None: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def set_focus(self, widget: object) -> None: ...
        @property
        def app(self) -> object: ...

    def _go_to(self, article_id: str, start: int, end: int) -> None:
        """Open the article at a hit, the hit selected (so ``e`` tags it), the reader focused."""
        self.open_article(article_id, start, end)
        self.reader.select_span(start, end)
        self.set_focus(self.reader)

    @work(exclusive=False)
    async def action_search(self, query: str | None = None, start_index: int = 0) -> None:
        """Search all articles (results as you type); ``query`` and ``start_index``: a search of the history."""
        typed = query if query is not None else (self.found.query if self.found else "")
        dialog = SearchDialog(self.store, typed, getattr(self, "save_view", None), start_index=start_index)
        async with answer_of(self.app, dialog) as chosen:
            if chosen is not None:
                self.found = chosen
                # The results are a place of the history: [ from the hit brings them back.
                listed = ListPlace("search", {"query": chosen.query}, str(chosen.index))
                if self.article is not None:
                    self.history.remember_offset(self.reader.cursor)
                current = self.history.current
                if query is not None and isinstance(current, ListPlace) and current.kind == "search":
                    self.history.replace(listed)
                else:
                    self.history.visit(listed)
                self._go_to(chosen.hit.article_id, chosen.hit.start, chosen.hit.end)

    @asks_store
    def action_find(self, direction: int, count: int | None = None, here: int | None = None) -> None:
        """The next (or previous) hit of the last search (:func:`tui.find.next_hit`); ``3n`` goes three on.

        ``count`` and ``here`` default to the reader's pending count and its selection (or cursor).
        """
        count = self.reader.take_count() if count is None else count
        if self.found is None:
            self.notify("No search yet: s searches all articles, then n / N go from hit to hit.", markup=False)
            return
        article = self.article
        if here is None:
            here = self.reader.selection[0] if self.reader.selection else self.reader.cursor
        found = next_hit(self.found, article.id if article else None, here, direction, count, self._hits_in)
        if isinstance(found, str):
            self.notify(found, markup=False)
            return
        if article is not None and found.article_id == article.id:
            self.reader.select_span(found.start, found.end)
            self.set_focus(self.reader)
        else:
            self._go_to(found.article_id, found.start, found.end)

    def _hits_in(self, article_id: str) -> list[tuple[int, int]] | None:
        """Where the last search matched in an article (``None``: the article is gone)."""
        assert self.found is not None
        try:
            return self.store.hit_spans(self.found.query, article_id, typing=True)
        except KeyError:
            return None
        except QueryError:
            return []

    def on_reader_find_word_requested(self, message: Reader.FindWordRequested) -> None:
        """``*`` / ``#``: the word under the cursor becomes the search ``n`` / ``N`` go through."""
        if self.article is None:
            return
        # The word itself, as vim's * finds it: a quoted phrase of its words ("Russia" is not
        # the prefix of "Russian"; a selected "Sergey Shoigu" is found whole, not either word).
        terms = WORD.findall(message.word)
        if not terms:
            return
        start = message.start
        query = '"' + " ".join(terms) + '"'
        self.found = SearchChoice(query, (SearchHit(self.article.id, start, start, "", 0.0),), 0)
        self.action_find(message.direction, count=message.count, here=start)

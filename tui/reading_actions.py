"""One analyst's own marks from the main screen: read / unread, bookmarks, saved searches as views.

Mixed into :class:`tui.main_screen.MainScreen`. The marks are this user's, kept apart from the
shared store (:class:`store.reading_state.ReadingState`): opening an article marks it read
(its title in the list is no longer bold); ``r`` in the list marks it unread again; ``B`` in
the reader bookmarks the place (again: takes the bookmark away), ``'`` lists the bookmarks;
``ctrl+s`` in the search saves the query as a view of the document list, ``V`` there goes from
view to view and ``X`` forgets the one shown. A mark that cannot be written is said (each time)
and the work goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from store import QueryError, Store
from store.query_language import parse_query
from store.reading_state import ReadingState
from tui.widgets.document_list import DocumentList
from tui.widgets.reader import Reader


class ReadingActions:
    """The reading marks' actions (see the module docstring)."""

    store: Store
    _reading: ReadingState | None = None

    if TYPE_CHECKING:  # provided by the screen

        @property
        def reader(self) -> Reader: ...
        @property
        def app(self) -> Any: ...
        def query_one(self, selector: type[DocumentList]) -> DocumentList: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def open_article(self, article_id: str, start: int = 0, end: int = 0) -> None: ...
        def run_worker(self, work: Callable[[], Any], **kwargs: Any) -> Any: ...
        def _store_key(self) -> str: ...

    @property
    def reading(self) -> ReadingState:
        """The analyst's reading state of the open store (read on first use)."""
        if self._reading is None:
            self._reading = ReadingState(self._store_key())
        return self._reading

    def _write_mark(self, change: Callable[[], object], done: Callable[[], None] | None = None) -> None:
        """Write a mark off the UI thread (a disk may be slow); say so when it cannot be written."""

        def write() -> None:
            try:
                change()
            except OSError as exc:
                self.app.call_from_thread(
                    self.notify, f"Your reading marks could not be saved: {exc}", severity="warning", markup=False
                )
                return
            if done is not None:
                self.app.call_from_thread(done)

        self.run_worker(write, thread=True, group="reading-marks", exit_on_error=False)

    # ------------------------------------------------------------------ read / unread

    def show_read_marks(self) -> None:
        """Give the document list what this analyst has read (unread titles are bold)."""
        rows = self.query_one(DocumentList).main_widget
        rows.read = self.reading.read_ids()
        rows.refresh()

    def article_opened(self, article_id: str) -> None:
        """An article was shown in the reader: it is read."""
        if not self.reading.is_read(article_id):
            rows = self.query_one(DocumentList).main_widget
            self._write_mark(lambda: self.reading.mark_read(article_id), lambda: rows.set_read(article_id, True))

    def on_document_list_read_toggled(self, message: DocumentList.ReadToggled) -> None:
        """``r`` in the list: read becomes unread, unread read."""
        read = not self.reading.is_read(message.article_id)
        rows = self.query_one(DocumentList).main_widget
        self._write_mark(
            lambda: self.reading.mark_read(message.article_id, read), lambda: rows.set_read(message.article_id, read)
        )

    # ------------------------------------------------------------------ bookmarks

    def on_reader_bookmark_requested(self, message: Reader.BookmarkRequested) -> None:
        """``B`` in the reader: bookmark the cursor's place (or take the bookmark there away)."""
        article = self.reader.article
        if article is None:
            return
        offset = message.offset
        if any(b.article_id == article.id and b.offset == offset for b in self.reading.bookmarks()):
            self._write_mark(
                lambda: self.reading.remove_bookmark(article.id, offset),
                lambda: self.notify("Bookmark taken away.", markup=False, timeout=3),
            )
            return
        label = " ".join(article.text[offset : offset + 60].split())
        self._write_mark(
            lambda: self.reading.add_bookmark(article.id, offset, label),
            lambda: self.notify("Bookmarked: ' lists your bookmarks.", markup=False, timeout=3),
        )

    def action_bookmarks(self) -> None:
        """The analyst's bookmarks in this store; Enter opens one."""
        from tui.bookmarks_screen import BookmarksScreen

        def chosen(place: tuple[str, int] | None) -> None:
            if place is not None:
                self.open_article(place[0], place[1])

        self.reading.reload()
        self.app.push_screen(BookmarksScreen(self.store, self.reading), chosen)

    # ------------------------------------------------------------------ saved searches as views

    def save_view(self, name: str, query: str) -> None:
        """Keep a search as a view of the document list (``ctrl+s`` in the search).

        Raises:
            QueryError: the query cannot be read (it is not saved).
            ValueError: no name.
            OSError: it could not be written.
        """
        parse_query(query)
        self.reading.save_query(name, query)

    def on_document_list_view_requested(self, message: DocumentList.ViewRequested) -> None:
        """``V``: the next view (every article, then each saved search); ``X``: forget the one shown."""
        documents = self.query_one(DocumentList)
        self.reading.reload()
        if message.forget:
            if documents.view is None:
                self.notify("This is every article: no view to forget. V goes to a saved search.", markup=False)
                return
            name = documents.view
            self._write_mark(lambda: self.reading.delete_query(name))
            documents.show_view(None, self.store.listing)
            self.notify(f"View “{name}” forgotten.", markup=False, timeout=3)
            return
        views = self.reading.saved_queries()
        if not views:
            self.notify("No saved searches: in the search (s), ctrl+s saves the query as a view.", markup=False)
            return
        names = [None, *(view.name for view in views)]
        at = names.index(documents.view) if documents.view in names else 0
        chosen = names[(at + message.step) % len(names)]
        if chosen is None:
            documents.show_view(None, self.store.listing)
            return
        query = next(view.query for view in views if view.name == chosen)
        try:
            parse_query(query)
        except QueryError as error:
            self.notify(f"The view “{chosen}” cannot be read: {error}", severity="warning", markup=False)
            return
        documents.show_view(chosen, lambda typed: self.store.search_listing(query, typed))

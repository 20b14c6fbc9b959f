"""Pane 1: the documents, filtered as you type.

The rows come from a listing (:meth:`store.Store.listing`) that the store filters: every typed
word must occur in the title, source, author or date. On a server a listing is a query, so the
pane asks for it in a thread worker and keys are never held up; the :class:`ArticleList` under
it then reads only the rows on screen, so 200,000 articles cost no more than ten.

``/`` (or ``ctrl+l``) moves to the filter line; from there every printable key is text until
Escape (back to the list, filter cleared) or Enter (opens the best match). Letters typed in the
list itself are the list's commands (``j``/``k``), never the start of a filter: a key is text
only where a text field has the focus (:mod:`tui.keyboard`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from textual import events, on
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from store import QueryCancelled, StoreConnectionError
from store.listing import ArticleListing, ArticleRow
from tui.widgets.article_list import ArticleList
from tui.widgets.pane import Pane
from tui.widgets.row_list import RowList, top_row, window

#: Makes the listing for a filter (the store's :meth:`~store.Store.listing`).
ListingSource = Callable[[str], ArticleListing]


@dataclass(frozen=True, slots=True)
class _Listed:
    """A listing and what was asked of it off the UI thread, ready to show."""

    asked: int
    listing: ArticleListing
    length: int
    total: int
    highlighted: int | None
    window: tuple[int, list[ArticleRow]]
    counts_mark: int


class DocumentList(Pane):
    """The article list with a filter line above it."""

    PANE_TITLE = "Documents"
    PANE_NUMBER = 1

    #: The worker group of the listing requests (a newer one cancels the older).
    LISTING_GROUP = "document-listing"

    BINDINGS: list[BindingType] = [
        Binding("slash,ctrl+l", "focus_filter", "Filter", id="documents.filter"),
        Binding("V", "next_view", "Views", id="documents.next_view"),
        Binding("X", "forget_view", "Forget view", show=False, id="documents.forget_view"),
        Binding("r", "toggle_read", "Read/unread", show=False, id="documents.toggle_read"),
    ]

    class ArticleChosen(Message):
        """The user opened an article from the list."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class ViewRequested(Message):
        """``V``: show the next view (all articles, then each saved search); ``X``: forget this one."""

        def __init__(self, step: int, forget: bool = False) -> None:
            super().__init__()
            self.step = step
            self.forget = forget

    class ReadToggled(Message):
        """``r`` on an article: mark it read, or unread again."""

        def __init__(self, article_id: str) -> None:
            super().__init__()
            self.article_id = article_id

    class ListingFailed(Message):
        """The listing could not be read (a server store that stopped answering)."""

        def __init__(self, error: Exception) -> None:
            super().__init__()
            self.error = error

    class _ListingReady(Message):
        """A listing asked for in the worker (posted from its thread)."""

        def __init__(self, listed: _Listed) -> None:
            super().__init__()
            self.listed = listed

    def __init__(self, listing: ListingSource, *, id: str | None = None) -> None:
        """A pane that lists what ``listing(filter)`` gives (the pane is handed no store)."""
        super().__init__(id=id)
        self._source = listing
        #: The saved search whose articles are listed (``None``: every article).
        self.view: str | None = None
        #: Requests made, and the one shown: a result for an older request is dropped.
        self._asked = 0
        self._shown = 0
        self._worker: Worker[None] | None = None

    def compose(self):
        yield Input(placeholder="/ to filter…", id="document-filter", select_on_focus=False)
        yield self.compose_empty()
        yield ArticleList(id="document-rows")

    @property
    def main_widget(self) -> ArticleList:
        return self.query_one("#document-rows", ArticleList)

    @property
    def filter_text(self) -> str:
        """What is typed in the filter line."""
        return self.query_one("#document-filter", Input).value

    @property
    def listing_pending(self) -> bool:
        """True while the listing for the latest request has not been shown."""
        return self._shown != self._asked

    def reload(self, *, wait: bool = False, follow: str | None = None) -> None:
        """Ask for a new listing with the current filter, keeping the highlighted row if listed.

        The store changed, so what was listed may have. ``wait`` asks on the UI thread and shows
        the rows before returning: the first fill, so that keys typed ahead find a full list.
        ``follow`` highlights that article instead, wherever it moved (its date was corrected).
        """
        row = self.main_widget.highlighted_row()
        keep = follow if follow is not None else (row.id if row is not None else None)
        self._ask(self.filter_text, keep, wait=wait)

    def _ask(self, query: str, keep: str | None, *, wait: bool = False) -> None:
        self._asked += 1
        rows = self.main_widget
        work = _Request(self._source, self._asked, query, keep, rows.scrollable_content_region.height, rows.row_height)
        mark = rows.mark_counts()
        if wait:
            listed = work.run(mark)
            assert listed is not None  # never cancelled
            self._show(listed)
            return

        def in_thread() -> None:
            worker = get_current_worker()
            listed = work.run(mark, lambda: worker.is_cancelled)
            if listed is not None and not worker.is_cancelled:
                self.post_message(self._ListingReady(listed))

        self._worker = self.run_worker(
            in_thread, thread=True, exclusive=True, group=self.LISTING_GROUP, name="listing", exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A listing that could not be read: what is shown stays (still pending), the screen is told."""
        if event.worker is self._worker and event.state == WorkerState.ERROR:
            event.stop()
            assert isinstance(event.worker.error, Exception)
            if not isinstance(event.worker.error, QueryCancelled):  # a newer filter replaced it
                self.post_message(self.ListingFailed(event.worker.error))

    @on(RowList.Unreadable, "#document-rows")
    def _unreadable(self, event: RowList.Unreadable) -> None:
        event.stop()
        self.post_message(self.ListingFailed(event.error))

    @on(_ListingReady)
    def _listing_ready(self, message: _ListingReady) -> None:
        message.stop()
        if message.listed.asked == self._asked:  # never an older filter's rows after a newer one's
            self._show(message.listed)

    def _show(self, listed: _Listed) -> None:
        self._shown = listed.asked
        listing = listed.listing
        rows = self.main_widget
        rows.forget_counts(listed.counts_mark)
        rows.set_rows(listing, length=listed.length, highlighted=listed.highlighted, window=listed.window)
        query = listing.query
        if not listed.total and self.view is not None:
            self.set_empty(f"No article matches the view “{self.view}”.\nV shows the next view.")
        elif not listed.total:
            self.set_empty("No articles yet.\nImport some from a shell:\n  dossier import PATH…")
        elif not listed.length:
            self.set_empty(f"No article matches “{query}”.\nEscape clears the filter.")
        else:
            self.set_empty(None)
        self.border_subtitle = Content(f"{listed.length}/{listed.total}" if query else str(listed.total))

    def update_count(self, article_id: str, count: int) -> None:
        """Refresh one row after its article's tags changed."""
        self.main_widget.update_count(article_id, count)

    def select_article(self, article_id: str) -> None:
        """Highlight the row of an article opened from elsewhere."""
        self.main_widget.highlight_id(article_id)

    @on(Input.Changed, "#document-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        # A new filter highlights its best match; back to no filter, the row highlighted stays.
        row = self.main_widget.highlighted_row() if not event.value.strip() else None
        self._ask(event.value, row.id if row is not None else None)

    @on(Input.Submitted, "#document-filter")
    def _filter_submitted(self) -> None:
        """Enter in the filter opens the highlighted (by default the best) match.

        Keys typed together (over SSH) may bring Enter before the worker has the rows for the
        text typed: they are then asked for here, on the UI thread, so that Enter opens the best
        match of what was typed, at once, and the keys typed after it go where it sends them.
        """
        rows = self.main_widget
        self.screen.set_focus(rows)
        if self.listing_pending:
            try:
                self._ask(self.filter_text, None, wait=True)
            except QueryCancelled:
                return  # a newer filter is on its way: Enter waits for no stale list
            except StoreConnectionError as error:
                self.post_message(self.ListingFailed(error))
                return
        rows.action_choose()

    def on_key(self, event: events.Key) -> None:
        """In the filter line, Escape clears it and goes back to the list; ↑/↓ go to the list."""
        filter_input = self.query_one("#document-filter", Input)
        if not filter_input.has_focus:
            return
        if event.key == "escape":
            filter_input.value = ""
            self.screen.set_focus(self.main_widget)
            event.stop()
        elif event.key in ("down", "up"):
            self.screen.set_focus(self.main_widget)
            event.stop()

    def show_view(self, name: str | None, listing: ListingSource) -> None:
        """List what ``listing(filter)`` gives from now on: a saved search's articles, or (``None``) all."""
        self.view = name
        self._source = listing
        self.set_title("Documents" if name is None else f"View: {name}")
        self.reload()

    def action_next_view(self) -> None:
        """Show the next view: every article, then each saved search (ctrl+s in the search saves one)."""
        self.post_message(self.ViewRequested(1))

    def action_forget_view(self) -> None:
        """Forget the saved search shown (the list goes back to every article)."""
        self.post_message(self.ViewRequested(0, forget=True))

    def action_toggle_read(self) -> None:
        """Mark the highlighted article read, or unread again."""
        row = self.main_widget.highlighted_row()
        if row is not None:
            self.post_message(self.ReadToggled(row.id))

    def action_focus_filter(self) -> None:
        """Move to the filter line with its text selected, so typing replaces it."""
        filter_input = self.query_one("#document-filter", Input)
        self.screen.set_focus(filter_input)
        filter_input.select_all()

    @on(RowList.Chosen, "#document-rows")
    def _chosen(self, event: RowList.Chosen) -> None:
        event.stop()
        assert isinstance(event.row, ArticleRow)
        self.post_message(self.ArticleChosen(event.row.id))


@dataclass(frozen=True, slots=True)
class _Request:
    """One listing request: everything it needs, so it can run on any thread."""

    source: ListingSource
    asked: int
    query: str
    keep: str | None
    height: int
    row_height: int

    def run(self, counts_mark: int, cancelled: Callable[[], bool] = lambda: False) -> _Listed | None:
        """Ask for the listing, its length and total, where the kept row is, the rows first shown.

        Each of those may be a query to a server: when a newer request has made this one
        pointless (``cancelled``), the next is not asked and ``None`` is returned.
        """
        listing = self.source(self.query)
        if cancelled():
            return None
        length = len(listing)
        highlighted = listing.index_of(self.keep) if self.keep is not None and not cancelled() else None
        if cancelled():
            return None
        if highlighted is None and length:
            highlighted = 0
        start, stop = window(top_row(highlighted, self.height, self.row_height), self.height, length, self.row_height)
        window_rows = listing.rows(start, stop) if stop > start else []
        return _Listed(self.asked, listing, length, listing.total, highlighted, (start, window_rows), counts_mark)

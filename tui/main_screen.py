"""The browsing screen: four panes, and the routing between them and the store.

Panes never talk to each other or to the store: each posts its own messages, and this screen
turns them into store calls and pane updates. Every store change here is followed by
:meth:`MainScreen.refresh_views`, so what the user sees is always what is saved.
"""

from __future__ import annotations

import contextlib

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.css.query import NoMatches
from textual.widgets import Footer, Header

from store import Article, Store, StoreConnectionError
from tui.corpus_actions import CorpusActions
from tui.dialogs.dialog import answer_of
from tui.entity_actions import EntityActions
from tui.history import History, Place
from tui.last_place import last_place, remember_place
from tui.navigation_actions import NavigationActions
from tui.pass_actions import PassActions
from tui.read_only import READ_ONLY_MESSAGE, changes_store
from tui.reading_actions import ReadingActions
from tui.search_actions import SearchActions
from tui.store_screen import StoreScreen, asks_store
from tui.suggestion_feed import SuggestionFeed
from tui.tagging_screen import TaggingScreen
from tui.widgets.document_list import DocumentList
from tui.widgets.entity_pane import EntityPane
from tui.widgets.reader import Highlight, Reader
from tui.widgets.reader_pane import ReaderPane
from tui.widgets.xref_pane import XrefPane

#: Cross-references listed for one entity; the pane says how many more there are.
#: Pause between showing the corpus and reading the annotations (see _fill_documents).
FRAME_FLUSH_S = 0.08


#: The panes by number: the key, the pane's id, its name.
PANES = (
    (1, "documents", "Documents"),
    (2, "reader-pane", "Reader"),
    (3, "entities", "Entities"),
    (4, "xrefs", "Cross-refs"),
)
#: What Textual reports for alt+1..4 typed in a terminal that sends Esc then the digit (most do:
#: it reads them as the characters macOS's Option key makes, ¡ ™ £ ¢).
ALT_DIGIT_KEYS = {1: "inverted_exclamation_mark", 2: "trade_mark_sign", 3: "pound_sign", 4: "cent_sign"}


class MainScreen(
    NavigationActions,
    SearchActions,
    CorpusActions,
    ReadingActions,
    PassActions,
    EntityActions,
    SuggestionFeed,
    TaggingScreen,
):
    """Documents, reader, entities and cross-references on one screen."""

    BINDINGS: list[BindingType] = [
        Binding("1", "focus_pane('documents')", "Documents", show=False, id="screen.pane1"),
        Binding("2", "focus_pane('reader-pane')", "Reader", show=False, id="screen.pane2"),
        Binding("3", "focus_pane('entities')", "Entities", show=False, id="screen.pane3"),
        Binding("4", "focus_pane('xrefs')", "Cross-refs", show=False, id="screen.pane4"),
        # The same from anywhere, a text field or the reader (where digits are counts) included.
        *(
            Binding(
                f"alt+{n},{ALT_DIGIT_KEYS[n]}",
                f"pane('{pane}')",
                f"{name} (from anywhere)",
                show=False,
                id=f"screen.pane{n}_alt",
            )
            for n, pane, name in PANES
        ),
        Binding("slash,s", "search", "Search", id="screen.search"),
        Binding("n", "find(1)", "Next hit", show=False, id="screen.find_next"),
        Binding("N", "find(-1)", "Previous hit", show=False, id="screen.find_previous"),
        Binding("u,ctrl+z", "undo", "Undo", id="screen.undo"),
        Binding("U,ctrl+r,ctrl+y", "redo", "Redo", show=False, id="screen.redo"),
        Binding("left_square_bracket,alt+left", "back", "Back", id="screen.back"),
        Binding("right_square_bracket,alt+right", "forward", "Forward", show=False, id="screen.forward"),
        Binding("z", "zoom", "Zoom pane", show=False, id="screen.zoom"),
        Binding("D", "edit_details", "Edit article details", show=False, id="screen.details"),
        Binding("I", "import_files", "Import files", show=False, id="screen.import"),
        Binding("W", "export", "Export", show=False, id="screen.export"),
        Binding("P", "passages", "Passages", show=False, id="screen.passages"),
        Binding("K", "concordance", "Concordance", show=False, id="screen.concordance"),
        Binding("Y", "timeline", "Timeline", show=False, id="screen.timeline"),
        Binding("C", "compare", "Compare", show=False, id="screen.compare"),
        Binding("apostrophe", "bookmarks", "Bookmarks", show=False, id="screen.bookmarks"),
        Binding("question_mark,f1", "help", "Help", id="screen.help"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.history = History()
        self.article: Article | None = None
        #: Where the reader's cursor is (kept where this store is left, for the next start).
        self._offset = 0
        #: What the reader says before the first article is opened (the first run's news).
        self.welcome: str | None = None
        #: A store call is taking long (another process holds the store's lock).
        self._waiting = False
        self.start_suggestion_feed(store)

    def compose(self) -> ComposeResult:
        if self.store.read_only:  # said up front: no change key will do anything here
            self.sub_title = READ_ONLY_MESSAGE
            yield Header()
        yield DocumentList(self.store.listing, id="documents")
        yield ReaderPane(id="reader-pane")
        yield EntityPane(id="entities")
        yield XrefPane(id="xrefs")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if self.welcome:
            self.reader.empty_message = self.welcome
        self.set_focus(self.query_one(DocumentList).main_widget)
        self._show_article(None)
        self.call_after_refresh(self._first_fill)
        self.start_store_link()

    @on(StoreScreen.StoreChanged)
    @asks_store
    def _update_document_rows(self, message: StoreScreen.StoreChanged) -> None:
        """Counts follow every change, whoever made it and whichever article is open.

        A changed article (a re-import, corrected details) may move in the list: a new listing
        is asked for, keeping the filter and the highlighted row.
        """
        if not self.store.annotations_loaded:
            return
        documents = self.query_one(DocumentList)
        if message.articles_changed:
            documents.reload()
            return
        for article_id in message.article_ids:
            documents.update_count(article_id, self.store.annotation_count(article_id))

    @asks_store
    def _first_fill(self) -> None:
        """Fill the list after the first frame, so a big corpus never delays the first screen.

        The list is filled before the next key is handled, so keys typed ahead find it full. A
        store opened with deferred annotations shows its articles first; the annotations are
        read right after that frame, then the tag counts fill in and the search index is built
        in a thread, so that / answers at once.
        """
        self.query_one(DocumentList).reload(wait=True)
        self.show_read_marks()
        if not self.store.annotations_loaded:
            # A moment's wait lets Textual's writer thread put the frame on the terminal:
            # parsing JSON holds the interpreter lock, and would hold the frame back with it.
            self.set_timer(FRAME_FLUSH_S, self._finish_loading)
        else:
            self._return_to_last_place()
            self._warm_search()

    @asks_store
    def _fill_documents(self) -> None:
        """Ask for a new listing (in a worker): the store changed."""
        self.query_one(DocumentList).reload()

    @asks_store
    def _finish_loading(self) -> None:
        self.store.finish_loading()
        self._fill_documents()
        self.refresh_views()
        self._return_to_last_place()
        self._warm_search()

    def _store_key(self) -> str:
        return self.store.backend.location("articles")

    @asks_store
    def _return_to_last_place(self) -> None:
        """Open the article this user left this store at, at the same place (if it is still there)."""
        place = last_place(self._store_key())
        if place is None or self.article is not None:
            return
        article_id, offset = place
        try:
            article = self.store.article(article_id)
        except KeyError:
            return
        self.history.visit(Place(article_id, offset))
        self._show_article(article, offset)
        self.query_one(DocumentList).select_article(article_id)

    def _warm_search(self) -> None:
        self.run_worker(self.store.search_index, thread=True, name="search index", exit_on_error=False)
        self.start_suggesters()

    def on_screen_suspend(self) -> None:
        """A screen opened over this one: a count typed in the reader is dropped, not kept for after it.

        The command palette's ctrl+p is a priority key: the reader never sees it to drop the count.
        """
        self.reader.drop_count()

    def on_unmount(self) -> None:
        if self.article is not None:  # the reader may be gone already: its last place was heard
            remember_place(self._store_key(), self.article.id, self._offset)
        self.stop_store_link()

    @asks_store
    def changes_taken_in(self) -> None:
        self._fill_documents()
        if self.article is not None:
            with contextlib.suppress(KeyError):  # another analyst's copy may have removed it
                self.article = self.store.article(self.article.id)
        self.refresh_views()
        # A screen open over this one (an entity's, the passages) shows store records too: it
        # follows others' changes as the panes do, through its ``others_changed``.
        for screen in self.app.screen_stack:
            follow = getattr(screen, "others_changed", None)
            if screen is not self and callable(follow):
                follow()

    def show_waiting(self, waiting: bool) -> None:
        self._waiting = waiting
        self._show_store_status()

    def show_reconnecting(self, reconnecting: bool) -> None:
        self._show_store_status()

    def _show_store_status(self) -> None:
        """The reader's subtitle says when the store keeps a change or a question waiting."""
        if self.reconnecting:
            status: str | None = "reconnecting to the store…"
        else:
            status = "waiting for the store…" if self._waiting else None
        with contextlib.suppress(NoMatches):  # a save may finish as the app closes
            self.query_one(ReaderPane).set_status(status)

    @asks_store
    def show_theirs(self) -> None:
        self._fill_documents()
        self.refresh_views()

    # ------------------------------------------------------------------ opening articles

    def open_article(self, article_id: str, start: int = 0, end: int = 0) -> None:
        """Open an article at an offset (highlighting [start, end)), recording it in history."""
        if self.article is not None:
            self.history.remember_offset(self.reader.cursor)
        self.history.visit(Place(article_id, start))
        self._show_place(article_id, start, end)

    @asks_store
    def _show_place(self, article_id: str, start: int, end: int = 0) -> None:
        try:
            article = self.store.article(article_id)
        except KeyError:
            self.notify("That article is no longer in the store.", severity="warning", markup=False)
            return
        highlight = Highlight(start, end) if end > start else None
        self._show_article(article, start, highlight)
        self.query_one(DocumentList).select_article(article_id)

    def _show_article(self, article: Article | None, offset: int = 0, highlight: Highlight | None = None) -> None:
        self.article = article
        pane = self.query_one(ReaderPane)
        if article is None:
            pane.set_title("Reader")
        else:
            details = [p for p in (article.source, article.author) if p]
            if article.published:
                details.append(article.published.isoformat())
            pane.set_title(article.display_title, " · ".join(details) or None)
        # A new article starts on its related articles; the cursor landing on a mention (its
        # CursorMoved message) switches the pane to that entity.
        self.query_one(XrefPane).entity_id = None
        self.refresh_views()
        self.reader.show(article, offset, highlight)
        if article is not None:
            self.article_opened(article.id)

    def refresh_views(self) -> None:
        """Redraw everything that depends on the store for the open article."""
        article = self.article
        if article is None:  # nothing to ask the store (which may still be loading annotations)
            self.reader.set_annotations([], {})
            self.query_one(EntityPane).set_entities([], article_open=False)
            self.query_one(XrefPane).show_related(None, [])
            return
        annotations = self.store.annotations(article.id)
        types = self.store.entity_types({a.entity_id for a in annotations if a.entity_id})
        self.reader.set_annotations(annotations, types)
        self._show_suggestions(article.id)
        counts = self.store.article_entities(article.id)
        pairs = [(self.store.entity(e), n) for e, n in counts.items()]
        orphans = [a for a in annotations if a.orphaned]
        self.query_one(EntityPane).set_entities(pairs, article_open=True, orphans=orphans)
        self.query_one(DocumentList).update_count(article.id, len(annotations))
        xrefs = self.query_one(XrefPane)
        if xrefs.entity_id is not None and self.store.entity_types([xrefs.entity_id]):
            self.show_entity(xrefs.entity_id, focus=False)
        else:
            self._show_related()

    # ------------------------------------------------------------------ pane messages

    @on(DocumentList.ListingFailed)
    def _listing_failed(self, message: DocumentList.ListingFailed) -> None:
        """The list could not be read: a server gone away reconnects; anything else is said."""
        if isinstance(message.error, StoreConnectionError):
            self.store_unreachable(message.error)
        else:
            self.notify(f"Cannot list the articles: {message.error}", severity="error", markup=False)

    @on(DocumentList.ArticleChosen)
    def _article_chosen(self, message: DocumentList.ArticleChosen) -> None:
        self.open_article(message.article_id)
        self.set_focus(self.reader)

    @on(Reader.CursorMoved)
    def _cursor_moved(self, message: Reader.CursorMoved) -> None:
        self._offset = message.offset
        self.follow_cursor_with_suggestions(message.offset)
        passages = [a for a in message.annotations if not a.entity_id]
        self.query_one(EntityPane).show_passage(passages[-1] if passages else None)
        entity_id = message.entity_id
        xrefs = self.query_one(XrefPane)
        if entity_id is not None:
            if xrefs.entity_id != entity_id:
                self.show_entity(entity_id)
            self.query_one(EntityPane).highlight_entity(entity_id)
        elif xrefs.entity_id is not None and self.reader.has_focus:
            self._show_related()

    @on(EntityPane.EntityHighlighted)
    def _entity_highlighted(self, message: EntityPane.EntityHighlighted) -> None:
        self.show_entity(message.entity_id)

    @on(EntityPane.EntityChosen)
    @asks_store
    def _entity_chosen(self, message: EntityPane.EntityChosen) -> None:
        mentions = (
            [a for a in self.store.annotations(self.article.id) if a.entity_id == message.entity_id]
            if self.article
            else []
        )
        if not mentions:
            return
        after = [a for a in mentions if a.start > self.reader.cursor]
        self.reader.place_cursor((after or mentions)[0].start)
        self.set_focus(self.reader)

    @on(XrefPane.Follow)
    def _follow(self, message: XrefPane.Follow) -> None:
        target = message.target
        self.open_article(target.article_id, target.start, target.end)
        self.set_focus(self.reader)

    # ------------------------------------------------------------------ screen actions

    @changes_store
    @work(exclusive=False)
    @asks_store
    async def action_edit_details(self) -> None:
        """Correct the open article's title, source, author, date or url."""
        if self.article is None:
            self.notify("Open an article first.", markup=False)
            return
        from tui.dialogs.details_dialog import DetailsDialog  # dialogs load when first opened

        article_id = self.article.id
        async with answer_of(self.app, DetailsDialog(self.article)) as values:
            if values is None:
                return
            article = await self._save(lambda: self.store.set_metadata(article_id, **values))
            if article is not None:
                self.query_one(DocumentList).reload(follow=article_id)  # it may move: its row follows
                self._show_article(article, self.reader.cursor)
                self.notify("Details saved; they survive a re-import.", markup=False, timeout=3)

    @changes_store
    @work(exclusive=False)
    async def action_import_files(self) -> None:
        """Import a file or folder, with progress; Escape cancels."""
        from tui.dialogs.import_dialog import ImportDialog, ImportProgress, import_summary

        path = await self.app.push_screen_wait(ImportDialog())
        if path is None:
            return
        self._importing = True
        try:
            report = await self.app.push_screen_wait(ImportProgress(self.store, path))
        finally:
            self._importing = False
        self._fill_documents()
        self.refresh_views()
        self.notify(
            import_summary(report),
            title="Import",
            severity="warning" if report.skipped or report.cancelled or report.stopped else "information",
            markup=False,
            timeout=10,
        )

    def action_passages(self) -> None:
        """Every passage of the corpus by label, with its note; Enter opens one."""
        from tui.passages_screen import PassagesScreen

        def chosen(place: tuple[str, int, int] | None) -> None:
            if place is not None:
                self.open_article(*place)

        self.app.push_screen(PassagesScreen(self.store), chosen)

    def action_help(self) -> None:
        """Show every key binding."""
        from tui.dialogs.help_screen import HelpScreen, main_screen_sections

        keymap = getattr(self.app, "key_overrides", {})  # the settings file's [keys]
        self.app.push_screen(HelpScreen(main_screen_sections(self.app.BINDINGS, self.BINDINGS), keymap))

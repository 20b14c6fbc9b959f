"""The corpus from the main screen: pane 4, ``K`` concordance, ``Y`` timeline, ``C`` compare, ``w``, ``W`` export.

Mixed into :class:`tui.main_screen.MainScreen`, whose bindings call these actions. Each asks
about what the analyst is looking at: the entity pane 4 shows (the mention under the reader's
cursor, or the entity highlighted in pane 3), else the last search.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual import work
from textual.worker import get_current_worker

from store import Article, Store, StoreConnectionError
from tui.dialogs.search_dialog import SearchChoice
from tui.history import History, ListPlace
from tui.store_screen import asks_store
from tui.widgets.entity_pane import EntityPane
from tui.widgets.reader import Reader
from tui.widgets.xref_pane import XrefPane

T = TypeVar("T")
#: Places of an entity pane 4 lists (the rest: K, the concordance).
MAX_MENTIONS_SHOWN = 300


class CorpusActions:
    """The corpus keys' actions (see the module docstring)."""

    store: Store
    found: SearchChoice | None
    article: Article | None
    history: History

    if TYPE_CHECKING:  # provided by the screen

        @property
        def reader(self) -> Reader: ...
        @property
        def app(self) -> object: ...
        def query_one(self, selector: type[T]) -> T: ...
        def open_article(self, article_id: str, start: int = 0, end: int = 0) -> None: ...
        def notify(self, message: str, **kwargs: object) -> None: ...
        def set_focus(self, widget: object) -> None: ...
        async def _save(self, call: Any) -> Any: ...
        def show_entity(self, entity_id: str, *, focus: bool = False) -> None: ...

    # ------------------------------------------------------------------ pane 4

    @asks_store
    def _show_related(self) -> None:
        """Articles sharing the most (and rarest) entities; sharing telling words when it has no tags yet."""
        article = self.article
        related: list[tuple[Article, list[str]]] = []
        if article is not None:
            related = [
                (other, [e.name for e in self.store.shared_entities(article.id, other.id)])
                for other, _ in self.store.related(article.id)
            ]
            if not related and not self.store.article_entities(article.id):
                self._related_by_words(article)
        self.query_one(XrefPane).show_related(article, related)

    @work(thread=True, exclusive=True, group="related-by-words", exit_on_error=False)
    def _related_by_words(self, article: Article) -> None:
        """An article with no tags: related by its telling words, found off the UI thread.

        The full-text index may still be building, and a server counts each word's rarity.
        """
        try:
            found = [(other, words) for other, _, words in self.store.related_by_words(article.id)]
        except (KeyError, StoreConnectionError):
            return
        if found and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_related_by_words, article.id, found)

    def _show_related_by_words(self, article_id: str, found: list[tuple[Article, list[str]]]) -> None:
        xrefs = self.query_one(XrefPane)
        if self.article is not None and self.article.id == article_id and xrefs.entity_id is None:
            xrefs.show_related(self.article, found, by_words=True)

    @asks_store
    def show_entity(self, entity_id: str, *, focus: bool = False) -> None:
        """Show every other article's mentions of an entity in the cross-reference pane."""
        try:
            entity = self.store.entity(entity_id)
        except KeyError:
            self._show_related()
            return
        exclude = self.article.id if self.article else None
        lines = self.store.concordance(entity_id=entity_id, exclude_article=exclude, limit=MAX_MENTIONS_SHOWN + 1)
        titles = self.store.article_titles({line.article_id for line in lines})
        more = len(lines) > MAX_MENTIONS_SHOWN
        self.query_one(XrefPane).show_occurrences(entity, lines[:MAX_MENTIONS_SHOWN], titles, more=more)
        if focus:
            self.query_one(XrefPane).focus_main()

    # ------------------------------------------------------------------ the screens

    def _subject(self, *, quiet: bool = False) -> tuple[str | None, str | None, str] | None:
        """(entity id, query, title) of what a question is about, or ``None`` (said to the user unless ``quiet``)."""
        entity_id = self.query_one(XrefPane).entity_id
        if entity_id is not None:
            try:
                return entity_id, None, self.store.entity(entity_id).name
            except KeyError:
                pass
        if self.found is not None:
            return None, self.found.query, f"search “{self.found.query}”"
        if quiet:
            return None
        self.notify(
            "Put the reader's cursor on a tag (or highlight an entity in pane 3), or search first (s).", markup=False
        )
        return None

    def _push_list(self, kind: str, about: dict[str, str | None], start_key: str | None = None) -> None:
        """Open a list screen; the place chosen there opens, and the history keeps the list at its line.

        ``[`` from that place brings the list back at the line it was followed from
        (:meth:`reopen_list`), as a browser's back button brings back a page of results.
        """
        screen = self._list_screen(kind, about, start_key)

        def chosen(place: tuple[str, int, int] | None) -> None:
            if place is None:
                return
            now = dict(about)  # as the list was left: its sort, corpus or subject
            if kind == "concordance":
                now["sort"] = screen.sort
            elif kind == "timeline":
                now["corpus"] = "yes" if screen.whole_corpus else None
            listed = ListPlace(kind, now, screen.highlighted_key())
            if self.article is not None:
                self.history.remember_offset(self.reader.cursor)
            if isinstance(self.history.current, ListPlace) and self.history.current.kind == kind:
                self.history.replace(listed)  # the list came back from the history: it is that place
            else:
                self.history.visit(listed)
            article_id, start, end = place
            self.open_article(article_id, start, end)
            self.reader.select_span(start, end)
            self.set_focus(self.reader)

        self.app.push_screen(screen, chosen)  # type: ignore[attr-defined]

    def _list_screen(self, kind: str, about: dict[str, str | None], start_key: str | None) -> Any:
        """The screen of a list place."""
        from tui.compare_screen import CompareScreen
        from tui.concordance_screen import ConcordanceScreen
        from tui.timeline_screen import TimelineScreen

        entity_id, query, title = about.get("entity_id"), about.get("query"), about.get("title") or ""
        if kind == "concordance":
            sort = about.get("sort") or "article"
            return ConcordanceScreen(
                self.store,
                entity_id=entity_id,
                query=query,
                label=about.get("label"),
                title=title,
                sort=sort,
                start_key=start_key,
            )
        if kind == "timeline":
            return TimelineScreen(
                self.store,
                entity_id=entity_id,
                query=query,
                label=about.get("label"),
                title=about.get("title"),
                whole_corpus=about.get("corpus") == "yes",
                start_key=start_key,
            )
        return CompareScreen(
            self.store, self._save, label=about.get("label"), entity_id=entity_id, title=title, start_key=start_key
        )

    def reopen_list(self, place: ListPlace) -> None:
        """Bring a list of the history back, at the line it was left at (``[`` and ``]``)."""
        if place.kind == "search":
            self.action_search(place.about.get("query") or "", int(place.key or 0))  # type: ignore[attr-defined]
            return
        if place.kind == "seen_with":
            self.open_seen_with(place.about.get("entity_id") or "", place.key)
            return
        if place.kind == "entity":  # an entity followed to: its places in pane 4 again
            self.show_entity(place.about.get("entity_id") or "", focus=True)
            return
        self._push_list(place.kind, place.about, place.key)

    def action_concordance(self) -> None:
        """Every place the entity (the label of the passage under the cursor, the last search) occurs, aligned."""
        if self.query_one(XrefPane).entity_id is None:
            label = self._passage_label()
            if label is not None:
                self._push_list("concordance", {"label": label, "title": f"label “{label}”"})
                return
        subject = self._subject()
        if subject is not None:
            entity_id, query, title = subject
            self._push_list("concordance", {"entity_id": entity_id, "query": query, "title": title})

    def _passage_label(self) -> str | None:
        """The first label of the passage under the reader's cursor, if it is in one."""
        if self.reader.article is None:
            return None
        passages = [a for a in self.reader.annotations_at(self.reader.cursor) if not a.entity_id and a.labels]
        return passages[-1].labels[0] if passages else None

    def action_timeline(self) -> None:
        """Publication dates and dates stated in the text, of the entity, the label, the last search, or the corpus."""
        if self.query_one(XrefPane).entity_id is None:
            label = self._passage_label()
            if label is not None:
                self._push_list("timeline", {"label": label, "title": f"label “{label}”"})
                return
        subject = self._subject(quiet=True)
        if subject is None:
            self._push_list("timeline", {"corpus": "yes"})
        else:
            entity_id, query, title = subject
            self._push_list("timeline", {"entity_id": entity_id, "query": query, "title": title})

    def action_compare(self) -> None:
        """Passages of the label under the cursor (or tags of the entity in pane 4) side by side, to link them."""
        label = self._passage_label()
        if label is not None:
            self._push_list("compare", {"label": label, "title": f"label “{label}”"})
            return
        entity_id = self.query_one(XrefPane).entity_id
        if entity_id is None:
            self.notify(
                "Put the reader's cursor on a passage with a label (m marks one), or on a tag of an entity.",
                markup=False,
            )
            return
        try:
            name = self.store.entity(entity_id).name
        except KeyError:
            return
        self._push_list("compare", {"entity_id": entity_id, "title": name})

    def on_entity_pane_seen_with_requested(self, message: EntityPane.SeenWithRequested) -> None:
        """``w`` in the entity pane: the entities seen with it; the one chosen shows in pane 4."""
        self.open_seen_with(message.entity_id)

    def open_seen_with(self, entity_id: str, start_key: str | None = None) -> None:
        """The entities seen with one; the one followed is a place of the history (``[`` comes back)."""
        from tui.cooccurrence_screen import CooccurrenceScreen

        screen = CooccurrenceScreen(self.store, entity_id, start_key)

        def chosen(other: str | None) -> None:
            if other is None:
                return
            listed = ListPlace("seen_with", {"entity_id": entity_id}, other)
            if self.article is not None:
                self.history.remember_offset(self.reader.cursor)
            if isinstance(self.history.current, ListPlace) and self.history.current.kind == "seen_with":
                self.history.replace(listed)
            else:
                self.history.visit(listed)
            self.history.visit(ListPlace("entity", {"entity_id": other}))  # where the user is now
            # Highlighted in pane 3 too (when the article has it), so that going back there
            # does not show the one the list was asked from again.
            self.query_one(EntityPane).highlight_entity(other)
            self.show_entity(other, focus=True)

        self.app.push_screen(screen, chosen)  # type: ignore[attr-defined]

    # ------------------------------------------------------------------ export

    @work(exclusive=False)
    async def action_export(self) -> None:
        """Export the store, or the open article, in a format the analyst picks (W)."""
        from tui.dialogs.export_dialog import ExportDialog

        request = await self.app.push_screen_wait(ExportDialog(self.article))  # type: ignore[attr-defined]
        if request is not None:
            self.notify(f"Exporting {request.format} to {request.path}…", markup=False, timeout=3)
            self._export(request)

    @work(thread=True, exclusive=False, name="export")
    def _export(self, request: Any) -> None:
        """Write the export in a thread (a large store takes seconds); say what was written."""
        from store.exchange.selection import Selection
        from store.exchange.writing import ExportRefused, export_to
        from store.sanitize import neutralize

        selection = Selection(article_ids=(request.article_id,)) if request.article_id else None
        call = self.app.call_from_thread  # type: ignore[attr-defined]
        try:
            summary = export_to(self.store, request.format, request.path, selection)
        except (ExportRefused, OSError, ValueError, StoreConnectionError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            call(self.notify, f"Not exported: {neutralize(reason)}", title="Export", severity="error", markup=False)
            return
        call(self.notify, neutralize(summary.line()), title="Export", markup=False, timeout=10)

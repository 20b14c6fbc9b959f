"""Tagging from the reader: its requests become dialogs, and the dialogs' answers saved tags.

:class:`TaggingScreen` sits between the store link (:class:`~tui.store_screen.StoreScreen`) and
the browsing screen: the reader asks to tag, edit or delete; the entity picker or the passage
dialog asks the analyst; the answer is saved on the store thread, and the panes are redrawn.
"""

from __future__ import annotations

from textual import on, work

from store import Annotation, Article, StoreConnectionError, Suggestion
from tui.dialogs.dialog import answer_of
from tui.dialogs.entity_picker import EntityChoice, EntityPicker, first_offer, offered_types
from tui.dialogs.passage_dialog import PassageDialog
from tui.read_only import changes_store
from tui.store_screen import StoreScreen, asks_store
from tui.widgets.reader import Reader
from tui.widgets.reader_suggestions import SuggestionDecided


class TaggingScreen(StoreScreen):
    """Tag, edit and delete through the dialogs (the subclass has the reader and the panes)."""

    article: Article | None

    @property
    def reader(self) -> Reader:
        """The reading view."""
        return self.query_one(Reader)

    def refresh_views(self) -> None:
        """Redraw everything that depends on the store for the open article."""

    @on(Reader.TagRequested)
    @changes_store
    def _tag_requested(self, message: Reader.TagRequested) -> None:
        if self.article is None:
            return
        self._tag(self.article, message.kind, message.start, message.end)

    @work(exclusive=False)
    @asks_store
    async def _tag(self, article: Article, kind: str, start: int, end: int) -> None:
        quote = article.text[start:end]
        if kind == "entity_at_once":
            await self._tag_at_once(article, start, end)
            return
        dialog: EntityPicker | PassageDialog
        if kind in ("entity", "entity_everywhere"):
            dialog = EntityPicker(quote, self.answer_or(self.store.match_entities, []))
        else:
            dialog = PassageDialog(quote, self.store.labels())
        async with answer_of(self.app, dialog) as answer:
            if answer is None:
                return
            if isinstance(answer, EntityChoice):
                choice = answer
                annotation = await self._save(
                    lambda: self.store.annotate(
                        article.id, start, end, entity=_entity_argument(choice), entity_type=choice.type
                    )
                )
            else:
                passage = answer
                annotation = await self._save(
                    lambda: self.store.annotate(article.id, start, end, labels=passage.labels, note=passage.note)
                )
            if annotation is not None:
                self.reader.clear_after_tag()
                self.refresh_views()
                self._announce_saved(annotation)
                if kind == "entity_everywhere" and annotation.entity_id:
                    self.pass_over_unlinked(annotation.entity_id)

    def pass_over_unlinked(self, entity_id: str) -> None:
        """Open a pass over the entity's unlinked mentions (the browsing screen's pass keys do)."""

    async def _tag_at_once(self, article: Article, start: int, end: int) -> None:
        """``E``: tag as the picker's first offer (what ``e`` then Enter would do), saying which."""
        try:  # not answer_or: with no answer, a known name would become a new entity
            choice = first_offer(article.text[start:end], self.store.match_entities, offered_types(self.app))
        except StoreConnectionError as exc:
            self.store_unreachable(exc)
            return
        if choice is None:
            self.notify("Nothing to tag there.", severity="warning", markup=False)
            return
        annotation = await self._save(
            lambda: self.store.annotate(
                article.id, start, end, entity=_entity_argument(choice), entity_type=choice.type
            )
        )
        if annotation is not None:
            self.reader.clear_after_tag()
            self.refresh_views()
            self._announce_saved(annotation, hint=" Not the one? Enter on it changes it; u undoes.")

    @asks_store
    @on(SuggestionDecided)
    @changes_store
    def _suggestion_decided(self, message: SuggestionDecided) -> None:
        self._decide(message.suggestion, message.accept)

    @work(exclusive=False)
    @asks_store
    async def _decide(self, suggestion: Suggestion, accept: bool) -> None:
        """Save the analyst's answer to a suggestion (``y`` / ``r``): a tag, or a rejection that stays."""
        decide = self.store.accept_suggestion if accept else self.store.reject_suggestion
        try:
            saved = await self._save(lambda: decide(suggestion))
        except ValueError as exc:  # the article changed under the suggestion: shown afresh
            self.notify(str(exc), severity="warning", markup=False)
            self.refresh_views()
            return
        if saved is None:
            return
        self.refresh_views()
        if accept:
            self._announce_saved(saved, " (u undoes)")
        else:
            self.notify(f"Rejected “{suggestion.quote[:40]}”: not suggested again (u undoes).", markup=False, timeout=3)

    def _announce_saved(self, annotation: Annotation, hint: str = "") -> None:
        if annotation.entity_id:
            entity = self.store.entity(annotation.entity_id)
            text = f"Tagged “{annotation.quote[:40]}” → {entity.name} ({entity.type}). Saved.{hint}"
        else:
            labels = ", ".join(annotation.labels) or "no label"
            text = f"Marked passage ({labels}). Saved."
        self.notify(text, markup=False, timeout=3)

    @on(Reader.EditRequested)
    @changes_store
    def _edit_requested(self, message: Reader.EditRequested) -> None:
        self._edit(message.annotation)

    @work(exclusive=False)
    @asks_store
    async def _edit(self, annotation: Annotation) -> None:
        dialog: EntityPicker | PassageDialog
        if annotation.entity_id:
            current = self.store.entity(annotation.entity_id)
            dialog = EntityPicker(annotation.quote, self.answer_or(self.store.match_entities, []), current=current)
        else:
            dialog = PassageDialog(
                annotation.quote, self.store.labels(), labels=annotation.labels, note=annotation.note, editing=True
            )
        async with answer_of(self.app, dialog) as answer:
            if answer is None:
                return
            if isinstance(answer, EntityChoice):
                choice = answer
                updated = await self._save(
                    lambda: self.store.update_annotation(
                        annotation.id, entity=_entity_argument(choice), entity_type=choice.type
                    )
                )
            else:
                passage = answer
                updated = await self._save(
                    lambda: self.store.update_annotation(annotation.id, labels=passage.labels, note=passage.note)
                )
            if updated is not None:
                self.refresh_views()
                self.notify("Tag updated. Saved.", markup=False, timeout=3)

    @on(Reader.DeleteRequested)
    @changes_store
    def _delete_requested(self, message: Reader.DeleteRequested) -> None:
        self._delete(message.annotation)

    @work(exclusive=False)
    async def _delete(self, annotation: Annotation) -> None:
        if await self._save(lambda: self.store.remove_annotation(annotation.id) or True):
            self.refresh_views()
            self.notify(f"Deleted “{annotation.quote[:40]}”. u undoes.", markup=False, timeout=3)


def _entity_argument(choice: EntityChoice) -> str:
    if choice.entity_id is not None:
        return choice.entity_id
    assert choice.name is not None
    return choice.name

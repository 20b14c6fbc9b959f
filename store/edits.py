"""The store's edits: every change a caller can ask for, each planned and then committed.

:class:`StoreEdits` turns a request into a changeset with a planner (under the view's lock,
so the plan reads one consistent state) and hands it to ``_commit``, the one write path of
:class:`~store.store.Store`, which saves it, rebased onto what other analysts saved, and only
then applies it to memory.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from store import codec, entity_edits
from store.annotating import UNSET, plan_annotations, plan_removal, plan_update
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Changeset
from store.details import plan_details
from store.linking import plan_link, plan_unlink
from store.merging_export import plan_merge, settle_report
from store.models import REJECTED, Annotation, Article, Entity, ImportReport, Link, Suggestion
from store.queries import StoreQueries, needs_annotations
from store.view import View

if TYPE_CHECKING:
    from store.importing import ProgressCallback


class StoreEdits(StoreQueries):
    """Requests for changes, each one undoable step (imports excepted)."""

    user: str

    def _commit(self, changeset: Changeset | Callable[[View], Changeset], *, record_undo: bool = True) -> Changeset:
        """Save a changeset, or the one a planner makes under the lock (see Store._commit)."""
        raise NotImplementedError

    def refresh(self) -> bool:
        """Take in what other processes saved (see :class:`~store.store.Store`)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ articles

    @needs_annotations
    def set_metadata(self, article_id: str, **fields: Any) -> Article:
        """Correct an article's title, source, author, published date or url (undoable).

        Corrections are kept apart from what was extracted from the file, so they survive a
        re-import of a changed file. ``published`` takes a ``date``, an ISO string or ``None``.
        """
        with self.view.lock:
            changeset = plan_details(self.view, article_id, fields)
        committed = self._commit(changeset)
        for change in committed.changes:  # what was committed, not read back (see annotate_many)
            if change.table == ARTICLES and change.key == article_id and change.after is not None:
                return codec.article_record(change.after)
        return self.view.article(article_id)

    @needs_annotations
    def import_paths(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        progress: ProgressCallback | None = None,
        cancelled: Callable[[], bool] | None = None,
        batch_size: int | None = None,
    ) -> ImportReport:
        """Import files and folders (recursively). Bad files are reported, never fatal.

        The same file imported twice adds nothing; a file whose text changed updates its
        article in place (same id, the user's corrections kept) and re-anchors its annotations,
        orphaning those whose words are gone. Articles are saved in batches, so a cancelled
        or interrupted import keeps what it finished. A Dossier export (``.json``) is merged.
        """
        from store.importing import run_import  # reading and cleaning files: only when importing

        save = functools.partial(self._commit, record_undo=False)
        with self.backend.preparing_articles() as prepare:
            report = run_import(
                self.view,
                paths,
                save=save,
                merge=self.merge_export,
                progress=progress,
                cancelled=cancelled,
                batch_size=batch_size or self.backend.IMPORT_BATCH,
                prepare=prepare,
            )
        self.backend.settle(len(report.added) + len(report.updated) + report.tags_added)
        return report

    @needs_annotations
    def merge_export(
        self, data: dict[str, Any], *, report: ImportReport | None = None, origin: str = "export"
    ) -> ImportReport:
        """Merge a Dossier export (see :mod:`store.export`) into this store, as one undoable step."""
        report = report if report is not None else ImportReport()
        added_before = len(report.added)
        with self.view.lock:
            changeset = plan_merge(self.view, data, report, origin, self.user)
        committed = self._commit(changeset)
        settle_report(report, changeset, committed, added_before)
        return report

    # ------------------------------------------------------------------ entities

    def _entity_after(self, committed: Changeset, entity_id: str) -> Entity:
        """The entity as ``committed`` left it (not read back: see annotate_many), or as the view has it."""
        for change in reversed(committed.changes):
            if change.table == ENTITIES and change.key == entity_id and change.after is not None:
                return codec.entity_record(change.after)
        return self.view.entity(entity_id)

    def _edit_entity(self, plan: Callable[..., Changeset], entity_id: str, *args: Any, **kwargs: Any) -> Entity:
        with self.view.lock:
            changeset = plan(self.view, entity_id, *args, **kwargs)
        return self._entity_after(self._commit(changeset), entity_id)

    @needs_annotations
    def rename_entity(self, entity_id: str, new_name: str, *, keep_old_as_alias: bool = True) -> Entity:
        """Rename an entity (undoable); the old name stays an alias unless ``keep_old_as_alias=False``.

        Raises:
            KeyError: there is no such entity.
            NameTakenError: another entity has that name or alias (a ``ValueError`` naming it).
            ValueError: the name is empty once cleaned.
            ConflictError: another analyst renamed it, deleted it or took the name meanwhile.
        """
        return self._edit_entity(entity_edits.plan_rename, entity_id, new_name, keep_old_as_alias=keep_old_as_alias)

    @needs_annotations
    def retype_entity(self, entity_id: str, new_type: str) -> Entity:
        """Change an entity's type (undoable): a default (``ENTITY_TYPES``) or any label, upper-cased."""
        return self._edit_entity(entity_edits.plan_retype, entity_id, new_type)

    @needs_annotations
    def add_alias(self, entity_id: str, alias: str) -> Entity:
        """Add an alias (undoable; nothing happens when it is a name of the entity already).

        Raises ``NameTakenError`` (a ``ValueError``) when another entity has that name or alias.
        """
        return self._edit_entity(entity_edits.plan_add_alias, entity_id, alias)

    @needs_annotations
    def remove_alias(self, entity_id: str, alias: str) -> Entity:
        """Remove an alias, compared as names are (case and accents aside) (undoable)."""
        return self._edit_entity(entity_edits.plan_remove_alias, entity_id, alias)

    @needs_annotations
    def set_entity_note(self, entity_id: str, note: str) -> Entity:
        """Replace an entity's note (undoable; an empty note clears it)."""
        return self._edit_entity(entity_edits.plan_note, entity_id, note)

    @needs_annotations
    def delete_entity(self, entity_id: str) -> None:
        """Delete an entity and every mention of it, as one undoable step (the app asks first).

        Raises ``ConflictError`` when another analyst has tagged, edited or deleted it since.
        """
        with self.view.lock:
            changeset = entity_edits.plan_delete(self.view, entity_id)
        self._commit(changeset)

    @needs_annotations
    def merge_entities(self, keep_id: str, other_id: str) -> Entity:
        """Merge ``other_id`` into ``keep_id`` as one undoable step; returns the kept entity.

        Every mention of the other moves to the kept one, whose aliases gain the other's name
        and aliases (and whose note gains the other's); the other is deleted. Mentions are read
        as the merge is saved, so another analyst's new tags of the other move too.
        """
        with self.view.lock:
            planner = entity_edits.plan_merge(self.view, keep_id, other_id)
        return self._entity_after(self._commit(planner), keep_id)

    @needs_annotations
    def split_entity(
        self, entity_id: str, annotation_ids: Iterable[str], new_name: str, new_type: str | None = None
    ) -> Entity:
        """Move some mentions of an entity to a new one named ``new_name`` (undoable); returns it.

        When ``new_name`` is already another entity's name or alias the mentions move to that
        entity instead; one of the split entity's own aliases moves to the new entity with them.
        ``new_type`` defaults to the split entity's type.
        """
        with self.view.lock:
            changeset = entity_edits.plan_split(self.view, entity_id, annotation_ids, new_name, new_type)
        committed = self._commit(changeset)
        moved = [c.after for c in committed.changes if c.table == ANNOTATIONS and c.after is not None]
        target = str(moved[0]["entity_id"]) if moved else entity_id
        return self._entity_after(committed, target)

    # ------------------------------------------------------------------ annotations

    @needs_annotations
    def annotate(
        self,
        article_id: str,
        start: int,
        end: int,
        *,
        entity: str | None = None,
        entity_type: str | None = None,
        labels: Iterable[str] = (),
        note: str = "",
        status: str = "accepted",
    ) -> Annotation:
        """Tag [start, end) of an article, saved durably before this returns (undoable).

        With ``entity`` (an entity id, a name or alias of an existing entity, or the name of a
        new one together with ``entity_type``) the span becomes an entity mention; a quote that
        is not yet a name of the entity becomes an alias. Without it, a passage with ``labels``
        and ``note``.
        """
        item = {"article_id": article_id, "start": start, "end": end, "entity": entity, "entity_type": entity_type}
        item.update(labels=labels, note=note, status=status)
        try:
            quote = self.view.article(article_id).text[start:end][:30]
        except KeyError:
            quote = ""
        label = f"tag {quote!r}" if entity else f"mark passage {quote!r}"
        return self.annotate_many([item], label=label)[0]

    @needs_annotations
    def annotate_many(self, items: Iterable[dict[str, Any]], *, label: str = "tag many") -> list[Annotation]:
        """Create many annotations as one change: one durable write, one undo step."""
        with self.view.lock:
            changeset = plan_annotations(self.view, items, self.user, label)
        committed = self._commit(changeset)
        self.backend.settle(len(committed.changes))
        # From what was committed, not read back: once saved, a question that fails (the
        # server blinking right after the COMMIT) must not make a saved tag look unsaved.
        return [
            codec.annotation_record(c.after)
            for c in committed.changes
            if c.table == ANNOTATIONS and c.before is None and c.after is not None
        ]

    @needs_annotations
    def update_annotation(
        self,
        annotation_id: str,
        *,
        start: int = UNSET,
        end: int = UNSET,
        entity: str | None = UNSET,
        entity_type: str | None = None,
        labels: Iterable[str] = UNSET,
        note: str = UNSET,
        status: str = UNSET,
    ) -> Annotation:
        """Change an annotation's span, entity, labels, note or status (undoable).

        Only the arguments given change; ``entity=None`` turns a mention into a passage.
        """
        with self.view.lock:
            changeset = plan_update(
                self.view,
                annotation_id,
                start=start,
                end=end,
                entity=entity,
                entity_type=entity_type,
                labels=labels,
                note=note,
                status=status,
            )
        committed = self._commit(changeset)
        for change in committed.changes:  # what was committed, not read back (see annotate_many)
            if change.table == ANNOTATIONS and change.key == annotation_id and change.after is not None:
                return codec.annotation_record(change.after)
        return self.view.annotation(annotation_id)

    @needs_annotations
    def accept_suggestion(
        self, suggestion: Suggestion, *, entity: str | None = None, entity_type: str | None = None
    ) -> Annotation:
        """Tag a suggestion's span (undoable): linked to its entity, or to an entity of its name.

        ``entity`` (an id, a name or alias, or a new name) relinks it, ``entity_type`` retypes it.
        A new name becomes a new entity of the suggestion's (or the given) type.
        """
        return self.accept_suggestions([suggestion], entity=entity, entity_type=entity_type)[0]

    def accept_suggestions(
        self, suggestions: Iterable[Suggestion], *, entity: str | None = None, entity_type: str | None = None
    ) -> list[Annotation]:
        """Tag many suggestions as one change ("accept all shown"): one save, one undo step."""
        items = [
            {
                "article_id": s.article_id,
                "start": s.start,
                "end": s.end,
                "entity": entity or s.entity_id or s.name,
                "entity_type": entity_type or s.entity_type,
            }
            for s in self._still_there(suggestions)
        ]
        return self.annotate_many(items, label=_batch_label("accept", items))

    def reject_suggestion(self, suggestion: Suggestion) -> Annotation:
        """Turn a suggestion down for good (undoable): its span is not proposed again."""
        return self.reject_suggestions([suggestion])[0]

    def reject_suggestions(self, suggestions: Iterable[Suggestion]) -> list[Annotation]:
        """Turn many suggestions down as one change: kept as rejected spans, not as tags."""
        items = [
            {"article_id": s.article_id, "start": s.start, "end": s.end, "status": REJECTED}
            for s in self._still_there(suggestions)
        ]
        return self.annotate_many(items, label=_batch_label("reject", items))

    def _still_there(self, suggestions: Iterable[Suggestion]) -> list[Suggestion]:
        """The suggestions, each checked against its article as it is now (a re-import may move text)."""
        checked = list(suggestions)
        if not checked:
            raise ValueError("no suggestion given")
        with self.view.lock:
            for s in checked:
                if self.view.article(s.article_id).text[s.start : s.end] != s.quote:
                    raise ValueError(f"the article changed since {s.quote!r} was suggested; ask again")
        return checked

    def remove_annotation(self, annotation_id: str) -> None:
        """Delete an annotation (undoable). Its entity stays in the dictionary; its links go with it."""
        with self.view.lock:
            changeset = plan_removal(self.view, annotation_id)
        self._commit(changeset)

    # ------------------------------------------------------------------ links between tags

    def link(self, annotation_id_a: str, annotation_id_b: str, kind: str, note: str = "") -> Link:
        """Say that two tags agree, contradict each other, or tell of the same event (undoable).

        ``kind`` is one of :data:`~store.models.LINK_KINDS`; linking a linked pair again changes
        its kind and note. Raises ``KeyError`` for an unknown tag, ``ValueError`` for an unknown
        kind or a tag linked to itself (see :mod:`store.linking`).
        """
        try:
            with self.view.lock:
                changeset = plan_link(self.view, annotation_id_a, annotation_id_b, kind, note, self.user)
        except KeyError:
            # A tag another analyst made since this store last looked: look, then plan (what
            # this analyst saw of the pair is what the save is rebased from, so a kind someone
            # else gave the pair meanwhile is a conflict, never overwritten).
            self.refresh()
            with self.view.lock:
                changeset = plan_link(self.view, annotation_id_a, annotation_id_b, kind, note, self.user)
        self._commit(changeset)
        first, second = sorted((annotation_id_a, annotation_id_b))
        with self.view.lock:
            stored = (self.view.linked().get(first) or {}).get(second) or {}
        return Link(
            first,
            second,
            str(stored.get("kind", kind)),
            str(stored.get("note", "")),
            self.user,
            str(stored.get("created", "")),
        )

    def unlink(self, annotation_id_a: str, annotation_id_b: str) -> None:
        """Take the link between two tags away (undoable; nothing happens when there is none)."""
        with self.view.lock:
            changeset = plan_unlink(self.view, annotation_id_a, annotation_id_b)
        if changeset.changes:
            self._commit(changeset)


def _batch_label(verb: str, items: list[dict[str, Any]]) -> str:
    """The undo label of accepting or rejecting suggestions."""
    count = len(items)
    return f"{verb} {count} suggestion{'s' if count != 1 else ''}"

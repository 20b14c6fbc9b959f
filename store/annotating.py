"""Planning tags: the changesets that create, edit and delete annotations and their entities.

Planners read the store's view (:mod:`store.view`) and return changesets; they never write. The store saves
what they plan (rebasing it onto what other analysts saved meanwhile), so the same planning
code serves the app, the CLI, imports and, later, bulk suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from store import anchoring, codec
from store.changes import ANNOTATIONS, ENTITIES, Change, Changeset, Doc
from store.linking import unlinked_from
from store.models import STATUSES
from store.sanitize import sanitize_line, sanitize_text
from store.view import View

#: Marks an argument that was not given (``None`` means something: "no entity").
UNSET: Any = object()


class EntityResolver:
    """Turns "an entity id, name or alias, or a new name with a type" into an entity id.

    One resolver serves one changeset: it remembers the entities the changeset has created or
    changed so far, so a batch that names "NATO" twice creates it once, and each change starts
    where the previous one left off (which is what lets undo restore the state exactly).
    """

    def __init__(self, view: View) -> None:
        self.view = view
        self._pending: dict[str, Doc] = {}
        self._pending_names: dict[str, str] = {}
        #: What :meth:`prefetch` read: stored entities by id, and the ids of names.
        self._stored: dict[str, Doc | None] = {}
        self._names: dict[str, str | None] = {}

    def prefetch(self, entities: Iterable[str]) -> None:
        """Look up many ids and names at once (a batch of tags), instead of each one by one."""
        wanted = {entity for entity in entities if entity not in self._names}
        if not wanted:
            return
        by_id = self.view.docs_of(ENTITIES, wanted)
        keys = self.view.entity_keys(wanted - by_id.keys())
        owners = self.view.docs_of(ENTITIES, set(keys.values()) - by_id.keys())
        for entity in wanted:
            self._names[entity] = keys.get(entity)
            self._stored[entity] = by_id.get(entity)
        self._stored.update(by_id)
        self._stored.update(owners)

    def _doc(self, key: str) -> Doc | None:
        return self._stored[key] if key in self._stored else self.view.doc(ENTITIES, key)

    def find(self, entity: str) -> Doc | None:
        """The current document of the entity with this id, name or alias, if any."""
        if entity in self._pending:
            return self._pending[entity]
        by_id = self._doc(entity)
        if by_id is not None:
            return by_id
        key = self._pending_names.get(codec.name_key(entity))
        if key is None:
            key = self._names[entity] if entity in self._names else self.view.entity_key(entity)
        if key is None:
            return None
        return self._pending.get(key) or self._doc(key)

    def holder(self, name: str) -> str | None:
        """The id of the entity that has ``name`` as its name or an alias (this changeset's first)."""
        key = self._pending_names.get(codec.name_key(name))
        if key is not None:
            return key
        return self._names[name] if name in self._names else self.view.entity_key(name)

    def free(self, name: str, entity_id: str | None) -> bool:
        """Whether ``name`` may become a name of ``entity_id``: no other entity has it (names are unique)."""
        return self.holder(name) in (None, entity_id)

    def remember(self, doc: Doc) -> None:
        """Note an entity document created or changed earlier in this changeset."""
        self._pending[doc["id"]] = doc
        for name in [doc["name"], *doc.get("aliases", [])]:
            self._pending_names.setdefault(codec.name_key(name), doc["id"])

    def resolve(self, entity: str | None, entity_type: str | None, quote: str) -> tuple[str | None, list[Change]]:
        """The entity id for a mention of ``quote``, and the entity changes it takes.

        A quote that is not yet one of the entity's names becomes an alias, unless it is another
        entity's name or alias (a name belongs to one entity): then it is only the tag's quote.
        """
        if entity is None:
            return None, []
        found = self.find(entity)
        if found is None:
            name = sanitize_line(entity)
            if not name:
                raise ValueError("an entity needs a name")
            if not entity_type or not sanitize_line(entity_type):
                raise ValueError(f"entity {name!r} does not exist yet: give its type to create it")
            new_spelling = quote and codec.name_key(quote) != codec.name_key(name)
            aliases = [quote] if new_spelling and self.free(quote, None) else []
            doc = codec.entity_doc(name, entity_type, aliases)
            self.remember(doc)
            return doc["id"], [Change(ENTITIES, doc["id"], None, doc)]
        names = {codec.name_key(n) for n in [found["name"], *found.get("aliases", [])]}
        if quote and len(quote) <= 120 and codec.name_key(quote) not in names and self.free(quote, found["id"]):
            after = {**found, "aliases": [*found.get("aliases", []), quote]}
            self.remember(after)
            return found["id"], [Change(ENTITIES, found["id"], found, after)]
        return found["id"], []


def plan_annotations(view: View, items: Iterable[dict[str, Any]], user: str, label: str) -> Changeset:
    """New annotations (and the entities they create), as one changeset.

    Each item takes ``article_id``, ``start``, ``end`` and optionally ``entity``,
    ``entity_type``, ``labels``, ``note`` and ``status``.
    """
    items = list(items)
    resolver = EntityResolver(view)
    resolver.prefetch(str(item["entity"]) for item in items if item.get("entity") is not None)
    changes: list[Change] = []
    for item in items:
        spec = dict(item)
        article_id = spec.pop("article_id")
        article = view.article(article_id)
        start, end = spec.pop("start"), spec.pop("end")
        if not 0 <= start < end <= len(article.text):
            raise ValueError(f"span {start}-{end} is outside the article (0-{len(article.text)}) or empty")
        quote = article.text[start:end]
        entity_id, entity_changes = resolver.resolve(spec.get("entity"), spec.get("entity_type"), quote)
        changes.extend(entity_changes)
        doc = codec.annotation_doc(
            article,
            start,
            end,
            entity_id=entity_id,
            labels=spec.get("labels", ()),
            note=spec.get("note", ""),
            status=spec.get("status", "accepted"),
            author=user,
        )
        changes.append(Change(ANNOTATIONS, doc["id"], None, doc))
    return Changeset(label, tuple(changes))


def plan_update(
    view: View,
    annotation_id: str,
    *,
    start: int = UNSET,
    end: int = UNSET,
    entity: str | None = UNSET,
    entity_type: str | None = None,
    labels: Iterable[str] = UNSET,
    note: str = UNSET,
    status: str = UNSET,
) -> Changeset:
    """The change of an annotation's span, entity, labels, note or status (only what is given)."""
    before = view.doc(ANNOTATIONS, annotation_id)
    if before is None:
        raise KeyError(annotation_id)
    after = dict(before)
    article = view.article(before["article_id"])
    if start is not UNSET or end is not UNSET:
        new_start = before["start"] if start is UNSET else start
        new_end = before["end"] if end is UNSET else end
        if not 0 <= new_start < new_end <= len(article.text):
            raise ValueError(f"span {new_start}-{new_end} is outside the article or empty")
        prefix, suffix = anchoring.context(article.text, new_start, new_end)
        quote = article.text[new_start:new_end]
        after.update(start=new_start, end=new_end, quote=quote, prefix=prefix, suffix=suffix, orphaned=False)
    changes: list[Change] = []
    if entity is not UNSET:
        entity_id, changes = EntityResolver(view).resolve(entity, entity_type, after["quote"])
        after.update(entity_id=entity_id, kind="entity" if entity_id else "passage")
    if labels is not UNSET:
        after["labels"] = codec.clean_labels(labels)
    if note is not UNSET:
        after["note"] = sanitize_text(note).strip()
    if status is not UNSET:
        if status not in STATUSES:
            raise ValueError(f"status must be one of {', '.join(STATUSES)}")
        after["status"] = status
    if after != before:
        changes.append(Change(ANNOTATIONS, annotation_id, before, after))
    return Changeset(f"edit {before['quote'][:30]!r}", tuple(changes))


def plan_removal(view: View, annotation_id: str) -> Changeset:
    """The deletion of an annotation; its entity stays in the dictionary."""
    before = view.doc(ANNOTATIONS, annotation_id)
    if before is None:
        raise KeyError(annotation_id)
    removal = Change(ANNOTATIONS, annotation_id, before, None)
    return Changeset(f"delete {before['quote'][:30]!r}", (removal, *unlinked_from(view, before)))

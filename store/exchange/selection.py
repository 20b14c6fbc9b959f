"""Which part of a store an export holds: articles, entities, labels, statuses.

The user narrows an export the way they think of their work ("everything tagged Shoigu",
"passages labelled *treaty date* still suggested"), so the filters combine as people expect:
several values of one kind are alternatives (OR), different kinds must all hold (AND).

An entity is named by its id, its name or any alias, compared as :func:`store.codec.name_key`
compares names (case, accents and spacing aside); labels are compared the same way. A filter
value that names nothing in the store raises :class:`NothingNamed` before anything is written,
so the CLI can say "no entity named X" and exit non-zero instead of writing an empty file that
looks like a successful export.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from store.codec import name_key
from store.export import export_data
from store.models import STATUSES
from store.store import Store


class NothingNamed(ValueError):
    """A filter value that names nothing in the store (``kind`` says which filter)."""

    def __init__(self, kind: str, value: str) -> None:
        super().__init__(f"no {kind} named {value!r}" if kind != "status" else _bad_status(value))
        self.kind = kind
        self.value = value


def _bad_status(value: str) -> str:
    return f"no status named {value!r} (one of: {', '.join(STATUSES)})"


@dataclass(frozen=True)
class Selection:
    """What to export; every field empty means the whole store, exactly as a backup would hold it."""

    article_ids: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()

    @property
    def filters_tags(self) -> bool:
        """Whether any filter is on the tags themselves (entity, label or status)."""
        return bool(self.entities or self.labels or self.statuses)

    @property
    def is_everything(self) -> bool:
        """Whether nothing is filtered."""
        return not (self.article_ids or self.filters_tags)


def selected(store: Store, selection: Selection | None = None) -> dict[str, Any]:
    """The export document (:func:`store.export.export_data`) of what ``selection`` keeps.

    Articles kept are those asked for; when only tag filters are given, those holding a kept
    annotation. Entities kept are those the kept annotations name; links, those between two kept
    annotations.

    Raises:
        NothingNamed: an article id, entity, label or status that the store does not hold.
    """
    selection = selection or Selection()
    if selection.is_everything:
        return export_data(store)
    for article_id in selection.article_ids:
        try:
            store.article(article_id)
        except KeyError:
            raise NothingNamed("article", article_id) from None
    entity_ids = _entity_ids(store, selection.entities)
    labels = _label_keys(store, selection.labels)
    for status in selection.statuses:
        if status not in STATUSES:
            raise NothingNamed("status", status)
    document = export_data(store, selection.article_ids or None)
    return narrow(document, selection, entity_ids=entity_ids, label_keys=labels)


def narrow(
    document: dict[str, Any],
    selection: Selection,
    *,
    entity_ids: set[str] | None = None,
    label_keys: set[str] | None = None,
) -> dict[str, Any]:
    """``document`` keeping only what ``selection`` asks for (names already resolved to ids/keys).

    ``entity_ids`` and ``label_keys`` are the resolved entity filter and the folded label
    filter (``None``: that kind is not filtered). Kept separate from :func:`selected` so that a
    document read from a file can be narrowed the same way.
    """
    asked = set(selection.article_ids)
    statuses = set(selection.statuses)

    def kept(annotation: dict[str, Any]) -> bool:
        if asked and annotation["article_id"] not in asked:
            return False
        if entity_ids is not None and annotation.get("entity_id") not in entity_ids:
            return False
        if label_keys is not None and not label_keys & {name_key(x) for x in annotation.get("labels") or ()}:
            return False
        return not statuses or annotation.get("status") in statuses

    annotations = [a for a in document.get("annotations", []) if kept(a)]
    tag_ids = {a["id"] for a in annotations}
    named = {a.get("entity_id") for a in annotations}
    holding = {a["article_id"] for a in annotations}
    wanted = asked if asked else holding
    return {
        **document,
        "articles": [a for a in document.get("articles", []) if a["id"] in wanted],
        "entities": [e for e in document.get("entities", []) if e["id"] in named],
        "annotations": annotations,
        "links": [x for x in document.get("links", []) if x["first"] in tag_ids and x["second"] in tag_ids],
    }


def _entity_ids(store: Store, wanted: tuple[str, ...]) -> set[str] | None:
    """The ids of the entities named (by id, name or alias); ``None`` when not filtering by entity."""
    if not wanted:
        return None
    entities = store.entities()
    by_id = {e.id for e in entities}
    by_name: dict[str, set[str]] = {}
    for entity in entities:
        for name in entity.names():
            by_name.setdefault(name_key(name), set()).add(entity.id)
    found: set[str] = set()
    for value in wanted:
        matches = ({value} if value in by_id else set()) | by_name.get(name_key(value), set())
        if not matches:
            raise NothingNamed("entity", value)
        found |= matches
    return found


def _label_keys(store: Store, wanted: tuple[str, ...]) -> set[str] | None:
    """The folded labels asked for; ``None`` when not filtering by label."""
    if not wanted:
        return None
    known = {name_key(label) for label in store.labels()}
    for value in wanted:
        if name_key(value) not in known:
            raise NothingNamed("label", value)
    return {name_key(value) for value in wanted}

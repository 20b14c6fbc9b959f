"""Checks of a rebased changeset against the whole store, before it is saved.

Rebasing (:mod:`store.merging`) makes each record right on its own; these checks keep records
right with each other, when another analyst's work changed what a change relies on: a tag must
quote the text of its article as it now is, an entity must not be deleted while tags point at
it, a tag must not be pointed at an entity deleted since, and a name or alias belongs to one
entity only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from store import codec
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Change, Conflict, Doc
from store.merging import Lookup, describe


def spans_off_text(changes: list[Change], article_text: Callable[[str], str | None], current: Lookup) -> list[Conflict]:
    """Conflicts for tags placed on text their article no longer has.

    A tag planned on an article that another analyst has since re-imported (its text changed)
    would be saved at offsets that now quote other words. Only tags created or moved by
    ``changes`` are checked (a note edited on a tag is not the place to find a stale span), and
    articles changed in the same changeset count in their new state.
    """
    # The articles of the changeset as they will be; a text is made only when a tag needs it,
    # once (an import saves thousands of articles and, most often, not one tag).
    articles: dict[str, Doc | None] = {c.key: c.after for c in changes if c.table == ARTICLES}
    texts: dict[str, str | None] = {}

    def text_of(article_id: str) -> str | None:
        if article_id not in articles:
            return article_text(article_id)
        if article_id not in texts:
            changed = articles[article_id]
            texts[article_id] = codec.article_record(changed).text if changed is not None else None
        return texts[article_id]

    conflicts: list[Conflict] = []
    for change in changes:
        after = change.after
        if change.table != ANNOTATIONS or after is None or after.get("orphaned"):
            continue
        before = change.before or {}
        if change.before is not None and all(before.get(f) == after.get(f) for f in ("start", "end", "quote")):
            continue
        article_id = after["article_id"]
        text = text_of(article_id)
        if text is not None and text[after["start"] : after["end"]] == after["quote"]:
            continue
        article: Doc = current(ARTICLES, article_id) or {}
        reason = "deleted" if text is None else "changed"
        conflicts.append(
            Conflict(
                ARTICLES,
                article_id,
                reason,
                fields=("text",) if text is not None else (),
                by=str(article.get("updated_by", "")),
                at=str(article.get("updated", "")),
                what=f"the text of article “{str(article.get('title') or article_id)[:30]}”",
            )
        )
    return conflicts


def entities_in_use(changes: list[Change], mentions: Callable[[str], set[str]], current: Lookup) -> list[Conflict]:
    """Conflicts for deleted entities that tags outside ``changes`` still point at.

    Undoing the tag that created an entity deletes the entity too; if another analyst has
    tagged a mention of it since, deleting it would leave their tag pointing at nothing.
    ``mentions`` gives the stored tags of an entity.
    """
    after = {c.key: c.after for c in changes if c.table == ANNOTATIONS}
    conflicts: list[Conflict] = []
    for change in changes:
        if change.table != ENTITIES or change.after is not None:
            continue
        users = {k for k in mentions(change.key) if k not in after}
        users |= {k for k, doc in after.items() if doc is not None and doc.get("entity_id") == change.key}
        if users:
            doc = current(ANNOTATIONS, min(users)) or after.get(min(users)) or {}
            who = str(doc.get("updated_by") or doc.get("author") or "")
            conflicts.append(
                Conflict(ENTITIES, change.key, "used", by=who, at=str(doc.get("updated", "")), what=describe(change))
            )
    return conflicts


def tags_of_deleted_entities(
    changes: list[Change],
    deleted: Callable[[str, str], tuple[str, str] | None],
    stored: Callable[[Iterable[str]], set[str]],
) -> list[Conflict]:
    """Conflicts for tags pointed at an entity another analyst has deleted since they were planned.

    A tag planned on a stale copy could otherwise be saved pointing at nothing. Only tags this
    changeset points at an entity (new ones, or moved) are checked, and only entities known to
    have been deleted (``deleted`` says by whom) and not stored again since (an undo brings one
    back); ``stored`` gives which of some entity ids are stored. An entity merged into another
    is not deleted in this sense: :func:`store.merging.follow_merges` has moved the tag already.
    """
    created = {c.key for c in changes if c.table == ENTITIES and c.after is not None}
    suspects: dict[str, Change] = {}
    for change in changes:
        entity = (change.after or {}).get("entity_id") if change.table == ANNOTATIONS else None
        if not entity or entity in created or (change.before or {}).get("entity_id") == entity:
            continue
        if deleted(ENTITIES, entity) is not None:
            suspects.setdefault(entity, change)
    if not suspects:
        return []
    present = stored(suspects)
    conflicts: list[Conflict] = []
    for entity, change in suspects.items():
        if entity not in present:
            by, at = deleted(ENTITIES, entity) or ("", "")
            what = f"the entity of {describe(change) or 'the tag'}"
            conflicts.append(Conflict(ENTITIES, entity, "deleted", by=by, at=at, what=what))
    return conflicts


def names_taken(
    changes: list[Change], owners: Callable[[list[str]], dict[str, str]], current: Lookup
) -> list[Conflict]:
    """Conflicts for names an entity gains here that another entity already holds.

    A name or alias belongs to one entity (compared by :func:`store.codec.name_key`). Planners
    refuse a name they can see is taken (:class:`store.entity_edits.NameTakenError`); this
    catches the race, another analyst giving the name to another entity since. ``owners`` maps
    names to the id of the stored entity holding each. Only names gained here are checked (a
    store made before the rule may hold a name twice, and editing one of those entities is not
    refused for it), and the entities this changeset changes count in their new state: a merge
    takes the names of the entity it deletes, an undo gives them back.
    """
    first: dict[str, Doc | None] = {}
    final: dict[str, Doc | None] = {}
    for change in changes:
        if change.table == ENTITIES:
            first.setdefault(change.key, change.before)
            final[change.key] = change.after
    gained: dict[str, dict[str, str]] = {}
    for key, after in final.items():
        if after is not None:
            had = codec.name_keys(first[key])
            new = {codec.name_key(name): name for name in codec.names_of(after)}
            gained[key] = {name_key: name for name_key, name in new.items() if name_key not in had}
    if not any(gained.values()):
        return []
    held_here: dict[str, set[str]] = {}
    for key, after in final.items():
        for name_key in codec.name_keys(after):
            held_here.setdefault(name_key, set()).add(key)
    stored = owners([name for names in gained.values() for name in names.values()])
    conflicts: list[Conflict] = []
    for key, names in gained.items():
        for name_key, name in names.items():
            holder = min(held_here.get(name_key, set()) - {key}, default=None)
            owner = stored.get(name)
            if holder is None and owner is not None and owner != key and owner not in final:
                holder = owner
            if holder is None:
                continue
            doc = current(ENTITIES, holder) or final.get(holder) or {}
            conflicts.append(
                Conflict(
                    ENTITIES,
                    key,
                    "taken",
                    by=str(doc.get("updated_by", "")),
                    at=str(doc.get("updated", "")),
                    what=f"the name “{name[:30]}”",
                    holder=f"the entity “{str(doc.get('name', holder))[:30]}”",
                )
            )
    return conflicts

"""Rebasing a changeset onto what is really stored: how two analysts never overwrite each other.

A changeset is planned from the writer's copy of the store, which may be stale: another
analyst may have saved since. Under the store lock, once the other analyst's changes are in,
each change is rebased onto the record as it now is:

* fields only the writer changed are taken from the writer, fields only the other analyst
  changed are kept (a field-wise three-way merge, as version control merges lines);
* lists that behave as sets (labels, aliases) merge too: both analysts' additions stay, and
  what one removed is removed;
* when both changed the same field to different values, or one deleted what the other edits,
  the change is a :class:`~store.changes.Conflict`: the writer is told who changed it and when,
  and nothing is overwritten or brought back;
* creating a record that is already there (an article both imported, an export merged twice)
  is a no-op, and a new entity whose name another analyst has just created is merged into
  theirs, so entity names stay unique across processes;
* a tag planned on an entity another analyst has since merged into another follows it to the
  entity it was merged into (:func:`follow_merges`).

Bookkeeping fields (``updated``, ``updated_by``) never conflict: the later writer stamps them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from store import codec
from store.changes import ANNOTATIONS, ENTITIES, Change, Changeset, Conflict, Doc

#: Fields that record who touched a record last: never a reason to refuse a change.
VOLATILE: frozenset[str] = frozenset({"updated", "updated_by"})

#: Fields that only make sense together: a merge takes all of a group from one side.
FIELD_GROUPS: dict[str, str] = {
    "start": "span",
    "end": "span",
    "quote": "span",
    "prefix": "span",
    "suffix": "span",
    "orphaned": "span",
    "entity_id": "entity",
    "kind": "entity",
}

_MISSING: Any = object()


def same_content(a: Doc | None, b: Doc | None) -> bool:
    """True when two documents differ at most in their bookkeeping fields."""
    if a is None or b is None:
        return a is b
    return {k: v for k, v in a.items() if k not in VOLATILE} == {k: v for k, v in b.items() if k not in VOLATILE}


def _merge_lists(base: list[Any], ours: list[Any], theirs: list[Any]) -> list[Any]:
    """Three-way merge of lists used as ordered sets: both sides' additions and removals."""
    removed = [item for item in base if item not in ours]
    added = [item for item in ours if item not in base and item not in theirs]
    return [item for item in theirs if item not in removed] + added


def _all_of(kind: type, *values: Any) -> bool:
    """True when every value is a ``kind`` or absent (an absent dict or list is an empty one)."""
    present = [v for v in values if v is not _MISSING]
    return len(present) >= 2 and all(isinstance(v, kind) for v in present)


def _groups(fields: set[str]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name in sorted(fields):
        grouped.setdefault(FIELD_GROUPS.get(name, name), []).append(name)
    return grouped


def merge_docs(base: Doc, ours: Doc, theirs: Doc, ignore: frozenset[str] = frozenset()) -> tuple[Doc, list[str]]:
    """Merge the writer's edit (``base`` → ``ours``) into the stored ``theirs``.

    Returns the merged document and the fields (or field groups) that conflict. ``ignore``
    names derived fields the caller recomputes after the merge.
    """
    merged = dict(theirs)
    conflicts: list[str] = []
    skip = VOLATILE | ignore
    for group, names in _groups((set(base) | set(ours) | set(theirs)) - skip).items():
        b = [base.get(n, _MISSING) for n in names]
        o = [ours.get(n, _MISSING) for n in names]
        if b == o:
            continue  # the writer did not touch this group: whatever is stored stays
        t = [theirs.get(n, _MISSING) for n in names]
        if t in (b, o):
            values = o
        elif len(names) == 1 and _all_of(dict, b[0], o[0], t[0]):
            inner, clashes = merge_docs(*(v if v is not _MISSING else {} for v in (b[0], o[0], t[0])))
            values = [inner]
            conflicts.extend(f"{names[0]}.{clash}" for clash in clashes)
        elif len(names) == 1 and _all_of(list, b[0], o[0], t[0]):
            values = [_merge_lists(*(v if v is not _MISSING else [] for v in (b[0], o[0], t[0])))]
        else:
            conflicts.append(group)
            continue
        for name, value in zip(names, values, strict=True):
            if value is _MISSING:
                merged.pop(name, None)
            else:
                merged[name] = value
    for name in VOLATILE:
        if name in ours:
            merged[name] = ours[name]
    return merged, conflicts


Lookup = Callable[[str, str], Doc | None]
Finisher = Callable[[str, Doc], Doc]


def rebase(
    changeset: Changeset,
    current: Lookup,
    *,
    deleted: Callable[[str, str], tuple[str, str] | None],
    derived: Callable[[str], frozenset[str]],
    finish: Finisher,
) -> tuple[list[Change], list[Conflict]]:
    """Rebase every change of ``changeset`` onto the stored records.

    Args:
        changeset: what the writer planned, from its own (possibly stale) copy.
        current: the stored document of a record, with everyone's changes in.
        deleted: who deleted a record, and when, if that is known.
        derived: fields of a table that :func:`finish` recomputes (never merged themselves).
        finish: recomputes a merged document's derived fields.

    Returns:
        The changes to save (``before`` is now the stored state, so undo restores exactly
        it) and the conflicts; a caller saves nothing when there is any conflict.
    """
    result: list[Change] = []
    conflicts: list[Conflict] = []
    # What earlier changes of this changeset made: a record created and then changed in one
    # changeset is seen in its new state by the second change.
    overlay: dict[tuple[str, str], Doc | None] = {}
    for change in changeset.changes:
        where = (change.table, change.key)
        stored = overlay[where] if where in overlay else current(change.table, change.key)
        outcome = _rebase_one(change, stored, deleted, derived, finish)
        if isinstance(outcome, Conflict):
            conflicts.append(outcome)
        elif outcome is not None:
            result.append(outcome)
            overlay[where] = outcome.after
    return result, conflicts


def _rebase_one(
    change: Change,
    stored: Doc | None,
    deleted: Callable[[str, str], tuple[str, str] | None],
    derived: Callable[[str], frozenset[str]],
    finish: Finisher,
) -> Change | Conflict | None:
    """One change rebased onto ``stored``: the change to save, a conflict, or nothing to do."""
    if change.before is None:
        if stored is None and change.after is not None:
            return Change(change.table, change.key, None, change.after)
        return None  # created already (same content-derived id), or nothing to do
    if stored is None:
        if change.after is None:
            return None  # deleting what is already gone: done
        by, at = deleted(change.table, change.key) or ("", "")
        return Conflict(change.table, change.key, "deleted", by=by, at=at, what=describe(change))
    if change.after is None:
        # Exactly the record the writer saw, stamps included: the same content saved again by
        # someone else (an export merged again, a record brought back) is theirs to delete.
        if stored == change.before:
            return Change(change.table, change.key, stored, None)
        return _changed(change, stored, ())
    if stored == change.before:
        # Nobody changed it since it was planned (most changes, and every one planned under the
        # lock): what merge_docs would make, without comparing field by field (a merge of an
        # entity of 1,000 mentions rebases 1,000 tags).
        merged = dict(change.after)
        merged.update({name: stored[name] for name in VOLATILE if name in stored and name not in merged})
    else:
        merged, clashes = merge_docs(change.before, change.after, stored, derived(change.table))
        if clashes:
            return _changed(change, stored, tuple(clashes))
    merged = finish(change.table, merged)
    return None if same_content(merged, stored) else Change(change.table, change.key, stored, merged)


def describe(change: Change) -> str:
    """How a message names the record of ``change``: "the tag “Sergei Shoigu”"."""
    doc = change.before or change.after or {}
    if change.table == ANNOTATIONS and doc.get("quote"):
        return f"the tag “{str(doc['quote'])[:30]}”"
    if change.table == ENTITIES and doc.get("name"):
        return f"the entity “{str(doc['name'])[:30]}”"
    if doc.get("title"):
        return f"the article “{str(doc['title'])[:30]}”"
    return ""


def _changed(change: Change, stored: Doc, fields: tuple[str, ...]) -> Conflict:
    return Conflict(
        change.table,
        change.key,
        "changed",
        fields=fields,
        by=str(stored.get("updated_by", "")),
        at=str(stored.get("updated", "")),
        what=describe(change),
    )


def unify_entities(changes: list[Change], owner_of_name: Callable[[str], str | None]) -> list[Change]:
    """Merge each newly created entity whose name is already taken into the existing entity.

    Two analysts who create "NATO" at the same moment end up with one entity: the second
    creation is dropped, its mentions point at the first, and any alias it brought is added.
    ``owner_of_name`` gives the id of the stored entity with that name (or alias), if any.
    """
    released = _released_names(changes)
    renamed: dict[str, str] = {}
    extra_aliases: dict[str, list[str]] = {}
    kept: list[Change] = []
    for change in changes:
        if change.table == ENTITIES and change.key in renamed:
            # A later step of this changeset extends the entity it created (a second mention
            # with another quote): it extends the entity that name belongs to instead.
            if change.after is not None:
                extra_aliases[renamed[change.key]].extend(change.after.get("aliases", []))
            continue
        if change.table == ENTITIES and change.before is None and change.after is not None:
            name = str(change.after.get("name", ""))
            owner = owner_of_name(name)
            if owner is not None and owner != change.key and codec.name_key(name) not in released.get(owner, ()):
                renamed[change.key] = owner
                extra_aliases.setdefault(owner, []).extend(change.after.get("aliases", []))
                continue
        kept.append(change)
    if not renamed:
        return changes
    result: list[Change] = []
    for change in kept:
        after = change.after
        if change.table == ANNOTATIONS and after is not None and after.get("entity_id") in renamed:
            after = {**after, "entity_id": renamed[after["entity_id"]]}
        result.append(Change(change.table, change.key, change.before, after))
    return result + _alias_changes(extra_aliases)


def _released_names(changes: list[Change]) -> dict[str, set[str]]:
    """Entity id → the name keys its changes here give up (a split hands an alias to a new entity)."""
    released: dict[str, set[str]] = {}
    for change in changes:
        if change.table == ENTITIES and change.before is not None:
            gone = codec.name_keys(change.before) - codec.name_keys(change.after)
            if gone:
                released.setdefault(change.key, set()).update(gone)
    return released


def merges_in(changes: Iterable[Change]) -> dict[str, str]:
    """Entities a saved changeset merged away: the deleted entity's id → the id of the one that took its name.

    A merge deletes one entity and gives its name to another in the same changeset (so does
    undoing a split); a deletion whose name nobody takes is no merge.
    """
    changes = list(changes)
    gone = {
        c.key: codec.name_key(str(c.before["name"]))
        for c in changes
        if c.table == ENTITIES and c.after is None and c.before
    }
    found: dict[str, str] = {}
    for change in changes if gone else ():
        if change.table == ENTITIES and change.after is not None:
            gained = codec.name_keys(change.after) - codec.name_keys(change.before)
            found.update({key: change.key for key, name in gone.items() if name in gained})
    return found


def follow_merges(changes: list[Change], merged_into: Callable[[str], str]) -> list[Change]:
    """Point what a changeset does to entities merged away since it was planned at their successors.

    ``merged_into`` gives the entity an entity id now stands for (itself unless it was merged
    away and is not stored). A tag planned on the merged entity lands on the one it was merged
    into, and a spelling the tag gave the old entity as an alias goes to the new one; any other
    edit of a merged entity is left as it is, for rebasing to refuse (it was deleted).
    """
    result: list[Change] = []
    extra_aliases: dict[str, list[str]] = {}
    for change in changes:
        after = change.after
        if change.table == ANNOTATIONS and after is not None and after.get("entity_id"):
            target = merged_into(after["entity_id"])
            if target != after["entity_id"]:
                change = Change(change.table, change.key, change.before, {**after, "entity_id": target})
        elif change.table == ENTITIES and change.before is not None and after is not None:
            target = merged_into(change.key)
            added = _aliases_added(change.before, after)
            if target != change.key and added is not None:
                extra_aliases.setdefault(target, []).extend(added)
                continue
        result.append(change)
    return result + _alias_changes(extra_aliases)


def _aliases_added(before: Doc, after: Doc) -> list[str] | None:
    """The aliases ``after`` adds to ``before``, if that is all it changes; else ``None``."""
    rest = VOLATILE | {"aliases"}
    if {k: v for k, v in before.items() if k not in rest} != {k: v for k, v in after.items() if k not in rest}:
        return None
    old, new = before.get("aliases", []), after.get("aliases", [])
    if any(alias not in new for alias in old):
        return None
    return [alias for alias in new if alias not in old]


def _alias_changes(extra: dict[str, list[str]]) -> list[Change]:
    """Partial changes that add aliases to stored entities.

    They name only the ``aliases`` field: :func:`rebase` merges them into the stored entity
    (adding what is missing, keeping everything else), which turns them into full changes.
    """
    return [
        Change(ENTITIES, owner, {"aliases": []}, {"aliases": aliases}) for owner, aliases in extra.items() if aliases
    ]

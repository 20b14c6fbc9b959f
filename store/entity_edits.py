"""Planning changes to entities: rename, retype, aliases, note, delete, merge and split.

Each planner reads the store's view and returns one changeset (one undo step); none writes.
What they keep true, and what they decided:

* **A name belongs to one entity.** A name or alias is compared by
  :func:`store.codec.name_key` (case, spacing and accents aside), and one another entity holds
  is refused with :class:`NameTakenError` (a ``ValueError`` naming that entity, so the app can
  offer to merge the two). Another analyst giving the name away meanwhile is caught when the
  change is saved (:func:`store.integrity.names_taken`, a ``ConflictError``).
* **Renaming keeps the old spelling** as an alias unless told not to: searches, the picker
  and tags typed by name go on finding the entity by what analysts have been calling it.
* **Types** are the defaults (:data:`store.models.ENTITY_TYPES`) or any label of the user's,
  cleaned to one line and upper-cased as the defaults are.
* **Deleting** an entity deletes its mentions with it (the app asks first). It is planned from
  what this analyst has seen: a tag another analyst has put on the entity since makes the save
  refuse ("used by a tag of bob"), never deletes it unseen.
* **Merging** moves every mention of the other entity to the kept one, gives the kept one the
  other's name and aliases (and its note, after the kept one's), and deletes the other, in
  one changeset. The mentions are read when the merge is saved, under the store's lock, so a
  tag another analyst put on the other entity meanwhile moves too; so do aliases they added
  to it. What the merge decision rested on must not have changed: another analyst renaming or
  retyping the other entity, or deleting either, refuses it. A tag planned on the other entity
  after the merge was saved follows it (:func:`store.merging.follow_merges`).
* **Splitting** moves chosen mentions to a new entity. A name that is already another
  entity's name or alias moves them to that entity instead (a split never makes a second
  entity of one name); an alias of the entity being split leaves it and names the new one.

Every text is made one clean line (:func:`store.sanitize.sanitize_line`, notes
:func:`store.sanitize.sanitize_text`): escape codes typed or pasted into a name are dropped,
and what is left is data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from store import codec
from store.changes import ANNOTATIONS, ENTITIES, Change, Changeset, Conflict, ConflictError, Doc
from store.merging import describe
from store.sanitize import neutralize, sanitize_line, sanitize_text
from store.view import View

Planner = Callable[[View], Changeset]


class NameTakenError(ValueError):
    """A name or alias asked for is already a name of another entity.

    ``entity_id`` and ``entity_name`` say whose it is: the app can offer to merge the two.
    """

    def __init__(self, name: str, holder: Doc) -> None:
        self.name = name
        self.entity_id = str(holder["id"])
        self.entity_name = neutralize(str(holder["name"]))
        kind = neutralize(str(holder.get("type", "")))
        super().__init__(
            f"“{neutralize(name)}” is already a name of the entity “{self.entity_name}” ({kind}, {self.entity_id}):"
            " merge the two entities instead"
        )


def entity_doc(view: View, entity_id: str) -> Doc:
    """The stored document of an entity; ``KeyError`` naming the id when there is none."""
    doc = view.doc(ENTITIES, entity_id)
    if doc is None:
        raise KeyError(f"no entity with id {entity_id!r}")
    return doc


def clean_name(name: str, what: str = "an entity's name") -> str:
    """``name`` as stored (one clean line); ``ValueError`` when nothing is left of it."""
    cleaned = sanitize_line(str(name))
    if not cleaned:
        raise ValueError(f"{what} cannot be empty")
    return cleaned


def clean_type(entity_type: str) -> str:
    """A type as stored: one clean line, upper case (``"weapon system"`` → ``"WEAPON SYSTEM"``)."""
    cleaned = sanitize_line(str(entity_type)).upper()
    if not cleaned:
        raise ValueError("an entity's type cannot be empty")
    return cleaned


def check_free(view: View, name: str, entity_id: str | None) -> None:
    """Raise :class:`NameTakenError` when an entity other than ``entity_id`` has ``name``."""
    holder = view.entity_key(name)
    if holder is not None and holder != entity_id:
        doc = view.doc(ENTITIES, holder)
        if doc is not None:
            raise NameTakenError(name, doc)


def _label(doc: Doc) -> str:
    return repr(str(doc["name"])[:30])


def _edit(label: str, before: Doc, after: Doc) -> Changeset:
    """One entity's change (none when it changes nothing)."""
    after = codec.finish(ENTITIES, after)
    if after == before:
        return Changeset(label, ())
    return Changeset(label, (Change(ENTITIES, before["id"], before, after),))


# ---------------------------------------------------------------------- one entity's fields


def plan_rename(view: View, entity_id: str, new_name: str, *, keep_old_as_alias: bool = True) -> Changeset:
    """The entity named ``new_name``; its old name stays as an alias unless ``keep_old_as_alias`` is false.

    A new name that is one of the entity's aliases stops being an alias; one that only changes
    the old name's case or spacing (the same name to :func:`store.codec.name_key`) leaves no alias.
    """
    before = entity_doc(view, entity_id)
    name = clean_name(new_name)
    if codec.name_key(name) != codec.name_key(before["name"]):
        check_free(view, name, entity_id)
    aliases = [*before.get("aliases", []), before["name"]] if keep_old_as_alias else list(before.get("aliases", []))
    after = {**before, "name": name, "aliases": aliases}
    return _edit(f"rename entity {_label(before)} to {name[:30]!r}", before, after)


def plan_retype(view: View, entity_id: str, new_type: str) -> Changeset:
    """The entity of type ``new_type`` (a default or the user's own, upper-cased)."""
    before = entity_doc(view, entity_id)
    after = {**before, "type": clean_type(new_type)}
    return _edit(f"retype entity {_label(before)} as {after['type'][:30]!r}", before, after)


def plan_add_alias(view: View, entity_id: str, alias: str) -> Changeset:
    """``alias`` added to the entity's names (nothing to do when it is one already)."""
    before = entity_doc(view, entity_id)
    name = clean_name(alias, "an alias")
    if codec.name_key(name) in codec.name_keys(before):
        return Changeset("add alias", ())
    check_free(view, name, entity_id)
    after = {**before, "aliases": [*before.get("aliases", []), name]}
    return _edit(f"add alias {name[:30]!r} to {_label(before)}", before, after)


def plan_remove_alias(view: View, entity_id: str, alias: str) -> Changeset:
    """``alias`` (compared as names are: case and accents aside) no longer a name of the entity."""
    before = entity_doc(view, entity_id)
    key = codec.name_key(sanitize_line(str(alias)))
    shown = neutralize(str(before["name"]))
    if key == codec.name_key(before["name"]):
        raise ValueError(f"“{shown}” is the entity's name, not an alias: rename the entity instead")
    aliases = [a for a in before.get("aliases", []) if codec.name_key(a) != key]
    if len(aliases) == len(before.get("aliases", [])):
        raise ValueError(f"“{neutralize(sanitize_line(str(alias)))}” is not an alias of the entity “{shown}”")
    after = {**before, "aliases": aliases}
    return _edit(f"remove alias {sanitize_line(str(alias))[:30]!r} from {_label(before)}", before, after)


def plan_note(view: View, entity_id: str, note: str) -> Changeset:
    """The entity's note replaced by ``note`` (several lines allowed; an empty one clears it)."""
    before = entity_doc(view, entity_id)
    after = {**before, "note": sanitize_text(str(note)).strip()}
    return _edit(f"note on entity {_label(before)}", before, after)


# ---------------------------------------------------------------------- entities and their mentions


def plan_delete(view: View, entity_id: str) -> Changeset:
    """The entity deleted with every mention of it (as this analyst has seen them)."""
    before = entity_doc(view, entity_id)
    mentions = view.docs_of(ANNOTATIONS, view.mention_keys(entity_id))
    changes = [Change(ANNOTATIONS, key, doc, None) for key, doc in sorted(mentions.items())]
    changes.append(Change(ENTITIES, entity_id, before, None))
    count = len(mentions)
    return Changeset(f"delete entity {_label(before)} and {count} tag{'s' * (count != 1)}", tuple(changes))


def plan_merge(view: View, keep_id: str, other_id: str) -> Planner:
    """The merge of ``other_id`` into ``keep_id``, as a planner run when it is saved.

    Checked now (unknown ids, an entity merged into itself); the mentions to move are read by
    the planner returned, which :meth:`~store.store.Store._commit` runs under the store's lock
    once other analysts' changes are in (see the module docstring for why).
    """
    if keep_id == other_id:
        raise ValueError("an entity cannot be merged into itself")
    keep = entity_doc(view, keep_id)
    other = entity_doc(view, other_id)
    label = f"merge entity {_label(other)} into {_label(keep)}"

    def plan(current: View) -> Changeset:
        now = current.doc(ENTITIES, other_id)
        if now is None:
            # A change that alters nothing: rebased onto the deletion, it is a "deleted" conflict
            # that names who deleted it.
            return Changeset(label, (Change(ENTITIES, other_id, other, other),))
        changed = tuple(field for field in ("name", "type") if now.get(field) != other.get(field))
        if changed:
            conflict = Conflict(
                ENTITIES,
                other_id,
                "changed",
                fields=changed,
                by=str(now.get("updated_by", "")),
                at=str(now.get("updated", "")),
                what=describe(Change(ENTITIES, other_id, other, None)),
            )
            raise ConflictError(label, [conflict])
        mentions = current.docs_of(ANNOTATIONS, current.mention_keys(other_id))
        moves = [Change(ANNOTATIONS, k, d, {**d, "entity_id": keep_id}) for k, d in sorted(mentions.items())]
        # Names a third entity holds (a store made before names were unique) stay behind.
        names = codec.names_of(now)
        holders = current.entity_keys(names)
        given = [name for name in names if holders.get(name) in (None, keep_id, other_id)]
        after = {
            **keep,
            "aliases": [*keep.get("aliases", []), *given],
            "note": _joined(str(keep.get("note", "")), str(now.get("note", ""))),
        }
        # The other entity goes before the kept one takes its names: an index that maps each
        # name to one entity (store.indexes) hands them over in that order, and undo reverses it.
        return Changeset(
            label,
            (
                *moves,
                Change(ENTITIES, other_id, now, None),
                Change(ENTITIES, keep_id, keep, codec.finish(ENTITIES, after)),
            ),
        )

    return plan


def _joined(kept: str, other: str) -> str:
    """Two entities' notes as one: the kept one's first, nothing written twice."""
    if not other or other == kept:
        return kept
    return f"{kept}\n\n{other}" if kept else other


def plan_split(
    view: View, entity_id: str, annotation_ids: Iterable[str], new_name: str, new_type: str | None = None
) -> Changeset:
    """Chosen mentions of an entity moved to the entity named ``new_name`` (made if none has it).

    ``new_type`` defaults to the split entity's type; when ``new_name`` is another entity's
    name or alias, the mentions move to that entity, and a ``new_type`` other than its type is
    refused (say none, or choose another name).
    """
    entity = entity_doc(view, entity_id)
    keys = list(dict.fromkeys(annotation_ids))
    if not keys:
        raise ValueError("choose at least one mention to split off")
    mentions = view.docs_of(ANNOTATIONS, keys)
    shown = neutralize(str(entity["name"]))
    for key in keys:
        if key not in mentions:
            raise KeyError(f"no tag with id {key!r}")
        if mentions[key].get("entity_id") != entity_id:
            quote = neutralize(str(mentions[key].get("quote", "")))[:30]
            raise ValueError(f"the tag {key!r} (“{quote}”) is not a mention of the entity “{shown}”")
    name = clean_name(new_name)
    kind = clean_type(new_type) if new_type is not None else None
    key = codec.name_key(name)
    if key == codec.name_key(entity["name"]):
        raise ValueError(f"“{shown}” is the name of the entity being split: give the new entity another name")
    changes: list[Change] = []
    target: Doc | None = None
    if key in codec.name_keys(entity):
        # One of its aliases: the alias leaves it, to name the new entity.
        after = {**entity, "aliases": [a for a in entity.get("aliases", []) if codec.name_key(a) != key]}
        changes.append(Change(ENTITIES, entity_id, entity, codec.finish(ENTITIES, after)))
    else:
        holder = view.entity_key(name)
        target = view.doc(ENTITIES, holder) if holder is not None else None
    if target is not None:
        if kind is not None and kind != target["type"]:
            raise ValueError(
                f"“{name}” is already the entity “{neutralize(str(target['name']))}” of type"
                f" {neutralize(str(target['type']))}, not {kind}: split into it without a type, or choose another name"
            )
    else:
        target = codec.entity_doc(name, kind or entity["type"])
        changes.append(Change(ENTITIES, target["id"], None, target))
    changes += [Change(ANNOTATIONS, k, mentions[k], {**mentions[k], "entity_id": target["id"]}) for k in keys]
    count = len(keys)
    label = f"split {count} tag{'s' * (count != 1)} of {_label(entity)} into {name[:30]!r}"
    return Changeset(label, tuple(changes))

"""Changes: the one currency of every write, undo, redo, journal line and listener update.

A user action becomes one :class:`Changeset`: the before and after state of each record it
touches. The store's backend saves it all or nothing; the in-memory indexes apply it only once
it is saved; undo applies its inverse; other processes receive it and apply it too. Because
``before`` is the state the writer *believed* was current, the store can tell, under the lock,
whether someone else changed the record in between (see :mod:`store.merging`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

#: The tables of a store. Records of each are plain JSON documents keyed by their ``id``.
ARTICLES = "articles"
ANNOTATIONS = "annotations"
ENTITIES = "entities"
TABLES: tuple[str, ...] = (ARTICLES, ANNOTATIONS, ENTITIES)

Doc = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Change:
    """One record's state before and after a change (``None``: absent)."""

    table: str
    key: str
    before: Doc | None
    after: Doc | None

    def inverted(self) -> Change:
        """The change that undoes this one."""
        return Change(self.table, self.key, self.after, self.before)


@dataclass(frozen=True, slots=True)
class Changeset:
    """Changes made by one user action, saved, undone and redone together.

    ``author`` and ``at`` are stamped when the changeset is committed; they travel with it in
    the journal so that another analyst's store can say who changed a record, and when.
    """

    label: str
    changes: tuple[Change, ...]
    author: str = ""
    at: str = ""

    def inverted(self) -> Changeset:
        """The changeset that undoes this one."""
        return replace(self, changes=tuple(c.inverted() for c in reversed(self.changes)))

    def __bool__(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True, slots=True)
class Conflict:
    """Why one change could not be applied: another analyst got there first.

    ``reason`` is ``"changed"`` (they changed the same fields), ``"deleted"`` (they deleted the
    record), ``"exists"`` (a unique name is already taken), ``"used"`` (an entity to delete is
    still used by their tag) or ``"taken"`` (a name given here is already a name of the entity
    ``holder``, which ``by`` changed last).
    """

    table: str
    key: str
    reason: str
    fields: tuple[str, ...] = ()
    by: str = ""
    at: str = ""
    what: str = ""
    holder: str = ""

    def message(self) -> str:
        """One line for the status bar: what, who and when."""
        who = self.by or "another analyst"
        when = f" at {_short_time(self.at)}" if self.at else ""
        what = self.what or _SINGULAR.get(self.table, "record")
        if self.reason == "deleted":
            return f"{what} was deleted by {who}{when}"
        if self.reason == "used":
            return f"{what} is used by a tag of {who}{when}"
        if self.reason == "exists":
            return f"{what} already exists (made by {who}{when})"
        if self.reason == "taken":
            return f"{what} already belongs to {self.holder or 'another entity'} (changed by {who}{when})"
        fields = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{what} was changed by {who}{when}{fields}"


_SINGULAR = {ARTICLES: "the article", ANNOTATIONS: "the tag", ENTITIES: "the entity"}


def _short_time(stamp: str) -> str:
    """``2026-11-29T21:43:05+00:00`` → ``2026-11-29 21:43`` (what a person reads)."""
    return stamp[:16].replace("T", " ") if len(stamp) >= 16 else stamp


class ConflictError(RuntimeError):
    """A changeset was refused whole, because another analyst changed or deleted what it edits.

    Nothing of it was saved. The store has taken in the other analyst's changes, so what the
    app shows after this is theirs.
    """

    def __init__(self, label: str, conflicts: list[Conflict], *, action: str = "Not saved") -> None:
        self.label = label
        self.conflicts = tuple(conflicts)
        first = conflicts[0].message() if conflicts else "someone else changed the store"
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        super().__init__(f"{action}: {first}{more}; their version is shown.")

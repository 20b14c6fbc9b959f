"""Undo and redo of this session's own changes, safe beside other analysts' work.

Mixed into :class:`store.store.Store`. Each saved changeset is kept (inverted) on an undo stack;
undoing commits the inverse through the same write path as any change, so it is rebased onto
what others saved since and refused, with who and when, where it would overwrite their work.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from store.backend import SaveError
from store.changes import Changeset, ConflictError
from store.merging import same_content
from store.queries import needs_annotations


class StoreUndo:
    """The undo and redo stacks of one session (see the module docstring)."""

    _undo: list[Changeset]
    _redo: list[Changeset]

    if TYPE_CHECKING:

        def _commit(self, changeset: Changeset, *, record_undo: bool = True) -> Changeset: ...

    def can_undo(self) -> bool:
        """True when this session has a change to undo."""
        return bool(self._undo)

    def can_redo(self) -> bool:
        """True when an undone change can be redone."""
        return bool(self._redo)

    @needs_annotations
    def undo(self) -> str | None:
        """Undo this session's last change; returns what was undone, or ``None``.

        Only this session's own change is undone: where another analyst has since changed the
        same fields or deleted the record, :class:`ConflictError` says so and nothing changes
        (that step is dropped, as it can no longer apply).
        """
        return self._replay(self._undo, self._redo, invert=True)

    @needs_annotations
    def redo(self) -> str | None:
        """Redo the last undone change; returns what was redone, or ``None``."""
        return self._replay(self._redo, self._undo, invert=False)

    def _replay(self, source: list[Changeset], target: list[Changeset], *, invert: bool) -> str | None:
        if not source:
            return None
        changeset = source.pop()
        try:
            done = self._commit(changeset.inverted() if invert else changeset, record_undo=False)
        except SaveError:
            source.append(changeset)  # nothing happened: it can be tried again
            raise
        except ConflictError as exc:
            action = f"Cannot {'undo' if invert else 'redo'} {changeset.label}"
            raise ConflictError(changeset.label, list(exc.conflicts), action=action) from exc
        target.append(done.inverted() if invert else done)
        # The steps left expect each record as it now is: an undo step its ``after``, a redo step
        # its ``before``.
        source[:] = [_as_left(step, done, expected="after" if invert else "before") for step in source]
        return changeset.label


def _as_left(step: Changeset, done: Changeset, *, expected: str) -> Changeset:
    """``step`` (still to undo or redo) expecting each record as ``done`` has just left it.

    Undoing restores a record's earlier content with a new stamp (who, when). A step further
    down the stack remembers that content with its old stamp (in its ``expected`` side); deleting
    a record requires it to be exactly as remembered, so the stamp is brought up to date where
    only the stamp differs. Otherwise undoing "tag, then edit" a second or more later refused to
    undo the tag.
    """
    left = {(c.table, c.key): c.after for c in done.changes if c.after is not None}
    changes = []
    for change in step.changes:
        now = left.get((change.table, change.key))
        remembered = getattr(change, expected)
        if now is not None and remembered is not None and now != remembered and same_content(now, remembered):
            change = replace(change, **{expected: now})
        changes.append(change)
    return replace(step, changes=tuple(changes))

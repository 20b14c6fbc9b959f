"""Changes on a read-only store: answered with "read-only store", before any dialog opens.

A store the user may read but not change (a PostgreSQL role granted ``--read``, a folder whose
files are not theirs to write) would refuse every save anyway; asking for an entity or a note
first and refusing after would waste the analyst's typing. So every screen method that starts a
change is marked with :func:`changes_store`, the one place that asks ``store.read_only``:
tagging, marking, editing and deleting tags, undo and redo, article details, import. The
command palette calls the same methods, so it is guarded too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from store import Store

#: What a change key answers on a read-only store.
READ_ONLY_MESSAGE = "read-only store"


class _HasStore(Protocol):
    store: Store

    def notify(self, message: str, **kwargs: Any) -> None: ...


F = TypeVar("F", bound=Callable[..., Any])


def changes_store(method: F) -> F:
    """Mark a method that starts a change: on a read-only store it only says so.

    Apply it inside ``@on(...)`` and outside ``@work`` so the check runs on the UI thread,
    before a worker or a dialog starts.
    """

    @functools.wraps(method)
    def guarded(self: _HasStore, *args: Any, **kwargs: Any) -> Any:
        if self.store.read_only:
            self.notify(READ_ONLY_MESSAGE, severity="warning", markup=False, timeout=3)
            return None
        return method(self, *args, **kwargs)

    return guarded  # type: ignore[return-value]

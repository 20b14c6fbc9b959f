"""The embedded default corpus: an empty store starts with the five seed articles."""

from __future__ import annotations

from store.locations import seed_directory
from store.models import ImportReport
from store.store import Store


def seed_if_empty(store: Store) -> ImportReport | None:
    """Import the bundled seed articles into an empty store; ``None`` if it was not empty.

    Only a store with no articles at all is seeded, so a user who deletes the seeds from a
    store with other articles never sees them come back. A store this user may not change is
    left as it is: the import could only be refused.
    """
    if store.read_only or len(store):
        return None
    seeds = seed_directory()
    if seeds is None:
        return None
    return store.import_paths([seeds])

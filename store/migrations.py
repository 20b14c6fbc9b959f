"""Bring store files written by earlier versions of Dossier up to the current layout.

Each step takes the raw content of one file at version N and returns it at version N+1. Steps
run in memory when a store is opened; the store then backs up the old files and writes the new
snapshot, so the original stays in ``backups/``.

History of the layout:

1. First release: ``articles.json`` and ``annotations.json``, rewritten whole on every save.
2. Adds a journal beside each file (``NAME.journal``) and ``_meta.journal_id`` in the snapshot,
   naming the journal it was compacted up to. No document changes shape; a version-1 reader
   would miss journalled changes, which is why the version number moves.
3. Journal lines carry who saved them, when, and what (``{"by", "at", "label", "changes"}``),
   and records carry ``updated_by``: how one analyst's store tells another's changes apart. A
   version-2 reader would reject those lines as damage, so the number moves again.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store.storage import META_TABLE, SCHEMA_VERSION, StoreFileError, Tables


def _v1_to_v2(data: Tables) -> Tables:
    meta = data.setdefault(META_TABLE, {}).setdefault("1", {})
    meta.pop("journal_id", None)
    meta["schema_version"] = 2
    return data


def _v2_to_v3(data: Tables) -> Tables:
    data.setdefault(META_TABLE, {}).setdefault("1", {})["schema_version"] = 3
    return data


#: Step from version N (the key) to N+1.
STEPS: dict[int, Callable[[Tables], Tables]] = {1: _v1_to_v2, 2: _v2_to_v3}


def migrate(data: Tables, version: int, path: Path) -> Tables:
    """Run every step from ``version`` to :data:`SCHEMA_VERSION`."""
    while version < SCHEMA_VERSION:
        step = STEPS.get(version)
        if step is None:
            raise StoreFileError(path, f"written in layout {version}, which cannot be upgraded", "Re-import it.")
        data = step(data)
        version += 1
    return data

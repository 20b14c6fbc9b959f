"""Faults at the exact step: a full disk (ENOSPC), no free inodes, a journal that lost its header.

Each test makes one system call of a compaction fail the way a full disk makes it fail, then
goes on using the store, and checks that every save reported done is still there after closing
and reopening, and that ``store check`` neither hides nor erases anything.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from store import Store, StoreFileError
from store.maintenance import check
from tests.conftest import seeded_path


def _is_temp_create(args: tuple[Any, ...], _kwargs: dict[str, Any]) -> bool:
    return len(args) > 1 and bool(args[1] & os.O_EXCL)


#: The calls that write during a compaction, and how to tell them from the rest.
STEPS: dict[str, tuple[str, Callable[[tuple[Any, ...], dict[str, Any]], bool]]] = {
    "create a temp file (no inode left)": ("open", _is_temp_create),
    "fsync the temp file (no block left)": ("fsync", lambda a, k: True),
    "rename the temp file": ("replace", lambda a, k: True),
}


@contextmanager
def fail_nth(monkeypatch: pytest.MonkeyPatch, name: str, matches: Callable[..., bool], nth: int) -> Iterator[list[int]]:
    """Make the ``nth`` matching call of ``os.<name>`` fail with ENOSPC; yields [calls seen]."""
    real = getattr(os, name)
    seen = [0]

    def faulty(*args: Any, **kwargs: Any) -> Any:
        if matches(args, kwargs):
            seen[0] += 1
            if seen[0] == nth:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, name, faulty)
    try:
        yield seen
    finally:
        monkeypatch.setattr(os, name, real)


def count_calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, step: str) -> int:
    """How many matching calls one compaction of a changed annotations file makes."""
    path = seeded_path(tmp_path / "count")
    store = Store.open(path)
    store.annotate(store.articles()[0].id, 0, 5, note="count")
    name, matches = STEPS[step]
    with fail_nth(monkeypatch, name, matches, 10**9) as seen:
        store.compact()
    return seen[0]


@pytest.mark.parametrize("step", list(STEPS))
def test_a_full_disk_at_any_step_of_a_compaction_loses_no_later_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    calls = count_calls(monkeypatch, tmp_path, step)
    assert calls >= 3  # backup, snapshot, journal
    name, matches = STEPS[step]
    for nth in range(1, calls + 1):
        path = seeded_path(tmp_path / f"{nth}")
        store = Store.open(path)
        article = store.articles()[0]
        saved = {store.annotate(article.id, 0, 5, note="before").id}
        with fail_nth(monkeypatch, name, matches, nth), pytest.raises(OSError):
            store.compact()
        for i in range(3):  # the disk has room again: these saves are reported done
            saved.add(store.annotate(article.id, 10 + i, 15 + i, note=f"after {i}").id)
        assert [h.problem for h in check(path)] == [None, None]
        assert {a.id for a in Store.open(path).annotations()} == saved, f"{step}, call {nth}"
        store.close()
        assert {a.id for a in Store.open(path).annotations()} == saved, f"{step}, call {nth}, after close"
        assert [h.problem for h in check(path)] == [None, None]


def test_a_save_fails_loudly_while_the_disk_stays_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = seeded_path(tmp_path)
    store = Store.open(path)
    article = store.articles()[0]
    first = store.annotate(article.id, 0, 5, note="before")
    name, matches = STEPS["rename the temp file"]
    with fail_nth(monkeypatch, name, matches, 3), pytest.raises(OSError):
        store.compact()  # the journal could not be restarted
    with fail_nth(monkeypatch, name, matches, 1), pytest.raises(OSError):
        store.annotate(article.id, 20, 25, note="not saved")  # never reported done
    later = store.annotate(article.id, 30, 35, note="saved")
    store.close()
    assert {a.id for a in Store.open(path).annotations()} == {first.id, later.id}


def test_another_process_appending_after_a_failed_compaction_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = seeded_path(tmp_path)
    mine, theirs = Store.open(path), Store.open(path)
    article = mine.articles()[0]
    saved = {mine.annotate(article.id, 0, 5, note="mine").id}
    name, matches = STEPS["rename the temp file"]
    with fail_nth(monkeypatch, name, matches, 3), pytest.raises(OSError):
        mine.compact()  # snapshot written, journal not restarted
    saved.add(theirs.annotate(article.id, 10, 15, note="theirs").id)
    saved.add(mine.annotate(article.id, 20, 25, note="mine again").id)
    del mine, theirs
    assert {a.id for a in Store.open(path).annotations()} == saved


# ------------------------------------------------------------------ 8. a journal without its header


def test_a_journal_without_its_header_is_reported_never_erased(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    store = Store.open(path)
    store.annotate(store.articles()[0].id, 0, 5, note="in the journal")
    del store
    journal = path / "annotations.journal"
    header, rest = journal.read_bytes().split(b"\n", 1)
    assert b"journal_id" in header
    journal.write_bytes(rest)  # the header line is lost
    damaged = journal.read_bytes()
    with pytest.raises(StoreFileError, match=r"annotations\.journal.*header.*dossier store restore"):
        Store.open(path)
    [articles, annotations] = check(path)
    assert articles.problem is None and annotations.problem and "header" in annotations.problem
    assert journal.read_bytes() == damaged


def test_a_journal_of_another_snapshot_is_reported_never_erased(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    store = Store.open(path)
    store.annotate(store.articles()[0].id, 0, 5, note="in the journal")
    del store
    journal = path / "annotations.journal"
    lines = journal.read_bytes().split(b"\n", 1)
    journal.write_bytes(b'{"journal_id": "0123456789abcdef0123456789abcdef"}\n' + lines[1])
    damaged = journal.read_bytes()
    with pytest.raises(StoreFileError, match=r"annotations\.journal"):
        Store.open(path)
    assert check(path)[1].problem
    assert journal.read_bytes() == damaged


def test_a_journal_already_folded_in_is_still_ignored(tmp_path: Path) -> None:
    """A kill between writing the snapshot and restarting the journal is not damage."""
    path = seeded_path(tmp_path)
    store = Store.open(path)
    made = store.annotate(store.articles()[0].id, 0, 5, note="folded")
    del store
    journal = path / "annotations.journal"
    old = journal.read_bytes()
    store = Store.open(path)
    store.close()  # folds the journal in
    journal.write_bytes(old)  # as if killed before the new journal replaced the old one
    assert [a.id for a in Store.open(path).annotations()] == [made.id]
    assert check(path)[1].problem is None

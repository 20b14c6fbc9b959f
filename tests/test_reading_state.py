"""One analyst's reading state (read, bookmarks, saved searches): private, never lost, never shared."""

from __future__ import annotations

import json
import multiprocessing
import stat
from pathlib import Path

import pytest

from store import QueryError, Store
from store.reading_state import ReadingState


def _window(directory: str, key: str, worker: int, rounds: int) -> None:
    """One window of the analyst, marking articles read and bookmarking places, in another process."""
    state = ReadingState(key, Path(directory))
    for n in range(rounds):
        state.mark_read(f"w{worker}-a{n}")
        state.add_bookmark(f"w{worker}-a{n}", n)


def test_two_windows_at_once_lose_nothing(tmp_path: Path) -> None:
    """Two processes of one analyst change one store's state at once: every mark of both stays."""
    context = multiprocessing.get_context("spawn")
    windows = [context.Process(target=_window, args=(str(tmp_path), "store-1", w, 25)) for w in range(2)]
    for window in windows:
        window.start()
    for window in windows:
        window.join(60)
        assert window.exitcode == 0
    state = ReadingState("store-1", tmp_path)
    assert state.read_ids() == {f"w{w}-a{n}" for w in range(2) for n in range(25)}
    assert len(state.bookmarks()) == 50


def test_the_state_is_private_and_per_store(tmp_path: Path) -> None:
    mine = ReadingState("/data/store-a", tmp_path / "state")
    mine.mark_read("a1")
    mine.save_query("Mi-35 deal", "Mi-35 OR Ми-35")
    other = ReadingState("postgresql://db/dossier", tmp_path / "state")
    assert other.read_ids() == set() and other.saved_queries() == []
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    assert stat.S_IMODE(mine.path.stat().st_mode) == 0o600
    again = ReadingState("/data/store-a", tmp_path / "state")
    assert again.is_read("a1") and [q.name for q in again.saved_queries()] == ["Mi-35 deal"]


def test_marks_bookmarks_and_views_change_as_asked(tmp_path: Path) -> None:
    state = ReadingState("s", tmp_path)
    state.mark_read("a")
    state.mark_read("a", read=False)
    assert not state.is_read("a")
    assert "\x1b" not in state.add_bookmark("a", 10, "the treaty \x1b[31mdate").label
    state.add_bookmark("a", 10, "again")  # one bookmark per place
    state.add_bookmark("b", 0)
    assert [(b.article_id, b.offset, b.label) for b in state.bookmarks()] == [("a", 10, "again"), ("b", 0, "")]
    state.remove_bookmark("a", 10)
    assert [b.article_id for b in state.bookmarks()] == ["b"]
    state.save_query("deal", "Mi-35")
    state.save_query("deal", "Mi-35 OR S-400")
    assert [(q.name, q.query) for q in state.saved_queries()] == [("deal", "Mi-35 OR S-400")]
    state.delete_query("deal")
    assert state.saved_queries() == []
    with pytest.raises(ValueError):
        state.save_query("  ", "x")


def test_a_damaged_or_planted_file_is_set_aside_never_followed(tmp_path: Path) -> None:
    state = ReadingState("s", tmp_path)
    state.path.write_text("{not json")
    assert ReadingState("s", tmp_path).read_ids() == set()
    ReadingState("s", tmp_path).mark_read("a")
    assert [p.name for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert json.loads(state.path.read_text())["read"] == ["a"]
    # Someone plants a symlink where the state goes: it is never written through.
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    state.path.unlink()
    state.path.symlink_to(target)
    ReadingState("s", tmp_path).mark_read("b")
    assert target.read_text() == "keep me" and not state.path.is_symlink()


def test_a_state_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    """Where the state cannot go (its folder is a file: as a full or read-only disk), the change raises."""
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder")
    state = ReadingState("s", blocker / "reading")
    with pytest.raises(OSError):
        state.mark_read("b")
    assert not state.is_read("b") and blocker.read_text() == "not a folder"


def test_a_saved_search_lists_its_articles_in_the_lists_order(any_seeded: Store) -> None:
    store = any_seeded
    listing = store.search_listing("Mi-35")
    assert len(listing) == 4 and listing.total == 4
    order = [a.id for a in store.articles()]
    ids = [row.id for row in listing.rows(0, 4)]
    assert ids == [key for key in order if key in ids]
    narrowed = store.search_listing("Mi-35", "uzbekistan")
    assert [row.display_title for row in narrowed.rows(0, 9)] == [
        "Uzbekistan restoring closer military ties with Russia"
    ]
    with pytest.raises(QueryError):
        store.search_listing("(Mi-35")


def test_the_folders_made_for_the_state_are_private_all_the_way_up(tmp_path: Path) -> None:
    state = ReadingState("s", tmp_path / "state" / "dossier" / "reading")
    state.mark_read("a")
    for folder in (tmp_path / "state", tmp_path / "state" / "dossier", tmp_path / "state" / "dossier" / "reading"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder

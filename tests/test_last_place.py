"""The app reopens a store where this user left it; the file that says where is never trusted."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from store import Store, seed_if_empty
from tests.test_app_flow import open_article_titled
from tui.app import make_app
from tui.last_place import last_place, state_file


async def _leave_at(path: Path, title: str, moves: int) -> tuple[str, int]:
    store = Store.open(path)
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, title)
        await pilot.press(*["w"] * moves)
        place = (app.main.article.id, app.main.reader.cursor)
        await pilot.press("q")
    store.close()
    return place


async def _reopened(path: Path) -> tuple[str | None, int]:
    store = Store.open(path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        article = app.main.article
        place = (article.id if article else None, app.main.reader.cursor)
    store.close()
    return place


async def test_the_app_reopens_at_the_article_and_place_it_was_left(tmp_path: Path) -> None:
    left = await _leave_at(tmp_path / "store", "Moscow, Tashkent strengthen military cooperation", 7)
    assert left[1] > 0
    assert await _reopened(tmp_path / "store") == left
    assert state_file().stat().st_mode & 0o777 == 0o600
    assert state_file().parent.stat().st_mode & 0o777 == 0o700
    # Another store is its own: it opens with no article.
    other = Store.open(tmp_path / "other")
    seed_if_empty(other)
    other.close()
    assert await _reopened(tmp_path / "other") == (None, 0)


@pytest.mark.parametrize(
    "content", [b"{not json", b"\x00\xff" * 50, b"[1, 2]", b'{"x": {"article": 5, "offset": "a"}}', b""]
)
async def test_a_damaged_state_file_is_as_if_there_were_none(tmp_path: Path, content: bytes) -> None:
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().write_bytes(content)
    assert await _reopened_seeded(tmp_path) == (None, 0)
    assert last_place("x") is None


async def _reopened_seeded(tmp_path: Path) -> tuple[str | None, int]:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    store.close()
    return await _reopened(tmp_path / "store")


async def test_a_planted_link_is_not_followed(tmp_path: Path) -> None:
    """Someone who can write the state folder links the file to another file: it is not read or written."""
    target = tmp_path / "victim.txt"
    target.write_text("keep me")
    state_file().parent.mkdir(parents=True, exist_ok=True)
    state_file().symlink_to(target)
    left = await _leave_at(tmp_path / "store", "Moscow, Tashkent strengthen military cooperation", 2)
    assert target.read_text() == "keep me"
    assert not state_file().is_symlink() and last_place(str(tmp_path / "store" / "articles.json")) == left


async def test_a_state_folder_that_cannot_be_written_costs_nothing(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    left = await _leave_at(tmp_path / "store", "Moscow, Tashkent strengthen military cooperation", 2)
    assert left[0] and not os.path.isdir(blocker)

"""The app when another analyst works on the same store: messages, never a crash."""

from __future__ import annotations

from pathlib import Path

from store import Store, seed_if_empty
from tests.conftest import article_with, span_of
from tui.app import make_app


def _messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


async def test_undo_of_a_tag_another_analyst_deleted(tmp_path: Path) -> None:
    """It crashed with KeyError (exit 1); now it says who deleted it."""
    path = tmp_path / "store"
    mine = Store.open(path)
    seed_if_empty(mine)
    mine.user = "alice"
    article = article_with(mine, "Sergei Shoigu")
    tag = mine.annotate(article.id, *span_of(article, "Sergei Shoigu"), note="first")
    mine.update_annotation(tag.id, note="second")
    theirs = Store.open(path)
    theirs.user = "bob"
    theirs.remove_annotation(tag.id)
    app = make_app(mine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert app.is_running
        assert any("deleted by bob" in m for m in _messages(app)), _messages(app)
        await pilot.press("u")  # the step before (creating it) cannot apply either
        await pilot.pause()
        assert app.is_running
    assert all(a.id != tag.id for a in mine.annotations())
    theirs.close()
    mine.close()


async def test_editing_a_tag_another_analyst_changed_shows_theirs(tmp_path: Path) -> None:
    path = tmp_path / "store"
    mine = Store.open(path)
    seed_if_empty(mine)
    article = article_with(mine, "Sergei Shoigu")
    tag = mine.annotate(article.id, *span_of(article, "Sergei Shoigu"), note="first")
    theirs = Store.open(path)
    theirs.user = "bob"
    theirs.update_annotation(tag.id, note="bob's note")
    app = make_app(mine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        saved = app.main._save(lambda: mine.update_annotation(tag.id, note="my note"))
        await pilot.pause()
        assert saved is None and app.is_running
        assert any("changed by bob" in m for m in _messages(app)), _messages(app)
        assert mine.annotation(tag.id).note == "bob's note"
    theirs.close()
    mine.close()

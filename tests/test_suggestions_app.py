"""Suggestions in the reader: drawn apart from tags, ``o`` to the next, ``y`` accepts, ``r`` rejects."""

from __future__ import annotations

from pathlib import Path

from store import Store, seed_if_empty
from tests.conftest import article_with, settled, suggestions_shown
from tui.app import make_app


async def _open(pilot, store: Store, article_id: str) -> None:
    """Open an article from the list with the keyboard (j to its row, Enter)."""
    index = store.listing().index_of(article_id)
    assert index is not None
    await pilot.press(*(["j"] * index), "enter")
    await settled(pilot)


async def _wait_for_suggestions(pilot, reader) -> None:
    """Until some are drawn: the first ones wait for the helper process to load its tables."""
    await suggestions_shown(pilot)
    for _ in range(100):
        if reader.suggestions:
            return
        await pilot.pause(0.1)
    raise AssertionError("no suggestions drawn")


async def test_a_known_name_in_another_spelling_is_drawn_and_taken_with_y(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    first = article_with(store, "Sergey Shoigu")
    at = first.text.index("Sergey Shoigu")
    tag = store.annotate(first.id, at, at + 13, entity="Sergey Shoigu", entity_type="PERSON")
    other = article_with(store, "Sergei Shoigu")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await _open(pilot, store, other.id)
        reader = app.main.reader
        await _wait_for_suggestions(pilot, reader)
        assert store.annotation_count(other.id) == 0  # drawn, not saved
        first_suggestion = None
        for _ in range(len(reader.suggestions)):  # o on to the first known name's spelling
            await pilot.press("o")
            first_suggestion = reader.suggestion_at(reader.cursor)
            if first_suggestion is not None and first_suggestion.entity_id == tag.entity_id:
                break
        assert first_suggestion is not None and first_suggestion.entity_id == tag.entity_id
        line_style = reader.get_component_rich_style("reader--suggestion")
        assert line_style.underline and line_style != reader.get_component_rich_style("reader--entity-person")
        await pilot.press("y")
        await settled(pilot)
        (accepted,) = store.annotations(other.id)
        assert (accepted.start, accepted.entity_id) == (first_suggestion.start, tag.entity_id)
        await suggestions_shown(pilot)
        await pilot.press("o")
        second = reader.suggestion_at(reader.cursor)
        assert second is not None and second.start != first_suggestion.start
        await pilot.press("r")
        await settled(pilot)
        assert store.annotation_count(other.id) == 1  # the rejection is no tag
        assert [(r.start, r.end) for r in store.view.rejections(other.id)] == [(second.start, second.end)]
        await pilot.pause(0.3)
        assert all(s.start != second.start for s in reader.suggestions)
        await pilot.press("u")  # undo the rejection: it is suggested again
        await settled(pilot)
        assert store.view.rejections(other.id) == []
    store.close()


async def test_keys_on_no_suggestion_say_so_and_change_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        reader = app.main.reader
        reader.set_suggestions([])
        await pilot.press("y", "r", "o", "O")
        await settled(pilot)
        assert store.annotations() == []
        messages = [n.message for n in app._notifications]
        assert any("No suggestion" in m for m in messages)
    store.close()

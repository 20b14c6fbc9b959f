"""Count prefixes in the reader, as in vim: ``3w``, ``2)``, ``5n``; and what a digit does elsewhere.

Each count is checked against the same motion pressed that many times, on a real seed article
in the real app, so the test holds the rule, not a figure.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from store import Store, seed_if_empty
from tui.app import make_app
from tui.dialogs.entity_picker import EntityPicker
from tui.widgets.reader_pane import ReaderPane


def seeded(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    return store


@asynccontextmanager
async def reading(tmp_path: Path, store: Store | None = None) -> AsyncIterator[tuple[Any, Any]]:
    """The app at 80x24 with the first article open in the reader: (app, pilot)."""
    app = make_app(store or seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        yield app, pilot


def border_status(app) -> str:
    subtitle = app.main.query_one(ReaderPane).border_subtitle
    return str(subtitle) if subtitle is not None else ""


@pytest.mark.parametrize(("count", "keys"), [("3", ["w"]), ("2", [")"]), ("12", ["j"]), ("2", ["}"]), ("4", ["b"])])
async def test_a_count_moves_as_far_as_the_motion_pressed_that_many_times(
    tmp_path: Path, count: str, keys: list[str]
) -> None:
    async with reading(tmp_path) as (app, pilot):
        reader = app.main.reader
        await pilot.press("G" if keys == ["b"] else "g")
        start = reader.cursor
        await pilot.press(*(keys * int(count)))
        expected = reader.cursor
        assert expected != start
        await pilot.press("G" if keys == ["b"] else "g")
        assert reader.cursor == start
        await pilot.press(*count, *keys)
        assert reader.cursor == expected
        assert "count" not in border_status(app)  # the count was used up


async def test_a_digit_in_the_reader_is_a_count_that_shows_and_esc_drops(tmp_path: Path) -> None:
    async with reading(tmp_path) as (app, pilot):
        reader = app.main.reader
        assert reader.has_focus
        await pilot.press("1")
        await pilot.pause()
        assert reader.has_focus  # not pane 1: here digits are counts
        assert border_status(app) == "count 1… (alt+1: pane 1)"
        await pilot.press("escape")
        await pilot.pause()
        assert "count" not in border_status(app)
        cursor = reader.cursor
        await pilot.press("w")
        await pilot.press("b")
        assert reader.cursor == cursor  # one word each way: no count left over
        await pilot.press("alt+1")
        assert app.focused is not None and app.focused.id == "document-rows"
        await pilot.press("3")  # outside the reader, digits are panes
        assert app.focused is not None and app.focused.id == "entity-options"
        await pilot.press("alt+1", "slash", "alt+2")  # from a text field too
        assert app.focused is reader


async def test_a_key_that_takes_no_count_drops_it_and_does_what_it_always_does(tmp_path: Path) -> None:
    async with reading(tmp_path) as (app, pilot):
        await pilot.press("g", "w", "5", "e")
        await pilot.pause(0.3)
        assert isinstance(app.screen, EntityPicker)
        assert "count" not in border_status(app)
        await pilot.press("escape")
        await pilot.pause()
        reader = app.main.reader
        cursor = reader.cursor
        await pilot.press("w")
        await pilot.press("b")
        assert reader.cursor == cursor


async def test_zero_alone_goes_to_the_line_start_and_after_a_digit_is_part_of_the_count(tmp_path: Path) -> None:
    async with reading(tmp_path) as (app, pilot):
        reader = app.main.reader
        await pilot.press("g", *(["w"] * 10))
        ten_words = reader.cursor
        await pilot.press("g", "1", "0", "w")
        assert reader.cursor == ten_words
        assert reader._map is not None
        line = reader._map.line_of(reader.cursor)
        await pilot.press("0")
        assert reader._map.line_of(reader.cursor) == line
        assert reader.cursor == reader._map.offset_at(line, 0)


async def test_a_huge_count_is_capped_and_stops_at_the_end(tmp_path: Path) -> None:
    async with reading(tmp_path) as (app, pilot):
        reader = app.main.reader
        await pilot.press("G")
        end = reader._map.line_of(reader.cursor) if reader._map else -1
        await pilot.press("g", *"99999", "j")
        assert reader._map is not None and reader._map.line_of(reader.cursor) == end
        assert "count" not in border_status(app)


async def test_a_count_before_n_goes_that_many_hits_ahead_and_before_t_that_many_tags(tmp_path: Path) -> None:
    store = seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", *"the")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        reader = app.main.reader
        assert reader.selection is not None
        first = reader.selection
        await pilot.press("n", "n", "n")
        third_ahead = reader.selection
        await pilot.press("N", "N", "N")
        assert reader.selection == first
        await pilot.press("3", "n")
        assert reader.selection == third_ahead
        article = app.main.article
        assert article is not None
        for start in (0, 40, 80, 120):
            await app.main._save(lambda start=start: store.annotate(article.id, start, start + 3, note="x"))
        await pilot.pause()
        await pilot.press("escape", "g", "t", "t")
        second = reader.cursor
        await pilot.press("g", "2", "t")
        assert reader.cursor == second


async def test_alt_digit_as_a_terminal_sends_it_reaches_the_pane_from_the_reader(tmp_path: Path) -> None:
    """Most terminals send alt+1 as Esc then 1, which Textual reads as "¡": it must reach pane 1."""
    from textual._xterm_parser import XTermParser

    keys = [event.key for event in XTermParser().feed("\x1b1") if hasattr(event, "key")]
    async with reading(tmp_path) as (app, pilot):
        assert app.main.reader.has_focus
        await pilot.press(*keys)
        assert app.focused is not None and app.focused.id == "document-rows"
        await pilot.press("2")
        assert app.main.reader.has_focus
        for digit, pane in (("3", "entity-options"), ("4", "xref-rows"), ("2", "reader")):
            await pilot.press(*[event.key for event in XTermParser().feed(f"\x1b{digit}") if hasattr(event, "key")])
            assert app.focused is not None and app.focused.id == pane

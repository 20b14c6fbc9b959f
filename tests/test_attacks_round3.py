"""Attacks on the keyboard features of round 3: counts, alt+1-4, ``*`` / ``#``, ``2e``, the
picker's new-name rows, one-line rows on short terminals. Each test names what broke."""

from __future__ import annotations

import re
from pathlib import Path

from textual.widgets import Input, Static

from store import Store, seed_if_empty
from tui.app import make_app
from tui.dialogs.entity_picker import EntityPicker
from tui.widgets.reader_pane import ReaderPane


def seeded(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    return store


def border_status(app) -> str:
    subtitle = app.main.query_one(ReaderPane).border_subtitle
    return str(subtitle) if subtitle is not None else ""


async def open_first(pilot):
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    reader = pilot.app.main.reader
    assert reader.has_focus and reader.article is not None
    return reader


def selected(reader) -> str:
    assert reader.selection is not None and reader.article is not None
    return reader.article.text[slice(*reader.selection)]


# ---------------------------------------------------------------------------------------------
# counts


async def test_a_count_is_dropped_when_the_reader_loses_the_keyboard_to_a_priority_key(tmp_path: Path) -> None:
    """Broke: ``3`` then ctrl+p (the command palette, a priority binding the reader never sees)
    then Escape: the count was still pending ("count 3…" in the border) and ``w`` moved three words."""
    app = make_app(seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_first(pilot)
        await pilot.press("g", "3", "ctrl+p")
        await pilot.pause(0.3)
        await pilot.press("escape")
        await pilot.pause(0.3)
        assert app.focused is reader
        assert "count" not in border_status(app)
        await pilot.press("w")
        assert reader.article is not None
        assert reader.cursor == reader.article.text.index("Shoigu")  # one word, not three


async def test_a_count_before_star_with_no_word_under_the_cursor_does_not_linger(tmp_path: Path) -> None:
    """Broke: ``3*`` on a space said "put the cursor on a word" and left the count 3 pending, so
    the next ``w`` moved three words."""
    app = make_app(seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_first(pilot)
        text = reader.article.text
        reader.place_cursor(text.index(" "))
        await pilot.press("3", "asterisk")
        await pilot.pause()
        assert "count" not in border_status(app)
        await pilot.press("w")
        assert reader.cursor == text.index("Shoigu")


# ---------------------------------------------------------------------------------------------
# * and #


async def test_hash_in_the_middle_of_a_word_goes_to_its_previous_occurrence_not_itself(tmp_path: Path) -> None:
    """Broke: ``#`` with the cursor inside a word selected that same word (its start is before the
    cursor), so ``#`` never went back; on the word's first occurrence it should say so."""
    app = make_app(seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_first(pilot)
        text = reader.article.text
        occurrences = [m.start() for m in re.finditer(r"\bUzbekistan\b", text)]
        assert len(occurrences) >= 3
        reader.place_cursor(occurrences[2] + 4)
        await pilot.press("number_sign")
        await pilot.pause()
        assert reader.selection == (occurrences[1], occurrences[1] + len("Uzbekistan"))
        reader.place_cursor(occurrences[0] + 4)
        await pilot.press("number_sign")
        await pilot.pause()
        assert reader.selection is None  # the first one: nothing before it (it says so)


async def test_star_finds_the_whole_word_not_words_that_start_with_it(tmp_path: Path) -> None:
    """Broke: ``*`` on "Russia" went to "Russian" (the word became a search whose last word is a
    prefix); as in vim, ``*`` finds the word itself."""
    app = make_app(seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_first(pilot)
        text = reader.article.text
        assert re.search(r"\bRussian\b", text)
        reader.place_cursor(re.search(r"\bRussia\b", text).start())
        seen = []
        await pilot.press("asterisk")
        for _ in range(5):
            await pilot.pause()
            if reader.selection is not None:
                seen.append(selected(reader))
            await pilot.press("n")
        assert seen and set(seen) == {"Russia"}


async def test_star_on_a_selection_of_two_words_finds_the_two_words_together(tmp_path: Path) -> None:
    """Broke: ``*`` over the selection "Sergey Shoigu" searched for either word, so it stopped at
    a lone "Shoigu"; the selection is found as a phrase."""
    store = seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "enter")
        await pilot.pause()
        reader = app.main.reader
        text = reader.article.text
        first = text.index("Sergey Shoigu")
        second = text.index("Sergey Shoigu", first + 1)
        reader.place_cursor(first)
        await pilot.press("v", "w", "w")
        assert selected(reader) == "Sergey Shoigu"
        await pilot.press("asterisk")
        await pilot.pause()
        assert reader.selection == (second, second + len("Sergey Shoigu"))


# ---------------------------------------------------------------------------------------------
# 2e / 3m


async def test_a_count_before_e_stops_at_the_end_of_the_paragraph(tmp_path: Path) -> None:
    """Broke: ``2e`` on the last word of a paragraph tagged "Afghanistan.\\n\\nOn", a mention across
    the paragraph break, and the picker's one-line field got the two newlines as its value."""
    app = make_app(seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_first(pilot)
        text = reader.article.text
        paragraph_end = text.index("\n\n")
        last_word = re.search(r"(\w+)\W*$", text[:paragraph_end])
        assert last_word is not None
        reader.place_cursor(last_word.start(1))
        span = reader.tag_span(2)
        assert span is not None and text[slice(*span)] == last_word.group(1)
        await pilot.press("2", "e")
        await pilot.pause(0.3)
        picker = app.screen
        assert isinstance(picker, EntityPicker)
        assert picker.query_one("#entity-query", Input).value == last_word.group(1)


async def test_the_picker_field_holds_a_selection_across_paragraphs_on_one_line(tmp_path: Path) -> None:
    """Broke: a selection over a paragraph break (``v`` then ``}``), tagged with ``e``, put its
    newlines in the picker's one-line name field and its title."""
    app = make_app(seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_first(pilot)
        text = reader.article.text
        paragraph_end = text.index("\n\n")
        reader.place_cursor(paragraph_end - 12)
        await pilot.press("v", "w", "w")
        assert reader.selection is not None and "\n" in text[slice(*reader.selection)]
        await pilot.press("e")
        await pilot.pause(0.3)
        picker = app.screen
        assert isinstance(picker, EntityPicker)
        value = picker.query_one("#entity-query", Input).value
        assert "\n" not in value and value
        title = picker.query_one("#dialog-title", Static).render()
        assert "\n" not in str(title)


async def test_a_digit_of_another_script_is_not_a_count_and_drops_the_pending_one(tmp_path: Path) -> None:
    """Broke: a fullwidth "３" or superscript "²" (``str.isdigit`` is true for them) kept a pending
    count though no key takes them: ``3``, ``３``, ``w`` moved three words."""
    app = make_app(seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        reader = await open_first(pilot)
        text = reader.article.text
        for other in ("３", "²"):
            await pilot.press("g", "3", other)
            await pilot.pause()
            assert "count" not in border_status(app)
            await pilot.press("w")
            assert reader.cursor == text.index("Shoigu")


async def test_a_count_used_up_leaves_the_stores_waiting_notice_in_the_border(tmp_path: Path) -> None:
    """Broke: the count and the store's state share the reader's border; ``3w`` typed while it said
    "waiting for the store…" cleared that notice (the store was still waiting)."""
    app = make_app(seeded(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_first(pilot)
        app.main.show_waiting(True)
        assert border_status(app) == "waiting for the store…"
        await pilot.press("3")
        await pilot.pause()
        assert border_status(app).startswith("count 3")
        await pilot.press("w")
        await pilot.pause()
        assert border_status(app) == "waiting for the store…"
        app.main.show_waiting(False)
        await pilot.press("2")
        await pilot.pause()
        assert border_status(app).startswith("count 2")  # the count shows over a cleared state
        await pilot.press("escape")
        await pilot.pause()
        assert "count" not in border_status(app) and "waiting" not in border_status(app)

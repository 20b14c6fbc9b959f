"""The search box speaks the query language: the Mi-35 deal in one query, errors in the box, filters."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList, Static

from store import Store, seed_if_empty
from tests.conftest import span_of
from tui.app import make_app
from tui.dialogs.search_dialog import SearchDialog
from tui.widgets.reader import Reader


def _seeded(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    return store


async def _settle(pilot, dialog: SearchDialog) -> None:
    """Wait for the search of what is in the box to answer (it runs in a thread)."""
    for _ in range(100):
        await pilot.pause(0.05)
        if "Searching" not in str(dialog.query_one("#search-status", Static).render()):
            return
    raise AssertionError("the search never answered")


async def _type(pilot, app, *keys: str) -> SearchDialog:
    await pilot.press(*keys)
    dialog = app.screen
    assert isinstance(dialog, SearchDialog)
    await _settle(pilot, dialog)
    return dialog


async def test_mi_35_finds_the_four_articles_of_the_deal_and_enter_opens_the_hit(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = await _type(pilot, app, "s", *"Mi-35")
        results = dialog.query_one("#search-results", OptionList)
        assert results.option_count == 4
        status = str(dialog.query_one("#search-status", Static).render())
        assert "4 found" in status
        deal = {a.id for a in store.articles() if "Mi-35" in a.text}
        assert len(deal) == 4
        await pilot.press("down", "down", "down", "enter")  # the last of the four: it says Mi-35M only
        await pilot.pause()
        article = app.main.article
        reader = app.main.query_one(Reader)
        assert article is not None and article.id in deal and reader.has_focus
        start, end = reader.selection or (0, 0)
        assert article.text[start:end] in ("Mi-35", "Mi-35M")
    store.close()


async def test_a_malformed_query_says_where_in_the_box_and_enter_opens_nothing(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = await _type(pilot, app, "s", *'shoigu "treaty')
        status = str(dialog.query_one("#search-status", Static).render())
        assert 'this " is not closed' in status and "character 8" in status
        field = dialog.query_one("#search-query", Input)
        assert field.has_class("-invalid")
        await pilot.press("enter", "q")  # Enter does nothing; q is text in the box, never quit
        await pilot.pause()
        assert app.screen is dialog and field.value == 'shoigu "treatyq'
        await pilot.press("backspace", '"')
        await _settle(pilot, dialog)
        assert not field.has_class("-invalid")
        assert "found" in str(dialog.query_one("#search-status", Static).render())
        await pilot.press("ctrl+u", *"colour:red")
        await _settle(pilot, dialog)
        assert "no filter “colour:”" in str(dialog.query_one("#search-status", Static).render())
    store.close()


async def test_a_filter_query_opens_at_the_tag_and_n_goes_through_its_tags(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    treaty = next(a for a in store.articles() if a.title and a.title.startswith("Treaty"))
    spans = [span_of(treaty, "Mirziyoyev", nth) for nth in range(2)]
    for start, end in spans:
        store.annotate(treaty.id, start, end, entity="Shavkat Mirziyoyev", entity_type="PERSON")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = await _type(pilot, app, "s", *"entity:mirziyoyev")
        assert dialog.query_one("#search-results", OptionList).option_count == 1
        await pilot.press("enter")
        await pilot.pause()
        reader = app.main.query_one(Reader)
        assert app.main.article.id == treaty.id and reader.selection == spans[0]
        await pilot.press("n")
        await pilot.pause()
        assert reader.selection == spans[1]
    store.close()


async def test_back_from_a_hit_brings_the_results_back_at_that_hit(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        dialog = await _type(pilot, app, "s", *"Mi-35")
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        third = dialog._hits[2]
        assert app.main.article.id == third.article_id
        await pilot.press("left_square_bracket")
        await pilot.pause(0.5)
        again = app.screen
        assert isinstance(again, SearchDialog)
        await _settle(pilot, again)
        assert again.query_one("#search-query", Input).value == "Mi-35"
        assert again.query_one("#search-results", OptionList).highlighted == 2
    store.close()

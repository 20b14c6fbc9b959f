"""The entity picker finds other spellings and filters types; counts follow undo in any article."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList, Static

from store import Store, seed_if_empty
from tests.conftest import wait_for_listing
from tests.test_app_flow import open_article_titled, option_texts, select_words
from tui.app import make_app
from tui.dialogs.entity_picker import EntityPicker
from tui.dialogs.passage_dialog import PassageDialog
from tui.widgets.article_list import ArticleList


def _store(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


async def _picker_on_sergei_shoigu(pilot) -> EntityPicker:
    """The picker opened on "Sergei Shoigu" in the article that names him so."""
    await pilot.pause()
    await open_article_titled(pilot, "Russia seizes strategic initiative in Central Asia")
    await select_words(pilot, pilot.app.main.reader, "Sergei Shoigu")
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, EntityPicker)
    return pilot.app.screen


async def test_the_picker_offers_another_spelling_and_keeps_it_as_an_alias(tmp_path: Path) -> None:
    store = _store(tmp_path / "store")
    moscow = next(a for a in store.articles() if a.display_title.startswith("Moscow, Tashkent"))
    start = moscow.text.index("Sergey Shoigu")
    end = start + len("Sergey Shoigu")
    shoigu = store.annotate(moscow.id, start, end, entity="Sergey Shoigu", entity_type="PERSON")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await _picker_on_sergei_shoigu(pilot)
        assert picker.query_one("#entity-query", Input).value == "Sergei Shoigu"
        choices = option_texts(picker.query_one("#entity-choices", OptionList))
        assert choices[0].startswith("Sergey Shoigu") and choices[-1].startswith("+ new entity")
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, EntityPicker)
    entity = store.entity(shoigu.entity_id or "")
    assert "Sergei Shoigu" in entity.aliases and len(store.mentions(entity.id)) == 2
    store.close()


async def _new_entity_of_type(tmp_path: Path, typed: str) -> str:
    store = _store(tmp_path / "store")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _picker_on_sergei_shoigu(pilot)
        await pilot.press("ctrl+u", *"Qwxz Unit", "down", "enter")  # nothing like it: "+ new entity … of another type"
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, EntityPicker)
        assert "Type of" in str(picker.query_one("#dialog-title", Static).render())
        await pilot.press(*typed)
        await pilot.pause()
        shown = option_texts(picker.query_one("#entity-choices", OptionList))
        if shown[0].startswith("+ new type"):
            await pilot.press("enter")  # nothing is chosen for the user: Enter does nothing yet
            await pilot.pause()
            assert app.screen is picker
            await pilot.press("down")  # the explicit choice
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, EntityPicker)
    entity = store.find_entity("Qwxz Unit")
    assert entity is not None
    store.close()
    return f"{entity.type} {shown}"


@pytest.mark.parametrize(
    ("typed", "row"),
    [
        ("Qwxz Unit", "+ new PERSON “Qwxz Unit”"),
        ("CSTOX", "+ new ORG “CSTOX”"),
        ("Su-30SM", "+ new EQUIPMENT “Su-30SM”"),
    ],
)
async def test_a_new_name_is_offered_with_the_type_its_form_suggests_in_one_enter(
    tmp_path: Path, typed: str, row: str
) -> None:
    """The first row says the type it makes: Enter is a choice made knowingly, one key not two."""
    store = _store(tmp_path / "store")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        picker = await _picker_on_sergei_shoigu(pilot)
        await pilot.press("ctrl+u", *typed)
        await pilot.pause()
        choices = option_texts(picker.query_one("#entity-choices", OptionList))
        assert choices[0] == row and choices[1] == f"+ new entity “{typed}” of another type…"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, EntityPicker)
    entity = store.find_entity(typed)
    assert entity is not None and row == f"+ new {entity.type} “{entity.name}”"
    store.close()


async def test_typing_in_the_type_picker_filters_the_types(tmp_path: Path) -> None:
    chosen = await _new_entity_of_type(tmp_path, "equ")
    assert chosen.startswith("EQUIPMENT ['EQUIPMENT'")


async def test_a_type_of_ones_own_is_made_only_from_its_own_row(tmp_path: Path) -> None:
    chosen = await _new_entity_of_type(tmp_path, "unitx")
    assert chosen == "UNITX ['+ new type “UNITX”']"


async def test_editing_a_passage_says_so(tmp_path: Path) -> None:
    store = _store(tmp_path / "store")
    article = store.articles()[0]
    store.annotate(article.id, 0, 10, labels=["claim"], note="first")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.article is not None and app.main.article.id == article.id
        await pilot.press("g", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PassageDialog)
        assert str(app.screen.query_one("#dialog-title", Static).render()).startswith("Edit passage")
    store.close()


async def test_undo_in_another_article_updates_the_first_articles_count(tmp_path: Path) -> None:
    """Tag in A, open B, u: A's row must lose its count (it said "1 tag" with 0 in the store)."""
    store = _store(tmp_path / "store")
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, "Russia seizes strategic initiative in Central Asia")
        first = app.main.article
        assert first is not None
        await pilot.press("v", "w", "m", "enter", "enter")
        await pilot.pause()
        assert len(store.annotations(first.id)) == 1
        await pilot.press("alt+1", "slash", "escape")  # the whole list again
        await wait_for_listing(pilot)
        rows = app.main.query_one("#document-rows", ArticleList)
        row = next(i for i in range(rows.row_count) if "Russia seizes" in rows.row_text(i))
        assert "1 tag" in rows.row_text(row)
        await open_article_titled(pilot, "Moscow, Tashkent strengthen military cooperation")
        await pilot.press("alt+1", "slash", "escape", "2", "u")
        await pilot.pause(0.3)
        assert store.annotations(first.id) == []
        row = next(i for i in range(rows.row_count) if "Russia seizes" in rows.row_text(i))
        assert "tag" not in rows.row_text(row)
        await pilot.press("U")
        await pilot.pause(0.3)
        row = next(i for i in range(rows.row_count) if "Russia seizes" in rows.row_text(i))
        assert "1 tag" in rows.row_text(row)
    store.close()


@pytest.mark.parametrize("known", [True, False], ids=["another-spelling-known", "nothing-known"])
async def test_capital_e_takes_exactly_what_the_pickers_first_row_would_and_says_so(
    tmp_path: Path, known: bool
) -> None:
    """``E`` is ``e`` then Enter without the dialog: the same entity (or the same new one), and the
    notification names it, so a wrong first offer is seen at once (Enter on the tag changes it)."""
    outcomes = []
    for way in ("picker", "E"):
        store = _store(tmp_path / way)
        if known:
            moscow = next(a for a in store.articles() if a.display_title.startswith("Moscow, Tashkent"))
            start = moscow.text.index("Sergey Shoigu")
            store.annotate(moscow.id, start, start + len("Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
        app = make_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await open_article_titled(pilot, "Russia seizes strategic initiative in Central Asia")
            await select_words(pilot, app.main.reader, "Sergei Shoigu")
            await pilot.press(*(["e", "enter"] if way == "picker" else ["E"]))
            await pilot.pause(0.3)
            assert app.screen is app.main
            said = [str(n.message) for n in app._notifications]
        tag = next(a for a in store.annotations() if a.quote == "Sergei Shoigu")
        entity = store.entity(tag.entity_id or "")
        outcomes.append((entity.name, entity.type, sorted(entity.aliases), len(store.entities())))
        if way == "E":
            assert any(f"“Sergei Shoigu” → {entity.name} ({entity.type})" in text for text in said), said
        store.close()
    assert outcomes[0] == outcomes[1]
    assert outcomes[0][0] == ("Sergey Shoigu" if known else "Sergei Shoigu")

"""An entity's screen, with the keyboard alone at 80x24: merge two spellings and undo, rename, alias, jump."""

from __future__ import annotations

from pathlib import Path

from store import Store, seed_if_empty
from tests.conftest import settled
from tui.app import make_app
from tui.entity_screen import EntityScreen

TITLE = "Moscow, Tashkent strengthen military cooperation"


def _two_azizovs(store: Store):
    article = next(a for a in store.articles() if a.display_title == TITLE)
    full = article.text.index("Abdusalom Azizov")
    short = article.text.index("Abusalom Azizov")
    kept = store.annotate(article.id, full, full + 16, entity="Abdusalom Azizov", entity_type="PERSON")
    other = store.annotate(article.id, short, short + 15, entity="Abusalom Azizov", entity_type="PERSON")
    assert kept.entity_id != other.entity_id
    return article, kept, other


async def _entity_screen(pilot, store: Store, article_id: str, name: str) -> EntityScreen:
    index = store.listing().index_of(article_id)
    await pilot.press(*(["j"] * (index or 0)), "enter", "alt+3")
    await settled(pilot)
    pane = pilot.app.main.query_one("#entity-options")
    target = next(i for i, option in enumerate(pane.options) if option.id and store.entity(option.id).name == name)
    pane.highlighted = target
    await pilot.press("i")
    await settled(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, EntityScreen)
    return screen


async def test_merge_the_other_spelling_from_the_proposals_then_undo(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    article, kept, other = _two_azizovs(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen = await _entity_screen(pilot, store, article.id, "Abdusalom Azizov")
        assert [p.name for p in screen.proposals()] == ["Abusalom Azizov"]
        await pilot.press("m")  # the picker, the proposal first
        await settled(pilot)
        await pilot.press("enter")
        await settled(pilot)
        assert isinstance(app.screen, EntityScreen)
        merged = store.entity(kept.entity_id)
        assert "Abusalom Azizov" in merged.aliases and store.mention_count(kept.entity_id) == 2
        assert store.find_entity("Abusalom Azizov") == merged
        assert len(screen.mentions) == 2
        await pilot.press("u")  # one step undoes the merge
        await settled(pilot)
        assert store.entity(other.entity_id).name == "Abusalom Azizov"
        assert store.mention_count(kept.entity_id) == 1 and store.mention_count(other.entity_id) == 1
        assert "Abusalom Azizov" not in store.entity(kept.entity_id).aliases
    store.close()


async def test_rename_add_alias_and_jump_to_a_mention(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    article, kept, _ = _two_azizovs(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await _entity_screen(pilot, store, article.id, "Abdusalom Azizov")
        await pilot.press("r", "ctrl+u", *"Abdusalom Azizov Jr", "enter")
        await settled(pilot)
        entity = store.entity(kept.entity_id)
        assert entity.name == "Abdusalom Azizov Jr" and "Abdusalom Azizov" in entity.aliases
        await pilot.press("a", *"Азизов", "enter")
        await settled(pilot)
        assert "Азизов" in store.entity(kept.entity_id).aliases
        await pilot.press("a", *"Abusalom Azizov", "enter")  # another entity's name: refused, said why
        await settled(pilot)
        assert "Abusalom Azizov" not in store.entity(kept.entity_id).aliases
        assert any("Abusalom Azizov" in n.message for n in app._notifications)
        await pilot.press("enter")  # go to the mention
        await settled(pilot)
        assert not isinstance(app.screen, EntityScreen)
        assert app.main.article is not None and app.main.article.id == article.id
        assert app.main.reader.cursor == kept.start
    store.close()


async def test_split_a_marked_mention_off_and_delete_asks_twice(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    article, kept, other = _two_azizovs(store)
    store.merge_entities(kept.entity_id, other.entity_id)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        screen = await _entity_screen(pilot, store, article.id, "Abdusalom Azizov")
        assert len(screen.mentions) == 2
        await pilot.press("space", "s", *"Someone Else", "enter")
        await settled(pilot)
        split = store.find_entity("Someone Else")
        assert split is not None and store.mention_count(split.id) == 1
        assert store.mention_count(kept.entity_id) == 1
        await pilot.press("D")
        await settled(pilot)
        assert store.mention_count(kept.entity_id) == 1  # asked first
        await pilot.press("D")
        await settled(pilot)
        assert not isinstance(app.screen, EntityScreen)
        assert store.find_entity("Abdusalom Azizov") is None
    store.close()

"""The yes/no pass over suggestions, with the keyboard alone at 80x24 (Pilot, a real store on disk)."""

from __future__ import annotations

import re
from pathlib import Path

from store import Store, seed_if_empty
from tests.conftest import settled, suggestions_shown
from tui.app import make_app
from tui.pass_screen import PassScreen

TITLE = "Moscow, Tashkent strengthen military cooperation"


async def _open_moscow(pilot, store: Store) -> str:
    article = next(a for a in store.articles() if a.display_title == TITLE)
    index = store.listing().index_of(article.id)
    assert index is not None
    await pilot.press(*(["j"] * index), "enter")
    await settled(pilot)
    await suggestions_shown(pilot)
    return article.id


async def test_people_of_an_article_tagged_with_y_in_the_pass_and_the_two_azizovs_are_one(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    store.suggestions(store.articles()[0].id)  # gazetteers loaded before the clock matters
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        article_id = await _open_moscow(pilot, store)
        await pilot.press("p")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PassScreen)
        await pilot.press("f")  # PERSON only
        await settled(pilot)
        assert screen.only_type == "PERSON" and screen.current is not None
        people = len(screen._shown)
        keys = 0
        while screen.current is not None and keys < 20:
            await pilot.press("y")
            await settled(pilot)
            keys += 1
        assert screen.current is None and keys < people + 1  # later spellings were linked, not asked
        await pilot.press("escape")
        await settled(pilot)
        assert not isinstance(app.screen, PassScreen)
    mentions = [a for a in store.annotations(article_id) if a.entity_id]
    names = {store.entity(a.entity_id).name for a in mentions}
    assert {"Sergey Shoigu", "Shavkat Mirziyoyev"} <= names
    azizov = [a for a in mentions if "Azizov" in a.quote]
    assert len(azizov) == 2 and len({a.entity_id for a in azizov}) == 1  # Abusalom and Abdusalom: one
    assert all(store.entity(a.entity_id).type == "PERSON" for a in mentions)
    store.close()


async def test_no_rejects_and_skips_and_undo_takes_back_one_decision(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        article_id = await _open_moscow(pilot, store)
        await pilot.press("p")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PassScreen)
        first = screen.current
        assert first is not None
        await pilot.press("n")
        await settled(pilot)
        assert [(r.start, r.end) for r in store.view.rejections(article_id)] == [(first.start, first.end)]
        second = screen.current
        assert second is not None and second.start >= first.end
        await pilot.press("s")
        await settled(pilot)
        assert screen.current is not None and screen.current.start > second.start
        assert store.annotations(article_id) == []  # skipping saves nothing
        await pilot.press("u")
        await settled(pilot)
        assert store.view.rejections(article_id) == []
        await pilot.press("t", "y")  # another type: the first suggestion shown, accepted as ORG? whichever comes
        await settled(pilot)
        (tag,) = [a for a in store.annotations(article_id) if a.entity_id]
        assert store.entity(tag.entity_id).type != ""  # saved with the type chosen by t
        await pilot.press("escape")
        await settled(pilot)
    store.close()


async def test_accept_all_shown_asks_twice_and_is_one_undo_step(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        article_id = await _open_moscow(pilot, store)
        await pilot.press("p", "f", "f")  # ORG only
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PassScreen) and screen.only_type == "ORG"
        shown = len(screen._shown)
        assert shown
        await pilot.press("A")
        await settled(pilot)
        assert store.annotations(article_id) == []  # asked first
        await pilot.press("A")
        await settled(pilot)
        assert len(store.annotations(article_id)) == shown
        assert all(store.entity(a.entity_id).type == "ORG" for a in store.annotations(article_id))
        await pilot.press("u")
        await settled(pilot)
        assert store.annotations(article_id) == []
    store.close()


async def test_an_entitys_unlinked_mentions_across_articles_from_the_entity_pane(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    first = next(a for a in store.articles() if "Sergey Shoigu" in a.text)
    at = first.text.index("Sergey Shoigu")
    tag = store.annotate(first.id, at, at + 13, entity="Sergey Shoigu", entity_type="PERSON")
    other = next(a for a in store.articles() if "Sergei Shoigu" in a.text)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        index = store.listing().index_of(first.id)
        await pilot.press(*(["j"] * (index or 0)), "enter", "alt+3")
        await settled(pilot)
        await pilot.press("j", "p")  # the entity's row, then the pass
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PassScreen)
        assert "Sergey Shoigu" in str(screen.query_one("#pass-box").border_title)
        articles = {s.article_id for s in screen._shown}
        assert other.id in articles
        while screen.current is not None and screen.current.article_id != other.id:
            await pilot.press("s")
            await settled(pilot)
        assert screen.current is not None and screen.current.quote in ("Sergei Shoigu", "Shoigu")
        await pilot.press("y")
        await settled(pilot)
        await pilot.press("escape")
        await settled(pilot)
    assert any(a.entity_id == tag.entity_id for a in store.annotations(other.id))
    store.close()


async def test_a_tags_a_name_then_every_other_mention_across_the_corpus_with_a_confirming_key(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    app = make_app(store)
    everywhere = sum(len(re.findall(r"\bCSTO\b", a.text)) for a in store.articles())
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        article_id = await _open_moscow(pilot, store)
        article = store.article(article_id)
        reader = app.main.reader
        reader.place_cursor(article.text.index("CSTO"))
        await pilot.press("a")  # the picker for "CSTO" opens
        await settled(pilot)
        await pilot.press("enter")  # its first row: a new ORG "CSTO"
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PassScreen)
        assert "Every mention of CSTO" in str(screen.query_one("#pass-box").border_title)
        assert len(screen._shown) == everywhere - 1
        await pilot.press("A", "A")
        await settled(pilot)
        assert screen.current is None
        await pilot.press("escape")
        await settled(pilot)
    entity = store.find_entity("CSTO")
    assert entity is not None and entity.type == "ORG"
    assert store.mention_count(entity.id) == everywhere
    store.close()


async def test_the_whole_corpus_from_the_palette_goes_on_article_after_article(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    store.suggestions(store.articles()[0].id)  # gazetteers loaded first
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("ctrl+p", *"Pass over the whole corpus")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PassScreen)
        first_article = screen.current.article_id if screen.current else None
        assert first_article == store.listing()[0].id
        await pilot.press("f")  # people only: fewer to skip through
        await settled(pilot)
        seen = {screen.current.article_id} if screen.current else set()
        for _ in range(80):  # skip through: the pass reads on into the next articles
            await pilot.press("s")
            await settled(pilot)
            if screen.current is None:
                break
            seen.add(screen.current.article_id)
            if len(seen) >= 3:
                break
        assert len(seen) >= 3
        assert store.annotations() == []  # skipping saves nothing
    store.close()


async def test_the_pass_stays_live_while_its_suggestions_are_found(tmp_path: Path, monkeypatch) -> None:
    """The first answer may wait seconds for the suggesters' helper: keys go on, none decides blind."""
    import threading
    import time

    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    gate = threading.Event()
    real = type(store).suggestions

    def slow(self, article_id, **kwargs):
        gate.wait(30)
        return real(self, article_id, **kwargs)

    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        article_id = await _open_moscow(pilot, store)
        monkeypatch.setattr(type(store), "suggestions", slow)
        await pilot.press("p")
        await pilot.pause(0.3)
        screen = app.screen
        assert isinstance(screen, PassScreen) and screen.finding
        await pilot.press("y")  # decides nothing while the suggestions are being found
        await pilot.pause(0.3)
        assert store.annotations(article_id) == []
        assert any("Still finding" in str(n.message) for n in app._notifications)
        gate.set()
        await settled(pilot)
        assert not screen.finding and screen.current is not None
        await pilot.press("y")
        await settled(pilot)
        assert len(store.annotations(article_id)) == 1
        gate.clear()
        await pilot.press("s")  # asks again: slow now, and quitting must not wait for it
        start = time.perf_counter()
        await pilot.press("escape", "q")
        await pilot.pause(0.2)
    assert time.perf_counter() - start < 10
    gate.set()
    store.close()

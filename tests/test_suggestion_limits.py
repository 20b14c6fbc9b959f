"""Suggestions on what the world sends: a huge article, hostile text, and quitting while they load."""

from __future__ import annotations

import itertools
import time
from pathlib import Path

from store import Store
from tests.conftest import BBC


def test_an_article_of_a_hundred_thousand_words_gets_its_suggestions_in_seconds(tmp_path: Path) -> None:
    """Choosing among candidates was quadratic: a long article took minutes (and held up quitting)."""
    sources = sorted(BBC.rglob("*.txt"))[:300] if BBC.exists() else []
    text = " ".join(p.read_text(errors="replace") for p in sources) or (
        "Defense Minister Abdusalom Azizov met Sergey Shoigu in Tashkent on 12 March 2024. " * 8000
    )
    folder = tmp_path / "huge"
    folder.mkdir()
    (folder / "huge.txt").write_text("Huge\n\n" + text)
    store = Store.in_memory()
    store.import_paths([folder])
    (article,) = store.articles()
    store.prepare_suggestions()
    start = time.perf_counter()
    found = store.suggestions(article.id)
    elapsed = time.perf_counter() - start
    print(f"{len(article.text.split())} words: {len(found)} suggestions in {elapsed:.2f} s")
    assert found
    assert elapsed < 30  # ~2 s here; minutes before
    spans = sorted((s.start, s.end) for s in found)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))


def test_hostile_text_gives_suggestions_that_are_data(tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    nasty = "Report\n\n[bold red]Defense Minister Abdusalom Azizov[/] met \x1b[31mSergey Shoigu\x1b[0m; ﬁ ß İ Шойгу 🚀."
    (folder / "odd.txt").write_text(nasty)
    store = Store.in_memory()
    store.import_paths([folder])
    (article,) = store.articles()
    for suggestion in store.suggestions(article.id):
        assert article.text[suggestion.start : suggestion.end] == suggestion.quote
        assert "\x1b" not in suggestion.quote and "\x1b" not in suggestion.name


async def test_quitting_while_suggestions_are_being_found_does_not_wait_for_them(tmp_path: Path, monkeypatch) -> None:
    from store import seed_if_empty
    from tests.conftest import settled
    from tui.app import make_app

    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    monkeypatch.setattr(type(store), "suggestions", lambda self, article_id, **_: time.sleep(60) or [])
    monkeypatch.setattr(type(store), "prepare_suggestions", lambda self: time.sleep(60))
    app = make_app(store)
    start = time.perf_counter()
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")  # an article open: its suggestions are asked (and take a minute)
        await settled(pilot)
        assert app.main.suggestions_pending == 1
        await pilot.press("q")
        await settled(pilot)
    assert time.perf_counter() - start < 15  # not the minute the suggestions would take
    store.close()


async def test_a_suggester_that_fails_costs_the_suggestions_not_the_app(tmp_path: Path, monkeypatch) -> None:
    from store import seed_if_empty
    from tests.conftest import settled, suggestions_shown
    from tui.app import make_app

    store = Store.open(tmp_path / "store")
    seed_if_empty(store)

    def broken(self, article_id, **_):
        raise RuntimeError("\x1b[31mboom\x1b[0m")

    monkeypatch.setattr(type(store), "suggestions", broken)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("enter")
        await suggestions_shown(pilot)
        assert app.main.reader.suggestions == [] and app.main.article is not None
        assert any("No suggestions here" in str(n.message) for n in app._notifications)
        assert not any("\x1b" in str(n.message) for n in app._notifications)
        await pilot.press("j", "w")  # the app goes on
        await settled(pilot)
    store.close()


def test_a_stretch_of_a_long_article_gives_the_suggestions_found_there(tmp_path: Path) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    sentence = "Defense Minister Abdusalom Azizov met officials in Tashkent on 12 March 2024. "
    (folder / "long.txt").write_text("Long\n\n" + sentence * 2000)
    store = Store.in_memory()
    store.import_paths([folder])
    (article,) = store.articles()
    everything = store.suggestions(article.id)
    middle = len(article.text) // 2
    stretch = store.suggestions(article.id, within=(middle - 500, middle + 500))
    assert stretch and all(middle - 600 <= s.start and s.end <= middle + 600 for s in stretch)
    assert all(article.text[s.start : s.end] == s.quote for s in stretch)
    inside = {(s.start, s.end, s.entity_type) for s in everything if middle - 400 <= s.start and s.end <= middle + 400}
    assert inside <= {(s.start, s.end, s.entity_type) for s in stretch}

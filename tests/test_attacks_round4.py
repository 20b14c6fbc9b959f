"""Attacks on round 4: entity edits, suggestions, the server import's prepared rows.

Each test names the promise it broke (found by a helper briefed to break them); each now holds.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from store import NameTakenError, Store, seed_if_empty
from tests.test_entity_edits import Pair, assert_consistent, tag_all

# ---------------------------------------------------------------------- one name, one entity


@pytest.mark.parametrize("invisible", ["\u00ad", "\u200e", "\u200f", "\u034f", "\u061c", "\u180e"])
def test_one_name_is_one_entity_even_with_an_invisible_character_in_it(analysts: Pair, invisible: str) -> None:
    """Broke: renaming Moscow to "Sergei Sho<soft hyphen>igu" (shown as "Sergei Shoigu") was
    accepted and stored with the invisible character: two entities a reader cannot tell apart."""
    alice, _bob = analysts
    tag_all(alice, "Shoigu", "Sergei Shoigu", limit=2)
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=2)
    with pytest.raises(NameTakenError):
        alice.rename_entity(moscow.id, f"Sergei Sho{invisible}igu")
    assert_consistent(alice)


def test_an_alias_that_only_adds_an_invisible_mark_to_another_entitys_name_is_refused(analysts: Pair) -> None:
    alice, bob = analysts
    tag_all(alice, "Shoigu", "Sergei Shoigu", limit=2)
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=2)
    bob.refresh()
    with pytest.raises(NameTakenError):
        bob.add_alias(moscow.id, "Sergei Shoigu\u200e")


def test_a_name_is_stored_without_its_invisible_characters(analysts: Pair) -> None:
    alice, _bob = analysts
    moscow = tag_all(alice, "Moscow", "Mos\u00adcow\u200e", "PLACE", limit=1)
    assert alice.entity(moscow.id).name == "Moscow"
    alice.add_alias(moscow.id, "\u2066Moskva\u180e")
    assert alice.entity(moscow.id).aliases == ("Moskva",)
    assert_consistent(alice)


# ---------------------------------------------------------------------- suggestions on hostile texts


def _big_article(store: Store, tmp_path: Path, paragraphs: int) -> str:
    random.seed(1)
    words = ["Shoigu", "Moscow", "Russia", "the", "met", "Tashkent", "NATO", "Sergei", "Uzbekistan", "in", "and"]
    text = "Title\n\n" + "\n\n".join(
        " ".join(random.choice(words) for _ in range(150)) + "." for _ in range(paragraphs)
    )
    folder = tmp_path / "docs"
    folder.mkdir(parents=True)
    (folder / "big.txt").write_text(text, encoding="utf-8")
    report = store.import_paths([folder])
    return report.added[0][1]


def test_suggestions_grow_with_an_article_not_with_its_square(tmp_path: Path) -> None:
    """Broke: a copy of the text before each candidate and sorted-list inserts made a long
    article's suggestions quadratic (0.9 MB 2.4 s, 3.7 MB 19.6 s, 9.3 MB 117 s). Four times the
    text (names on every other word) must take about four times as long, not sixteen."""
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    tag_all(store, "Shoigu", "Sergei Shoigu", limit=2)
    store.suggestions(store.articles()[0].id)  # the suggesters' tables loaded: not what is timed
    small = _big_article(store, tmp_path / "small", 1000)  # ~0.93 MB
    large = _big_article(store, tmp_path / "large", 4000)  # ~3.7 MB
    timings = []
    for article_id in (small, large):
        started = time.monotonic()
        found = store.suggestions(article_id)
        timings.append(time.monotonic() - started)
        assert found
    store.close()
    assert timings[1] < 6 * timings[0], f"4x the text: {timings[0]:.2f} s -> {timings[1]:.2f} s"
    assert timings[1] < 60


# ---------------------------------------------------------------------- the entity screen


async def test_the_entity_screen_does_not_go_on_showing_an_entity_another_analyst_deleted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: Bob (another process) deleted the entity Alice's entity screen shows; Alice's app
    took the deletion in (her store no longer has the entity) and the screen still showed it,
    its name, aliases and mentions, until an edit typed there was refused with a raw id."""

    from tests.conftest import settled
    from tests.test_entity_screen import _entity_screen, _two_azizovs
    from tui.app import make_app
    from tui.entity_screen import EntityScreen

    monkeypatch.setenv("NO_COLOR", "1")
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    article, kept, _other = _two_azizovs(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await _entity_screen(pilot, store, article.id, "Abdusalom Azizov")
        _bob_does("s.delete_entity(sys.argv[2])", tmp_path / "store", kept.entity_id)
        for _ in range(100):  # the app looks for others' changes every 2 s
            await pilot.pause(0.1)
            if store.find_entity("Abdusalom Azizov") is None:
                break
        await pilot.pause(0.5)
        await settled(pilot)
        assert store.find_entity("Abdusalom Azizov") is None  # taken in
        screen = app.screen
        assert not (
            isinstance(screen, EntityScreen) and screen.entity is not None and screen.entity.id == kept.entity_id
        )
        assert any("another analyst deleted it" in str(n.message) for n in app._notifications)
    store.close()


async def test_the_passages_screen_follows_another_analysts_new_passage(tmp_path: Path) -> None:
    """The passages list open while another process marks a passage shows it once taken in."""

    from tests.conftest import settled
    from tui.app import make_app
    from tui.passages_screen import PassagesScreen

    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    article = store.articles()[0]
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("P")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PassagesScreen) and not screen.shown
        _bob_does("s.annotate(sys.argv[2], 0, 20, labels=['claim'], note='from Bob')", tmp_path / "store", article.id)
        for _ in range(60):  # the app looks for others' changes every 2 s
            await pilot.pause(0.1)
            if screen.shown:
                break
        assert [p.note for p in screen.shown] == ["from Bob"]
    store.close()


def test_two_imports_of_one_folder_at_once_report_each_article_added_once(analysts: Pair, tmp_path: Path) -> None:
    """Seen while attacking: two processes importing one folder at once both said "added" for
    the same articles. Bob imports the folder while Alice's import of it is reading; what Bob
    added first, Alice's report calls unchanged (her save wrote nothing for it)."""
    alice, bob = analysts
    folder = tmp_path / "both"
    folder.mkdir()
    for number in range(5):
        (folder / f"new{number}.txt").write_text(
            f"Talks in Samarkand, day {number}\n\nSergey Shoigu met officials in Samarkand on day {number}"
            " of the talks, the ministry said.\n\nA new paragraph for this import.\n"
        )
    bobs: list = []

    def bob_imports_meanwhile(done: int, _total: int, _path: str) -> None:
        if done == 1:
            bobs.append(bob.import_paths([folder]))

    alices = alice.import_paths([folder], progress=bob_imports_meanwhile)
    added = {key for _origin, key in bobs[0].added} | {key for _origin, key in alices.added}
    assert len(bobs[0].added) + len(alices.added) == len(added) == 5, (bobs[0].added, alices.added)
    assert len(alices.unchanged) == 5 - len(alices.added)
    alice.refresh()
    assert sum(1 for a in alice.articles() if "A new paragraph" in a.text) == 5


def _bob_does(statement: str, store_path: Path, argument: str) -> None:
    """Another analyst's process (user bob) opens the folder store, runs ``statement`` on it as ``s``, closes it."""
    import subprocess
    import sys

    program = (
        f"from store import Store; import sys; s = Store.open(sys.argv[1]); s.user = 'bob'; {statement}; s.close()"
    )
    subprocess.run([sys.executable, "-c", program, str(store_path), argument], check=True)

"""Snapshots of the main screen at fixed sizes: what a user sees, pinned.

Tags are made through the store API so the screens show highlighted mentions, a passage, the
entity pane and cross-references. No first-run toast (``seeded`` is not passed), so nothing
time-dependent is on screen. Regenerate with ``pytest --snapshot-update`` after a deliberate
change, and look at the report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store, seed_if_empty
from tests.conftest import article_with, settled, span_of, suggestions_shown
from tui.app import make_app


def tagged_store(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    seizes = article_with(store, "Sergei Shoigu's visit")
    moscow = article_with(store, "Intensification of military cooperation")
    store.annotate(seizes.id, *span_of(seizes, "Sergei Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
    store.annotate(seizes.id, *span_of(seizes, "Uzbekistan"), entity="Uzbekistan", entity_type="PLACE")
    store.annotate(seizes.id, *span_of(seizes, "CSTO"), entity="CSTO", entity_type="ORG")
    store.annotate(
        seizes.id, *span_of(seizes, "program of strategic partnership"), labels=["agreement"], note="2021-2025"
    )
    store.annotate(moscow.id, *span_of(moscow, "Sergey Shoigu"), entity="Sergey Shoigu")
    store.annotate(moscow.id, *span_of(moscow, "CSTO"), entity="CSTO")
    store.suggestions(moscow.id)  # the gazetteers load once, before any screen is taken
    return store


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_main_screen_with_tags(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tagged_store(tmp_path / "store"))
    # Open the first article (Enter), move into the second paragraph so the pane shows
    # related articles, then back to the first mention so it shows Shoigu elsewhere.
    assert snap_compare(app, terminal_size=size, run_before=_keys("enter", "right_curly_bracket", "g", "w"))


def test_empty_store(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(Store.open(tmp_path / "empty")), terminal_size=(80, 24))


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    app = make_app(tagged_store(tmp_path / "store"))
    assert snap_compare(app, terminal_size=(80, 24), press=["question_mark"])


def _long_names_store(path: Path) -> Store:
    """The tagged store, plus long names that once wrapped or lost their counts at 80x24."""
    store = tagged_store(path)
    moscow = article_with(store, "Intensification of military cooperation")
    for name in ("Shavkat Mirziyoyev", "Nursultan Nazarbayev", "Abusalom Azizov"):
        store.annotate(moscow.id, *span_of(moscow, name), entity=name, entity_type="PERSON")
    return store


def _keys(*keys: str):
    """Press ``keys``, then wait for what they set off (a search in a thread, a dialog opening)."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*keys)
        await settled(pilot)
        await suggestions_shown(pilot)
        await pilot.pause(0.2)

    return run_before


MOSCOW = ["alt+1", "slash", *"Moscow", "enter"]
DIALOGS = {
    # Another spelling of an existing entity is offered first.
    "entity picker": _keys(*MOSCOW, "v", "w", "e", "ctrl+u", *"Abdusalom Azizov"),
    # A new entity: its type, filtered as it is typed.
    "type picker": _keys("enter", "v", "w", "e", "ctrl+u", *"Qwxz Unit", "down", "enter", *"equ"),
    "passage dialog": _keys("enter", "v", "w", "w", "m"),
    "details dialog": _keys("enter", "D"),
    "search dialog": _keys("s", *"Shoigu"),
    "import dialog": _keys("I"),
    "zoomed reader": _keys("enter", "z"),
    "long entity names": _keys(*MOSCOW, "alt+3"),
    # The cross-reference screens, on Shoigu (the mention under the cursor) and on the passage.
    "concordance": _keys(*MOSCOW, "t", "K"),
    "timeline": _keys(*MOSCOW, "s", *"Mi-35", "enter", "Y"),
    "compare": _keys("enter", "alt+3", "g", "C", "space", "j"),
}


@pytest.mark.parametrize("name", DIALOGS)
def test_every_dialog_and_mode_at_80x24(snap_compare, tmp_path: Path, name: str) -> None:
    """At 80x24: nothing cut, nothing off-screen, the key hint shown; counts never wrap."""
    app = make_app(_long_names_store(tmp_path / "store"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=DIALOGS[name])

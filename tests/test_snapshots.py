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
from tests.conftest import article_with, span_of
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
    return store


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_main_screen_with_tags(snap_compare, tmp_path: Path, size: tuple[int, int]) -> None:
    app = make_app(tagged_store(tmp_path / "store"))
    # Open the first article (Enter), move into the second paragraph so the pane shows
    # related articles, then back to the first mention so it shows Shoigu elsewhere.
    assert snap_compare(app, terminal_size=size, press=["enter", "right_curly_bracket", "g", "w"])


def test_empty_store(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(make_app(Store.open(tmp_path / "empty")), terminal_size=(80, 24))


def test_help_screen(snap_compare, tmp_path: Path) -> None:
    app = make_app(tagged_store(tmp_path / "store"))
    assert snap_compare(app, terminal_size=(80, 24), press=["question_mark"])

"""Passages readable: listed by label with their notes (store and screen), the note shown while reading."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from store import Store, seed_if_empty
from tests.conftest import article_with, settled, span_of
from tui.app import make_app
from tui.passages_screen import PassagesScreen


def _marked(store: Store):
    moscow = article_with(store, "Intensification of military cooperation")
    seizes = article_with(store, "Sergei Shoigu's visit")
    claim = store.annotate(moscow.id, *span_of(moscow, "Sergey Shoigu"), labels=["claim"], note="check the date")
    deal = store.annotate(seizes.id, *span_of(seizes, "program of strategic partnership"), labels=["agreement"])
    bare = store.annotate(seizes.id, *span_of(seizes, "Uzbekistan"))
    store.annotate(seizes.id, *span_of(seizes, "CSTO"), entity="CSTO", entity_type="ORG")  # a tag, not a passage
    return claim, deal, bare


def test_passages_by_label_filtered_by_words_of_quote_note_or_label(open_store: Callable[..., Store]) -> None:
    store = open_store()
    seed_if_empty(store)
    claim, deal, bare = _marked(store)
    assert [p.id for p in store.passages()] == [deal.id, claim.id, bare.id]  # agreement, claim, then unlabelled
    assert [p.id for p in store.passages("DATE")] == [claim.id]  # the note, case aside
    assert [p.id for p in store.passages("strategic")] == [deal.id]  # the quote
    assert [p.id for p in store.passages(label="claim")] == [claim.id]
    assert [p.id for p in store.passages(label="")] == [bare.id]
    store.close()


async def test_the_passages_screen_lists_by_label_and_opens_one(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    claim, _, _ = _marked(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        await pilot.press("P")
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, PassagesScreen) and len(screen.shown) == 3
        await pilot.press("slash", *"check", "enter")
        await settled(pilot)
        assert [p.id for p in screen.shown] == [claim.id]
        await pilot.press("enter")
        await settled(pilot)
        assert not isinstance(app.screen, PassagesScreen)
        assert app.main.article is not None and app.main.article.id == claim.article_id
        assert app.main.reader.cursor == claim.start
        note = app.main.query_one("#passage-note")
        assert note.display and "check the date" in str(note.render())
    store.close()

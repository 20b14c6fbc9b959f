"""One import for everything: articles and annotation files, from the command line and from the app.

``store.exchange.reading.import_anything`` is what both call, so a brat folder or a W3C file
given to the app's import goes where the same file given to ``dossier import`` goes.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from store import Store
from store.exchange.reading import import_anything
from store.exchange.writing import export_to
from store.seeding import seed_if_empty
from tests.conftest import article_with, span_of
from tui.app import make_app

ROOT = Path(__file__).resolve().parent.parent


def tagged_exports(tmp_path: Path) -> tuple[Path, Path]:
    """A W3C file and a brat folder of one store's two tags."""
    store = Store.open(tmp_path / "tagged")
    seed_if_empty(store)
    article = article_with(store, "Shoigu")
    store.annotate(article.id, *span_of(article, "Shoigu"), entity="Sergei Shoigu", entity_type="PERSON")
    store.annotate(article.id, 0, 30, labels=["lead"], note="first words")
    w3c, brat = tmp_path / "tags.jsonld", tmp_path / "brat"
    export_to(store, "w3c", w3c)
    export_to(store, "brat", brat)
    store.close()
    return w3c, brat


def test_articles_and_annotation_files_in_one_call_articles_first(tmp_path: Path) -> None:
    w3c, brat = tagged_exports(tmp_path)
    store = Store.open(tmp_path / "fresh")
    try:
        # The annotations are named before the articles they are on: articles still go first.
        report = import_anything(store, [w3c, ROOT / "seeds"])
        assert len(report.added) == 5 and report.tags_added == 2 and not report.not_anchored
        assert report.read_count == 6  # five articles and one annotation file
        again = import_anything(store, [brat, tmp_path / "no-such.jsonld"])
        assert again.tags_added == 0 and again.annotation_files_read == 1
        assert any("no such file" in why for _, why in again.skipped)
        assert len(store.annotations()) == 2
    finally:
        store.close()


async def test_the_apps_import_takes_a_w3c_file(tmp_path: Path) -> None:
    w3c, _ = tagged_exports(tmp_path)
    store = Store.open(tmp_path / "fresh")
    seed_if_empty(store)
    app = make_app(store)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press("I")
            await pilot.pause()
            app.screen.query_one("#import-path", Input).value = str(w3c)
            await pilot.press("enter")
            for _ in range(100):
                await pilot.pause(0.05)
                if len(store.annotations()) == 2:
                    break
            assert {a.quote for a in store.annotations() if a.entity_id} == {"Shoigu"}
    finally:
        store.close()


def test_a_report_absorbs_every_list_and_count_but_not_how_the_other_run_ended() -> None:
    from store import ImportReport

    mine = ImportReport(added=[("a.txt", "1")], tags_added=2)
    other = ImportReport(skipped=[("b.ann", "why")], tags_added=3, links_kept=1, cancelled=True, stopped="full")
    mine.absorb(other)
    assert mine.added == [("a.txt", "1")] and mine.skipped == [("b.ann", "why")]
    assert (mine.tags_added, mine.links_kept) == (5, 1)
    assert not mine.cancelled and mine.stopped == ""

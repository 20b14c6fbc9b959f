"""Export from the app: W (or the palette), a format, a path; the whole store or the open article."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from textual.widgets import Checkbox, Input

from store import Store
from store.seeding import seed_if_empty
from tests.conftest import article_with, span_of, until
from tui.app import make_app
from tui.dialogs.export_dialog import ExportDialog


def tagged(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    first = article_with(store, "Shoigu")
    store.annotate(first.id, *span_of(first, "Shoigu"), entity="Sergei Shoigu", entity_type="PERSON")
    other = article_with(store, "CSTO")
    if other.id != first.id:
        store.annotate(other.id, *span_of(other, "CSTO"), entity="CSTO", entity_type="ORG")
    return store


async def test_w_exports_the_store_as_csv_where_asked(tmp_path: Path) -> None:
    store = tagged(tmp_path / "store")
    out = tmp_path / "tags.csv"
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        await pilot.press("down", "down")  # json, jsonl, csv: typed in the path field, as in a palette
        field = app.screen.query_one("#export-path", Input)
        assert field.value == "dossier-tags.csv"  # the offered name follows the format
        field.value = str(out)
        await pilot.press("enter")
        await until(pilot, out.exists, "the CSV file")
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == len(store.annotations()) >= 1 and out.stat().st_mode & 0o777 == 0o600
    store.close()


async def test_only_the_open_article_and_a_path_that_cannot_be(tmp_path: Path) -> None:
    store = tagged(tmp_path / "store")
    article = article_with(store, "Shoigu")
    out = tmp_path / "one.jsonl"
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.open_article(article.id)
        await pilot.pause()
        await pilot.press("W")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        await pilot.press("down")  # jsonl
        field = app.screen.query_one("#export-path", Input)
        field.value = str(tmp_path / "no" / "such" / "folder" / "x.jsonl")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)  # still asking: the folder is not there
        field.value = str(out)
        app.screen.query_one("#export-one", Checkbox).value = True
        await pilot.press("enter")
        await until(pilot, out.exists, "the JSON Lines file")
    lines = out.read_text().splitlines()
    articles = [line for line in lines if '"record":"article"' in line.replace(" ", "")]
    assert len(articles) == 1 and article.id in articles[0]
    store.close()

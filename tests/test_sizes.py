"""Huge inputs open and stay responsive: the reader draws only what is visible and moves by
looking only around the cursor. Bounds are generous (CI machines vary); the figures are printed."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from store import Store
from tui.app import make_app

SENTENCE = "The minister said that the treaty would be signed in Tashkent next year, according to officials. "
KEYS = ["pagedown", "pagedown", "w", "w", "right_parenthesis", "right_curly_bracket", "v", "plus", "plus", "escape",
        "G", "b", "left_parenthesis", "left_curly_bracket", "t", "g"]  # fmt: skip

CASES = {
    "10 MB article": "\n\n".join(SENTENCE * 10 for _ in range(10_000)),
    "1 MB single line": "word " * 200_000,
    "50,000 paragraphs": "\n\n".join(f"Paragraph {i} of a long report." for i in range(50_000)),
}


async def open_and_press(store: Store, keys: list[str]) -> tuple[float, float]:
    """Open the first article in the app; seconds it took, and for the slowest of ``keys``."""
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        await pilot.pause()
        opened = time.perf_counter() - started
        assert app.main.reader.article.id == store.articles()[0].id
        slowest = 0.0
        for key in keys:
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            slowest = max(slowest, time.perf_counter() - started)
    print(f"open {opened:.2f} s, slowest key {slowest:.3f} s")
    return opened, slowest


@pytest.mark.parametrize("body", list(CASES.values()), ids=list(CASES))
async def test_huge_articles_open_and_answer_keys(tmp_path: Path, body: str) -> None:
    source = tmp_path / "huge.txt"
    source.write_text("Huge report\n\n" + body, encoding="utf-8")
    store = Store.open(tmp_path / "store")
    assert len(store.import_paths([source]).added) == 1
    article = store.articles()[0]
    start = article.text.index("Tashkent") if "Tashkent" in article.text else 0
    store.annotate(article.id, start, start + 4, entity="Tashkent", entity_type="PLACE")
    opened, slowest = await open_and_press(store, KEYS)
    assert opened < 5 and slowest < 1


async def test_ten_thousand_tags_on_one_article(tmp_path: Path) -> None:
    source = tmp_path / "long.txt"
    source.write_text("Long report\n\n" + "\n\n".join(SENTENCE * 5 for _ in range(2_000)), encoding="utf-8")
    store = Store.open(tmp_path / "store")
    store.import_paths([source])
    article = store.articles()[0]
    items = []
    position = 0
    for i in range(10_000):
        start = article.text.index("Tashkent", position)
        end = start + len("Tashkent")
        position = end
        items.append(
            {"article_id": article.id, "start": start, "end": end, "entity": f"Place {i % 100}", "entity_type": "PLACE"}
        )
    store.annotate_many(items)
    opened, slowest = await open_and_press(store, ["t", "t", "pagedown", "T", "G", "t", "3", "j", "enter"])
    assert opened < 5 and slowest < 1

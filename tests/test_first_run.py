"""The first run says what happened where the article will be read, not in a toast over the panes."""

from __future__ import annotations

from pathlib import Path

from store import Store, seed_if_empty
from tui.app import make_app
from tui.widgets.reader import Reader


async def test_the_first_run_is_told_in_the_reader_and_covers_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    report = seed_if_empty(store)
    assert report is not None
    app = make_app(store, seeded=report)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reader = app.main.query_one(Reader)
        shown = "".join(reader.render_line(y).text for y in range(reader.size.height))
        assert "First run" in shown and "the 5 seed" in shown and "articles were imported" in shown
        assert not app._notifications  # no toast over pane 4
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.article is not None
    store.close()

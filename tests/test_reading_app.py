"""Read / unread, bookmarks and saved searches as views, in the app at 80x24 (the analyst's own marks)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from store import Store, seed_if_empty
from store.reading_state import ReadingState
from tests.conftest import until
from tui.app import make_app
from tui.bookmarks_screen import BookmarksScreen
from tui.widgets.document_list import DocumentList
from tui.widgets.reader import Reader


def _seeded(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    return store


async def test_opening_marks_read_and_r_marks_unread_again(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        rows = app.main.query_one(DocumentList).main_widget
        first = rows.highlighted_row()
        assert rows.read == set()
        assert any("bold" in str(span.style) for span in rows.row_lines(first)[0].spans)  # unread: bold
        await pilot.press("enter")
        await until(pilot, lambda: first.id in (rows.read or set()), "read")
        assert ReadingState(app.main._store_key()).is_read(first.id)
        assert not any("bold" in str(span.style) for span in rows.row_lines(first)[0].spans)
        await pilot.press("alt+1", "r")
        await until(pilot, lambda: first.id not in (rows.read or set()), "unread")
        assert not ReadingState(app.main._store_key()).is_read(first.id)
    store.close()


async def test_a_bookmark_is_made_listed_followed_and_removed(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "}", "B")
        reader = app.main.query_one(Reader)
        place = (app.main.article.id, reader.cursor)
        state = ReadingState(app.main._store_key())
        await until(pilot, lambda: (state.reload() or True) and state.bookmarks(), "bookmarked")
        assert [(b.article_id, b.offset) for b in state.bookmarks()] == [place]
        await pilot.press("g", "apostrophe")
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert (app.main.article.id, reader.cursor) == place
        await pilot.press("apostrophe", "x")
        await pilot.pause()
        assert ReadingState(app.main._store_key()).bookmarks() == []
        options = app.screen.query_one("#bookmarks-list", OptionList)
        assert "No bookmarks yet" in str(options.get_option_at_index(0).prompt)
    store.close()


async def test_a_saved_search_is_a_view_of_the_documents(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", *"Mi-35")
        await pilot.pause(0.3)
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+u", *"Mi-35 deal", "enter")
        await pilot.pause()
        assert [q.name for q in ReadingState(app.main._store_key()).saved_queries()] == ["Mi-35 deal"]
        await pilot.press("escape", "alt+1", "V")
        documents = app.main.query_one(DocumentList)
        await until(pilot, lambda: documents.view == "Mi-35 deal" and not documents.listing_pending, "view")
        assert documents.main_widget.row_count == 4
        await pilot.press("V")  # back to every article
        await until(pilot, lambda: documents.view is None and documents.main_widget.row_count == 5, "all")
        await pilot.press("V", "X")
        await until(pilot, lambda: documents.view is None and documents.main_widget.row_count == 5, "forgot")
        assert ReadingState(app.main._store_key()).saved_queries() == []
    store.close()

"""The document list over the store's listing: filtered by the store, read a screenful at a time.

A store on a server holds 200,000 articles: the list must ask for its rows in a worker, read
only the rows it draws, and never show an older filter's rows after a newer one's.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
from textual.content import Content
from textual.widgets import Input

from store import Store, seed_if_empty
from store.listing import ArticleListing, ArticleRow
from tests.conftest import wait_for_listing
from tui.app import make_app
from tui.commands import ARTICLES_SEARCHED, article_words
from tui.widgets.article_list import ArticleList
from tui.widgets.document_list import DocumentList

TREATY = "Treaty on the Development of Military-Technical Cooperation"


def subtitle(app) -> str:
    value = app.main.query_one(DocumentList).border_subtitle
    return value.plain if isinstance(value, Content) else str(value)


def titles(docs: ArticleList) -> list[str]:
    return [docs.row_text(i).split("\n")[0] for i in range(docs.row_count)]


@pytest.fixture
def store(tmp_path) -> Iterator[Store]:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    yield store
    store.close()


async def test_typing_a_filter_lists_the_matching_articles_with_n_of_total(store: Store) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        docs = app.main.query_one("#document-rows", ArticleList)
        assert docs.row_count == 5 and subtitle(app) == "5"
        await pilot.press("1", "slash", *"trea")
        await wait_for_listing(pilot)
        assert titles(docs) == [TREATY]
        assert subtitle(app) == "1/5"
        await pilot.press("backspace", "backspace", "backspace", "backspace", *"russia")
        await wait_for_listing(pilot)
        assert titles(docs) == [
            "Russia seizes strategic initiative in Central Asia",
            "Defence Cooperation Keeps Uzbeks Close to Russia",
            "Uzbekistan restoring closer military ties with Russia",
        ]
        assert subtitle(app) == "3/5" and docs.highlighted == 0
        await pilot.press(*" moscow")
        await wait_for_listing(pilot)
        assert docs.row_count == 0 and subtitle(app) == "0/5"
        await pilot.press(*["backspace"] * len("russia moscow"), *"moscow")
        await wait_for_listing(pilot)
        assert titles(docs) == ["Moscow, Tashkent strengthen military cooperation"]
        assert subtitle(app) == "1/5"
        await pilot.press(*" zzqx")
        await wait_for_listing(pilot)
        assert docs.row_count == 0 and subtitle(app) == "0/5"
        empty = app.main.query_one("#documents .empty")
        assert empty.display and "No article matches “moscow zzqx”" in str(empty.render())
        await pilot.press("escape")
        await wait_for_listing(pilot)
        assert docs.row_count == 5 and subtitle(app) == "5" and not empty.display


class GuardedListing(ArticleListing):
    """A listing of made-up articles that fails the test if the list reads more than it draws."""

    #: Rows one request may ask for: a screenful of the tallest pane here (19 rows) and margins.
    MOST_PER_REQUEST = 30

    def __init__(self, size: int, query: str, log: list[tuple[str, int, int]]) -> None:
        self.query = query
        self.total = 10_000
        self._size = size
        self._log = log

    def __len__(self) -> int:
        self._log.append(("len", 0, 0))
        return self._size

    def __iter__(self) -> Iterator[ArticleRow]:
        raise AssertionError("the whole listing was walked")

    def rows(self, start: int, stop: int) -> list[ArticleRow]:
        start, stop = max(start, 0), min(stop, self._size)
        assert stop - start <= self.MOST_PER_REQUEST, f"asked for rows {start}-{stop}"
        self._log.append(("rows", start, stop))
        first = date(2030, 1, 1)
        return [
            ArticleRow(f"id{i}", f"Article {i}", "Wire", None, first - timedelta(days=i)) for i in range(start, stop)
        ]

    def index_of(self, article_id: str) -> int | None:
        self._log.append(("index_of", 0, 0))
        index = int(article_id[2:]) if article_id.startswith("id") else -1
        return index if 0 <= index < self._size else None


async def test_the_list_reads_only_the_rows_near_the_screen(store: Store, monkeypatch) -> None:
    log: list[tuple[str, int, int]] = []
    listings: list[GuardedListing] = []

    def listing(query: str = "") -> GuardedListing:
        made = GuardedListing(10_000 if not query else 5_000, query, log)
        listings.append(made)
        return made

    def everything(*args: object) -> None:
        raise AssertionError("the list loaded the whole corpus")

    monkeypatch.setattr(store, "listing", listing)
    monkeypatch.setattr(store, "articles", everything)
    monkeypatch.setattr(store, "annotation_counts", everything)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        docs = app.main.query_one("#document-rows", ArticleList)
        assert docs.row_count == 10_000 and subtitle(app) == "10000"
        for key in ["j", "j", "pagedown", "pagedown", "G", "k", "pageup", "g", "j"]:
            await pilot.press(key)
            await pilot.pause()
        assert docs.highlighted == 1
        await pilot.press("G")
        await pilot.pause()
        assert docs.highlighted == 9_999 and docs.row_text(9_999).startswith("Article 9999")
        await pilot.press("slash", *"article")
        await wait_for_listing(pilot)
        assert docs.row_count == 5_000 and subtitle(app) == "5000/10000"
        await pilot.press("escape")  # back to every article, on the row highlighted before
        await wait_for_listing(pilot)
        assert docs.row_count == 10_000
    reads = [(start, stop) for kind, start, stop in log if kind == "rows"]
    lengths = [kind for kind, _, _ in log if kind == "len"]
    print(f"{len(listings)} listings, {len(lengths)} lengths, {len(reads)} reads: {reads}")
    assert len(lengths) == len(listings), "each listing's length is asked once"
    assert sum(stop - start for start, stop in reads) < 20 * GuardedListing.MOST_PER_REQUEST


class SlowListing(ArticleListing):
    """A real listing that takes its time for one query (a slow server), until released."""

    def __init__(self, inner: ArticleListing, release: threading.Event, made: threading.Event) -> None:
        self.query, self.total = inner.query, inner.total
        self._inner = inner
        release.wait(10)
        made.set()

    def __len__(self) -> int:
        return len(self._inner)

    def rows(self, start: int, stop: int) -> list[ArticleRow]:
        return self._inner.rows(start, stop)

    def index_of(self, article_id: str) -> int | None:
        return self._inner.index_of(article_id)


def slow_for(store: Store, slow_query: str) -> tuple[Callable[[str], ArticleListing], threading.Event, threading.Event]:
    """A listing function that holds back its first answer for ``slow_query`` until released."""
    real = store.listing
    release, made = threading.Event(), threading.Event()
    slow = [slow_query]

    def listing(query: str = "") -> ArticleListing:
        if query in slow:
            slow.remove(query)
            return SlowListing(real(query), release, made)
        return real(query)

    return listing, release, made


async def test_an_older_filter_that_answers_late_is_never_shown(store: Store, monkeypatch) -> None:
    listing, release, made = slow_for(store, "russia")
    monkeypatch.setattr(store, "listing", listing)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        docs = app.main.query_one("#document-rows", ArticleList)
        filter_input = app.main.query_one("#document-filter", Input)
        filter_input.value = "russia"  # the server takes its time over this one
        await pilot.pause()
        filter_input.value = "treaty"
        await wait_for_listing(pilot)
        assert titles(docs) == [TREATY]
        release.set()  # now the older answer comes
        assert await asyncio.to_thread(made.wait, 10)
        await pilot.pause(0.2)
        await pilot.pause()
        assert titles(docs) == [TREATY]
        assert subtitle(app) == "1/5"


async def test_enter_typed_before_the_rows_come_opens_the_best_match_of_the_text(store: Store, monkeypatch) -> None:
    listing, release, made = slow_for(store, "Moscow")  # the worker's answer is slow to come
    monkeypatch.setattr(store, "listing", listing)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("1", "slash", *"Moscow", "enter")
        await pilot.pause()
        assert app.main.article is not None
        assert app.main.article.display_title == "Moscow, Tashkent strengthen military cooperation"
        assert app.main.reader.has_focus
        release.set()  # the worker's answer comes late, and changes nothing
        assert await asyncio.to_thread(made.wait, 10)
        await pilot.pause(0.2)
        docs = app.main.query_one("#document-rows", ArticleList)
        assert titles(docs) == ["Moscow, Tashkent strengthen military cooperation"] and app.main.reader.has_focus


def test_the_palette_asks_the_store_for_the_words_typed_not_the_command() -> None:
    assert article_words("Open article: Defence") == "Defence"
    assert article_words("op") == article_words("open art") == ""
    assert article_words("open article: vestnik 2021") == "vestnik 2021"
    assert article_words("Tashkent open") == "Tashkent open"


async def test_the_palette_reads_only_the_first_rows_of_a_listing(store: Store, monkeypatch) -> None:
    log: list[tuple[str, int, int]] = []
    asked: list[str] = []

    def listing(query: str = "") -> GuardedListing:
        asked.append(query)
        return GuardedListing(10_000 if not query else 5_000, query, log)

    monkeypatch.setattr(store, "listing", listing)
    monkeypatch.setattr(store, "articles", lambda: pytest.fail("the palette loaded the whole corpus"))
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        log.clear()
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
        await pilot.press(*"Open article: Article 42")
        await pilot.pause(0.5)
        hits = app.screen.query_one("CommandList")
        assert asked[-1] == "Article 42"  # the store filters by the words typed
        assert 0 < hits.option_count <= ARTICLES_SEARCHED
    reads = [(start, stop) for kind, start, stop in log if kind == "rows"]
    assert reads and all(stop - start <= ARTICLES_SEARCHED for start, stop in reads)


async def test_a_listing_that_cannot_be_read_leaves_the_app_running_and_says_so(store: Store, monkeypatch) -> None:
    """A server store that stops answering: while filtering, and while scrolling the list."""
    from store import StoreConnectionError

    class GoneListing(GuardedListing):
        def rows(self, start: int, stop: int) -> list[ArticleRow]:
            if start > 100:
                raise StoreConnectionError("the server went away")
            return super().rows(start, stop)

    log: list[tuple[str, int, int]] = []

    def listing(query: str = "") -> GuardedListing:
        if query:
            raise StoreConnectionError("the server went away")
        return GoneListing(10_000, query, log)

    monkeypatch.setattr(store, "listing", listing)
    app = make_app(store)
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kwargs: said.append(message))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        docs = app.main.query_one("#document-rows", ArticleList)
        await pilot.press("G")  # rows the server cannot give: drawn blank
        await pilot.pause()
        assert app.is_running and docs.highlighted == 9_999
        assert said == ["The store did not answer: the server went away"]
        await pilot.press("g", "slash", *"moscow")  # a filter the server cannot answer: the rows stay
        await wait_for_listing(pilot)
        assert app.is_running and docs.row_count == 10_000 and subtitle(app) == "10000"
        assert said[1:] and set(said[1:]) == {"The store did not answer: the server went away"}
        said.clear()
        await pilot.press("enter")  # Enter asks again, on the UI thread: said, nothing opened
        await pilot.pause()
        assert app.is_running and app.main.article is None
        assert said == ["The store did not answer: the server went away"]


@pytest.mark.parametrize(("size", "lines_per_row"), [((80, 24), 1), ((120, 40), 2)])
async def test_a_short_terminal_gets_one_line_rows_that_keep_the_tag_count(
    tmp_path, size: tuple[int, int], lines_per_row: int
) -> None:
    """At 80x24 a row is the title and its count (12 articles in view, not 6); a long title is cut
    before the count, never the count; a tall terminal keeps the two-line rows with source and date."""
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(20):
        title = f"Article {number:02d} with a title far too long for any narrow column of a terminal"
        (folder / f"a{number:02d}.txt").write_text(f"{title}\n\nSome words about Shoigu in article {number}.\n")
    store = Store.open(tmp_path / "store")
    store.import_paths([folder])
    first = next(a for a in store.articles() if a.display_title.startswith("Article 00"))
    store.annotate(first.id, 0, 4, note="x")
    app = make_app(store)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await wait_for_listing(pilot)
        docs = app.main.query_one("#document-rows", ArticleList)
        assert docs.row_height == lines_per_row
        screen = "\n".join("".join(segment.text for segment in docs.render_line(y)) for y in range(docs.size.height))
        shown = [line for line in screen.splitlines() if line.strip()]
        if lines_per_row == 1:
            assert len(shown) == docs.size.height >= 12
            row = next(line for line in shown if line.startswith("Article 00"))
            assert row.rstrip().endswith("1 tag") and "…" in row and len(row) == docs.scrollable_content_region.width
        else:
            assert any("1 tag" in line for line in shown) and shown[0].startswith("Article")
            assert len(shown) == 2 * (docs.size.height // 2)
    store.close()

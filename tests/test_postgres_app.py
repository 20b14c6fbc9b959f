"""The app on a PostgreSQL store: the same app, another analyst's tags within a second, and
"reconnecting…" when the server goes away (real server, real app under ``run_test``)."""

from __future__ import annotations

import asyncio
import sys
import textwrap
import time
import uuid
from collections.abc import Iterator

import pytest

from store import Store, seed_if_empty
from store.postgres_backend import PostgresBackend
from tests.conftest import POSTGRES_URL, ROOT
from tests.postgres_roles import PostgresStores
from tests.postgres_server import PrivateServer, unavailable_reason
from tests.test_app_flow import open_article_titled, select_words
from tui.app import make_app
from tui.widgets.article_list import ArticleList
from tui.widgets.reader_pane import ReaderPane

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")

TITLE = "Russia seizes strategic initiative in Central Asia"


@pytest.fixture
def stores() -> Iterator[PostgresStores]:
    stores = PostgresStores(POSTGRES_URL or "", f"test_{uuid.uuid4().hex[:12]}")
    yield stores
    stores.drop()


def _row_text(app, article_id: str) -> str:
    rows = app.main.query_one("#document-rows", ArticleList)
    index = rows.index_of(article_id)
    return rows.row_text(index) if index is not None else ""


async def test_tagging_on_a_server_store_and_seeing_another_analysts_tag(stores: PostgresStores) -> None:
    store = stores.open("alice")
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        await open_article_titled(pilot, TITLE)
        reader = app.main.reader
        await select_words(pilot, reader, "Sergei Shoigu")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter", "enter")
        await pilot.pause(0.3)
        entity = store.find_entity("Sergei Shoigu")
        assert entity is not None and len(store.mentions(entity.id)) == 1
        article = app.main.article
        await pilot.press("alt+1", "ctrl+l", "escape")  # the whole list again, not the filtered one
        await pilot.pause(0.2)
        assert "1 tag" in _row_text(app, article.id)

        other = next(row for row in store.listing() if row.id != article.id)
        code = textwrap.dedent(
            f"""
            import sys, time
            sys.path.insert(0, {str(ROOT)!r})
            from store import Store
            from store.postgres_backend import PostgresBackend
            store = Store(PostgresBackend({stores.role_url("bob")!r}, schema={stores.schema!r}))
            store.annotate({other.id!r}, 0, 4, note="bob's")
            print(time.time(), flush=True)
            store.close()
            """
        )
        saver = await asyncio.create_subprocess_exec(
            sys.executable, "-c", code, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
        )
        out, err = await asyncio.wait_for(saver.communicate(), 60)
        assert saver.returncode == 0, err.decode()
        saved_at = float(out)
        while "1 tag" not in _row_text(app, other.id):
            assert time.time() - saved_at < 1.0, "another analyst's tag took a second or more to show"
            await pilot.pause(0.02)
        await pilot.press("q")
    store.close()


@pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))
async def test_the_app_says_reconnecting_and_takes_up_again() -> None:
    server = PrivateServer()
    try:
        server.start()
        store = Store(PostgresBackend(server.url))
        seed_if_empty(store)
        app = make_app(store)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.3)
            await open_article_titled(pilot, TITLE)
            server.stop("fast")
            await pilot.press("alt+1", "j", "enter")  # open another article: the store is asked
            await pilot.pause(0.5)
            pane = app.main.query_one(ReaderPane)
            assert app.is_running and "reconnecting" in str(pane.border_subtitle)
            await pilot.press("j", "k", "2")  # keys still work meanwhile
            server.start()
            for _ in range(200):
                await pilot.pause(0.05)
                if "reconnecting" not in str(pane.border_subtitle or ""):
                    break
            assert "reconnecting" not in str(pane.border_subtitle or "")
            await open_article_titled(pilot, TITLE)
            reader = app.main.reader
            await select_words(pilot, reader, "Sergei Shoigu")
            await pilot.press("e")
            await pilot.pause()
            await pilot.press("enter", "enter")
            await pilot.pause(0.3)
            assert store.find_entity("Sergei Shoigu") is not None
            await pilot.press("q")
        store.close()
    finally:
        server.remove()

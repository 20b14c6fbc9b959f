"""Shared fixtures: real store directories on disk, the seeds, the shared corpora."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from store import Store, seed_if_empty
from store.memory_backend import MemoryDatabase

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
BBC = SHARED / "corpora" / "bbc"

os.environ.setdefault("TZ", "UTC")


@pytest.fixture(autouse=True)
def own_state_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's app keeps its last places in a folder of its own, not the user's."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A store directory that does not exist yet."""
    return tmp_path / "store"


@pytest.fixture
def seeded(store_path: Path) -> Iterator[Store]:
    """A real store on disk holding the five seed articles."""
    store = Store.open(store_path)
    seed_if_empty(store)
    yield store
    store.close()


#: A PostgreSQL server for the server backend's tests (``.ci/run`` sets it; unset, they skip).
POSTGRES_URL = os.environ.get("DOSSIER_TEST_POSTGRES")


@pytest.fixture(params=["tinydb", "memory", "postgres"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Store]]:
    """Opens one store, the same one at each call, in each backend in turn.

    As TinyDB's own suite runs every test against memory and JSON storage, the store's suite
    runs against every backend: each call is another connection (another analyst's process),
    as ``user`` when given. PostgreSQL stores live in a fresh schema, dropped afterwards, and
    each user is a database role (the server says who saved what).
    """
    if request.param == "postgres":
        if not POSTGRES_URL:
            pytest.skip("set DOSSIER_TEST_POSTGRES to a PostgreSQL URL to test the server backend")
        from tests.postgres_roles import PostgresStores

        stores = PostgresStores(POSTGRES_URL, f"test_{uuid.uuid4().hex[:12]}")
        yield stores.open
        stores.drop()
        return
    database = MemoryDatabase()

    def opener(user: str | None = None) -> Store:
        store = Store.open(tmp_path / "store") if request.param == "tinydb" else Store.in_memory(database)
        if user:
            store.user = user
        return store

    yield opener


@pytest.fixture
def analysts(open_store: Callable[..., Store]) -> Iterator[tuple[Store, Store]]:
    """Alice and Bob on one seeded store of each backend (two analysts' processes)."""
    alice = open_store("alice")
    seed_if_empty(alice)
    bob = open_store("bob")
    yield alice, bob
    bob.close()
    alice.close()


@pytest.fixture
def any_seeded(open_store: Callable[[], Store]) -> Iterator[Store]:
    """The seed articles in a store of each backend."""
    store = open_store()
    seed_if_empty(store)
    yield store
    store.close()


def seeded_path(tmp_path: Path) -> Path:
    """A closed store holding the seed articles, in ``tmp_path/store``."""
    path = tmp_path / "store"
    store = Store.open(path)
    seed_if_empty(store)
    store.close()
    return path


def article_with(store: Store, words: str):
    """The first article whose text contains ``words``."""
    return next(a for a in store.articles() if words in a.text)


def span_of(article, words: str, nth: int = 0) -> tuple[int, int]:
    """Offsets of the ``nth`` occurrence of ``words`` in an article."""
    start = -1
    for _ in range(nth + 1):
        start = article.text.index(words, start + 1)
    return start, start + len(words)


async def settled(pilot, timeout: float = 60.0) -> None:
    """Wait until every key sent has been handled and the app is quiet (see tui.keyboard).

    Keys wait their turn in the app's key line; under load a fixed pause may end before they
    are handled. (An open dialog's worker runs until the dialog closes: workers are no sign.)
    """
    import asyncio
    import time

    keys = pilot.app.keys
    deadline = time.monotonic() + timeout
    quiet = 0
    while quiet < 5 and time.monotonic() < deadline:
        finding = getattr(pilot.app.screen, "finding", False)  # a pass asking for its suggestions
        quiet = quiet + 1 if keys.waiting == 0 and not keys._busy() and not finding else 0
        await asyncio.sleep(0.01)


async def suggestions_shown(pilot, timeout: float = 60.0) -> None:
    """Wait until the reader's suggestions, asked in a thread, are drawn (none left asked)."""
    import asyncio
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and pilot.app.main.suggestions_pending:
        await asyncio.sleep(0.02)
    await pilot.pause()


async def wait_for_listing(pilot) -> None:
    """Wait until the document list shows the listing asked for last.

    The list asks the store for its rows in a thread worker (a filter on a server is a query):
    after typing in the filter, wait for that worker, then for the screen to take its answer.
    """
    from textual.worker import WorkerCancelled

    from tui.widgets.document_list import DocumentList

    for worker in [w for w in pilot.app.workers if w.group == DocumentList.LISTING_GROUP]:
        with contextlib.suppress(WorkerCancelled):  # a newer keystroke's listing took its place
            await worker.wait()
    await pilot.pause()


def bbc_available() -> bool:
    return BBC.is_dir()


needs_bbc = pytest.mark.skipif(not BBC.is_dir(), reason="../shared/corpora/bbc is not beside the project")


@pytest.fixture
def pg_schema() -> Iterator[str]:
    """A fresh schema name on the test server, dropped afterwards (the test skips without a server)."""
    if not POSTGRES_URL:
        pytest.skip("set DOSSIER_TEST_POSTGRES to a PostgreSQL URL to test the server backend")
    import psycopg

    name = f"test_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")


async def until(pilot, check, what: str, *, tries: int = 100) -> None:
    """Pause until ``check()`` holds (a worker answered, a screen opened); fail saying ``what`` never came."""
    for _ in range(tries):
        await pilot.pause(0.05)
        if check():
            return
    raise AssertionError(f"never: {what}")


def treaty_dates(store: Store, label: str = "treaty date"):
    """The Treaty seed's two stated signing dates (2016 and 2017) marked as passages with ``label``."""
    treaty = next(a for a in store.articles() if (a.title or "").startswith("Treaty on the"))
    return tuple(
        store.annotate(treaty.id, *span_of(treaty, when), labels=[label])
        for when in ("November 29th, 2016", "November 29th, 2017")
    )

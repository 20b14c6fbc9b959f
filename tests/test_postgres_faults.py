"""A store on a server that goes away: ended sessions, cut COMMITs, a restart, and NOTIFY.

Real faults on a real server: sessions ended with ``pg_terminate_backend`` (what an
administrator or a crashed backend does), a private server stopped and started under an open
store (:mod:`tests.postgres_server`), another process saving while a store watches. The
promise: every change is either committed and reported saved, or reported not saved, and then
never appears later; an open store takes up again once the server answers.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from store import SaveError, Store, seed_if_empty
from store.annotating import plan_annotations
from store.postgres_backend import PostgresBackend
from store.postgres_connection import StoreUnavailable
from tests.conftest import POSTGRES_URL, ROOT
from tests.postgres_roles import PostgresStores
from tests.postgres_server import PrivateServer, unavailable_reason

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


@pytest.fixture
def stores() -> Iterator[PostgresStores]:
    stores = PostgresStores(POSTGRES_URL or "", f"test_{uuid.uuid4().hex[:12]}")
    yield stores
    stores.drop()


@pytest.fixture
def admin() -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(POSTGRES_URL or "", autocommit=True) as conn:
        yield conn


def _tag_count(admin: psycopg.Connection[Any], schema: str) -> int:
    return int(admin.execute(f'SELECT count(*) FROM "{schema}".annotations').fetchone()[0])  # type: ignore[index]


def _end_sessions_of(admin: psycopg.Connection[Any], role: str) -> int:
    rows = admin.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s AND pid <> pg_backend_pid()",
        (role,),
    ).fetchall()
    return len(rows)


# ---------------------------------------------------------------------- another analyst's save

SAVER = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {root!r})
    from store import Store
    from store.postgres_backend import PostgresBackend
    store = Store(PostgresBackend({url!r}, schema={schema!r}))
    article = store.articles()[0]
    for number in range(3):
        time.sleep(0.4)
        store.annotate(article.id, number * 10, number * 10 + 5, note=f"from bob {{number}}")
        print(time.time(), flush=True)
    store.close()
    """
)


def test_another_process_saving_wakes_a_watching_store_within_a_second(stores: PostgresStores) -> None:
    alice = stores.open("alice")
    seed_if_empty(alice)
    woken: list[float] = []
    assert alice.watch(lambda: woken.append(time.time()))
    time.sleep(0.5)  # the listening connection is up
    alice.annotate(alice.articles()[0].id, 100, 105)
    time.sleep(0.7)
    assert woken == [], "a store's own save does not wake it"
    code = SAVER.format(root=str(ROOT), url=stores.role_url("bob"), schema=stores.schema)
    saver = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert saver.returncode == 0, saver.stderr
    saved = [float(line) for line in saver.stdout.split()]
    time.sleep(0.5)
    assert len(woken) >= 3
    for at in saved:
        delays = [wake - at for wake in woken if wake >= at - 0.05]
        assert delays and min(delays) < 1.0, (saved, woken)
    assert alice.refresh()
    notes = sorted(a.note for a in alice.annotations(alice.articles()[0].id) if a.note)
    assert notes == ["from bob 0", "from bob 1", "from bob 2"]
    alice.close()


# ---------------------------------------------------------------------- ended sessions


def test_ended_sessions_are_replaced_and_nothing_is_lost(
    stores: PostgresStores, admin: psycopg.Connection[Any]
) -> None:
    store = stores.open("alice")
    seed_if_empty(store)
    article = store.articles()[0]
    first = store.annotate(article.id, 0, 5, note="before")
    assert _end_sessions_of(admin, "alice") >= 2  # the writer and the view's connections
    second = store.annotate(article.id, 10, 15, note="after")  # the save reconnects
    assert [a.note for a in store.annotations(article.id)] == ["before", "after"]
    assert _end_sessions_of(admin, "alice") >= 1
    assert store.search(article.title.split()[0])  # questions reconnect too
    assert len(store.listing()) == 5
    assert {first.id, second.id} <= {a.id for a in store.annotations(article.id)}
    store.close()


def test_a_session_ended_in_the_middle_of_a_save_saves_nothing_and_says_so(
    stores: PostgresStores, admin: psycopg.Connection[Any]
) -> None:
    store = stores.open("alice")
    seed_if_empty(store)
    article = store.articles()[0]

    def planner(view):  # runs inside the transaction, under the store's lock
        admin.execute("SELECT pg_terminate_backend(%s)", (store.backend.conn.info.backend_pid,))
        return plan_annotations(view, [{"article_id": article.id, "start": 0, "end": 5}], "alice", "tag")

    with pytest.raises(SaveError, match="nothing was saved"):
        store._commit(planner)
    assert _tag_count(admin, stores.schema) == 0
    store.annotate(article.id, 20, 25)
    time.sleep(0.3)
    assert _tag_count(admin, stores.schema) == 1  # the refused one never turns up
    store.close()


class _CutCommit:
    """A connection whose COMMIT is cut off: after it landed, or before it was sent."""

    def __init__(self, real: psycopg.Connection[Any], admin: psycopg.Connection[Any], *, lands: bool) -> None:
        self._real, self._admin, self._lands = real, admin, lands

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def execute(self, query: Any, *args: Any, **kwargs: Any) -> Any:
        if query == "COMMIT":
            if self._lands:
                self._real.execute("COMMIT")
            self._admin.execute("SELECT pg_terminate_backend(%s)", (self._real.info.backend_pid,))
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return self._real.execute(query, *args, **kwargs)


def test_a_commit_whose_answer_was_lost_is_found_saved(stores: PostgresStores, admin: psycopg.Connection[Any]) -> None:
    store = stores.open("alice")
    seed_if_empty(store)
    article = store.articles()[0]
    store.backend.conn = _CutCommit(store.backend.conn, admin, lands=True)  # type: ignore[assignment]
    tag = store.annotate(article.id, 0, 5, note="landed")  # no error: it was committed
    assert _tag_count(admin, stores.schema) == 1
    assert store.annotation(tag.id).note == "landed"
    assert store.undo() is not None  # and it is this session's change, undoable
    assert _tag_count(admin, stores.schema) == 0
    store.close()


def test_a_commit_cut_before_it_landed_is_reported_not_saved(
    stores: PostgresStores, admin: psycopg.Connection[Any]
) -> None:
    store = stores.open("alice")
    seed_if_empty(store)
    article = store.articles()[0]
    store.backend.conn = _CutCommit(store.backend.conn, admin, lands=False)  # type: ignore[assignment]
    with pytest.raises(SaveError, match="it was not saved"):
        store.annotate(article.id, 0, 5, note="lost")
    assert _tag_count(admin, stores.schema) == 0
    assert store.annotate(article.id, 30, 35).note == ""
    assert _tag_count(admin, stores.schema) == 1
    store.close()


# ---------------------------------------------------------------------- a server that restarts

needs_private_server = pytest.mark.skipif(unavailable_reason() is not None, reason=str(unavailable_reason()))


@pytest.fixture
def server() -> Iterator[PrivateServer]:
    server = PrivateServer()
    server.start()
    yield server
    server.remove()


@needs_private_server
def test_a_server_restart_under_an_open_store(server: PrivateServer) -> None:
    store = Store(PostgresBackend(server.url))
    seed_if_empty(store)
    article = store.articles()[0]
    kept = store.annotate(article.id, 0, 5, note="saved before the restart")
    server.stop("fast")
    with pytest.raises(SaveError):
        store.annotate(article.id, 10, 15, note="while it was down")
    started = time.monotonic()
    with pytest.raises(StoreUnavailable):
        store.article(article.id + "-not-cached")
    with pytest.raises(StoreUnavailable):
        store.annotations(article.id)  # once known down, questions answer at once
    assert time.monotonic() - started < 5
    assert not store.reconnect()
    server.start()
    assert store.reconnect()
    notes = [a.note for a in store.annotations(article.id)]
    assert notes == ["saved before the restart"]  # the refused save never appears
    assert store.annotation(kept.id).note == "saved before the restart"
    store.annotate(article.id, 20, 25, note="after")
    assert len(store.annotations(article.id)) == 2
    store.close()


@needs_private_server
def test_a_crashed_server_loses_no_acknowledged_save(server: PrivateServer) -> None:
    store = Store(PostgresBackend(server.url))
    seed_if_empty(store)
    article = store.articles()[0]
    saved = [store.annotate(article.id, i * 7, i * 7 + 3).id for i in range(20)]
    server.stop("immediate")  # a crash: no shutdown checkpoint
    server.start()
    assert store.reconnect() or store.reconnect()
    assert set(saved) <= {a.id for a in store.annotations(article.id)}
    store.close()


def test_reconnecting_in_a_thread_while_questions_are_asked(
    stores: PostgresStores, admin: psycopg.Connection[Any]
) -> None:
    """Questions from one thread and reconnection from another never mix up a connection."""
    store = stores.open("alice")
    seed_if_empty(store)
    errors: list[BaseException] = []
    stop = threading.Event()

    def ask() -> None:
        while not stop.is_set():
            try:
                store.listing()[:5]
                store.search("Uzbekistan")
            except StoreUnavailable:
                continue
            except BaseException as exc:
                errors.append(exc)
                return

    thread = threading.Thread(target=ask)
    thread.start()
    for _ in range(5):
        _end_sessions_of(admin, "alice")
        time.sleep(0.1)
        store.reconnect()
    stop.set()
    thread.join(10)
    assert errors == []
    store.close()


# ---------------------------------------------------------------------- a long import


def _corpus(folder, count: int):
    folder.mkdir()
    for number in range(count):
        (folder / f"{number:04d}.txt").write_text(f"Report {number}\n\nA sentence about report number {number}.\n")
    return folder


def test_an_import_goes_on_after_its_session_is_ended_between_batches(
    stores: PostgresStores, admin: psycopg.Connection[Any], tmp_path
) -> None:
    store = stores.open("alice")
    corpus = _corpus(tmp_path / "corpus", 300)
    real_commit = store._commit
    saves = [0]

    def commit(*args, **kwargs):
        result = real_commit(*args, **kwargs)
        saves[0] += 1
        if saves[0] in (1, 3):  # just after a save: the next batch finds its connection gone
            admin.execute("SELECT pg_terminate_backend(%s)", (store.backend.conn.info.backend_pid,))
        return result

    store._commit = commit  # type: ignore[method-assign]
    report = store.import_paths([corpus], batch_size=50)
    assert not report.stopped and len(report.added) == 300
    assert saves[0] == 6
    assert len(store) == 300
    store.close()


def test_an_import_cut_in_a_save_reports_exactly_what_was_imported_and_goes_on_when_run_again(
    stores: PostgresStores, admin: psycopg.Connection[Any], tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = stores.open("alice")
    corpus = _corpus(tmp_path / "corpus", 300)
    real_write = PostgresBackend._write
    calls = [0]

    def write(self: PostgresBackend, changeset):
        calls[0] += 1
        if calls[0] == 3:  # the third batch: its session ends in the middle of the save
            admin.execute("SELECT pg_terminate_backend(%s)", (self.conn.info.backend_pid,))
        return real_write(self, changeset)

    monkeypatch.setattr(PostgresBackend, "_write", write)
    report = store.import_paths([corpus], batch_size=50)
    assert report.stopped and "nothing was saved" in report.stopped
    assert len(report.added) == 100  # the two batches saved, none of the third
    stored = {a.origin for a in store.articles()}
    assert {origin for origin, _ in report.added} == stored
    assert "Run the same import again" in report.summary()
    monkeypatch.setattr(PostgresBackend, "_write", real_write)
    again = store.import_paths([corpus], batch_size=50)
    assert not again.stopped and len(again.unchanged) == 100 and len(again.added) == 200
    assert len(store) == 300
    store.close()

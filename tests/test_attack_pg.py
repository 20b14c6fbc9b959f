"""Hostile tests of the PostgreSQL backend: each one a promise of the README it tries to break.

Every test runs against a real server (``DOSSIER_TEST_POSTGRES``) in a fresh schema it drops,
with real processes where the promise is about several analysts.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from store import ConflictError, Store, seed_if_empty
from store.postgres_backend import PostgresBackend
from store.postgres_view import PostgresView
from tests.conftest import POSTGRES_URL, ROOT
from tests.postgres_roles import PostgresStores

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


@pytest.fixture
def stores() -> Iterator[PostgresStores]:
    stores = PostgresStores(POSTGRES_URL or "", f"atk_{uuid.uuid4().hex[:12]}")
    yield stores
    stores.drop()


def _drop(schema: str) -> None:
    with psycopg.connect(POSTGRES_URL or "", autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _corpus(store: Store, tmp_path: Path, count: int) -> None:
    """``count`` articles sharing the word ``people`` (a search with many hits)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    for number in range(count):
        (folder / f"{number:04}.txt").write_text(
            f"Report {number}\n\nPeople met in town {number}. The council spoke of roads and people.\n"
        )
    report = store.import_paths([folder])
    assert len(report.added) == count, report


# ---------------------------------------------------------------------- schema names


def test_a_schema_name_of_63_characters_takes_saves() -> None:
    """README: a schema name is lower-case letters, digits and _, at most 63."""
    schema = "atk_" + uuid.uuid4().hex + "x" * 27
    assert len(schema) == 63
    try:
        store = Store(PostgresBackend(POSTGRES_URL or "", schema=schema))
        report = seed_if_empty(store)
        assert len(store) == 5, report
        article = store.listing()[0]
        store.annotate(article.id, 0, 4, note="saved")
        store.close()
    finally:
        _drop(schema)


# ---------------------------------------------------------------------- as of last seen


def _details_then_reimport(store_of: Any, tmp_path: Path) -> str:
    """Alice tags "quick" in the text she sees; meanwhile Bob corrects the title, then re-imports
    a changed text in which those offsets now fall on other words. The folder store refuses
    Alice's tag (the text was changed by Bob); it must never land on words she did not select."""
    source = tmp_path / "src"
    source.mkdir()
    page = source / "a.txt"
    page.write_text("Title line\n\nAlpha beta gamma delta. The quick brown fox jumps.\n")
    bob = store_of()
    bob.import_paths([source])
    article_id = bob.listing()[0].id
    alice = store_of()
    seen = alice.article(article_id).text
    start = seen.index("quick")
    bob.set_metadata(article_id, title="Corrected")
    page.write_text("Title line\n\nZZZZZZZZZZZZZZZZZZZZZZZZZ Alpha beta gamma delta. The quick brown fox jumps.\n")
    bob.import_paths([source])
    if isinstance(alice.view, PostgresView):
        alice.view._articles.clear()  # as after any other change taken in: read it again
    try:
        tag = alice.annotate(article_id, start, start + 5, note="mine")
    except ConflictError as exc:
        outcome = f"refused: {exc}"
    else:
        outcome = f"saved on {alice.article(article_id).text[tag.start : tag.end]!r}"
    alice.close()
    bob.close()
    return outcome


def test_folder_store_refuses_a_tag_on_a_text_replaced_since(tmp_path: Path) -> None:
    outcome = _details_then_reimport(lambda: Store.open(tmp_path / "store"), tmp_path)
    assert outcome.startswith("refused") and "text" in outcome, outcome


def test_a_tag_never_lands_on_words_of_a_text_replaced_since(stores: PostgresStores, tmp_path: Path) -> None:
    outcome = _details_then_reimport(stores.open, tmp_path)
    assert outcome.startswith("refused") or outcome == "saved on 'quick'", outcome


# ---------------------------------------------------------------------- text is data


def test_a_name_with_a_nul_byte_is_no_entity_not_an_error(stores: PostgresStores) -> None:
    store = stores.open()
    seed_if_empty(store)
    assert store.find_entity("Sergei\x00Shoigu") is None
    store.close()


# ---------------------------------------------------------------------- search


def test_search_finds_what_the_folder_store_finds_not_title_only_words(stores: PostgresStores, tmp_path: Path) -> None:
    server = stores.open()
    folder = Store.open(tmp_path / "store")
    for store in (server, folder):
        seed_if_empty(store)
        row = next(r for r in store.listing() if "Zanzibarite" not in r.display_title)
        store.set_metadata(row.id, title="Zanzibarite council")
    folder_hits = [(h.article_id, h.start, h.end) for h in folder.search("Zanzibarite")]
    server_hits = [(h.article_id, h.start, h.end) for h in server.search("Zanzibarite")]
    assert server_hits == folder_hits, (server_hits, folder_hits)  # folder: [] (no text holds it)
    server.close()
    folder.close()


def test_reading_the_list_never_cancels_a_search_into_no_hits(stores: PostgresStores, tmp_path: Path) -> None:
    store = stores.open()
    _corpus(store, tmp_path, 400)
    assert len(store.search("people", limit=50)) == 50
    stop = time.monotonic() + 3
    empty: list[int] = []
    failures: list[BaseException] = []

    def searching() -> None:
        while time.monotonic() < stop:
            if not store.search("people", limit=50):
                empty.append(1)

    def listing() -> None:
        while time.monotonic() < stop:
            try:
                rows = store.listing()
                rows.rows(0, 60)
                rows.index_of(rows[3].id)
            except BaseException as exc:
                failures.append(exc)

    threads = [threading.Thread(target=searching), threading.Thread(target=listing)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert not empty and not failures, (len(empty), failures[:3])


def test_a_storm_of_searches_never_reports_a_timeout(stores: PostgresStores, tmp_path: Path) -> None:
    store = stores.open()
    _corpus(store, tmp_path, 300)
    errors: list[BaseException] = []
    wrong: list[str] = []
    assert isinstance(store.view, PostgresView)
    view = store.view
    cancel = view.search_conn.cancel_safe

    def cancel_over_a_network() -> None:  # a cancel request opens a connection of its own: it takes a while
        time.sleep(0.02)
        cancel()

    view.search_conn.cancel_safe = cancel_over_a_network  # type: ignore[method-assign]
    expected = {word: [h.article_id for h in store.search(word)] for word in ("people", "council", "roads", "town")}

    def storm() -> None:
        for number in range(60):
            word = list(expected)[number % 4]
            try:
                hits = store.search(word)
            except Exception as exc:
                errors.append(exc)
                continue
            if hits and [h.article_id for h in hits] != expected[word]:
                wrong.append(word)  # somebody else's hits

    threads = [threading.Thread(target=storm) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    store.close()
    assert not wrong
    assert not errors, errors[:3]


# ---------------------------------------------------------------------- who changed it


ANALYST = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from store import ConflictError, Store
    from store.postgres_backend import PostgresBackend
    store = Store(PostgresBackend({url!r}, schema={schema!r}))
    tag = store.annotation({tag!r})
    sys.stdin.readline()  # both have read the tag: now change it
    try:
        store.update_annotation({tag!r}, note={note!r})
        print("saved", flush=True)
    except ConflictError as exc:
        print("conflict:", exc, flush=True)
    store.close()
    """
)


def test_a_conflict_names_the_database_role_that_changed_the_field(stores: PostgresStores) -> None:
    """Two analysts, two processes, two roles, one OS account (or a forged $USER): the conflict
    must say "changed by bob", as the README says who saved what is the database role."""
    store = stores.open()
    seed_if_empty(store)
    tag = store.annotate(store.listing()[0].id, 0, 4, note="first")
    store.close()
    env = {**os.environ, "USER": "alice", "LOGNAME": "alice"}  # whatever the OS account says
    procs = {}
    for role in ("alice", "bob"):
        code = ANALYST.format(root=str(ROOT), url=stores.role_url(role), schema=stores.schema, tag=tag.id, note=role)
        procs[role] = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
    time.sleep(2)  # both opened and read the tag
    out = {}
    for role in ("bob", "alice"):  # bob saves first
        out[role] = procs[role].communicate("\n", timeout=60)[0]
    assert "saved" in out["bob"], out
    assert "conflict" in out["alice"] and "changed by bob" in out["alice"], out


# ---------------------------------------------------------------------- never the corpus


async def test_the_app_on_a_server_store_never_reads_the_corpus(
    stores: PostgresStores, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.app import make_app

    seed_if_empty(stores.open())
    loads: list[str] = []
    original_articles = PostgresView.articles
    original_counts = PostgresView.annotation_counts

    def articles(self: PostgresView) -> Any:
        loads.append("articles()")
        return original_articles(self)

    def counts(self: PostgresView) -> Any:
        loads.append("annotation_counts()")
        return original_counts(self)

    monkeypatch.setattr(PostgresView, "articles", articles)
    monkeypatch.setattr(PostgresView, "annotation_counts", counts)
    store = stores.open()
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        await pilot.press("ctrl+p")  # the command palette: articles and entities
        await pilot.pause(0.3)
        await pilot.press("u", "z")
        await pilot.pause(0.3)
        await pilot.press("escape", "q")
    store.close()
    assert not loads, loads


# ---------------------------------------------------------------------- saved or not, never both


def test_a_save_that_committed_is_never_reported_unsaved_by_the_read_after_it(stores: PostgresStores) -> None:
    """The save commits; right after, the view's connection is lost (a restart, an ended session;
    its questions then fail at once until the app's reconnect runs). The tag is saved: the
    caller must hear "saved", never "Not saved"."""
    store = stores.open()
    seed_if_empty(store)
    article = store.listing()[0]
    assert isinstance(store.view, PostgresView)
    commit = store._commit

    def commit_then_lose_the_view(*args: Any, **kwargs: Any) -> Any:
        committed = commit(*args, **kwargs)
        store.view.down = True  # type: ignore[attr-defined]  # the server blinked right after the COMMIT
        return committed

    store._commit = commit_then_lose_the_view  # type: ignore[method-assign]
    try:
        tag = store.annotate(article.id, 0, 4, note="kept?")
    except Exception as exc:
        told = f"not saved: {exc}"
    else:
        told = f"saved {tag.id}"
    store.view.down = False
    stored = [a.note for a in store.annotations(article.id)]
    store.close()
    assert ("kept?" in stored) == told.startswith("saved"), (told, stored)


SAVER_LOOP = textwrap.dedent(
    """
    import json, sys
    sys.path.insert(0, {root!r})
    from store import Store
    from store.postgres_backend import PostgresBackend
    store = Store(PostgresBackend({url!r}, schema={schema!r}))
    for number in range({count}):
        try:
            tag = store.annotate({article!r}, number % 50, number % 50 + 3, note=f"n{{number}}")
            print(json.dumps(["saved", number]), flush=True)
        except Exception as exc:
            print(json.dumps(["error", number, type(exc).__name__]), flush=True)
    store.close()
    """
)


def test_sessions_ended_at_random_moments_of_a_loop_of_saves(stores: PostgresStores) -> None:
    """A real second process saves 600 tags while its sessions are ended every few milliseconds:
    what it was told ("saved" / an error) is exactly what is stored."""
    import json
    import random

    store = stores.open()
    seed_if_empty(store)
    article = store.listing()[0].id
    store.close()
    role = f"atk_saver_{stores.schema[-8:]}"  # a role of this test's own: runs may overlap on a server
    code = SAVER_LOOP.format(
        root=str(ROOT), url=stores.role_url(role), schema=stores.schema, article=article, count=600
    )
    saver = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert saver.stdout is not None
    first = saver.stdout.readline()  # the store is open and saving: the attack is on its saves
    with psycopg.connect(POSTGRES_URL or "", autocommit=True) as admin:
        while saver.poll() is None:
            time.sleep(random.uniform(0, 0.04))
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))
        told = [json.loads(line) for line in (first + saver.stdout.read()).splitlines()]
        rows = admin.execute(f"SELECT doc->>'note' FROM \"{stores.schema}\".annotations").fetchall()
        admin.execute(f'DROP OWNED BY "{role}"')
        admin.execute(f'DROP ROLE "{role}"')
    assert len(told) == 600
    saved = {f"n{number}" for kind, number, *_ in told if kind == "saved"}
    stored = {row[0] for row in rows}
    assert saved <= stored, sorted(saved - stored)  # nothing reported saved is missing
    assert stored <= saved, [(n, t) for n, t in ((f"n{t[1]}", t) for t in told) if n in stored - saved]


async def test_the_palette_asks_the_server_a_few_questions_however_many_entities_there_are(
    stores: PostgresStores, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing in the palette once read every entity and counted each one's mentions with a
    statement of its own, per key: thousands of round trips at a real store's size."""
    from tui.app import make_app

    store = stores.open()
    seed_if_empty(store)
    article = store.listing()[0]
    store.annotate_many(
        {"article_id": article.id, "start": 0, "end": 4, "entity": f"Person {n:03d}", "entity_type": "PERSON"}
        for n in range(300)
    )
    asked: list[str] = []
    original = PostgresView._rows

    def rows(self: PostgresView, template: str, params: Any = None) -> Any:
        asked.append(template)
        return original(self, template, params)

    monkeypatch.setattr(PostgresView, "_rows", rows)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.5)
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        asked.clear()
        await pilot.press("p", "e", "r", "s", "o", "n", "0", "4")
        await pilot.pause(1.0)
        offered = app.screen.query_one("CommandList")
        shown = " ".join(str(offered.get_option_at_index(i).prompt) for i in range(offered.option_count))
        await pilot.press("escape")
    store.close()
    assert len(asked) <= 8 * 4, asked  # a few statements per key, not one per entity
    assert "Person 004" in shown or "Person 040" in shown

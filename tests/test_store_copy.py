"""`dossier store copy`: folder ↔ PostgreSQL, re-runs after interruptions, and the verification."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from store import Store, codec
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, TABLES, Change, Changeset
from store.copying import CopyError, canonical, copy_store, open_backend, same_store, verify
from store.memory_backend import MemoryBackend, MemoryDatabase
from tests.conftest import POSTGRES_URL, ROOT
from tests.store_samples import ODD_TEXT, rich_folder_store


def dossier(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def all_docs(location: Path | str, schema: str) -> dict[str, dict[str, bytes]]:
    backend = open_backend(location, schema=schema, create=False)
    try:
        return {t: {doc["id"]: canonical(doc) for batch in backend.iter_docs(t) for doc in batch} for t in TABLES}
    finally:
        backend.close()


# ---------------------------------------------------------------------- without a server


def test_every_backend_reads_in_id_order_in_batches() -> None:
    backend = MemoryBackend(MemoryDatabase())
    docs = [codec.entity_doc(f"name {n}", "PERSON", key=f"e{n:03d}") for n in (5, 1, 3, 2, 4)]
    with backend.transaction() as tx:
        tx.write(Changeset("seed", tuple(Change(ENTITIES, d["id"], None, d) for d in docs)))
    batches = list(backend.iter_docs(ENTITIES, 2))
    assert [[d["id"] for d in b] for b in batches] == [["e001", "e002"], ["e003", "e004"], ["e005"]]
    assert backend.count(ENTITIES) == 5 and set(backend.docs(ENTITIES, ["e002", "nope"])) == {"e002"}


def test_folder_to_folder_round_trip_and_re_run(tmp_path: Path) -> None:
    source = rich_folder_store(tmp_path / "a")
    done = dossier("store", "copy", str(source), str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    for table, count in ((ARTICLES, 6), (ENTITIES, 5), (ANNOTATIONS, 12)):
        assert f"verified {table}: {count} records, sha256 " in done.stdout
    assert "articles: 6/6" in done.stdout  # not a terminal: progress as plain lines
    assert all_docs(source, "dossier") == all_docs(tmp_path / "b", "dossier")
    again = dossier("store", "copy", str(source), str(tmp_path / "b"))
    assert again.returncode == 0 and "articles: 0 copied, 6 already there (equal)" in again.stdout


def test_on_a_terminal_the_copy_shows_a_progress_bar(tmp_path: Path) -> None:
    from tests.terminal import DOSSIER, Terminal

    if not DOSSIER.exists():
        pytest.skip("the dossier script is not installed beside this Python")
    source = rich_folder_store(tmp_path / "a")
    terminal = Terminal("store", "copy", str(source), str(tmp_path / "b"), width=100)
    assert terminal.wait(timeout=60) == 0, terminal.text()
    shown = terminal.text()
    assert "━" in shown and "verified annotations: 12 records" in shown and "articles: 6/6" not in shown


def test_a_store_is_never_copied_onto_itself(tmp_path: Path) -> None:
    source = rich_folder_store(tmp_path / "a")
    (tmp_path / "link").symlink_to(source)
    for destination in (str(source), f"{source}/", str(tmp_path / "link")):
        done = dossier("store", "copy", str(source), destination)
        assert done.returncode == 2 and "both the source and the destination" in done.stderr
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    missing = dossier("store", "copy", str(tmp_path / "nothing"), str(tmp_path / "c"))
    assert missing.returncode == 2 and "no store at" in missing.stderr and not (tmp_path / "c").exists()
    assert dossier("store", "copy", str(source)).returncode == 2


def test_a_damaged_source_record_stops_the_copy_with_its_name(tmp_path: Path) -> None:
    source = open_backend(tmp_path / "a", schema="dossier", create=True)
    bad = {"id": "x1", "article_id": "nope", "start": "zero", "end": 3, "quote": "abc"}
    source.load(TABLES)
    with source.transaction() as tx:
        tx.write(Changeset("planted", (Change(ANNOTATIONS, "x1", None, bad),)))
    destination = MemoryBackend()
    with pytest.raises(CopyError, match="'start'"):
        copy_store(source, destination)
    assert destination.database.tables[ANNOTATIONS] == {}
    source.close()


def test_conflicts_are_kept_and_reported_unless_forced() -> None:
    source, destination = MemoryBackend(), MemoryBackend()
    article = codec.article_doc("art1", "Alpha beta gamma.", origin="a.txt", extracted={"title": "A"})
    entity = codec.entity_doc("NATO", "ORG", key="e-src")
    tag = {
        **codec.annotation_doc(codec.article_record(article), 0, 5, entity_id="e-src", author="me"),
        "id": "t1",
    }
    with source.transaction() as tx:
        tx.write(
            Changeset(
                "s",
                (
                    Change(ARTICLES, "art1", None, article),
                    Change(ENTITIES, "e-src", None, entity),
                    Change(ANNOTATIONS, "t1", None, tag),
                ),
            )
        )
    theirs = {**article, "title": "Their title"}
    other = codec.entity_doc("nato", "ORG", key="e-dst")
    with destination.transaction() as tx:
        tx.write(Changeset("d", (Change(ARTICLES, "art1", None, theirs), Change(ENTITIES, "e-dst", None, other))))
    report = {t.table: t for t in copy_store(source, destination)}
    assert [key for key, _ in report[ARTICLES].conflicts] == ["art1"]
    assert "another entity of that name (e-dst)" in report[ENTITIES].conflicts[0][1]
    assert report[ANNOTATIONS].conflicts == [("t1", "its entity was not copied")]
    assert destination.database.tables[ARTICLES]["art1"]["title"] == "Their title"
    assert not all(check.equal for check in verify(source, destination))
    forced = {t.table: t for t in copy_store(source, destination, force=True)}
    assert forced[ARTICLES].overwritten == 1 and destination.database.tables[ARTICLES]["art1"] == article
    assert len(forced[ENTITIES].conflicts) == 1  # force never deletes another entity
    assert same_store(source, MemoryBackend(source.database)) and not same_store(source, destination)


# ---------------------------------------------------------------------- with a server

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


@needs_postgres
def test_folder_to_postgres_and_back_is_equal(tmp_path: Path, pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    source = rich_folder_store(tmp_path / "a")
    there = dossier("--schema", pg_schema, "store", "copy", str(source), POSTGRES_URL)
    assert there.returncode == 0, there.stderr
    assert "articles: 6 copied" in there.stdout and "annotations: 12 copied" in there.stdout
    assert there.stdout.count("on both sides") == 3
    back = dossier("store", "copy", POSTGRES_URL, str(tmp_path / "b"), "--schema", pg_schema)
    assert back.returncode == 0, back.stderr
    original = all_docs(source, pg_schema)
    assert original == all_docs(POSTGRES_URL, pg_schema) == all_docs(tmp_path / "b", pg_schema)
    for location in (POSTGRES_URL, tmp_path / "b"):  # escape codes and all, as they were stored
        backend = open_backend(location, schema=pg_schema, create=False)
        assert backend.docs(ANNOTATIONS, ["a-odd-Ж"])["a-odd-Ж"]["note"] == ODD_TEXT
        backend.close()
    # The server store answers as the folder store does, and the copy back opens as a store.
    server = Store.open(POSTGRES_URL, schema=pg_schema)
    folder = Store.open(tmp_path / "b")
    try:
        assert [h.article_id for h in server.search("Шойгу")] == [h.article_id for h in folder.search("Шойгу")]
        assert len(server.annotations()) == len(folder.annotations()) == 12
    finally:
        server.close()
        folder.close()


@needs_postgres
@pytest.mark.parametrize("direction", ["to_postgres", "from_postgres"])
def test_an_interrupted_copy_finishes_when_run_again(tmp_path: Path, pg_schema: str, direction: str) -> None:
    assert POSTGRES_URL is not None
    folder = rich_folder_store(tmp_path / "a")
    if direction == "from_postgres":
        seeded = copy_store(
            open_backend(folder, schema=pg_schema, create=False),
            server := open_backend(POSTGRES_URL, schema=pg_schema, create=True),
        )
        assert sum(t.copied for t in seeded) == 23
        server.close()
        source_at, destination_at = POSTGRES_URL, tmp_path / "b"
    else:
        source_at, destination_at = folder, POSTGRES_URL
    batches = 0

    def fail_after_three(table: str, done: int, total: int) -> None:
        nonlocal batches
        batches += done > 0
        if batches == 3:
            raise RuntimeError("the connection dropped")

    source = open_backend(source_at, schema=pg_schema, create=False)
    destination = open_backend(destination_at, schema=pg_schema, create=True)
    with pytest.raises(RuntimeError, match="dropped"):
        copy_store(source, destination, batch=2, progress=fail_after_three)
    destination.close()
    destination = open_backend(destination_at, schema=pg_schema, create=True)
    assert destination.count(ARTICLES) == 6 and destination.count(ENTITIES) == 0  # three batches of articles
    report = {t.table: t for t in copy_store(source, destination, batch=2)}
    assert report[ARTICLES].unchanged == 6 and report[ARTICLES].copied == 0
    assert report[ANNOTATIONS].copied == 12 and not any(t.conflicts for t in report.values())
    assert all(check.equal and check.others == 0 for check in verify(source, destination))
    source.close()
    destination.close()


@needs_postgres
def test_a_copy_killed_mid_way_finishes_when_run_again(tmp_path: Path, pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    source = open_backend(tmp_path / "big", schema=pg_schema, create=True)
    source.load(TABLES)
    docs = [
        codec.article_doc(f"art{n:05d}", f"Title {n}\n\nArticle {n} on Шойгу.", origin=f"{n}.txt", extracted={})
        for n in range(12000)
    ]
    with source.transaction() as tx:
        tx.write(Changeset("many", tuple(Change(ARTICLES, d["id"], None, d) for d in docs)))
    source.close()
    child = subprocess.Popen(
        [sys.executable, "-m", "tui", "--schema", pg_schema, "store", "copy", str(tmp_path / "big"), POSTGRES_URL],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    copied = 0
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        deadline = time.monotonic() + 120
        while copied < 1000 and time.monotonic() < deadline:
            time.sleep(0.02)
            if conn.execute("SELECT to_regclass(%s)", (f"{pg_schema}.articles",)).fetchone() != (None,):
                copied = conn.execute(f"SELECT count(*) FROM {pg_schema}.articles").fetchone()[0]  # type: ignore[index]
        child.send_signal(signal.SIGKILL)
        child.wait()
        copied = conn.execute(f"SELECT count(*) FROM {pg_schema}.articles").fetchone()[0]  # type: ignore[index]
    assert 0 < copied < 12000 and copied % 200 == 0, copied  # whole batches only
    again = dossier("--schema", pg_schema, "store", "copy", str(tmp_path / "big"), POSTGRES_URL)
    assert again.returncode == 0, again.stderr
    assert f"articles: {12000 - copied} copied, {copied} already there (equal)" in again.stdout
    assert "verified articles: 12000 records" in again.stdout


@needs_postgres
def test_verification_catches_a_record_changed_on_the_server(tmp_path: Path, pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    source = rich_folder_store(tmp_path / "a")
    assert dossier("--schema", pg_schema, "store", "copy", str(source), POSTGRES_URL).returncode == 0
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(
            f"UPDATE {pg_schema}.annotations SET doc = jsonb_set(doc, '{{note}}', '\"edited by hand\"')"
            " WHERE id = 'a-odd-Ж'"
        )
    checked = dossier("--schema", pg_schema, "store", "verify", str(source), POSTGRES_URL)
    assert checked.returncode == 1
    assert "MISMATCH annotations: source 12 records" in checked.stdout
    assert "different in the destination (1): 'a-odd-Ж'" in checked.stdout
    assert "verified articles: 6 records" in checked.stdout
    rerun = dossier("--schema", pg_schema, "store", "copy", str(source), POSTGRES_URL)
    assert rerun.returncode == 1 and "conflict: 'a-odd-Ж': the destination holds another version" in rerun.stdout
    assert "--force" in rerun.stderr
    forced = dossier("--schema", pg_schema, "store", "copy", "--force", str(source), POSTGRES_URL)
    assert forced.returncode == 0 and "annotations: 0 copied, 11 already there (equal), 1 replaced" in forced.stdout


@needs_postgres
def test_a_copy_into_a_store_with_other_records_keeps_them(tmp_path: Path, pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    server = Store.open(POSTGRES_URL, schema=pg_schema)
    server.import_paths([ROOT / "seeds"])  # the same seeds: same ids, but imported at another time
    article = server.articles()[0]
    mine = server.annotate(article.id, 0, 4, note="only on the server")
    server.close()
    other = tmp_path / "other"
    other.mkdir()
    (other / "other.txt").write_text("Another article\n\nOnly the folder has this one.\n", encoding="utf-8")
    folder = Store.open(tmp_path / "a")
    folder.import_paths([other])
    folder.close()
    done = dossier("--schema", pg_schema, "store", "copy", str(tmp_path / "a"), POSTGRES_URL)
    assert done.returncode == 0, done.stderr
    assert "verified articles: 1 records" in done.stdout
    assert "the destination also holds 5 other records, left as they were" in done.stdout
    again = Store.open(POSTGRES_URL, schema=pg_schema)
    try:
        assert len(again) == 6 and again.annotation(mine.id).note == "only on the server"
    finally:
        again.close()


@needs_postgres
def test_one_server_store_is_never_copied_onto_itself(tmp_path: Path, pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    Store.open(POSTGRES_URL, schema=pg_schema).close()
    same = POSTGRES_URL.replace("127.0.0.1", "localhost")
    if same == POSTGRES_URL:
        pytest.skip("the test URL does not name 127.0.0.1")
    done = dossier("--schema", pg_schema, "store", "copy", POSTGRES_URL, same)
    assert done.returncode == 2 and "are the same store" in done.stderr

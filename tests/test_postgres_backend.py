"""The PostgreSQL backend's own promises: found by URL, never shows a password, clear failures."""

from __future__ import annotations

import pytest

from store import Store, seed_if_empty
from store.postgres_backend import PostgresBackend, StoreConnectionError, display_url
from tests.conftest import POSTGRES_URL

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


def test_a_password_in_the_url_is_never_shown() -> None:
    assert display_url("postgresql://analyst:s3cret@dbhost:5433/corpus") == "postgresql://analyst@dbhost:5433/corpus"
    assert display_url("postgres://dbhost/corpus") == "postgres://dbhost/corpus"


def test_an_unreachable_server_is_one_clear_error_without_the_password() -> None:
    with pytest.raises(StoreConnectionError) as caught:
        Store.open("postgresql://analyst:s3cret@127.0.0.1:1/corpus")
    message = str(caught.value)
    assert "s3cret" not in message and "postgresql://analyst@127.0.0.1:1/corpus" in message


@needs_postgres
def test_store_open_takes_a_url_and_the_work_is_on_the_server() -> None:
    assert POSTGRES_URL is not None
    schema = "dossier"
    PostgresBackend(POSTGRES_URL, schema=schema).drop()  # a fresh default store
    try:
        store = Store.open(POSTGRES_URL)
        seed_if_empty(store)
        article = store.articles()[0]
        tag = store.annotate(article.id, 0, 4, note="on the server")
        store.close()
        again = Store.open(POSTGRES_URL)
        assert len(again) == 5 and again.annotation(tag.id).note == "on the server"
        assert POSTGRES_URL.split("@")[-1] in again.backend.location("annotations")
        again.close()
    finally:
        cleanup = PostgresBackend(POSTGRES_URL, schema=schema)
        cleanup.drop()
        cleanup.close()


def _dossier(*args: str):
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_the_cli_names_an_unreachable_server_in_one_line_without_the_password() -> None:
    done = _dossier("import", "seeds", "--store", "postgresql://bob:s3cret@127.0.0.1:1/corpus")
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "Traceback" not in done.stderr and "s3cret" not in done.stderr
    assert "postgresql://bob@127.0.0.1:1/corpus" in done.stderr


@needs_postgres
def test_the_cli_imports_and_exports_a_server_store_and_says_what_maintenance_is_not_for() -> None:
    import json

    assert POSTGRES_URL is not None
    PostgresBackend(POSTGRES_URL, schema="dossier").drop()
    try:
        assert _dossier("import", "seeds", "--store", POSTGRES_URL).returncode == 0
        exported = _dossier("export", "--store", POSTGRES_URL)
        assert exported.returncode == 0 and len(json.loads(exported.stdout)["articles"]) == 5
        backups = _dossier("store", "backups", "--store", POSTGRES_URL)
        assert backups.returncode == 2 and "pg_dump" in backups.stderr and "Traceback" not in backups.stderr
        check = _dossier("store", "check", "--store", POSTGRES_URL)
        assert check.returncode == 0 and "5 articles" in check.stdout
    finally:
        cleanup = PostgresBackend(POSTGRES_URL, schema="dossier")
        cleanup.drop()
        cleanup.close()


def test_the_texts_an_import_stores_are_compressed_with_lz4(pg_schema: str, tmp_path) -> None:
    """LZ4 (several times cheaper than pglz) for what the store writes; reopened stores too."""
    import psycopg

    assert POSTGRES_URL is not None
    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(3):
        (folder / f"a{number}.txt").write_text(
            f"Long article {number}\n\n" + " ".join(f"word{n} of article {number}." for n in range(800))
        )
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    store.import_paths([folder])
    store.close()
    with psycopg.connect(POSTGRES_URL) as conn:
        kinds = conn.execute(f"SELECT pg_column_compression(doc) FROM {pg_schema}.articles").fetchall()
    assert [kind for (kind,) in kinds] == ["lz4"] * 3


def test_texts_that_look_like_copy_syntax_arrive_whole_and_searchable(pg_schema: str, tmp_path) -> None:
    """New articles are streamed with COPY: its escapes in a text (``\\N``, ``\\.``, tabs) are data."""
    assert POSTGRES_URL is not None
    folder = tmp_path / "articles"
    folder.mkdir()
    tricky = "Copy syntax\n\nA line\twith a tab, \\N and \\\\N, a backslash \\ here.\n\n\\.\n\nA \\. mid-line; zebra."
    (folder / "tricky.txt").write_text(tricky)
    (folder / "plain.txt").write_text("Plain report\n\nNothing odd in this one.")
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    report = store.import_paths([folder])
    assert len(report.added) == 2 and not report.skipped
    (article,) = [a for a in store.articles() if a.title == "Copy syntax"]
    in_memory = Store.in_memory()
    in_memory.import_paths([folder])
    assert article.text == in_memory.article(article.id).text  # as any store reads that file
    assert "\\N and \\\\N, a backslash \\ here." in article.text and "A \\. mid-line" in article.text
    assert [hit.article_id for hit in store.search("zebra")] == [article.id]
    # A re-import of a changed file takes the other way (an upsert): the same text arrives.
    (folder / "tricky.txt").write_text(tricky + " Added \\t.")
    store.import_paths([folder])
    assert store.article(article.id).text.endswith("zebra. Added \\t.")
    store.close()
    reopened = Store.open(POSTGRES_URL, schema=pg_schema)
    assert reopened.article(article.id).text.endswith("zebra. Added \\t.")
    reopened.close()


def test_documents_from_the_server_read_alike_whatever_their_numbers() -> None:
    """orjson reads the server's JSON; a number past 64 bits (another program's store) falls back to json."""
    import json

    from store.postgres_connection import json_loads

    doc = '{"id": "a1", "text": "Шойгу \\u2028 said", "n": 3, "f": 1.5, "tags": [null, true]}'
    assert json_loads(doc) == json.loads(doc)
    assert json_loads(b'{"n": 1180591620717411303424}') == {"n": 2**70}


@pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES")
def test_a_big_import_leaves_the_planner_its_statistics(pg_schema: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Right after a big import the server planned for an empty store; the import analyses it."""
    import psycopg

    assert POSTGRES_URL is not None
    monkeypatch.setattr(PostgresBackend, "SETTLE_AFTER", 5)  # the seeds: five articles
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    try:
        seed_if_empty(store)
    finally:
        store.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        analysed = dict(
            conn.execute(
                "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables WHERE schemaname = %s",
                (pg_schema,),
            ).fetchall()
        )
    assert analysed["articles"] and analysed["article_words"] and analysed["annotations"]

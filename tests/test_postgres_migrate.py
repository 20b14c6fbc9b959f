"""`dossier store migrate`: a server store of version 1 brought up to this version, and newer ones refused."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from psycopg.types.json import Jsonb

from store import SchemaError, Store
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, TABLES
from store.copying import canonical, open_backend
from store.postgres_schema import SCHEMA_VERSION
from tests.conftest import POSTGRES_URL, ROOT
from tests.store_samples import rich_folder_store

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")

#: Changesets the version 1 store logged before it was migrated.
OLD_LOG = 3


def dossier(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "DOSSIER_SCHEMA"},
    )


def build_version_1(schema: str, folder: Path) -> dict[str, dict[str, bytes]]:
    """A store laid out as version 1 (one records table), holding the folder store's documents."""
    assert POSTGRES_URL is not None
    backend = open_backend(folder, schema=schema, create=False)
    docs = backend.load(TABLES)
    backend.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn, conn.transaction():
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"CREATE TABLE {schema}.records (tbl text, id text, doc jsonb, PRIMARY KEY (tbl, id))")
        conn.execute(
            f"CREATE TABLE {schema}.changesets (seq bigserial PRIMARY KEY, author text NOT NULL DEFAULT current_user,"
            " at timestamptz NOT NULL DEFAULT now(), label text NOT NULL, changes jsonb NOT NULL)"
        )
        conn.execute(f"CREATE TABLE {schema}.meta (key text PRIMARY KEY, value text NOT NULL)")
        conn.execute(f"INSERT INTO {schema}.meta VALUES ('schema_version', '1')")
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {schema}.records VALUES (%s, %s, %s)",
                [(table, key, Jsonb(doc)) for table in TABLES for key, doc in docs[table].items()],
            )
            cursor.executemany(
                f"INSERT INTO {schema}.changesets (label, changes) VALUES (%s, %s)",
                [
                    (f"import {table}", Jsonb([[table, key, None, doc] for key, doc in docs[table].items()]))
                    for table in (ARTICLES, ENTITIES, ANNOTATIONS)
                ],
            )
    return {table: {key: canonical(doc) for key, doc in docs[table].items()} for table in TABLES}


def max_seq(schema: str) -> int:
    assert POSTGRES_URL is not None
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        return conn.execute(f"SELECT max(seq) FROM {schema}.changesets").fetchone()[0]  # type: ignore[index]


@needs_postgres
def test_a_version_1_store_is_refused_then_migrated_and_works(tmp_path: Path, pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    folder = rich_folder_store(tmp_path / "folder")
    expected = build_version_1(pg_schema, folder)
    with pytest.raises(SchemaError, match=f"version 1.*dossier --schema {pg_schema} store migrate"):
        Store.open(POSTGRES_URL, schema=pg_schema)
    for refused in (
        dossier("--store", POSTGRES_URL, "--schema", pg_schema),  # the app
        dossier("export", "--store", POSTGRES_URL, "--schema", pg_schema),
    ):
        assert refused.returncode == 2 and refused.stderr.count("\n") == 1, refused.stderr
        assert "store migrate" in refused.stderr and "Traceback" not in refused.stderr

    migrated = dossier("--schema", pg_schema, "store", "migrate", "--store", POSTGRES_URL)
    assert migrated.returncode == 0, migrated.stderr
    assert f"migrated from version 1 to version {SCHEMA_VERSION}" in migrated.stdout
    again = dossier("--schema", pg_schema, "store", "migrate", "--store", POSTGRES_URL)
    assert again.returncode == 0 and "already at version" in again.stdout

    server = open_backend(POSTGRES_URL, schema=pg_schema, create=False)
    found = {t: {doc["id"]: canonical(doc) for batch in server.iter_docs(t) for doc in batch} for t in TABLES}
    server.close()
    assert found == expected
    checked = dossier("--schema", pg_schema, "store", "check", "--store", POSTGRES_URL)
    assert checked.returncode == 0, checked.stdout + checked.stderr

    folder_store = Store.open(folder)
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    other = Store.open(POSTGRES_URL, schema=pg_schema)
    try:
        for query in ("Shoigu", "Ташкент", '"security treaty"', "«цитата»"):
            assert sorted((h.article_id, h.start) for h in store.search(query)) == sorted(
                (h.article_id, h.start) for h in folder_store.search(query)
            )
        assert store.search("Shoigu")
        entity = store.entities()[0]
        assert len(store.mentions(entity.id)) == len(folder_store.mentions(entity.id)) == 2
        assert max_seq(pg_schema) == OLD_LOG
        tag = store.annotate(store.articles()[0].id, 0, 4, note="after the migration")
        assert max_seq(pg_schema) > OLD_LOG
        assert other.refresh() and other.annotation(tag.id).note == "after the migration"
    finally:
        folder_store.close()
        store.close()
        other.close()


@needs_postgres
def test_a_store_of_a_newer_version_is_refused_in_one_line(pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    Store.open(POSTGRES_URL, schema=pg_schema).close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"UPDATE {pg_schema}.meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaError, match="version 99, newer than this Dossier"):
        Store.open(POSTGRES_URL, schema=pg_schema)
    for args in (("export",), ("import", "seeds"), ("store", "migrate"), ("store", "check")):
        done = dossier(*args, "--store", POSTGRES_URL, "--schema", pg_schema)
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert "version 99" in done.stdout + done.stderr and "Traceback" not in done.stderr
        if args != ("store", "check"):
            assert done.stderr.count("\n") == 1, done.stderr


def test_migrate_on_a_folder_store_says_it_needs_none(tmp_path: Path) -> None:
    done = dossier("store", "migrate", "--store", str(tmp_path / "folder"))
    assert done.returncode == 0 and "upgraded when it is opened" in done.stdout

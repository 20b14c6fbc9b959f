"""`dossier store migrate`: a server store of version 1 brought up to this version, and newer ones refused."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg.types.json import Jsonb

from store import SchemaError, Store, seed_if_empty
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, TABLES
from store.copying import canonical, open_backend
from store.postgres_schema import SCHEMA_VERSION
from tests.conftest import POSTGRES_URL, ROOT
from tests.postgres_roles import PostgresStores
from tests.store_samples import rich_folder_store
from tests.test_entity_article_counts import kept_and_counted

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


def test_migrate_makes_a_new_store_owned_by_the_role_it_runs_as(pg_schema: str) -> None:
    """The README's setup: the tables of a new store belong to a group role, made by migrate."""
    owner = f"owner_{pg_schema[-8:]}"
    with psycopg.connect(POSTGRES_URL or "", autocommit=True) as conn:
        conn.execute(f'CREATE ROLE "{owner}"')
        conn.execute(f'CREATE SCHEMA "{pg_schema}" AUTHORIZATION "{owner}"')
    try:
        env = {**os.environ, "PGOPTIONS": f"-c role={owner}"}
        done = subprocess.run(
            [sys.executable, "-m", "tui", "store", "migrate", "--store", POSTGRES_URL or "", "--schema", pg_schema],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=60,
        )
        assert done.returncode == 0 and f"created at version {SCHEMA_VERSION}" in done.stdout, done
        again = dossier("store", "migrate", "--store", POSTGRES_URL or "", "--schema", pg_schema)
        assert again.returncode == 0 and "recounted (all were right)" in again.stdout
        with psycopg.connect(POSTGRES_URL or "", autocommit=True) as conn:
            owners = {
                row[0] for row in conn.execute("SELECT tableowner FROM pg_tables WHERE schemaname = %s", (pg_schema,))
            }
        assert owners == {owner}
        store = Store.open(POSTGRES_URL or "", schema=pg_schema)
        assert len(store) == 0
        store.close()
    finally:
        with psycopg.connect(POSTGRES_URL or "", autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{pg_schema}" CASCADE')
            conn.execute(f'DROP OWNED BY "{owner}"')
            conn.execute(f'DROP ROLE "{owner}"')


@needs_postgres
def test_a_version_2_store_moves_its_search_words_out_and_its_readers_keep_searching(tmp_path: Path) -> None:
    """Version 2 kept the search vectors in the articles' rows; version 3 in a table of their own.

    A reader granted on version 2 (rights on each table) must still search after the migration:
    the new table takes the grants of the articles'.
    """
    assert POSTGRES_URL is not None
    stores = PostgresStores(POSTGRES_URL, f"test_{uuid.uuid4().hex[:12]}")
    s = stores.schema
    reader = f"reader_{uuid.uuid4().hex[:8]}"
    try:
        store = stores.open()
        seed_if_empty(store)
        expected = {query: sorted((h.article_id, h.start) for h in store.search(query)) for query in QUERIES_V2}
        store.close()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"ALTER TABLE {s}.articles ADD COLUMN search tsvector")
            conn.execute(f"UPDATE {s}.articles a SET search = w.search FROM {s}.article_words w WHERE w.id = a.id")
            conn.execute(f"ALTER TABLE {s}.articles ALTER COLUMN search SET NOT NULL")
            conn.execute(f"CREATE INDEX ON {s}.articles USING gin (search)")
            conn.execute(f"DROP TABLE {s}.article_words")
            conn.execute(f"DROP TABLE {s}.entity_articles")  # version 5's
            conn.execute(f"DROP TABLE {s}.vocabulary")  # version 6's
            conn.execute(f"DROP INDEX {s}.annotations_passages")
            conn.execute(f"UPDATE {s}.meta SET value = '2' WHERE key = 'schema_version'")
            conn.execute(f"CREATE ROLE {reader} LOGIN")
            conn.execute(f"GRANT USAGE ON SCHEMA {s} TO {reader}")
            conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {reader}")
        with pytest.raises(SchemaError, match=r"version 2.*store migrate"):
            Store.open(POSTGRES_URL, schema=s)
        migrated = dossier("--schema", s, "store", "migrate", "--store", POSTGRES_URL)
        assert migrated.returncode == 0, migrated.stderr
        assert f"migrated from version 2 to version {SCHEMA_VERSION}" in migrated.stdout
        checked = dossier("--schema", s, "store", "check", "--store", POSTGRES_URL)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        parts = urlsplit(POSTGRES_URL)
        as_reader = urlunsplit(parts._replace(netloc=f"{reader}@{parts.hostname}:{parts.port or 5432}"))
        read_only = Store.open(as_reader, schema=s)
        try:
            assert read_only.read_only
            for query, hits in expected.items():
                assert sorted((h.article_id, h.start) for h in read_only.search(query)) == hits, query
        finally:
            read_only.close()
    finally:
        stores.drop()
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP ROLE IF EXISTS {reader}")


QUERIES_V2 = ("Shoigu", '"military cooperation"', "Ташкент", "Uzbek")


def test_a_version_3_store_keeps_its_names_in_latin_letters_and_the_picker_finds_other_scripts(pg_schema: str) -> None:
    """Version 3 kept each name's letters in its own script: "Шойгу" did not find "Sergey Shoigu"."""
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    seed_if_empty(store)
    article = next(a for a in store.articles() if "Sergey Shoigu" in a.text)
    start = article.text.index("Sergey Shoigu")
    store.annotate(article.id, start, start + len("Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
    store.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:  # as version 3 wrote them
        conn.execute(f"UPDATE {pg_schema}.entity_names SET squashed = 'сергейшойгу'")
        conn.execute(f"DROP TABLE {pg_schema}.entity_articles")  # version 5's
        conn.execute(f"DROP TABLE {pg_schema}.vocabulary")  # version 6's
        conn.execute(f"DROP INDEX {pg_schema}.annotations_passages")
        conn.execute(f"UPDATE {pg_schema}.meta SET value = '3' WHERE key = 'schema_version'")
    with pytest.raises(SchemaError, match=r"version 3.*store migrate"):
        Store.open(POSTGRES_URL, schema=pg_schema)
    migrated = dossier("--schema", pg_schema, "store", "migrate", "--store", POSTGRES_URL)
    assert migrated.returncode == 0, migrated.stderr
    checked = dossier("--schema", pg_schema, "store", "check", "--store", POSTGRES_URL)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    try:
        assert [e.name for e, _ in store.match_entities("Шойгу")] == ["Sergey Shoigu"]
        assert [e.name for e, _ in store.match_entities("Sergei Shoigu")] == ["Sergey Shoigu"]
    finally:
        store.close()


def test_a_version_4_store_gets_its_entities_article_counts_and_annotators_keep_tagging(pg_schema: str) -> None:
    """Version 4 counted an entity's articles when asked; version 5 keeps the counts, and an
    annotator granted on version 4 must still be able to tag (the counts change with each tag)."""
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    seed_if_empty(store)
    tagged = [a for a in store.articles() if "Uzbekistan" in a.text]
    for article in tagged:
        start = article.text.index("Uzbekistan")
        store.annotate(article.id, start, start + len("Uzbekistan"), entity="Uzbekistan", entity_type="PLACE")
    expected = {a.id: [(r.id, score) for r, score in store.related(a.id, 10)] for a in tagged}
    store.close()
    annotator = f"annotator_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:  # as version 4 left it
        conn.execute(f"DROP TABLE {pg_schema}.entity_articles")
        conn.execute(f"DROP TABLE {pg_schema}.vocabulary")  # version 6's
        conn.execute(f"DROP INDEX {pg_schema}.annotations_passages")
        conn.execute(f"UPDATE {pg_schema}.meta SET value = '4' WHERE key = 'schema_version'")
        conn.execute(f"CREATE ROLE {annotator} LOGIN")
    try:
        granted = dossier("--schema", pg_schema, "store", "grant", annotator, "--annotate", "--store", POSTGRES_URL)
        assert granted.returncode != 0  # an old store is migrated first
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:  # the grants version 4 gave
            conn.execute(f"GRANT USAGE ON SCHEMA {pg_schema} TO {annotator}")
            conn.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {pg_schema} TO {annotator}")
            for table in ("annotations", "entities", "entity_names"):
                conn.execute(f"GRANT INSERT, UPDATE, DELETE ON {pg_schema}.{table} TO {annotator}")
            conn.execute(f"GRANT INSERT (label, changes, ref) ON {pg_schema}.changesets TO {annotator}")
            conn.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {pg_schema} TO {annotator}")
        migrated = dossier("--schema", pg_schema, "store", "migrate", "--store", POSTGRES_URL)
        assert migrated.returncode == 0, migrated.stderr
        assert f"migrated from version 4 to version {SCHEMA_VERSION}" in migrated.stdout
        checked = dossier("--schema", pg_schema, "store", "check", "--store", POSTGRES_URL)
        assert checked.returncode == 0, checked.stdout + checked.stderr
        parts = urlsplit(POSTGRES_URL)
        as_annotator = urlunsplit(parts._replace(netloc=f"{annotator}@{parts.hostname}:{parts.port or 5432}"))
        store = Store.open(as_annotator, schema=pg_schema)
        try:
            assert {a.id: [(r.id, sc) for r, sc in store.related(a.id, 10)] for a in tagged} == expected
            article = next(a for a in store.articles() if "Tashkent" in a.text)
            start = article.text.index("Tashkent")
            store.annotate(article.id, start, start + len("Tashkent"), entity="Uzbekistan")
        finally:
            store.close()
        kept, counted = kept_and_counted(pg_schema)
        assert kept == counted and len(kept) == 1
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{pg_schema}" CASCADE')
            conn.execute(f"DROP OWNED BY {annotator}")
            conn.execute(f"DROP ROLE IF EXISTS {annotator}")


def test_a_version_5_store_gets_its_vocabulary_and_finds_unlinked_mentions(pg_schema: str, tmp_path) -> None:
    """Version 5 had no vocabulary: migrated, every word of the stored articles is in it, and an
    entity's unlinked mentions are found, also in articles imported after."""
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    seed_if_empty(store)
    store.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:  # as version 5 left it
        conn.execute(f"DROP TABLE {pg_schema}.vocabulary")
        conn.execute(f"DROP INDEX {pg_schema}.annotations_passages")
        conn.execute(f"UPDATE {pg_schema}.meta SET value = '5' WHERE key = 'schema_version'")
    migrated = dossier("--schema", pg_schema, "store", "migrate", "--store", POSTGRES_URL)
    assert migrated.returncode == 0, migrated.stderr
    assert f"migrated from version 5 to version {SCHEMA_VERSION}" in migrated.stdout
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        words = {row[0] for row in conn.execute(f"SELECT word FROM {pg_schema}.vocabulary")}
        stored = {
            row[0]
            for row in conn.execute(
                f"SELECT DISTINCT w FROM {pg_schema}.article_words, unnest(tsvector_to_array(search)) w"
            )
        }
    assert words == {word for word in stored if not word.startswith("~")} and {"shoigu", "tashkent"} <= words
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    try:
        article = next(a for a in store.articles() if "Sergey Shoigu" in a.text)
        start = article.text.index("Sergey Shoigu")
        tag = store.annotate(article.id, start, start + 13, entity="Sergey Shoigu", entity_type="PERSON")
        assert any(s.quote == "Sergei Shoigu" for s in store.unlinked_mentions(tag.entity_id))
        folder = tmp_path / "new"
        folder.mkdir()
        (folder / "a.txt").write_text("Visit\n\nMinister Shoygu arrived in Samarkand.")
        (added,) = store.import_paths([folder]).added
        assert [s.quote for s in store.unlinked_mentions(tag.entity_id) if s.article_id == added[1]] == ["Shoygu"]
    finally:
        store.close()


@needs_postgres
def test_a_version_6_store_gets_its_designations_and_mi_35_finds_every_variant(pg_schema: str) -> None:
    """Version 6 searched designations as words: migrated, ``Mi-35`` finds Mi-35M and Ми-35 too."""
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    seed_if_empty(store)
    expected = {h.article_id for h in store.search("Mi-35")}
    store.close()
    assert len(expected) == 4
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:  # as version 6 left it
        conn.execute(
            f"UPDATE {pg_schema}.article_words SET search = ts_delete(search,"
            " ARRAY(SELECT w FROM unnest(tsvector_to_array(search)) w WHERE w LIKE '~%'))"
        )
        assert not conn.execute(f"SELECT 1 FROM {pg_schema}.article_words WHERE search @@ '~mi35'").fetchall()
        conn.execute(f"UPDATE {pg_schema}.meta SET value = '6' WHERE key = 'schema_version'")
    with pytest.raises(SchemaError, match=r"version 6.*store migrate"):
        Store.open(POSTGRES_URL, schema=pg_schema)
    migrated = dossier("--schema", pg_schema, "store", "migrate", "--store", POSTGRES_URL)
    assert migrated.returncode == 0, migrated.stderr
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    try:
        assert {h.article_id for h in store.search("Mi-35")} == expected
        assert {h.article_id for h in store.search("Ми-35М")} < expected
        assert store.search("Uzbekistan") and store.search('"military cooperation"')
    finally:
        store.close()

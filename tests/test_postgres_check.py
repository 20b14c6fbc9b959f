"""`dossier store check` on a server store: every record read back and judged; maintenance it leaves to pg_dump."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from store.copying import copy_store, open_backend
from store.postgres_check import check
from store.postgres_schema import SCHEMA_VERSION
from tests.conftest import POSTGRES_URL, ROOT
from tests.store_samples import rich_folder_store

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


def dossier(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "DOSSIER_SCHEMA"},
    )


@pytest.fixture
def server_store(tmp_path: Path, pg_schema: str) -> str:
    """The rich sample store, copied to the server in ``pg_schema``."""
    assert POSTGRES_URL is not None
    source = open_backend(rich_folder_store(tmp_path / "a"), schema=pg_schema, create=False)
    destination = open_backend(POSTGRES_URL, schema=pg_schema, create=True)
    copy_store(source, destination)
    source.close()
    destination.close()
    return pg_schema


def sql(statement: str) -> None:
    assert POSTGRES_URL is not None
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


@needs_postgres
def test_a_sound_store_checks_clean(server_store: str) -> None:
    assert POSTGRES_URL is not None
    done = dossier("store", "check", "--store", POSTGRES_URL, "--schema", server_store)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"version {SCHEMA_VERSION} (current: {SCHEMA_VERSION})" in done.stdout
    assert "6 articles, 12 annotations, 5 entities" in done.stdout
    assert done.stdout.count(", ok") == 3


@needs_postgres
def test_records_changed_by_hand_are_each_reported(server_store: str) -> None:
    assert POSTGRES_URL is not None
    s = server_store
    # A tag that quotes words its article does not have there.
    sql(f"UPDATE {s}.annotations SET doc = jsonb_set(doc, '{{quote}}', '\"not there\"') WHERE id = 'a-odd-Ж'")
    # A tag whose entity is gone, in its document and its column alike.
    sql(
        f"UPDATE {s}.annotations SET doc = jsonb_set(doc, '{{entity_id}}', '\"e-gone\"'), entity_id = 'e-gone'"
        f" WHERE id = (SELECT min(id) FROM {s}.annotations WHERE entity_id IS NOT NULL)"
    )
    # A column that disagrees with its document, and a search vector of other words.
    sql(f"UPDATE {s}.articles SET display_title = 'Hand-edited' WHERE id = 'odd-article-Ж'")
    sql(f"UPDATE {s}.article_words SET search = 'other:1' WHERE id = 'odd-article-Ж'")
    # A record of the wrong shape.
    sql(
        f"UPDATE {s}.annotations SET doc = jsonb_set(doc, '{{end}}', '\"far\"')"
        f" WHERE id = (SELECT max(id) FROM {s}.annotations WHERE id <> 'a-odd-Ж')"
    )
    # A span past the end of its text.
    sql(
        f"UPDATE {s}.annotations SET doc = jsonb_set(doc, '{{end}}', '999999')"
        f" WHERE id = (SELECT min(id) FROM {s}.annotations WHERE entity_id IS NULL AND id <> 'a-odd-Ж')"
    )
    # An entity whose names table lost a name.
    sql(f"DELETE FROM {s}.entity_names WHERE NOT canonical")
    # A count of an entity's articles that is not what its mentions say.
    sql(
        f"UPDATE {s}.entity_articles SET articles = articles + 7"
        f" WHERE entity_id = (SELECT max(entity_id) FROM {s}.entity_articles)"
    )
    health = check(POSTGRES_URL, s)
    problems = "\n".join(p for table in health.tables for p in table.problems)
    assert "annotation 'a-odd-Ж': it quotes 'not there' but its article says '«цитата»' there" in problems
    assert "its entity 'e-gone' does not exist" in problems
    assert "article 'odd-article-Ж': column display_title is 'Hand-edited'" in problems
    assert "article 'odd-article-Ж': its search words disagree" in problems
    assert "has an invalid span" in problems or "without a valid 'end'" in problems
    assert "its span" in problems and "is outside its article's text" in problems
    assert "its names (name and aliases as found) disagree" in problems
    assert re.search(r"entity '[^']+': its count of articles is \d+, its mentions are in \d+", problems)
    done = dossier("store", "check", "--store", POSTGRES_URL, "--schema", s)
    assert done.returncode == 2 and "problems" in done.stderr and "pg_restore" in done.stderr
    assert "\x1b" not in done.stdout


@needs_postgres
def test_a_tag_whose_article_is_gone_and_an_orphan_that_is_fine(server_store: str) -> None:
    assert POSTGRES_URL is not None
    s = server_store
    sql(f"DELETE FROM {s}.articles WHERE id = 'odd-article-Ж'")
    sql(
        f"UPDATE {s}.annotations SET doc = jsonb_set(jsonb_set(doc, '{{quote}}', '\"gone words\"'), '{{orphaned}}',"
        f" 'true'), orphaned = true, live = false WHERE id = (SELECT min(id) FROM {s}.annotations)"
    )
    health = check(POSTGRES_URL, s)
    [annotations] = [t for t in health.tables if t.table == "annotations"]
    assert annotations.problems == ["annotation 'a-odd-Ж': its article 'odd-article-Ж' does not exist"]


@needs_postgres
def test_other_versions_are_reported_without_reading_the_tables(server_store: str) -> None:
    assert POSTGRES_URL is not None
    sql(f"UPDATE {server_store}.meta SET value = '1' WHERE key = 'schema_version'")
    done = dossier("store", "check", "--store", POSTGRES_URL, "--schema", server_store)
    older = f"version 1, older than this Dossier's {SCHEMA_VERSION}: run `dossier store migrate`"
    assert done.returncode == 2 and older in done.stdout
    missing = dossier("store", "check", "--store", POSTGRES_URL, "--schema", "no_store_here")
    assert missing.returncode == 2 and "holds no Dossier store" in missing.stdout


@pytest.mark.parametrize("action", ["backups", "restore", "compact", "share"])
def test_file_maintenance_on_a_server_says_how_pg_dump_does_it(action: str) -> None:
    done = dossier("store", action, "--store", "postgresql://analyst:s3cret@dbhost/corpus", "--schema", "team_a")
    assert done.returncode == 2 and "Traceback" not in done.stderr and "s3cret" not in done.stderr
    assert f"store {action} is for folder stores" in done.stderr
    assert "pg_dump --format=custom --schema=team_a --file=dossier.dump postgresql://analyst@dbhost/" in done.stderr
    assert "pg_restore --clean --if-exists --dbname=postgresql://analyst@dbhost/corpus dossier.dump" in done.stderr

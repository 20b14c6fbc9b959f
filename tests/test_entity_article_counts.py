"""The server's count of each entity's articles stays what the mentions say, whatever changes them.

Related articles read these counts instead of counting mentions (:mod:`store.postgres_entity_articles`).
A count that drifts ranks related articles wrongly and silently, so the counts are attacked the
way they are changed: random tagging, retagging, untagging, undo and redo; bulk tagging; and two
processes tagging the same entity in the same articles at once.
"""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap

import psycopg
import pytest

from store import SaveError, Store, seed_if_empty
from tests.conftest import POSTGRES_URL, ROOT

ENTITIES = ["Uzbekistan", "Russia", "CSTO", "Sergey Shoigu", "Tashkent"]


def kept_and_counted(schema: str) -> tuple[dict[str, int], dict[str, int]]:
    assert POSTGRES_URL is not None
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        kept = dict(  # a row of 0 is an entity no article mentions any more
            conn.execute(f"SELECT entity_id, articles FROM {schema}.entity_articles WHERE articles <> 0").fetchall()
        )
        counted = dict(
            conn.execute(
                f"SELECT entity_id, count(DISTINCT article_id) FROM {schema}.annotations"
                " WHERE entity_id IS NOT NULL GROUP BY entity_id"
            ).fetchall()
        )
    return kept, counted


def word_spans(store: Store) -> list[tuple[str, int, int]]:
    spans = []
    for article in store.articles():
        position = 0
        for word in article.text.split()[:60]:
            start = article.text.index(word, position)
            position = start + len(word)
            spans.append((article.id, start, position))
    return spans


def test_random_tagging_untagging_undo_and_redo_keep_the_counts(pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    seed_if_empty(store)
    rng = random.Random(20261206)
    spans = word_spans(store)
    try:
        for step in range(160):
            tags = store.annotations()
            roll = rng.random()
            if roll < 0.35 or not tags:
                article_id, start, end = rng.choice(spans)
                store.annotate(article_id, start, end, entity=rng.choice(ENTITIES), entity_type="ORG")
            elif roll < 0.45:
                items = [
                    {"article_id": a, "start": s, "end": e, "entity": rng.choice(ENTITIES), "entity_type": "ORG"}
                    for a, s, e in rng.sample(spans, 12)
                ]
                store.annotate_many(items)
            elif roll < 0.6:
                tag = rng.choice(tags)
                store.update_annotation(tag.id, entity=rng.choice([*ENTITIES, None]), entity_type="ORG")
            elif roll < 0.75:
                store.remove_annotation(rng.choice(tags).id)
            elif roll < 0.9 and store.can_undo():
                store.undo()
            elif store.can_redo():
                store.redo()
            if step % 10 == 9:
                kept, counted = kept_and_counted(pg_schema)
                assert kept == counted, step
        kept, counted = kept_and_counted(pg_schema)
        assert kept == counted and len(kept) >= 3
    finally:
        store.close()


TAGGER = textwrap.dedent(
    """
    import sys
    from store import Store
    url, schema, name, rounds = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    store = Store.open(url, schema=schema)
    articles = sorted(store.articles(), key=lambda a: a.id)
    for round_ in range(rounds):
        for article in articles:
            start = (round_ * 7 + len(name)) % max(len(article.text) - 10, 1)
            tag = store.annotate(article.id, start, start + 5, entity="Shared entity", entity_type="ORG")
            if round_ % 2:
                store.remove_annotation(tag.id)
    store.close()
    """
)


def test_two_processes_tagging_one_entity_in_the_same_articles_keep_its_count(pg_schema: str) -> None:
    """Both add the entity's first mention to the same articles at once: each article counts once."""
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    seed_if_empty(store)
    store.close()
    runs = [
        subprocess.Popen([sys.executable, "-c", TAGGER, POSTGRES_URL, pg_schema, name, "6"], cwd=ROOT)
        for name in ("alice", "bob")
    ]
    assert [run.wait(timeout=300) for run in runs] == [0, 0]
    kept, counted = kept_and_counted(pg_schema)
    assert kept == counted and list(counted.values()) == [5]


def test_a_drifted_count_is_reported_by_check_and_made_right_by_migrate(pg_schema: str) -> None:
    """A count written around the code (by hand, an old tool) is found, and one command repairs it."""
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    seed_if_empty(store)
    article = next(a for a in store.articles() if "Tashkent" in a.text)
    start = article.text.index("Tashkent")
    store.annotate(article.id, start, start + len("Tashkent"), entity="Tashkent", entity_type="PLACE")
    store.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"UPDATE {pg_schema}.entity_articles SET articles = 40")
    cli = [sys.executable, "-m", "tui", "--schema", pg_schema, "store"]
    checked = subprocess.run([*cli, "check", "--store", POSTGRES_URL], capture_output=True, text=True, cwd=ROOT)
    assert checked.returncode == 2 and "its count of articles is 40, its mentions are in 1" in checked.stdout
    assert "`dossier store migrate` counts the entities' articles again" in checked.stderr
    migrated = subprocess.run([*cli, "migrate", "--store", POSTGRES_URL], capture_output=True, text=True, cwd=ROOT)
    assert migrated.returncode == 0 and "recounted (1 corrected)" in migrated.stdout, migrated
    kept, counted = kept_and_counted(pg_schema)
    assert kept == counted == {next(iter(counted)): 1}
    again = subprocess.run([*cli, "check", "--store", POSTGRES_URL], capture_output=True, text=True, cwd=ROOT)
    assert again.returncode == 0, again.stdout + again.stderr


def test_a_process_open_while_its_store_changes_version_saves_nothing(pg_schema: str) -> None:
    """An analyst's app left open while an admin migrates the store (here: to a version from the
    future) must not write tables it no longer keeps as they are kept: the save is refused whole."""
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    seed_if_empty(store)
    article = store.articles()[0]
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        conn.execute(f"UPDATE {pg_schema}.meta SET value = '99' WHERE key = 'schema_version'")
    try:
        with pytest.raises(SaveError, match="changed to version 99 while Dossier"):
            store.annotate(article.id, 0, 4, entity="Somebody", entity_type="PERSON")
    finally:
        store.close()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        assert conn.execute(f"SELECT count(*) FROM {pg_schema}.annotations").fetchone() == (0,)
        assert conn.execute(f"SELECT count(*) FROM {pg_schema}.entities").fetchone() == (0,)

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

from store import Store, seed_if_empty
from tests.conftest import POSTGRES_URL, ROOT

ENTITIES = ["Uzbekistan", "Russia", "CSTO", "Sergey Shoigu", "Tashkent"]


def kept_and_counted(schema: str) -> tuple[dict[str, int], dict[str, int]]:
    assert POSTGRES_URL is not None
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        kept = dict(conn.execute(f"SELECT entity_id, articles FROM {schema}.entity_articles").fetchall())
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

"""Attacks on the server's count of each entity's articles (``entity_articles``).

Each test names what broke: a write path after which the kept counts disagreed with a recount
of the mentions (``count(DISTINCT article_id)`` per entity), so related articles were weighed
wrongly without any error.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest

from store import Store, seed_if_empty
from store.changes import ANNOTATIONS, Change, Changeset
from store.postgres_backend import PostgresBackend
from tests.conftest import POSTGRES_URL, span_of
from tests.test_entity_article_counts import kept_and_counted

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


@pytest.fixture
def schema() -> Iterator[str]:
    name = f"test_atk_{uuid.uuid4().hex[:12]}"
    yield name
    with psycopg.connect(POSTGRES_URL or "", autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')


def _tagged(schema: str) -> tuple[Store, str, str]:
    """A seeded store with one mention of "Uzbekistan"; (store, its tag's id, the other entity's id)."""
    store = Store.open(POSTGRES_URL or "", schema=schema)
    seed_if_empty(store)
    article = next(a for a in store.articles() if "Uzbekistan" in a.text)
    tag = store.annotate(article.id, *span_of(article, "Uzbekistan"), entity="Uzbekistan", entity_type="PLACE")
    other = next(a for a in store.articles() if "Tashkent" in a.text)
    tashkent = store.annotate(other.id, *span_of(other, "Tashkent"), entity="Tashkent", entity_type="PLACE")
    return store, tag.id, tashkent.entity_id or ""


@pytest.mark.parametrize("deleting", [False, True], ids=["retagged", "deleted"])
def test_a_changeset_whose_before_is_not_what_is_stored_keeps_the_counts(schema: str, deleting: bool) -> None:
    """Broke: the counts moved by the (entity, article) pairs of each change's *before* as the
    writer believed it, while the write replaces (or deletes) what is *stored*. A changeset
    whose before is stale (another analyst retagged the mention since; a backend caller that
    planned from an old copy) left the stored entity's count one article too high for ever.
    """
    store, tag_id, tashkent = _tagged(schema)
    stored = store.backend.docs(ANNOTATIONS, [tag_id])[tag_id]
    store.close()
    believed = {**stored, "entity_id": tashkent}  # what a stale writer thinks the tag says
    after = None if deleting else {**stored, "entity_id": None, "kind": "passage"}
    backend = PostgresBackend(POSTGRES_URL or "", schema=schema)
    try:
        with backend.transaction() as tx:
            tx.write(Changeset("stale", (Change(ANNOTATIONS, tag_id, believed, after),)))
    finally:
        backend.close()
    kept, counted = kept_and_counted(schema)
    assert kept == counted

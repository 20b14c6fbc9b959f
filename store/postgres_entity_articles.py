"""How many articles mention each entity, kept on the server as tags change.

Related articles weigh each shared entity by its rarity, ``log(1 + articles / its articles)``
(:mod:`store.postgres_related`). Counting an entity's articles when asked reads every mention
of it: at 200,000 articles, "Russia" has 50,000, and the count alone took 20-30 ms of each
question. So the count is kept in a table of its own (``entity_articles``), changed in the
transaction of every save that adds, moves or removes a mention: the (entity, article) pairs
the save touches are looked up before and after it, and each entity's count moves by the
pairs it gained less those it lost. What a save touches is taken from what is stored as well
as from its changes: a change's ``before`` is what its writer believed, and the write replaces
(or deletes) whatever the row holds. Saves hold the store's lock, so no two adjust one count at
once; a store made before the table existed gets it, counted afresh, from ``store migrate``
(:func:`store.postgres_migrations.count_entity_articles`).

Every mention counts, whatever its status, as in the folder store (:func:`store.xrefs.related`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import psycopg

from store.changes import ANNOTATIONS, Change
from store.postgres_schema import statement

Pair = tuple[str, str]


def touched_pairs(changes: Iterable[Change]) -> set[Pair]:
    """The (entity, article) pairs of the mentions a changeset writes, before and after."""
    pairs: set[Pair] = set()
    for change in changes:
        if change.table != ANNOTATIONS:
            continue
        for doc in (change.before, change.after):
            if doc is not None and doc.get("entity_id"):
                pairs.add((doc["entity_id"], doc["article_id"]))
    return pairs


def touched_keys(changes: Iterable[Change]) -> list[str]:
    """The ids of the annotations a changeset writes or deletes."""
    return sorted({change.key for change in changes if change.table == ANNOTATIONS})


def present(conn: psycopg.Connection[Any], schema: str, pairs: set[Pair], keys: Iterable[str] = ()) -> set[Pair]:
    """Which of ``pairs`` have at least one mention stored (in the open transaction).

    With ``keys``, the pairs of the annotations stored under those ids are answered too
    (present by definition): what a write of those ids may take away, whatever its changes
    believed they held.
    """
    keys = list(keys)
    if not pairs and not keys:
        return set()
    entities, articles = zip(*sorted(pairs), strict=True) if pairs else ((), ())
    rows = conn.execute(
        statement(
            "SELECT p.e, p.a FROM unnest(%s::text[], %s::text[]) AS p(e, a)"
            " WHERE EXISTS (SELECT 1 FROM {s}.annotations n WHERE n.entity_id = p.e AND n.article_id = p.a)"
            " UNION SELECT entity_id, article_id FROM {s}.annotations WHERE id = ANY(%s) AND entity_id IS NOT NULL",
            schema,
        ),
        (list(entities), list(articles), keys),
    ).fetchall()
    return {(entity, article) for entity, article in rows}


def adjust(conn: psycopg.Connection[Any], schema: str, pairs: set[Pair], before: set[Pair]) -> None:
    """After the write: look ``pairs`` up again and move each entity's count, in one statement.

    An entity's count moves by the pairs it gained (present now, not in ``before``) less those
    it lost. A count that falls to 0 stays as a row of 0 (no article mentions the entity): a
    count below 0 would show that something wrote around this code, and ``store check`` says so.
    """
    if not pairs:
        return
    ordered = sorted(pairs)
    conn.execute(
        statement(
            "WITH p(e, a, was) AS (SELECT * FROM unnest(%s::text[], %s::text[], %s::bool[])),"
            " moved AS (SELECT p.e, sum((EXISTS (SELECT 1 FROM {s}.annotations n"
            "   WHERE n.entity_id = p.e AND n.article_id = p.a))::int - p.was::int) AS d FROM p GROUP BY p.e)"
            " INSERT INTO {s}.entity_articles SELECT e, d FROM moved WHERE d <> 0"
            " ON CONFLICT (entity_id) DO UPDATE SET articles = {s}.entity_articles.articles + excluded.articles",
            schema,
        ),
        ([e for e, _ in ordered], [a for _, a in ordered], [pair in before for pair in ordered]),
    )

"""How one changeset is written on the server: its records, the counts that follow them, its log row.

Split from :mod:`store.postgres_backend`, which holds the connection, the lock and what happens
when a COMMIT is cut off: what a save writes, and in which order, is an idea of its own. Runs
in the caller's open transaction, under the store's lock.
"""

from __future__ import annotations

from typing import Any

import psycopg

from store import postgres_entity_articles as entity_articles
from store import postgres_schema as schema_sql
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Change, Changeset, Doc
from store.postgres_prepared import PreparedArticles
from store.postgres_vocabulary import VocabularyWriter


def write_changeset(
    conn: psycopg.Connection[Any],
    schema: str,
    changeset: Changeset,
    ref: str,
    vocabulary: VocabularyWriter,
    prepared: PreparedArticles,
) -> int:
    """Upsert and delete the records and log the changeset under ``ref``; the log row's ``seq``.

    The words of the articles written join the corpus's vocabulary (:mod:`store.postgres_vocabulary`).
    Articles' rows and words come from ``prepared`` when an import made them ahead.
    """
    upserts: dict[str, dict[str, Doc]] = {ENTITIES: {}, ARTICLES: {}, ANNOTATIONS: {}}
    deletes: dict[str, set[str]] = {ENTITIES: set(), ARTICLES: set(), ANNOTATIONS: set()}
    for change in changeset.changes:
        if change.after is None:
            upserts[change.table].pop(change.key, None)
            deletes[change.table].add(change.key)
        else:
            deletes[change.table].discard(change.key)
            upserts[change.table][change.key] = change.after
    # Each entity's count of articles moves with the mentions (see store.postgres_entity_articles).
    pairs = entity_articles.touched_pairs(changeset.changes)
    keys = entity_articles.touched_keys(changeset.changes)
    mentioned = entity_articles.present(conn, schema, pairs, keys)
    pairs |= mentioned  # what is stored under the keys, whatever the changes believed
    made = {key: prepared.take(doc) for key, doc in upserts[ARTICLES].items()}
    for table in (ENTITIES, ARTICLES, ANNOTATIONS):
        row_of = (lambda doc: made[doc["id"]][0]) if table == ARTICLES else None
        schema_sql.write_docs(conn, schema, table, list(upserts[table].values()), row_of)
    for table in (ANNOTATIONS, ARTICLES, ENTITIES):
        schema_sql.delete_docs(conn, schema, table, sorted(deletes[table]))
    entity_articles.adjust(conn, schema, pairs, mentioned)
    vocabulary.add(conn, schema, set().union(*(words for _row, words in made.values())))
    logged = [[c.table, c.key, *_logged(c)] for c in changeset.changes]
    row = conn.execute(
        schema_sql.statement(
            "INSERT INTO {s}.changesets (label, changes, ref) VALUES (%s, %s, %s) RETURNING seq", schema
        ),
        (changeset.label, schema_sql.json_value(logged), ref),
    ).fetchone()
    assert row is not None
    return int(row[0])


def _logged(change: Change) -> tuple[Doc | None, Doc | None]:
    """A change as the log keeps it: article texts only where they changed.

    The articles table has the new text; the log keeps an old one only when it was replaced
    (a re-import), as another analyst's store still plans on it until it takes the change in.
    """
    before, after = change.before, change.after
    if change.table != ARTICLES:
        return before, after
    if after is not None:
        after = {key: value for key, value in after.items() if key != "text"}
        if before is not None and before.get("text") == change.after.get("text"):  # type: ignore[union-attr]
            before = {key: value for key, value in before.items() if key != "text"}
    return before, after

"""Versioned migrations of a store on PostgreSQL, one step per version, each one transaction.

Split from :mod:`store.postgres_schema`, which says what the tables of this version are: these
steps say how a store of an older version becomes one. ``dossier store migrate`` runs them (and,
at the current version, counts the entities' articles again: :func:`count_entity_articles`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from psycopg import sql

from store import postgres_vocabulary
from store.backend import SchemaError
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Doc
from store.postgres_schema import (
    ENTITY_ARTICLES_DDL,
    ENTITY_ARTICLES_TABLE,
    PASSAGES_INDEX,
    SCHEMA_VERSION,
    TABLES_DDL,
    VOCABULARY_DDL,
    VOCABULARY_TABLE,
    WORDS_DDL,
    WORDS_TABLE,
    entity_names,
    newer_message,
    statement,
    trigram_index,
    version,
    write_docs,
)
from store.postgres_search import designation_lexemes


def _from_1(conn: psycopg.Connection[Any], schema: str) -> int:
    """Version 1 kept every record in one ``records`` table: move them into tables of their own.

    The records are written into the tables of this version, which it reaches in one step.
    """
    old_log = statement("ALTER TABLE {s}.changesets RENAME TO changesets_v1", schema)
    conn.execute(old_log)
    conn.execute(statement("ALTER TABLE {s}.meta RENAME TO meta_v1", schema))
    for template in TABLES_DDL:
        conn.execute(statement(template, schema))
    trigram_index(conn, schema)
    conn.execute(statement("INSERT INTO {s}.meta SELECT * FROM {s}.meta_v1", schema))
    conn.execute(statement("INSERT INTO {s}.changesets SELECT * FROM {s}.changesets_v1", schema))
    conn.execute(
        statement(
            "SELECT setval(pg_get_serial_sequence(%s, 'seq'), coalesce((SELECT max(seq) FROM {s}.changesets), 0) + 1,"
            " false)",
            schema,
        ),
        (f'"{schema}".changesets',),
    )
    for table in (ENTITIES, ARTICLES, ANNOTATIONS):
        for docs in _batches(conn, statement("SELECT doc FROM {s}.records WHERE tbl = %s ORDER BY id", schema), table):
            write_docs(conn, schema, table, docs)
    count_entity_articles(conn, schema)
    for name in ("records", "changesets_v1", "meta_v1"):
        conn.execute(statement("DROP TABLE {s}.{t}", schema, t=name))
    return SCHEMA_VERSION


def _batches(conn: psycopg.Connection[Any], query: sql.Composed, table: str, size: int = 1000) -> Iterator[list[Doc]]:
    with conn.cursor(name=f"migrate_{table}") as cursor:
        cursor.execute(query, (table,))
        while rows := cursor.fetchmany(size):
            yield [row[0] for row in rows]


def _from_2(conn: psycopg.Connection[Any], schema: str) -> None:
    """Version 2 kept search vectors in the articles' rows: move them to a table of their own.

    The roles given rights on the articles get the same on the new table.
    """
    for template in WORDS_DDL:
        conn.execute(statement(template, schema))
    conn.execute(
        statement("INSERT INTO {s}.article_words SELECT id, sort_day, display_title, search FROM {s}.articles", schema)
    )
    conn.execute(statement("ALTER TABLE {s}.articles DROP COLUMN search", schema))
    _grant_like(conn, schema, ARTICLES, WORDS_TABLE)


def _from_3(conn: psycopg.Connection[Any], schema: str) -> None:
    """Version 3 kept each name's folded letters, in its own script: keep them in Latin letters.

    The picker then finds a name typed in another script (Шойгу for Shoigu) on the server as
    it does in a folder store. The names are made again from the entities.
    """
    conn.execute(statement("DELETE FROM {s}.entity_names", schema))
    insert = statement("INSERT INTO {s}.entity_names VALUES (%s, %s, %s, %s)", schema)
    with conn.cursor(name="migrate_entity_names") as reading, conn.cursor() as writing:
        reading.execute(statement("SELECT doc FROM {s}.entities ORDER BY id", schema))
        while rows := reading.fetchmany(1000):
            writing.executemany(insert, [names for (doc,) in rows for names in entity_names(doc)])


def _from_4(conn: psycopg.Connection[Any], schema: str) -> None:
    """Version 4 counted an entity's articles when asked (slow for a busy one): keep the counts.

    The roles that may write tags get the same rights on the counts as on the tags.
    """
    conn.execute(statement(ENTITY_ARTICLES_DDL, schema))
    count_entity_articles(conn, schema)
    _grant_like(conn, schema, ANNOTATIONS, ENTITY_ARTICLES_TABLE)


def _from_5(conn: psycopg.Connection[Any], schema: str) -> None:
    """Version 5 had no vocabulary: make it from the search vectors (an entity's unlinked mentions).

    Nor an index of the passages (annotations of no entity), listed across the corpus by label.

    The roles that may write articles get the same rights on it as on the articles' words.
    """
    for template in VOCABULARY_DDL:
        conn.execute(statement(template, schema))
    conn.execute(statement(PASSAGES_INDEX, schema))
    postgres_vocabulary.fill(conn, schema)
    _grant_like(conn, schema, WORDS_TABLE, VOCABULARY_TABLE)


def _from_6(conn: psycopg.Connection[Any], schema: str) -> None:
    """Version 6 searched designations as words: give each article's vector its designation keys.

    ``Mi-35`` then finds Mi-35M, Mi35 and Ми-35 (:mod:`store.designations`), as the folder
    store does. Only articles with a designation in their text are written.
    """
    query = statement("SELECT id, doc->>'text' FROM {s}.articles ORDER BY id", schema)
    update = statement("UPDATE {s}.article_words SET search = search || %s::tsvector WHERE id = %s", schema)
    with conn.cursor(name="migrate_designations") as cursor, conn.cursor() as writing:
        cursor.execute(query)
        while rows := cursor.fetchmany(1000):
            keys = [(lexemes, key) for key, text in rows if (lexemes := designation_lexemes(text or "").strip())]
            if keys:
                writing.executemany(update, keys)


def count_entity_articles(conn: psycopg.Connection[Any], schema: str) -> int:
    """Count every entity's articles afresh from the mentions (replacing what the table held).

    Returns how many entities' counts were wrong (0 after a sound history).
    """
    wrong = conn.execute(
        statement(
            "SELECT count(*) FROM {s}.entity_articles k FULL JOIN (SELECT entity_id, count(DISTINCT article_id) AS n"
            "   FROM {s}.annotations WHERE entity_id IS NOT NULL GROUP BY entity_id) c USING (entity_id)"
            " WHERE coalesce(k.articles, 0) <> coalesce(c.n, 0)",
            schema,
        )
    ).fetchone()
    conn.execute(statement("DELETE FROM {s}.entity_articles", schema))
    conn.execute(
        statement(
            "INSERT INTO {s}.entity_articles SELECT entity_id, count(DISTINCT article_id) FROM {s}.annotations"
            " WHERE entity_id IS NOT NULL GROUP BY entity_id",
            schema,
        )
    )
    return int(wrong[0]) if wrong else 0


def _grant_like(conn: psycopg.Connection[Any], schema: str, source: str, target: str) -> None:
    """Give every role the rights on ``target`` that it has on ``source`` (a new table of a store)."""
    grants = conn.execute(
        "SELECT grantee, privilege_type FROM information_schema.role_table_grants"
        " WHERE table_schema = %s AND table_name = %s AND grantee <> current_user",
        (schema, source),
    ).fetchall()
    for grantee, privilege in grants:
        conn.execute(
            sql.SQL("GRANT {} ON {} TO {}").format(
                sql.SQL(privilege), sql.Identifier(schema, target), sql.Identifier(grantee)
            )
        )


#: ``version → step`` that brings a store from that version to the next (or the version it reached).
MIGRATIONS: dict[int, Callable[[psycopg.Connection[Any], str], int | None]] = {
    1: _from_1,
    2: _from_2,
    3: _from_3,
    4: _from_4,
    5: _from_5,
    6: _from_6,
}


def migrate(conn: psycopg.Connection[Any], schema: str, progress: Callable[[int, int], None] | None = None) -> int:
    """Bring the store up to :data:`SCHEMA_VERSION`, one step per transaction; the version reached.

    Raises:
        SchemaError: there is no store there, or it is newer than this code.
    """
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dossier:{schema}",))
            current = version(conn, schema)
            if current is None:
                raise SchemaError(f"schema {schema!r} holds no Dossier store")
            if current > SCHEMA_VERSION:
                raise SchemaError(newer_message(schema, current))
            if current == SCHEMA_VERSION:
                return current
            reached = MIGRATIONS[current](conn, schema) or current + 1
            conn.execute(
                statement("UPDATE {s}.meta SET value = %s WHERE key = 'schema_version'", schema), (str(reached),)
            )
        if progress is not None:
            progress(reached, SCHEMA_VERSION)

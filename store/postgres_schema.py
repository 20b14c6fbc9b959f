"""The tables of a store on PostgreSQL, their versions, and the columns derived from documents.

Every record is kept whole as a JSON document (``doc``), as the folder store keeps it, beside
the columns the server needs to answer questions without the client holding the corpus: the
list's order and filter, the search vector, which article and entity a tag belongs to, and the
normalised names of entities (unique, so two analysts racing to create one name make one
entity). Those columns are computed here, in Python, with the same functions the folder store
uses (:func:`store.codec.name_key`, :func:`store.fuzzy.letters`, the search tokenizer), so both
stores answer alike.

Versions: ``meta.schema_version``. A new store is created at :data:`SCHEMA_VERSION`; an older
one is brought up by :func:`store.postgres_migrations.migrate` (``dossier store migrate``), one
step at a time, each in one transaction; a newer one is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from store import codec
from store.backend import SchemaError
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Doc
from store.fuzzy import letters
from store.listing import haystack
from store.postgres_search import vector_literal

#: Version of the tables this code reads and writes.
SCHEMA_VERSION = 7
#: The tables of a store, in its schema. Grants (``store grant``) are given per table.
RECORD_TABLES = (ARTICLES, ANNOTATIONS, ENTITIES)
LOG_TABLE = "changesets"
NAMES_TABLE = "entity_names"
#: Each article's search vector, with the list's order beside it (see ``WORDS_DDL``).
WORDS_TABLE = "article_words"
META_TABLE = "meta"
#: How many articles mention each entity (kept by :mod:`store.postgres_entity_articles`).
ENTITY_ARTICLES_TABLE = "entity_articles"
#: Every word of the corpus with its sound key (kept by :mod:`store.postgres_vocabulary`).
VOCABULARY_TABLE = "vocabulary"
VOCABULARY_DDL = [
    'CREATE TABLE {s}.vocabulary (word text COLLATE "C" PRIMARY KEY, sound text NOT NULL)',
    "CREATE INDEX vocabulary_sound ON {s}.vocabulary (sound)",
]
#: The passages (annotations of no entity), listed by label across the corpus (version 6).
PASSAGES_INDEX = "CREATE INDEX annotations_passages ON {s}.annotations (article_id) WHERE entity_id IS NULL"

# Statements with {s} standing for the store's schema (filled with psycopg.sql.Identifier).
# A search reads the word list of every article that may match (to check a phrase, to
# rank): kept in a table of their own, uncompressed in the row (STORAGE MAIN, rows up
# to a page before anything is moved out), they are read with the row instead of
# fetched and decompressed from the TOAST table one by one, and the articles' rows,
# which the list walks, stay small. "prime minister" at 50,000 BBC articles: 50-80 ms
# with the words in the articles' rows, 25-30 ms so.
WORDS_DDL = [
    """CREATE TABLE {s}.article_words (
        id text COLLATE "C" PRIMARY KEY REFERENCES {s}.articles (id) ON DELETE CASCADE,
        sort_day integer NOT NULL,
        display_title text COLLATE "C" NOT NULL,
        search tsvector NOT NULL) WITH (toast_tuple_target = 8160)""",
    "ALTER TABLE {s}.article_words ALTER COLUMN search SET STORAGE MAIN",
    "CREATE INDEX ON {s}.article_words USING gin (search)",
    "CREATE INDEX article_words_order ON {s}.article_words (sort_day, display_title, id)",
]
ENTITY_ARTICLES_DDL = (
    'CREATE TABLE {s}.entity_articles (entity_id text COLLATE "C" PRIMARY KEY, articles integer NOT NULL)'
)
TABLES_DDL = [
    "CREATE TABLE {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE {s}.articles (
        id text COLLATE "C" PRIMARY KEY,
        doc jsonb NOT NULL,
        origin text,
        display_title text COLLATE "C" NOT NULL,
        source text, author text, published date,
        sort_day integer NOT NULL,
        haystack text NOT NULL)""",
    "CREATE INDEX ON {s}.articles (origin)",
    "CREATE INDEX articles_order ON {s}.articles (sort_day, display_title, id)",
    *WORDS_DDL,
    """CREATE TABLE {s}.annotations (
        id text COLLATE "C" PRIMARY KEY,
        doc jsonb NOT NULL,
        article_id text COLLATE "C" NOT NULL,
        entity_id text COLLATE "C",
        start integer NOT NULL,
        orphaned boolean NOT NULL,
        live boolean NOT NULL,
        labels text[] NOT NULL)""",
    "CREATE INDEX ON {s}.annotations (article_id)",
    "CREATE INDEX ON {s}.annotations (entity_id, article_id) WHERE entity_id IS NOT NULL",
    "CREATE INDEX ON {s}.annotations (id) WHERE labels <> '{{}}'",
    PASSAGES_INDEX,
    """CREATE TABLE {s}.entities (
        id text COLLATE "C" PRIMARY KEY,
        doc jsonb NOT NULL,
        name_key text NOT NULL,
        type text NOT NULL,
        name text NOT NULL,
        UNIQUE (name_key) DEFERRABLE INITIALLY DEFERRED)""",
    """CREATE TABLE {s}.entity_names (
        entity_id text COLLATE "C" NOT NULL REFERENCES {s}.entities (id) ON DELETE CASCADE,
        name_key text NOT NULL,
        squashed text NOT NULL,
        canonical boolean NOT NULL,
        PRIMARY KEY (entity_id, name_key))""",
    "CREATE INDEX ON {s}.entity_names (name_key)",
    ENTITY_ARTICLES_DDL,
    *VOCABULARY_DDL,
    """CREATE TABLE {s}.changesets (
        seq bigserial PRIMARY KEY,
        author text NOT NULL DEFAULT current_user,
        at timestamptz NOT NULL DEFAULT now(),
        label text NOT NULL,
        changes jsonb NOT NULL,
        ref text UNIQUE)""",
]
# Worth having where the server offers pg_trgm (a trusted extension since PostgreSQL 13): the
# list filter's LIKE '%word%' then uses an index instead of reading every title.
_TRIGRAMS = "CREATE INDEX ON {s}.articles USING gin (haystack {t}.gin_trgm_ops)"


def not_rejected(alias: str = "") -> str:
    """The SQL condition that an annotation is not a rejected suggestion (see ``View.rejections``)."""
    return f"({alias + '.' if alias else ''}doc->>'status') IS DISTINCT FROM 'rejected'"


def statement(template: str, schema: str, **names: str) -> sql.Composed:
    """A statement of the store's schema, every name quoted as an identifier."""
    return sql.SQL(template).format(s=sql.Identifier(schema), **{k: sql.Identifier(v) for k, v in names.items()})


def version(conn: psycopg.Connection[Any], schema: str) -> int | None:
    """The store's schema version; ``None`` when there is no store in that schema."""
    if conn.execute("SELECT to_regclass(%s)", (f'"{schema}".meta',)).fetchone() == (None,):
        return None
    row = conn.execute(statement("SELECT value FROM {s}.meta WHERE key = 'schema_version'", schema)).fetchone()
    if row is None or not str(row[0]).isdigit():
        raise SchemaError(f"schema {schema!r} holds a table 'meta' that is not a Dossier store's")
    return int(row[0])


def holds_store(url: str, schema: str) -> bool:
    """Whether ``schema`` on the server at ``url`` holds a Dossier store (asked without creating one).

    For commands that only read: opening a store would create an empty one in a mistyped
    schema. Raises :class:`~store.backend.StoreConnectionError` when the server does not answer.
    """
    from store.postgres_connection import connect

    # The catalogs, not to_regclass: a role without rights in the schema may still ask whether
    # it exists, and opening it then says what the role may not do.
    with connect(url) as conn:
        found = conn.execute(
            "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relname = 'meta'",
            (schema,),
        ).fetchone()
        return found is not None


def create(conn: psycopg.Connection[Any], schema: str) -> None:
    """Create the store's tables at the current version (in the caller's transaction)."""
    if conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None:
        # Only when missing: CREATE SCHEMA IF NOT EXISTS needs the right to create schemas even
        # when the schema is there (an owner given one by an administrator may not have it).
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))
    for template in TABLES_DDL:
        conn.execute(statement(template, schema))
    trigram_index(conn, schema)
    conn.execute(
        statement("INSERT INTO {s}.meta VALUES ('schema_version', %s)", schema),
        (str(SCHEMA_VERSION),),
    )


def trigram_index(conn: psycopg.Connection[Any], schema: str) -> None:
    """Index the list filter with trigrams when pg_trgm is (or can be) installed; skip it if not."""
    found = conn.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    ).fetchone()
    if found is None:
        try:
            with conn.transaction():
                conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except psycopg.Error:
            return  # not offered to this role: the filter reads the titles instead
        found = conn.execute(
            "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
            " WHERE e.extname = 'pg_trgm'"
        ).fetchone()
    if found is not None:
        conn.execute(statement(_TRIGRAMS, schema, t=found[0]))


# ---------------------------------------------------------------------- rows from documents


def _dumps(value: Any) -> bytes | str:
    """JSON for the server, by orjson (several times faster than ``json`` for an article's text).

    What orjson refuses (a lone surrogate) goes through ``json``, and the server then says why
    it refuses it, as it did before.
    """
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value)


def json_value(value: Any) -> Jsonb:
    """A document or a log entry as a ``jsonb`` parameter."""
    return Jsonb(value, dumps=_dumps)


def article_row(doc: Doc, *, search: str | None = None) -> dict[str, Any]:
    """The columns of an article: order, row details, filter text, search vector.

    ``search`` is the vector when it was made already from this article's title and text.
    """
    article = codec.article_record(doc)
    published = article.published
    return {
        "id": article.id,
        "doc": json_value(doc),
        "origin": article.origin or None,
        "display_title": article.display_title,
        "source": article.source,
        "author": article.author,
        "published": published,
        "sort_day": -published.toordinal() if published else 1,
        "haystack": haystack(article.display_title, article.source, article.author, published),
        "search": vector_literal(article.title, article.text) if search is None else search,
    }


def annotation_row(doc: Doc) -> dict[str, Any]:
    """The columns of an annotation: its article and entity, and whether it counts as live."""
    return {
        "id": doc["id"],
        "doc": json_value(doc),
        "article_id": doc["article_id"],
        "entity_id": doc.get("entity_id") or None,
        "start": doc["start"],
        "orphaned": bool(doc.get("orphaned")),
        "live": not doc.get("orphaned") and doc.get("status") != "rejected",
        "labels": list(doc.get("labels", ())),
    }


def entity_row(doc: Doc) -> dict[str, Any]:
    """The columns of an entity (its normalised name is unique in the store)."""
    return {
        "id": doc["id"],
        "doc": json_value(doc),
        "name_key": codec.name_key(doc["name"]),
        "type": doc["type"],
        "name": doc["name"],
    }


def entity_names(doc: Doc) -> list[tuple[str, str, str, bool]]:
    """(entity id, name key, the name's letters in Latin script, canonical) for the name and each alias."""
    seen: dict[str, tuple[str, str, str, bool]] = {}
    for number, name in enumerate([doc["name"], *doc.get("aliases", [])]):
        key = codec.name_key(name)
        seen.setdefault(key, (doc["id"], key, letters(name), number == 0))
    return list(seen.values())


#: The columns each row function gives, in the tables' order.
COLUMNS: dict[str, tuple[str, ...]] = {
    ARTICLES: (
        "id",
        "doc",
        "origin",
        "display_title",
        "source",
        "author",
        "published",
        "sort_day",
        "haystack",
    ),
    ANNOTATIONS: ("id", "doc", "article_id", "entity_id", "start", "orphaned", "live", "labels"),
    ENTITIES: ("id", "doc", "name_key", "type", "name"),
}
#: The columns of :data:`WORDS_TABLE`, from an article's row.
WORDS_COLUMNS = ("id", "sort_day", "display_title", "search")
ROWS: dict[str, Callable[[Doc], dict[str, Any]]] = {
    ARTICLES: article_row,
    ANNOTATIONS: annotation_row,
    ENTITIES: entity_row,
}


def upsert(table: str, schema: str) -> sql.Composed:
    """``INSERT … ON CONFLICT (id) DO UPDATE`` of every column of ``table``'s rows."""
    columns = WORDS_COLUMNS if table == WORDS_TABLE else COLUMNS[table]
    cast = {"search": "::tsvector"}
    return sql.SQL("INSERT INTO {t} ({cols}) VALUES ({vals}) ON CONFLICT (id) DO UPDATE SET {sets}").format(
        t=sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table)),
        cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
        vals=sql.SQL(", ").join(sql.SQL(f"%({c})s{cast.get(c, '')}") for c in columns),
        sets=sql.SQL(", ").join(
            sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c)) for c in columns if c != "id"
        ),
    )


def newer_message(schema: str, found: int) -> str:
    """What to say about a store made by a newer Dossier."""
    return (
        f"schema {schema!r} is a store of version {found}, newer than this Dossier (version {SCHEMA_VERSION}):"
        " upgrade Dossier to open it"
    )


#: Rows made and sent at a time by :func:`write_docs` (a few hundred kilobytes of articles).
ROWS_PER_SEND = 50


def write_docs(
    conn: psycopg.Connection[Any],
    schema: str,
    table: str,
    docs: list[Doc],
    make_row: Callable[[Doc], dict[str, Any]] | None = None,
) -> None:
    """Upsert documents of one table with their derived columns (and an entity's names).

    ``make_row`` makes a document's row when the caller has made some already
    (:mod:`store.postgres_prepared`); by default the table's own function.

    Runs under the store's lock, so an article absent now stays absent until the commit: new
    articles (an import's) are streamed with ``COPY``, which costs the server and this process
    about half what a row-by-row upsert does; the others are upserted.
    """
    if not docs:
        return
    row_of = make_row or ROWS[table]
    if table == ARTICLES:
        stored = {
            row[0]
            for row in conn.execute(
                statement("SELECT id FROM {s}.articles WHERE id = ANY(%s)", schema), ([doc["id"] for doc in docs],)
            )
        }
        _copy_articles(conn, schema, [doc for doc in docs if doc["id"] not in stored], row_of)
        docs = [doc for doc in docs if doc["id"] in stored]
        if not docs:
            return
    with conn.pipeline(), conn.cursor() as cursor:
        # In pipeline mode each chunk is sent as soon as its rows are made: the server stores
        # one chunk (its indexes are most of an import's server time) while the next is made.
        for start in range(0, len(docs), ROWS_PER_SEND):
            rows = [row_of(doc) for doc in docs[start : start + ROWS_PER_SEND]]
            cursor.executemany(upsert(table, schema), rows)
            if table == ARTICLES:
                cursor.executemany(upsert(WORDS_TABLE, schema), rows)
        if table == ENTITIES:
            keys = [doc["id"] for doc in docs]
            cursor.execute(statement("DELETE FROM {s}.entity_names WHERE entity_id = ANY(%s)", schema), (keys,))
            cursor.executemany(
                statement("INSERT INTO {s}.entity_names VALUES (%s, %s, %s, %s)", schema),
                [names for doc in docs for names in entity_names(doc)],
            )


def _copy_articles(
    conn: psycopg.Connection[Any], schema: str, docs: list[Doc], row_of: Callable[[Doc], dict[str, Any]]
) -> None:
    """Stream new articles and their search vectors into their tables (each row made once)."""
    if not docs:
        return
    words: list[tuple[Any, ...]] = []
    with conn.cursor() as cursor:
        with cursor.copy(copy_into(ARTICLES, schema, COLUMNS[ARTICLES])) as copy:
            for doc in docs:
                row = row_of(doc)
                copy.write_row([row[column] for column in COLUMNS[ARTICLES]])
                words.append(tuple(row[column] for column in WORDS_COLUMNS))
        with cursor.copy(copy_into(WORDS_TABLE, schema, WORDS_COLUMNS)) as copy:
            for values in words:
                copy.write_row(values)


def copy_into(table: str, schema: str, columns: tuple[str, ...]) -> sql.Composed:
    """``COPY table (columns) FROM STDIN`` in the store's schema."""
    return sql.SQL("COPY {s}.{t} ({cols}) FROM STDIN").format(
        s=sql.Identifier(schema), t=sql.Identifier(table), cols=sql.SQL(", ").join(map(sql.Identifier, columns))
    )


def delete_docs(conn: psycopg.Connection[Any], schema: str, table: str, keys: list[str]) -> None:
    """Delete records of one table (an entity's names go with it)."""
    if keys:
        conn.execute(statement("DELETE FROM {s}.{t} WHERE id = ANY(%s)", schema, t=table), (keys,))

"""Checking a store on PostgreSQL record by record (``dossier store check`` on a URL).

The folder store's check loads its files; a server has no files to load, and its failure modes
are others: a record edited by hand in ``psql``, a restore of half a dump, columns computed by
an older or buggy writer. So this check reads every record, in batches on a server-side cursor
(the corpus is never held in memory), all in one repeatable-read snapshot (so a save made
meanwhile does not show as a half-made problem), and reports:

* the schema version (another version's tables are not read: ``dossier store migrate``);
* each record's shape, by the same rule a folder store applies when it loads
  (:func:`store.codec.problem`);
* each row's columns against its document, recomputed by the very functions that wrote them
  (:data:`store.postgres_schema.ROWS`): the questions the server answers use the columns, so a
  column that disagrees with its document gives wrong answers without any error;
* each tag's article and entity exist, and a tag's span is inside its article's text and quotes
  what the tag says it quotes (tags marked orphaned have lost their words on purpose).

It only reads: a role that may only read the store can check it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import psycopg

from store import codec
from store import postgres_schema as schema_sql
from store.backend import SchemaError
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Doc
from store.postgres_connection import connect
from store.postgres_schema import COLUMNS, ROWS, SCHEMA_VERSION, statement

#: Records per fetch from the server.
BATCH = 500
#: Problems named per table; the rest are counted.
NAMED = 20
#: The order tables are read in: a tag is checked against the entities already read.
ORDER = (ENTITIES, ARTICLES, ANNOTATIONS)
_SINGULAR = {ARTICLES: "article", ANNOTATIONS: "annotation", ENTITIES: "entity"}
#: Columns compared by the server (a ``tsvector`` literal means what the server parses it to).
_ON_SERVER = frozenset({"doc", "search"})


@dataclass(slots=True)
class TableHealth:
    """One table's records and what is wrong with them."""

    table: str
    count: int = 0
    problems: list[str] = field(default_factory=list)
    #: Problems found beyond the :data:`NAMED` listed.
    more: int = 0

    def add(self, key: str, problem: str) -> None:
        """Note a problem of record ``key``."""
        if len(self.problems) < NAMED:
            self.problems.append(f"{_SINGULAR[self.table]} {_short(key)}: {problem}")
        else:
            self.more += 1

    @property
    def problem_count(self) -> int:
        """How many problems were found in this table."""
        return len(self.problems) + self.more


@dataclass(slots=True)
class ServerHealth:
    """What :func:`check` found."""

    version: int | None
    #: Why the tables were not read (no store, another version), or ``None``.
    version_problem: str | None = None
    tables: list[TableHealth] = field(default_factory=list)

    @property
    def problem_count(self) -> int:
        """Problems in all, the version's included."""
        return (self.version_problem is not None) + sum(table.problem_count for table in self.tables)


def _short(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check(url: str, schema: str, batch: int = BATCH) -> ServerHealth:
    """Read every record of the store in ``schema`` and report what is wrong (see the module docstring).

    Raises:
        StoreConnectionError: the server cannot be reached.
    """
    conn = connect(url)
    try:
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            try:
                found = schema_sql.version(conn, schema)
            except SchemaError as exc:
                return ServerHealth(None, str(exc))
            if found is None:
                return ServerHealth(None, f"schema {schema!r} holds no Dossier store")
            if found > SCHEMA_VERSION:
                return ServerHealth(found, schema_sql.newer_message(schema, found))
            if found < SCHEMA_VERSION:
                return ServerHealth(
                    found, f"version {found}, older than this Dossier's {SCHEMA_VERSION}: run `dossier store migrate`"
                )
            checker = _Checker(conn, schema, batch)
            return ServerHealth(found, None, [checker.entities(), checker.articles(), checker.annotations()])
    finally:
        conn.close()


class _Checker:
    """The passes over the tables, sharing what one pass learns (the entities' ids)."""

    def __init__(self, conn: psycopg.Connection[Any], schema: str, batch: int) -> None:
        self.conn = conn
        self.schema = schema
        self.batch = batch
        self.entity_ids: set[str] = set()

    def _rows(self, table: str, order: str = "id") -> Any:
        """Batches of rows (``dict`` per row) of the table's columns, on a server cursor."""
        columns = COLUMNS[table]
        query = statement(f"SELECT {', '.join(columns)} FROM {{s}}.{table} ORDER BY {order}", self.schema)
        with self.conn.cursor(name=f"check_{table}") as cursor:
            cursor.execute(query)
            while rows := cursor.fetchmany(self.batch):
                yield [dict(zip(columns, row, strict=True)) for row in rows]

    def _record(self, health: TableHealth, row: dict[str, Any]) -> tuple[Doc, dict[str, Any]] | None:
        """The row's document and the columns it makes, if it is a usable record; else noted.

        Columns that disagree with the document are noted too (the record is still usable).
        """
        health.count += 1
        doc, key = row["doc"], row["id"]
        problem = codec.problem(health.table, doc)
        if problem is not None:
            health.add(key, problem)
            return None
        if doc["id"] != key:
            health.add(key, f"its row holds the document of {_short(doc['id'])}")
            return None
        try:
            expected = ROWS[health.table](doc)
        except (KeyError, TypeError, ValueError) as exc:
            health.add(key, f"its columns cannot be derived from its document ({type(exc).__name__}: {exc})")
            return None
        for column, value in expected.items():
            if column not in _ON_SERVER and row[column] != value:
                health.add(key, f"column {column} is {_short(row[column])}, its document says {_short(value)}")
        return doc, expected

    def entities(self) -> TableHealth:
        """Shapes, columns, and the names an entity is found by."""
        health = TableHealth(ENTITIES)
        names = statement(
            "SELECT entity_id, name_key, squashed, canonical FROM {s}.entity_names WHERE entity_id = ANY(%s)",
            self.schema,
        )
        for rows in self._rows(ENTITIES):
            docs = [found[0] for row in rows if (found := self._record(health, row)) is not None]
            self.entity_ids.update(row["id"] for row in rows)
            stored: dict[str, set[tuple[Any, ...]]] = {}
            for found in self.conn.execute(names, ([doc["id"] for doc in docs],)):
                stored.setdefault(found[0], set()).add(tuple(found))
            for doc in docs:
                if stored.get(doc["id"], set()) != set(schema_sql.entity_names(doc)):
                    health.add(doc["id"], "its names (name and aliases as found) disagree with its document")
        counts = statement(
            "SELECT coalesce(k.entity_id, c.entity_id), k.articles, c.articles FROM {s}.entity_articles k"
            " FULL JOIN (SELECT entity_id, count(DISTINCT article_id) AS articles FROM {s}.annotations"
            "   WHERE entity_id IS NOT NULL GROUP BY entity_id) c USING (entity_id)"
            " WHERE coalesce(k.articles, 0) <> coalesce(c.articles, 0) ORDER BY 1",
            self.schema,
        )
        for key, kept, counted in self.conn.execute(counts):
            health.add(key, f"its count of articles is {kept or 0}, its mentions are in {counted or 0}")
        return health

    def articles(self) -> TableHealth:
        """Shapes and columns, the search vector compared by the server."""
        health = TableHealth(ARTICLES)
        differ = statement(
            "SELECT e.id FROM unnest(%s::text[], %s::text[]) AS e(id, v) JOIN {s}.articles a ON a.id = e.id"
            " LEFT JOIN {s}.article_words w ON w.id = e.id"
            " WHERE w.search IS DISTINCT FROM e.v::tsvector OR w.sort_day IS DISTINCT FROM a.sort_day"
            " OR w.display_title IS DISTINCT FROM a.display_title ORDER BY e.id",
            self.schema,
        )
        for rows in self._rows(ARTICLES):
            expected = {
                found[0]["id"]: found[1]["search"] for row in rows if (found := self._record(health, row)) is not None
            }
            for (key,) in self.conn.execute(differ, (list(expected), list(expected.values()))):
                health.add(key, "its search words disagree with its title and text")
        return health

    def annotations(self) -> TableHealth:
        """Shapes, columns, that its article and entity exist, and that its span quotes its text."""
        health = TableHealth(ANNOTATIONS)
        texts_query = statement("SELECT id, doc->>'text' FROM {s}.articles WHERE id = ANY(%s)", self.schema)
        texts: dict[str, str] = {}
        # In article order, so one article's text is fetched once for all its tags.
        for rows in self._rows(ANNOTATIONS, order="article_id, id"):
            docs = [found[0] for row in rows if (found := self._record(health, row)) is not None]
            needed = {doc["article_id"] for doc in docs}
            texts = {key: text for key, text in texts.items() if key in needed}
            missing = sorted(needed - texts.keys())
            if missing:
                texts.update(self.conn.execute(texts_query, (missing,)).fetchall())
            for doc in docs:
                self._references(health, doc, texts.get(doc["article_id"]))
        return health

    def _references(self, health: TableHealth, doc: Doc, text: str | None) -> None:
        key = doc["id"]
        if doc.get("entity_id") is not None and doc["entity_id"] not in self.entity_ids:
            health.add(key, f"its entity {_short(doc['entity_id'])} does not exist")
        if text is None:
            health.add(key, f"its article {_short(doc['article_id'])} does not exist")
            return
        if doc.get("orphaned"):
            return  # its words are gone from the text, and it says so
        start, end = doc["start"], doc["end"]
        if end > len(text):
            health.add(key, f"its span {start}-{end} is outside its article's text (0-{len(text)})")
        elif text[start:end] != doc["quote"]:
            health.add(key, f"it quotes {_short(doc['quote'])} but its article says {_short(text[start:end])} there")

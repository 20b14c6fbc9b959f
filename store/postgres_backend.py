"""A backend on a PostgreSQL server: one store for a team across machines.

First step of the server backend (see ``store/README.md``): records live in one table of JSON
documents and every saved changeset in a log, in a schema of their own (default ``dossier``)::

    records(tbl, id, doc jsonb)            -- primary key (tbl, id)
    changesets(seq, author, at, label, changes jsonb)

* ``transaction`` is a database transaction holding a transaction-scoped advisory lock on the
  store, so writers are serialised across machines as the folder store's ``.lock`` serialises
  them on one; inside it, the changesets others logged since this connection last looked are
  read first;
* ``write`` upserts and deletes the records and logs the changeset in that same transaction:
  all or nothing by construction, durable when the server says COMMIT;
* ``poll`` reads the log past the last sequence number seen.

The author of a logged changeset is the database role (``current_user``), set by the server.
Passwords written in a URL are never shown: :func:`display_url` is what messages print.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from store.backend import Backend, SaveError, StoreBusyError, StoreConnectionError, Transaction
from store.changes import Change, Changeset, Doc
from store.locations import display_url

#: Version of the tables this module creates (kept in ``meta``).
SCHEMA_VERSION = 1
#: Waiting longer than this for another writer is "the store is busy".
LOCK_TIMEOUT = "10s"

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class _PostgresTransaction(Transaction):
    def __init__(self, backend: PostgresBackend, external: list[Changeset]) -> None:
        self.backend = backend
        self.external = external

    def write(self, changeset: Changeset) -> None:
        self.backend._write(changeset)


class PostgresBackend(Backend):
    """One connection to a store kept in a PostgreSQL schema."""

    def __init__(self, url: str, *, schema: str = "dossier") -> None:
        if not _SCHEMA_NAME.match(schema):
            raise ValueError(f"not a usable schema name: {schema!r}")
        self.url = url
        self.schema = schema
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreConnectionError(f"{display_url(url)}: cannot connect ({reason.replace(url, '…')})") from exc
        self._create()
        self.seen = self._last_seq()

    def _ident(self, name: str) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(name))

    def _create(self) -> None:
        """Create the schema and its tables if they are not there (idempotent, under a lock).

        An analyst's role may use a store without the right to create one: nothing is asked of
        the server beyond a look when the tables are already there.
        """
        found = self.conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.meta",)).fetchone()
        if found is not None and found[0] is not None:
            return
        with self.conn.transaction():
            self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dossier-create:{self.schema}",))
            self.conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
            self.conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (tbl text NOT NULL, id text NOT NULL, doc jsonb NOT NULL,"
                    " PRIMARY KEY (tbl, id))"
                ).format(self._ident("records"))
            )
            self.conn.execute(
                sql.SQL(
                    "CREATE TABLE IF NOT EXISTS {} (seq bigserial PRIMARY KEY,"
                    " author text NOT NULL DEFAULT current_user, at timestamptz NOT NULL DEFAULT now(),"
                    " label text NOT NULL, changes jsonb NOT NULL)"
                ).format(self._ident("changesets"))
            )
            self.conn.execute(
                sql.SQL("CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY, value text NOT NULL)").format(
                    self._ident("meta")
                )
            )
            self.conn.execute(
                sql.SQL("INSERT INTO {} VALUES ('schema_version', %s) ON CONFLICT (key) DO NOTHING").format(
                    self._ident("meta")
                ),
                (str(SCHEMA_VERSION),),
            )

    def _last_seq(self) -> int:
        row = self.conn.execute(sql.SQL("SELECT coalesce(max(seq), 0) FROM {}").format(self._ident("changesets")))
        return int(row.fetchone()[0])  # type: ignore[index]

    # ------------------------------------------------------------------ reading

    def load(self, tables: Iterable[str]) -> dict[str, dict[str, Doc]]:
        """Every document of ``tables`` (the log position is kept from the connection's start)."""
        wanted = list(tables)
        result: dict[str, dict[str, Doc]] = {table: {} for table in wanted}
        query = sql.SQL("SELECT tbl, id, doc FROM {} WHERE tbl = ANY(%s)").format(self._ident("records"))
        for table, key, doc in self.conn.execute(query, (wanted,)):
            result[table][key] = doc
        return result

    def poll(self) -> list[Changeset]:
        """Changesets other connections logged since the last look."""
        return self._unseen()

    def _unseen(self) -> list[Changeset]:
        query = sql.SQL("SELECT seq, author, at, label, changes FROM {} WHERE seq > %s ORDER BY seq").format(
            self._ident("changesets")
        )
        found: list[Changeset] = []
        for seq, author, at, label, changes in self.conn.execute(query, (self.seen,)):
            self.seen = seq
            found.append(
                Changeset(
                    label,
                    tuple(Change(table, key, before, after) for table, key, before, after in changes),
                    author,
                    at.isoformat(timespec="seconds"),
                )
            )
        return found

    def location(self, table: str) -> str:
        """``postgresql://user@host/db#schema.table`` (never with a password)."""
        return f"{display_url(self.url)}#{self.schema}.{table}"

    # ------------------------------------------------------------------ writing

    @contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[Transaction]:
        """A database transaction holding the store's advisory lock, others' changesets read first."""
        try:
            with self.conn.transaction():
                self.conn.execute(
                    sql.SQL("SET LOCAL lock_timeout = {}").format(sql.Literal(LOCK_TIMEOUT if wait else "500ms"))
                )
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dossier:{self.schema}",))
                yield _PostgresTransaction(self, self._unseen())
        except psycopg.errors.LockNotAvailable as exc:
            raise StoreBusyError(f"another writer has held {self.location('records')} for too long") from exc
        except psycopg.OperationalError as exc:
            raise SaveError(f"the server did not answer ({exc.sqlstate or 'connection lost'})", exc) from exc

    def _write(self, changeset: Changeset) -> None:
        """Upsert and delete the records and log the changeset, in the open transaction."""
        records = self._ident("records")
        upsert = sql.SQL(
            "INSERT INTO {} (tbl, id, doc) VALUES (%s, %s, %s) ON CONFLICT (tbl, id) DO UPDATE SET doc = EXCLUDED.doc"
        ).format(records)
        delete = sql.SQL("DELETE FROM {} WHERE tbl = %s AND id = %s").format(records)
        try:
            for change in changeset.changes:
                if change.after is None:
                    self.conn.execute(delete, (change.table, change.key))
                else:
                    self.conn.execute(upsert, (change.table, change.key, Jsonb(change.after)))
            logged: list[list[Any]] = [[c.table, c.key, c.before, c.after] for c in changeset.changes]
            row = self.conn.execute(
                sql.SQL("INSERT INTO {} (label, changes) VALUES (%s, %s) RETURNING seq").format(
                    self._ident("changesets")
                ),
                (changeset.label, Jsonb(logged)),
            ).fetchone()
        except psycopg.Error as exc:
            raise SaveError(f"the server refused it ({exc.sqlstate or type(exc).__name__})", exc) from exc
        assert row is not None
        self.seen = int(row[0])

    def close(self) -> None:
        """Close the connection; every change is committed already."""
        self.conn.close()

    def drop(self) -> None:
        """Remove the store's schema and everything in it (tests and ``store copy`` clean-ups)."""
        self.conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))

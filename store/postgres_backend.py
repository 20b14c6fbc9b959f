"""A backend on a PostgreSQL server: one store for a team across machines.

Records live in tables of their own in the store's schema (default ``dossier``; see
:mod:`store.postgres_schema`), with every saved changeset in a log, ``changesets``:

* ``transaction`` is a database transaction holding a transaction-scoped advisory lock on the
  store, so writers are serialised across machines as the folder store's ``.lock`` serialises
  them on one; inside it, the changesets others logged since this connection last looked are
  read first;
* ``write`` upserts and deletes the records and logs the changeset in that same transaction:
  all or nothing by construction, durable when the server says COMMIT. The log keeps what
  changed without article texts (the articles table has them), so an import does not store
  its texts twice;
* ``poll`` reads the log past the last sequence number seen;
* questions are asked of the server by :class:`~store.postgres_view.PostgresView`, on
  connections of its own, so a process never loads the corpus.

The author of a logged changeset is the database role (``current_user``), set by the server.
Passwords written in a URL are never shown: :func:`display_url` is what messages print.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from store import postgres_access
from store import postgres_schema as schema_sql
from store.backend import Backend, SaveError, StoreConnectionError, Transaction
from store.changes import Change, Changeset, Doc
from store.locations import DEFAULT_SCHEMA, display_url, schema_name
from store.postgres_connection import (
    BACKOFF,
    RECONNECT_TIMEOUT,
    StoreUnavailable,
    connect,
    dropped,
    failed_save,
    is_lost,
    outcome_of,
    server_reason,
    with_backoff,
    writing_connection,
)
from store.postgres_prepared import PreparedArticles
from store.postgres_schema import SCHEMA_VERSION, SchemaError
from store.postgres_vocabulary import VocabularyWriter
from store.postgres_writes import write_changeset

if TYPE_CHECKING:
    from store.view import View

#: Waiting longer than this for another writer is "the store is busy".
LOCK_TIMEOUT = "10s"


class _PostgresTransaction(Transaction):
    def __init__(self, backend: PostgresBackend, external: list[Changeset]) -> None:
        self.backend = backend
        self.external = external
        #: The reference of the changeset written, if any (to settle a COMMIT cut off).
        self.ref: str | None = None

    def write(self, changeset: Changeset) -> None:
        try:
            self.ref = self.backend._write(changeset)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise self.backend._refused(changeset, exc) from exc


class PostgresBackend(Backend):
    """The writing connection to a store kept in a PostgreSQL schema.

    Opening a schema that holds no store creates one (under a lock, so two first openers make
    one); a store of an older version asks for ``dossier store migrate``; a newer one is refused.
    """

    #: A server's per-changeset costs (the COMMIT's flush, the log row, the lock) are amortised
    #: over twice the folder store's batch: measured on 188,091 BBC articles, 500 → 2,081
    #: articles/s, 1,000 → 2,219, 2,000 → 2,255 (an import holds the lock ~0.45 s per batch).
    IMPORT_BATCH = 1000

    def __init__(self, url: str, *, schema: str = DEFAULT_SCHEMA, create: bool = True) -> None:
        self.url = url
        self.schema = schema_name(schema)
        #: Where saves are announced (``LISTEN``/``NOTIFY``); one channel per store.
        self.channel = _channel(self.schema)
        self._closing = threading.Event()
        #: The words this process knows the store's vocabulary holds (see store.postgres_vocabulary).
        self.vocabulary = VocabularyWriter()
        #: Rows of an import's next batch, made while the batch before it is on the server.
        self.prepared = PreparedArticles()
        self.conn = writing_connection(url)
        try:
            self._open(create)
            self.seen = self._last_seq()
            #: The connected role and what it may do, as the server said at opening.
            self.rights = postgres_access.own_rights(self.conn, self.schema)
        except psycopg.errors.InsufficientPrivilege as exc:
            message = postgres_access.no_access(display_url(url), schema, self.conn.info.user, exc)
            self.conn.close()
            raise StoreConnectionError(message) from exc
        except psycopg.Error as exc:  # the session ended while opening, say: one line, not a traceback
            self.conn.close()
            reason = exc.diag.message_primary or type(exc).__name__
            raise StoreConnectionError(f"{display_url(url)}: the server stopped answering ({reason})") from exc
        except BaseException:
            self.conn.close()
            raise

    def _open(self, create: bool) -> None:
        found = schema_sql.version(self.conn, self.schema)
        if found is None and create:
            with self.conn.transaction():
                self.conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dossier:{self.schema}",))
                if schema_sql.version(self.conn, self.schema) is None:
                    schema_sql.create(self.conn, self.schema)
            found = SCHEMA_VERSION
        if found is None:
            raise SchemaError(f"schema {self.schema!r} at {display_url(self.url)} holds no Dossier store")
        if found > SCHEMA_VERSION:
            raise SchemaError(schema_sql.newer_message(self.schema, found))
        if found < SCHEMA_VERSION:
            raise SchemaError(
                f"the store at {display_url(self.url)} (schema {self.schema!r}) is of version {found};"
                f" this Dossier uses version {SCHEMA_VERSION}: run `dossier{_schema_option(self.schema)} store migrate`"
                " (as a role that owns the schema) to bring it up"
            )

    def _ident(self, name: str) -> sql.Composed:
        return sql.SQL("{}.{}").format(sql.Identifier(self.schema), sql.Identifier(name))

    def _last_seq(self) -> int:
        row = self.conn.execute(sql.SQL("SELECT coalesce(max(seq), 0) FROM {}").format(self._ident("changesets")))
        return int(row.fetchone()[0])  # type: ignore[index]

    @property
    def author(self) -> str:
        """The database role: who saved what on a server is the role, as the log says."""
        return self.rights.role

    @property
    def read_only(self) -> bool:
        """Whether the connected role lacks ``INSERT`` on annotations (granted ``--read`` or nothing)."""
        return not self.rights.annotate

    def make_view(self) -> View:
        """A view that asks the server (:class:`~store.postgres_view.PostgresView`)."""
        from store.postgres_view import PostgresView

        self.view = PostgresView(self.url, self.schema, self.location, lambda: self.seen)
        return self.view

    # ------------------------------------------------------------------ reading

    def load(self, tables: Iterable[str]) -> dict[str, dict[str, Doc]]:
        """Every document of ``tables`` (copies and exports; a store never loads them all)."""
        result: dict[str, dict[str, Doc]] = {}
        for table in tables:
            result[table] = {doc["id"]: doc for batch in self.iter_docs(table) for doc in batch}
        return result

    def iter_docs(self, table: str, batch: int = 1000) -> Iterator[list[Doc]]:
        """Documents of ``table`` in batches, read with a server-side cursor (in id order)."""
        with self.conn.transaction(), self.conn.cursor(name=f"read_{table}") as cursor:
            cursor.execute(sql.SQL("SELECT doc FROM {} ORDER BY id").format(self._ident(table)))
            while rows := cursor.fetchmany(batch):
                yield [row[0] for row in rows]

    def docs(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        """The documents of ``table`` with these ids (in the open transaction, if one is)."""
        query = sql.SQL("SELECT id, doc FROM {} WHERE id = ANY(%s)").format(self._ident(table))
        return dict(self.conn.execute(query, (list(keys),)).fetchall())

    def count(self, table: str) -> int:
        """How many records ``table`` holds."""
        row = self.conn.execute(sql.SQL("SELECT count(*) FROM {}").format(self._ident(table))).fetchone()
        return int(row[0])  # type: ignore[index]

    def poll(self) -> list[Changeset]:
        """Changesets other connections logged since the last look (reconnecting once if lost)."""
        self._ensure_connection(tries=1)
        try:
            return self._unseen()
        except psycopg.Error as exc:
            if not dropped(exc):
                raise StoreConnectionError(f"{display_url(self.url)}: {server_reason(exc)}") from exc
            raise StoreUnavailable(f"{display_url(self.url)}: the server does not answer (reconnecting…)") from exc

    def reconnect(self) -> bool:
        """Replace lost connections (one attempt each); True when the store answers again."""
        try:
            self._ensure_connection(tries=1)
        except StoreUnavailable:
            return False
        view = getattr(self, "view", None)
        return view.reconnect() if view is not None else True

    def watch(self, wake: Callable[[], None]) -> bool:
        """Call ``wake()`` (from a thread of its own) soon after another analyst saves.

        The thread listens on the store's channel on a connection of its own and reconnects
        with backoff when it drops (then wakes once: something may have been missed).
        """
        thread = threading.Thread(target=self._listen, args=(wake,), name="dossier-listen", daemon=True)
        thread.start()
        return True

    def _listen(self, wake: Callable[[], None]) -> None:
        failures = 0
        while not self._closing.is_set():
            try:
                conn = connect(self.url, timeout=RECONNECT_TIMEOUT)
            except StoreConnectionError:
                self._closing.wait(BACKOFF[min(failures, len(BACKOFF) - 1)])
                failures += 1
                continue
            try:
                conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                if failures:
                    wake()
                failures = 0
                while not self._closing.is_set():
                    for note in conn.notifies(timeout=0.5):
                        if note.pid != self._writer_pid():
                            wake()
            except psycopg.Error:
                failures += 1
            finally:
                conn.close()

    def _writer_pid(self) -> int | None:
        """The server session of this store's own saves (its notifications wake nobody here)."""
        try:
            return None if is_lost(self.conn) else self.conn.info.backend_pid
        except psycopg.Error:
            return None

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

    def settle(self, changed: int) -> None:
        """After a big import, ``ANALYZE`` the tables questions read (see :meth:`Backend.settle`).

        On a connection of its own, never holding the store's lock; a role that does not own the
        tables only gets a warning from the server, and a failure here costs nothing saved.
        """
        if changed < self.SETTLE_AFTER or self.read_only:
            return
        tables = ("articles", "article_words", "annotations", "entities", "entity_names")
        statement = sql.SQL("ANALYZE {}").format(sql.SQL(", ").join(sql.Identifier(self.schema, t) for t in tables))
        try:
            with connect(self.url, timeout=RECONNECT_TIMEOUT) as conn:
                conn.execute(statement)
        except (psycopg.Error, StoreConnectionError):
            return

    def location(self, table: str) -> str:
        """``postgresql://user@host/db#schema.table`` (never with a password)."""
        return f"{display_url(self.url)}#{self.schema}.{table}"

    # ------------------------------------------------------------------ writing

    @contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[Transaction]:
        """A database transaction holding the store's advisory lock, others' changesets read first.

        A connection found lost is replaced first (with backoff: the store thread may wait).
        If it drops while the COMMIT is on the way, the outcome is settled before this returns:
        committed (the save stands) or not (``SaveError``), never "maybe".
        """
        conn = self._begin(wait)
        seen = self.seen
        tx: _PostgresTransaction | None = None
        pid = conn.info.backend_pid
        try:
            # The store's version is read under the lock, in the same round trip: a store
            # migrated while this process was open has tables (and derived counts) this code
            # does not keep as they are kept now, so it must not write to them.
            locked = conn.execute(
                sql.SQL(
                    "SELECT pg_advisory_xact_lock(hashtext(%s)), (SELECT value FROM {} WHERE key = 'schema_version')"
                ).format(self._ident("meta")),
                (f"dossier:{self.schema}",),
            ).fetchone()
            if locked is None or str(locked[1]) != str(SCHEMA_VERSION):
                raise SaveError(
                    f"the store was changed to version {locked[1] if locked else '?'} while Dossier (version"
                    f" {SCHEMA_VERSION}) had it open: nothing was saved; start Dossier again"
                    " (a newer one if it says so)"
                )
            tx = _PostgresTransaction(self, self._unseen())
            yield tx
        except BaseException as exc:
            self._roll_back()
            self.vocabulary.forget()  # words it sent were rolled back with the rest
            if tx is not None and tx.ref is not None:
                self.seen = seen  # our log row is gone with the transaction
            translated = failed_save(exc, self.location("changesets"))
            if translated is exc:
                raise
            raise translated from exc
        try:
            conn.execute("COMMIT")
        except psycopg.Error as exc:
            assert tx is not None
            self.vocabulary.forget()
            if tx.ref is None or not dropped(exc):
                self._roll_back()
                self.seen = seen
                raise failed_save(exc, self.location("changesets")) from exc
            if not self._settle(tx.ref, pid):
                self.seen = seen
                raise SaveError("the connection to the server dropped while saving; it was not saved", exc) from exc

    def _begin(self, wait: bool) -> psycopg.Connection[Any]:
        """Open a transaction; a connection that turns out dead (nothing done yet) is replaced once."""
        for attempt in (1, 2):
            try:
                self._ensure_connection(tries=6)
            except StoreUnavailable as exc:
                raise SaveError("the server does not answer; nothing was saved", exc) from exc
            try:
                self.conn.execute("BEGIN")
                timeout = sql.Literal(LOCK_TIMEOUT if wait else "500ms")
                self.conn.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(timeout))
                return self.conn
            except psycopg.Error as exc:
                self._roll_back()
                if attempt == 2 or not dropped(exc):
                    raise failed_save(exc, self.location("changesets")) from exc
                self.conn.close()
        raise AssertionError("unreachable")  # pragma: no cover

    def _roll_back(self) -> None:
        """End a failed transaction (a lost connection has ended it already)."""
        if not is_lost(self.conn):
            try:
                self.conn.execute("ROLLBACK")
            except psycopg.Error:
                self.conn.close()

    def _settle(self, ref: str, pid: int) -> bool:
        """Whether the changeset ``ref``, whose COMMIT was cut off, was committed.

        Reconnects (waiting as long as the server takes to come back: the save is on the store
        thread, and the app shows "reconnecting…"), ends the old session, then reads the log.
        """
        self.conn.close()  # whatever it still says, its session is ended below
        while True:
            try:
                self._ensure_connection(tries=len(BACKOFF) + 1)
                return outcome_of(self.conn, self._ident("changesets"), ref, pid) is not None
            except (StoreConnectionError, psycopg.OperationalError):
                continue

    def _ensure_connection(self, *, tries: int) -> None:
        """Replace a lost writing connection, with backoff; ``StoreUnavailable`` if none came."""
        if not is_lost(self.conn):
            return
        try:
            self.conn = with_backoff(lambda: writing_connection(self.url, timeout=RECONNECT_TIMEOUT), tries=tries)
        except StoreConnectionError as exc:
            raise StoreUnavailable(f"{display_url(self.url)}: the server does not answer (reconnecting…)") from exc

    def _write(self, changeset: Changeset) -> str:
        """Upsert and delete the records and log the changeset, in the open transaction.

        Returns the reference the changeset is logged under. The log row also wakes every
        store listening on the schema's channel (``NOTIFY``, sent when the transaction commits).
        """
        ref = uuid.uuid4().hex
        seq = write_changeset(self.conn, self.schema, changeset, ref, self.vocabulary, self.prepared)
        self.conn.execute("SELECT pg_notify(%s, %s)", (self.channel, str(seq)))
        self.seen = seq
        return ref

    def _refused(self, changeset: Changeset, exc: psycopg.Error) -> SaveError:
        """A save the server refused for want of a privilege, naming the right the role lacks."""
        tables = {change.table for change in changeset.changes}
        return SaveError(
            postgres_access.refusal(self.rights, tables) or f"the server refused it ({server_reason(exc)})", exc
        )

    def preparing_articles(self) -> AbstractContextManager[Callable[[Iterable[Doc]], None] | None]:
        """Search vectors and words made by the import's reading thread (see store.postgres_prepared)."""
        return self.prepared.preparing()

    def close(self) -> None:
        """Close the connections; every change is committed already."""
        self._closing.set()
        view = getattr(self, "view", None)
        if view is not None:
            view.close()
        self.conn.close()

    def drop(self) -> None:
        """Remove the store's schema and everything in it (tests and ``store copy`` clean-ups)."""
        self.conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(self.schema)))


def _channel(schema: str) -> str:
    """The store's ``NOTIFY`` channel: ``dossier:SCHEMA``, or a digest of a name too long for one.

    A channel name is at most 63 bytes (``pg_notify`` refuses a longer one), a schema name too.
    """
    channel = f"dossier:{schema}"
    return channel if len(channel.encode()) <= 63 else f"dossier:{hashlib.sha256(schema.encode()).hexdigest()[:48]}"


def _schema_option(schema: str) -> str:
    """`` --schema NAME`` for a command a user is told to run, unless the schema is the default."""
    return "" if schema == DEFAULT_SCHEMA else f" --schema {schema}"

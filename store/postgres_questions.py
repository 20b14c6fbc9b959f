"""How the view of a store on PostgreSQL asks its questions: connections, time limit, cancelling.

Split from :mod:`store.postgres_view`, which says what each question is; this keeps how it
reaches the server. The view has connections of its own, apart from the backend's writing
connection, so a question never waits behind a save that waits for another analyst's lock: one
for lookups (and the rows of a listing being drawn), one for searches and one for list filters,
which may take long and are cancelled when a newer one of their kind replaces them. Every
statement has a time limit (:data:`STATEMENT_TIMEOUT`); a lost connection is replaced once, at
once, and while the server is away questions fail at once.
"""

from __future__ import annotations

import threading
from typing import Any

import psycopg
from psycopg import sql

from store.backend import QueryCancelled, StoreConnectionError
from store.locations import display_url
from store.postgres_connection import CONNECT_TIMEOUT, RECONNECT_TIMEOUT, StoreUnavailable, connect, dropped, is_lost
from store.postgres_schema import statement

#: Connections of questions that a newer one of the same kind replaces (and cancels).
_CANCELLABLE = ("search_conn", "filter_conn")
#: A question that takes longer than this is cut off (a search that would scan the world).
STATEMENT_TIMEOUT = "15s"


class QuestionConnections:
    """The connections questions are asked on (see the module docstring).

    The base of :class:`~store.postgres_view.PostgresView`, so they are the view's own
    attributes (``view.conn``, ``view.search_conn``, ``view._latest``, ``view.down``):
    :class:`~store.postgres_listing.PostgresListing` asks through them.
    """

    def __init__(self, url: str, schema: str) -> None:
        self.url = url
        self.schema = schema
        opened: list[psycopg.Connection[Any]] = []
        try:
            for _ in range(3):
                opened.append(self._connect(CONNECT_TIMEOUT))
        except BaseException:
            for conn in opened:  # none is left open when the server refuses the last
                conn.close()
            raise
        self.conn, self.search_conn, self.filter_conn = opened
        #: Set when a reconnection failed: questions then fail at once (no key waits on a
        #: connection attempt) until :meth:`reconnect` succeeds.
        self.down = False
        #: Per connection of questions a newer one replaces: who may run, and the latest ticket.
        self._running = {name: threading.Lock() for name in _CANCELLABLE}
        self._tickets = dict.fromkeys(_CANCELLABLE, 0)
        self._tickets_lock = threading.Lock()

    def _connect(self, timeout: int) -> psycopg.Connection[Any]:
        """A connection for questions: a time limit, a plan made for each statement's values, no helpers.

        psycopg prepares a statement run five times, and after five more the server may switch
        to one plan for any values: for a search, the plan of a rare word, which ranks every
        article holding a common one ("said" at 50,000 articles: 15 ms, then 180-330 ms).
        Parallel workers cost more to start than these questions take, and each one walks the
        list on its own: the mentions of a busy entity at 200,000 articles took 49 ms with two
        workers, 6.7 ms without (and a team's server keeps its workers for its reports).
        Nor the JIT compiler: a search with a tag filter has a plan the server costs high (a
        count of tags per article), so it compiled it, 220 ms, to run a 30 ms statement
        (``label:claim`` at 10,000 articles: 266 ms with it, 35 ms without).
        """
        return connect(
            self.url,
            timeout=timeout,
            options=(
                f"-c statement_timeout={STATEMENT_TIMEOUT} -c plan_cache_mode=force_custom_plan"
                " -c max_parallel_workers_per_gather=0 -c jit=off"
            ),
        )

    def close(self) -> None:
        """Close the view's connections."""
        self.conn.close()
        self.search_conn.close()
        self.filter_conn.close()

    def reconnect(self) -> bool:
        """Replace lost connections (one attempt each); True when all three work again."""
        try:
            for name in ("conn", *_CANCELLABLE):
                if is_lost(getattr(self, name)):
                    setattr(self, name, self._connect(RECONNECT_TIMEOUT))
        except StoreConnectionError:
            self.down = True
            return False
        self.down = False
        return True

    def _run(self, name: str, query: sql.Composable, params: Any) -> list[tuple[Any, ...]]:
        """Run a statement on connection ``name``, reconnecting once if it was lost.

        Raises:
            StoreUnavailable: the server does not answer (the app shows "reconnecting…").
        """
        if self.down:
            raise StoreUnavailable(f"{display_url(self.url)}: the server does not answer (reconnecting…)")
        for attempt in (1, 2):
            conn = getattr(self, name)
            try:
                if is_lost(conn):
                    raise psycopg.OperationalError("connection lost")
                return conn.execute(query, params).fetchall()
            except psycopg.errors.QueryCanceled as exc:
                if name in _CANCELLABLE:
                    raise  # perhaps cancelled by a newer question: _latest tells
                raise StoreConnectionError(f"the server took longer than {STATEMENT_TIMEOUT} to answer") from exc
            except psycopg.Error as exc:
                if not dropped(exc) or attempt == 2:
                    raise StoreConnectionError(f"{display_url(self.url)}: {exc.diag.message_primary or exc}") from exc
                if not self.reconnect():
                    raise StoreUnavailable(
                        f"{display_url(self.url)}: the server does not answer (reconnecting…)"
                    ) from exc
        raise AssertionError("unreachable")  # pragma: no cover

    def _sql(self, template: str) -> sql.Composed:
        return statement(template, self.schema)

    def _rows(self, template: str, params: Any = None) -> list[tuple[Any, ...]]:
        return self._run("conn", self._sql(template), params)

    def _streamed(self, template: str, batch: int = 2000) -> list[tuple[Any, ...]]:
        """A whole table (exports only), read in batches on a connection of its own.

        One statement would outlast the time limit at 200,000 articles; a server-side cursor
        fetches batch after batch, each a statement of its own, and no question waits behind it.
        """
        conn = self._connect(CONNECT_TIMEOUT)
        try:
            found: list[tuple[Any, ...]] = []
            with conn.transaction(), conn.cursor(name="dossier_export") as cursor:
                cursor.execute(self._sql(template))
                while rows := cursor.fetchmany(batch):
                    found.extend(rows)
            return found
        except psycopg.Error as exc:
            raise StoreConnectionError(f"{display_url(self.url)}: {exc.diag.message_primary or exc}") from exc
        finally:
            conn.close()

    def _latest(self, name: str, template: str, params: Any) -> list[tuple[Any, ...]]:
        """Run a question a newer one replaces, on connection ``name``: the newer cancels it.

        Searches run on ``search_conn`` and list filters (counting what a typed filter keeps) on
        ``filter_conn``, so neither cancels the other, and the rows of a listing being drawn
        (on ``conn``) are never cancelled.

        Raises:
            QueryCancelled: a newer call replaced this one while it waited or ran.
        """
        with self._tickets_lock:
            self._tickets[name] += 1
            ticket = self._tickets[name]
        if self._running[name].locked():
            getattr(self, name).cancel_safe()
        with self._running[name]:
            while True:
                if ticket != self._tickets[name]:
                    raise QueryCancelled
                try:
                    return self._run(name, self._sql(template), params)
                except psycopg.errors.QueryCanceled as exc:
                    if ticket != self._tickets[name]:
                        raise QueryCancelled from exc
                    if "timeout" in (exc.diag.message_primary or ""):
                        raise StoreConnectionError(
                            f"the server took longer than {STATEMENT_TIMEOUT} to answer"
                        ) from exc
                    # A cancel meant for an older query that ended before it arrived: this one
                    # is still the newest, so it is asked again.

    def _search_query(self, template: str, params: Any) -> list[tuple[Any, ...]]:
        """A search: a newer search cancels it (see :meth:`_latest`)."""
        return self._latest("search_conn", template, params)

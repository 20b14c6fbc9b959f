"""Connections to the server, and getting them back when they drop.

A connection drops when the server restarts, when an administrator ends a session
(``pg_terminate_backend``) or when the network between an analyst and the server fails. Reads
are safe to retry on a new connection; a write is not, when the connection dropped while its
COMMIT was on the way: the server may have committed it or not. :func:`outcome_of` settles that
by asking a new connection whether the changeset's reference is in the log, after making sure
the old session is gone (so its COMMIT cannot land after the answer).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any, TypeVar

import orjson
import psycopg
from psycopg import sql
from psycopg.types.json import set_json_loads

from store.backend import BACKOFF, SaveError, StoreBusyError, StoreConnectionError, StoreUnavailable
from store.locations import display_url

T = TypeVar("T")

# psycopg logs what it cannot raise (a pipeline that ends after an error logs "error ignored
# terminating <Pipeline (host=… user=…)>"). With no handler configured, Python's last-resort
# handler writes that to the terminal: a second, raw line under the one clear error the user
# gets, carrying a role name as sent (escape codes and all). The errors themselves still
# reach the caller as exceptions; only the library's own log goes nowhere unless an
# application configures logging.
logging.getLogger("psycopg").addHandler(logging.NullHandler())

#: Seconds to wait for a server before "cannot connect" when opening a store.
CONNECT_TIMEOUT = 10
#: Seconds to wait when reconnecting (a question must not hold a key up for long).
RECONNECT_TIMEOUT = 3


def connect(url: str, *, timeout: int = CONNECT_TIMEOUT, **options: Any) -> psycopg.Connection[Any]:
    """A connection in autocommit mode; an unreachable server is one line without the password."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=timeout, **options)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise StoreConnectionError(f"{display_url(url)}: cannot connect ({reason.replace(url, '…')})") from exc
    set_json_loads(json_loads, conn)
    return conn


def json_loads(data: str | bytes) -> Any:
    """A document from the server, by orjson (several times faster than ``json`` on an article).

    What orjson refuses (a number past 64 bits, in a store another program wrote) is read by
    ``json``, as before.
    """
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data)


def is_lost(conn: psycopg.Connection[Any]) -> bool:
    """True when the connection is closed or broken (no statement can run on it)."""
    return bool(conn.closed or conn.broken)


def dropped(exc: BaseException) -> bool:
    """True for the errors of a lost connection (not of a refused or failed statement)."""
    if isinstance(exc, psycopg.errors.AdminShutdown | psycopg.errors.CrashShutdown):
        return True
    return isinstance(exc, psycopg.OperationalError) and not isinstance(
        exc, psycopg.errors.QueryCanceled | psycopg.errors.LockNotAvailable
    )


def with_backoff(attempt: Callable[[], T], *, tries: int, sleep: Callable[[float], None] = time.sleep) -> T:
    """``attempt()`` until it connects, waiting longer each time; the last failure if none did."""
    for number in range(tries):
        try:
            return attempt()
        except StoreConnectionError:
            if number == tries - 1:
                raise
            sleep(BACKOFF[min(number, len(BACKOFF) - 1)])
    raise AssertionError("unreachable")  # pragma: no cover - tries >= 1


def end_session(conn: psycopg.Connection[Any], pid: int, *, timeout: float = 10.0) -> None:
    """Make sure the server session ``pid`` is gone: ended if it still runs, then waited for.

    A session whose client vanished may still be running the COMMIT it was sent; only once it
    has ended is the log's answer about that commit final. Raises :class:`StoreUnavailable` if
    it is still there after ``timeout`` seconds.
    """
    conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
    deadline = time.monotonic() + timeout
    while conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone() is not None:
        if time.monotonic() > deadline:
            raise StoreUnavailable(f"the server still runs the session that was saving (pid {pid})")
        time.sleep(0.05)


def outcome_of(conn: psycopg.Connection[Any], log: sql.Composable, ref: str, pid: int) -> int | None:
    """The log position of the changeset ``ref`` if its commit landed, else ``None`` (for good)."""
    end_session(conn, pid)
    row = conn.execute(sql.SQL("SELECT seq FROM {} WHERE ref = %s").format(log), (ref,)).fetchone()
    return int(row[0]) if row is not None else None


def writing_connection(url: str, **options: Any) -> psycopg.Connection[Any]:
    """The connection that saves: compressing the texts it writes with LZ4 where the server can.

    An article's text is compressed on the server when it is stored; LZ4 costs a fraction of
    PostgreSQL's default (pglz), which a large import feels. A server built without LZ4 keeps
    its default, and texts of either kind are read alike.
    """
    conn = connect(url, **options)
    with suppress(psycopg.errors.InvalidParameterValue):
        conn.execute("SET default_toast_compression = lz4")
    return conn


def failed_save(exc: BaseException, where: str) -> BaseException:
    """The store's exception for a failed transaction (a conflict or a bug passes unchanged)."""
    if isinstance(exc, psycopg.errors.LockNotAvailable):
        return StoreBusyError(f"another writer has held {where} for too long")
    if isinstance(exc, psycopg.Error) and dropped(exc):
        return SaveError("the server did not answer (connection lost); nothing was saved", exc)
    if isinstance(exc, psycopg.Error):
        return SaveError(f"the server refused it ({server_reason(exc)})", exc)
    return exc


def server_reason(exc: psycopg.Error) -> str:
    """The server's reason in one line (a constraint's name, a privilege), for messages."""
    text = exc.diag.message_primary or (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return f"{text} [{exc.sqlstate}]" if exc.sqlstate else text

"""A backend that keeps everything in memory: tests, and scratch stores that need no disk.

A :class:`MemoryDatabase` plays the part of the shared storage, with a log of changesets;
each :class:`MemoryBackend` is one writer's connection to it, with its own position in the
log. Two stores on one database behave as two analysts on one TinyDB store or one PostgreSQL
database: that is what lets the store's concurrency tests run against every backend.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from store.backend import Backend, SaveError, StoreBusyError, Transaction
from store.changes import TABLES, Changeset, Doc


class MemoryDatabase:
    """The shared state: documents by table and id, and every changeset ever saved."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[str, Doc]] = {table: {} for table in TABLES}
        self.log: list[Changeset] = []
        self.lock = threading.Lock()
        #: Tests set this to make the next writes fail (a full disk, a dropped connection).
        self.fail_writes: OSError | None = None


class _MemoryTransaction(Transaction):
    def __init__(self, backend: MemoryBackend, external: list[Changeset]) -> None:
        self.backend = backend
        self.external = external

    def write(self, changeset: Changeset) -> None:
        database = self.backend.database
        if database.fail_writes is not None:
            raise SaveError.from_os_error(database.fail_writes)
        for change in changeset.changes:
            table = database.tables[change.table]
            if change.after is None:
                table.pop(change.key, None)
            else:
                table[change.key] = change.after
        database.log.append(changeset)
        self.backend.seen = len(database.log)


class MemoryBackend(Backend):
    """One connection to a :class:`MemoryDatabase`."""

    def __init__(self, database: MemoryDatabase | None = None, *, lock_timeout: float = 10.0) -> None:
        self.database = database if database is not None else MemoryDatabase()
        self.seen = len(self.database.log)
        self.lock_timeout = lock_timeout

    def load(self, tables: Iterable[str]) -> dict[str, dict[str, Doc]]:
        """Copies of the tables (callers never share the database's dicts)."""
        # The position in the log stays where the connection began: changesets saved since are
        # applied again by the next poll, which is harmless (each sets a record to a state).
        with self.database.lock:
            return {table: dict(self.database.tables[table]) for table in tables}

    def docs(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        """By id, without taking the lock: callers hold it already, inside :meth:`transaction`."""
        stored = self.database.tables[table]
        return {key: stored[key] for key in keys if key in stored}

    @contextmanager
    def transaction(self, *, wait: bool = True) -> Iterator[Transaction]:
        """Hold the database's lock, with the changesets saved since the last look."""
        if not self.database.lock.acquire(timeout=self.lock_timeout if wait else 0.5):
            raise StoreBusyError("another writer holds the store")
        try:
            yield _MemoryTransaction(self, self._unseen())
        finally:
            self.database.lock.release()

    def poll(self) -> list[Changeset]:
        """Changesets other connections saved since the last look."""
        with self.database.lock:
            return self._unseen()

    def _unseen(self) -> list[Changeset]:
        new = self.database.log[self.seen :]
        self.seen = len(self.database.log)
        return new

    def location(self, table: str) -> str:
        """``memory:TABLE``."""
        return f"memory:{table}"

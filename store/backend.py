"""The seam between the store and where its records live.

A backend keeps the three tables (:data:`store.changes.TABLES`) of plain JSON documents, and
promises four things the rest of the engine relies on:

1. **load** gives every document of the tables asked for;
2. **transaction** holds the store's write lock (across processes) and, inside it, first
   brings in every changeset other writers saved since this one last looked. The store applies
   those to its memory, rebases its own changeset onto the now current records, and calls
   :meth:`Transaction.write`;
3. **write** saves a changeset all or nothing, durably, before it returns. It raises
   :class:`SaveError` (and has saved nothing) when it cannot;
4. **poll** (no lock) returns what other writers saved since the last look, so an idle app
   shows other analysts' work.

Maintenance (compact, check, backups, restore) is optional: a backend that has nothing to do
for it says so with ``NotImplementedError``, as harlequin's adapters do.

Two backends live here: :mod:`store.tinydb_backend` (plain TinyDB files with a journal; the
default) and :mod:`store.memory_backend` (tests, scratch stores). A PostgreSQL backend would
implement the same protocol: ``load`` as ``SELECT doc FROM records WHERE tbl = ANY(...)``,
``transaction`` as ``BEGIN`` + ``pg_advisory_xact_lock`` + ``SELECT`` from a ``changesets``
log past the last sequence number seen, ``write`` as upserts and deletes plus one log row in
the same transaction (atomic by construction), ``poll`` as the same log query without the lock
(or ``LISTEN``), and it could answer queries in SQL later.
"""

from __future__ import annotations

import contextlib
import errno
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from store.changes import Changeset, Doc

if TYPE_CHECKING:
    from store.view import View


class SaveError(OSError):
    """A changeset could not be saved; nothing of it was saved, and memory is unchanged."""

    def __init__(self, reason: str, cause: BaseException | None = None) -> None:
        super().__init__(f"Not saved: {reason}. Nothing was changed.")
        self.reason = reason
        self.__cause__ = cause

    @classmethod
    def from_os_error(cls, exc: OSError) -> SaveError:
        """A message a person understands for the usual ways a disk refuses a write."""
        if exc.errno == errno.ENOSPC:
            reason = "the disk is full"
        elif exc.errno == errno.EDQUOT:
            reason = "the disk quota is used up"
        elif exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            reason = "the store is read-only for you"
        else:
            reason = exc.strerror or str(exc)
        detail = exc.strerror or ""
        if getattr(exc, "filename", None):
            detail = f"{detail}: {exc.filename}" if detail else str(exc.filename)
        return cls(f"{reason} ({detail})" if detail and detail != reason else reason, exc)


class StoreConnectionError(RuntimeError):
    """The server cannot be reached, or refuses us; the message names the store without password."""


class StoreUnavailable(StoreConnectionError):
    """The server stopped answering; the store reconnects (the app says "reconnecting…")."""


#: Waits between attempts to reconnect to a server, in seconds; the last one repeats.
BACKOFF = (0.2, 0.5, 1.0, 2.0, 4.0)


class SchemaError(RuntimeError):
    """A server store's tables are of another version than this code, or not a store's at all.

    Defined here, beside the other errors of opening a store, so the CLI can name it without
    importing the PostgreSQL driver.
    """


class QueryCancelled(Exception):
    """A newer question of the same kind (a search, a list filter) replaced this one.

    Its answer would not be shown; callers that ask as the user types drop it quietly.
    """


class StoreBusyError(RuntimeError):
    """Another process held the store's lock for too long."""


class Transaction(ABC):
    """What a backend gives the store while it holds the write lock."""

    #: Changesets other writers saved since this backend last looked, oldest first.
    external: list[Changeset]

    @abstractmethod
    def write(self, changeset: Changeset) -> None:
        """Save ``changeset`` durably, all or nothing; raise :class:`SaveError` if it cannot."""


class Backend(ABC):
    """Where a store's documents live (see the module docstring for the promises)."""

    #: Articles an import saves per changeset: what a cancelled or failed import can lose at
    #: most is the batch being read, and another analyst's save waits at most one batch.
    IMPORT_BATCH = 500

    @abstractmethod
    def load(self, tables: Iterable[str]) -> dict[str, dict[str, Doc]]:
        """Every document of ``tables``, by id."""

    def iter_docs(self, table: str, batch: int = 1000) -> Iterator[list[Doc]]:
        """Every document of ``table`` in lists of at most ``batch``, in id order.

        For copies and checks, which must not hold a whole server table in memory. The default
        reads the table with :meth:`load`: a backend that keeps its tables in memory anyway
        (the folder and in-memory stores) loses nothing by it; a server backend streams.
        """
        docs = self.load([table])[table]
        keys = sorted(docs)
        for start in range(0, len(keys), batch):
            yield [docs[key] for key in keys[start : start + batch]]

    def docs(self, table: str, keys: Iterable[str]) -> dict[str, Doc]:
        """The documents of ``table`` with these ids, by id (those that exist).

        Called inside :meth:`transaction` by a writer that must know what is stored before it
        writes (a copy deciding what to skip): the answer is current under the lock.
        """
        docs = self.load([table])[table]
        return {key: docs[key] for key in keys if key in docs}

    def count(self, table: str) -> int:
        """How many documents ``table`` holds (a progress bar's total)."""
        return len(self.load([table])[table])

    @abstractmethod
    def transaction(self, *, wait: bool = True) -> AbstractContextManager[Transaction]:
        """Hold the write lock; raise :class:`StoreBusyError` when it cannot be had in time."""

    @abstractmethod
    def poll(self) -> list[Changeset]:
        """Changesets other writers saved since the last look (cheap when there are none)."""

    @abstractmethod
    def location(self, table: str) -> str:
        """Where ``table`` lives, for messages (a file path, a database name)."""

    @property
    def author(self) -> str | None:
        """Who saves are by when the storage says so (a server's role); else records name the OS user."""
        return None

    @property
    def read_only(self) -> bool:
        """True when this user may read the store but not change it.

        Known before any change is tried, so the app can say so up front and answer a change
        key with "read-only store" instead of opening a dialog whose answer cannot be saved.
        A change tried anyway is still refused by the storage itself (:class:`SaveError`).
        """
        return False

    def make_view(self) -> View:
        """The view a store answers questions from: by default, everything loaded into memory."""
        from store.memory_view import MemoryView

        return MemoryView()

    def watch(self, wake: Callable[[], None]) -> bool:
        """Call ``wake()`` from another thread when another writer may have saved something.

        False when the backend cannot tell (the caller polls instead, as the folder store's app
        does every two seconds).
        """
        return False

    def reconnect(self) -> bool:
        """Get back a lost connection to where the records live; True when it answers again."""
        return True

    def compact(self, *, wait: bool = True) -> bool:
        """Tidy storage (fold journals in); False when the lock was busy."""
        return True

    #: How many records a change must touch before :meth:`settle` is worth its cost.
    SETTLE_AFTER = 1000

    def settle(self, changed: int) -> None:  # noqa: B027 - optional: most backends have nothing to catch up
        """``changed`` records were just written at once (an import): let the storage catch up.

        The server refreshes the statistics its planner reads: right after 10,000 articles were
        imported it still planned for an empty store (a label filter read every tag: 37 ms,
        then 0.4 ms once analysed; a common word 60 ms, then 4 ms).
        """

    def preparing_articles(self) -> AbstractContextManager[Callable[[Iterable[Doc]], None] | None]:
        """For the length of an import: a function that makes articles' stored form before their save.

        A server store makes an article's row (its search vector) in Python; an import calls this
        function on a batch while the batch before it is being saved, so the two overlap
        (:mod:`store.postgres_prepared`). ``None`` where saving has nothing to make ahead.
        """
        return contextlib.nullcontext(None)

    def close(self) -> None:  # noqa: B027 - optional, like compact: most backends hold nothing
        """Release what the backend holds; everything is already saved."""

"""Copying a store to another backend (folder ↔ PostgreSQL), and proving the copy whole.

A copy reads the source table by table in batches (:meth:`Backend.iter_docs`) and writes each
batch through the destination's own write path (:meth:`Backend.transaction` and
:meth:`Transaction.write`), so a folder destination journals it and a server destination logs
it exactly as it would an analyst's save, and other processes on the destination take it in.
Documents are copied as they are, never re-stamped: who made a record and when stays true.

Order: articles, then entities, then annotations, so a tag never arrives before what it points
at (the server keeps entity names unique, and a reader of a half-finished copy sees no tag
without its article).

**Re-running** (after an interruption, or to bring a copy up to date) is safe, and this is the
rule: a record the destination already holds *equal* (same canonical JSON) is skipped; one it
does not hold is copied; one it holds *in another version* is a conflict — left as it is in the
destination and reported — unless ``force`` is given, which overwrites it with the source's
version. An interrupted copy therefore finishes by running it again: each batch is one
transaction, committed whole or not at all, and every finished batch is skipped the next time.

**Never deletes**: records the destination holds that the source does not are left alone (and
counted), so copying into a store that holds other work adds to it.

A conflict also holds back what hangs on it: the tags of an article or entity that was not
copied, and an entity whose name another entity of the destination already has (both stores
keep one entity per name; ``force`` never deletes that other entity).

**Verification** (:func:`verify`) reads both sides again, after the copy, from what each
backend gives back: per table, the number of the source's records and a SHA-256 over their
canonical JSON (keys sorted, :data:`orjson.OPT_SORT_KEYS`) in id order, and the same over the
destination's records with those ids. Equal counts and hashes prove the destination holds what
the source holds; where they differ, the differing and missing ids are named.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from store import codec
from store.backend import Backend
from store.changes import ANNOTATIONS, ARTICLES, ENTITIES, Change, Changeset, Doc
from store.locations import is_url, shown

#: Tables in the order they are copied: what a tag points at arrives before the tag.
ORDER: tuple[str, ...] = (ARTICLES, ENTITIES, ANNOTATIONS)
#: Records per read and per written changeset (one transaction, one journal line or log row).
BATCH = 200
#: A batch is written early once its documents reach this many bytes (very long articles).
BATCH_BYTES = 16 * 1024 * 1024
#: Ids named per table in a report; the rest are counted.
NAMED = 10

#: ``progress(table, records done, records in the table)``, called after each batch is saved.
Progress = Callable[[str, int, int], None]

_FOLDER_FILES = ("articles.json", "articles.journal", "annotations.json", "annotations.journal")


class CopyError(Exception):
    """A copy cannot start or go on: same store twice, no source store, a damaged source record."""


def canonical(doc: Doc) -> bytes:
    """A document's canonical JSON: keys sorted at every level, no spaces (what hashes cover)."""
    return orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)


# ---------------------------------------------------------------------- opening both ends


def open_backend(location: Path | str, *, schema: str, create: bool) -> Backend:
    """The backend of a folder or a ``postgresql://`` URL; a source (``create=False``) must exist."""
    if isinstance(location, str) and is_url(location):
        from store.postgres_backend import PostgresBackend  # psycopg only for server stores

        return PostgresBackend(location, schema=schema, create=create)
    from store.tinydb_backend import TinyDBBackend

    directory = Path(location).expanduser()
    if create:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    elif not directory.is_dir() or not any((directory / name).exists() for name in _FOLDER_FILES):
        raise CopyError(f"no store at {shown(location)}")
    if not directory.is_dir():
        raise CopyError(f"{shown(location)} is not a store folder (it is a file)")
    return TinyDBBackend(directory)


def same_location(source: Path | str, destination: Path | str) -> bool:
    """True when two locations name one folder (by any path) or are the same URL."""
    if isinstance(source, str) or isinstance(destination, str):
        return source == destination
    a, b = Path(source).expanduser(), Path(destination).expanduser()
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


def same_store(source: Backend, destination: Backend) -> bool:
    """True when two open backends are one store: a folder twice, or one server's one schema.

    URLs that differ as text can name one database (another user, ``localhost`` for
    ``127.0.0.1``), so servers are compared by what they say of themselves: the database, when
    the server started, and the schema's object id.
    """
    from store.memory_backend import MemoryBackend
    from store.postgres_backend import PostgresBackend
    from store.tinydb_backend import TinyDBBackend

    if isinstance(source, TinyDBBackend) and isinstance(destination, TinyDBBackend):
        return same_location(source.directory, destination.directory)
    if isinstance(source, MemoryBackend) and isinstance(destination, MemoryBackend):
        return source.database is destination.database
    if isinstance(source, PostgresBackend) and isinstance(destination, PostgresBackend):
        query = (
            "SELECT current_database(), pg_postmaster_start_time(), (SELECT oid FROM pg_namespace WHERE nspname = %s)"
        )
        found = [backend.conn.execute(query, (backend.schema,)).fetchone() for backend in (source, destination)]
        return found[0] == found[1]
    return False


# ---------------------------------------------------------------------- copying


@dataclass(slots=True)
class TableCopy:
    """What a copy did with one table's records."""

    table: str
    #: Records the source holds (when the copy began).
    total: int = 0
    copied: int = 0
    #: Equal on both sides already (a re-run after an interruption, or an earlier copy).
    unchanged: int = 0
    #: Held in another version by the destination and replaced (``force``).
    overwritten: int = 0
    #: ``(id, why)`` of each record left as the destination holds it.
    conflicts: list[tuple[str, str]] = field(default_factory=list)


class _Copier:
    """One copy's state: the destination's entity names and what conflicts held back."""

    def __init__(self, source: Backend, destination: Backend, *, force: bool) -> None:
        self.source = source
        self.destination = destination
        self.force = force
        self.user = codec.current_user()
        self.held: dict[str, set[str]] = {ARTICLES: set(), ENTITIES: set()}
        # The server refuses a second entity of one name, and the folder store's rules never
        # make one: a name the destination has under another id is a conflict found here.
        self.name_of: dict[str, str] = {}
        self.owner_of_name: dict[str, str] = {}
        for docs in destination.iter_docs(ENTITIES, BATCH):
            for doc in docs:
                self._name(doc)

    def _name(self, doc: Doc) -> None:
        old = self.name_of.pop(doc["id"], None)
        if old is not None and self.owner_of_name.get(old) == doc["id"]:
            del self.owner_of_name[old]
        key = codec.name_key(str(doc.get("name", "")))
        self.name_of[doc["id"]] = key
        self.owner_of_name.setdefault(key, doc["id"])

    def held_back(self, table: str, doc: Doc, stored: Doc | None) -> str | None:
        """Why ``doc`` must not be written over what the destination holds, or ``None``."""
        if stored is not None and not self.force:
            return "the destination holds another version of it (--force replaces it)"
        if table == ENTITIES:
            owner = self.owner_of_name.get(codec.name_key(doc["name"]))
            if owner is not None and owner != doc["id"]:
                return f"the destination has another entity of that name ({owner})"
        if table == ANNOTATIONS:
            if doc["article_id"] in self.held[ARTICLES]:
                return "its article was not copied"
            if doc.get("entity_id") in self.held[ENTITIES]:
                return "its entity was not copied"
        return None

    @staticmethod
    def _unusable(table: str, doc: Doc, stored: Doc | None) -> bool:
        """Whether the source's tags on a record left behind would be wrong in the destination.

        They would be for an entity the destination lacks, and for an article whose text there
        is another (their spans quote the source's text); an article or entity that differs in
        its details only still carries them.
        """
        if table == ENTITIES:
            return stored is None
        return table == ARTICLES and (stored is None or stored.get("text") != doc.get("text"))

    def batch(self, table: str, docs: list[Doc], report: TableCopy) -> None:
        """Write one batch in one destination transaction; equal records are skipped."""
        with self.destination.transaction() as tx:
            stored = self.destination.docs(table, [doc["id"] for doc in docs])
            changes: list[Change] = []
            for doc in docs:
                before = stored.get(doc["id"])
                if before is not None and canonical(before) == canonical(doc):
                    report.unchanged += 1
                    continue
                why = self.held_back(table, doc, before)
                if why is not None:
                    report.conflicts.append((doc["id"], why))
                    if self._unusable(table, doc, before):
                        self.held[table].add(doc["id"])
                    continue
                changes.append(Change(table, doc["id"], before, doc))
                if before is None:
                    report.copied += 1
                else:
                    report.overwritten += 1
                if table == ENTITIES:
                    self._name(doc)
            if changes:
                tx.write(Changeset(f"store copy: {len(changes)} {table}", tuple(changes), self.user, codec.now()))


def _checked(source: Backend, table: str, docs: list[Doc]) -> list[Doc]:
    """The batch, or :class:`CopyError` naming a record no store could hold (damaged, planted)."""
    for doc in docs:
        problem = codec.problem(table, doc)
        if problem is not None:
            raise CopyError(f"{source.location(table)}: table {table!r} holds {problem}; nothing of it was copied")
    return docs


def _rebatched(batches: Iterable[list[Doc]], size: int) -> Iterator[list[Doc]]:
    """Batches of at most ``size`` records and about :data:`BATCH_BYTES` (huge articles)."""
    batch: list[Doc] = []
    weight = 0
    for docs in batches:
        for doc in docs:
            batch.append(doc)
            weight += len(doc.get("text") or "")
            if len(batch) >= size or weight >= BATCH_BYTES:
                yield batch
                batch, weight = [], 0
    if batch:
        yield batch


def copy_store(
    source: Backend,
    destination: Backend,
    *,
    force: bool = False,
    batch: int = BATCH,
    progress: Progress | None = None,
) -> list[TableCopy]:
    """Copy every record of ``source`` into ``destination`` (see the module docstring for the rules).

    Raises:
        CopyError: a source record is damaged (nothing of its batch was written).
        SaveError: the destination refused a batch (the batches before it are kept).
        StoreBusyError: another writer held the destination too long.
    """
    copier = _Copier(source, destination, force=force)
    reports: list[TableCopy] = []
    for table in ORDER:
        report = TableCopy(table, total=source.count(table))
        reports.append(report)
        done = 0
        if progress is not None:
            progress(table, 0, report.total)
        for docs in _rebatched(source.iter_docs(table, batch), batch):
            copier.batch(table, _checked(source, table, docs), report)
            done += len(docs)
            if progress is not None:
                progress(table, done, max(done, report.total))
    return reports


# ---------------------------------------------------------------------- verifying


@dataclass(frozen=True, slots=True)
class TableVerification:
    """One table's records on both sides: counts and content hashes."""

    table: str
    #: Records in the source, and the SHA-256 of their canonical JSON in id order.
    source_count: int
    source_hash: str
    #: The same over the destination's records with the source's ids.
    destination_count: int
    destination_hash: str
    #: Source ids the destination lacks, and ids it holds in another version (the first few).
    missing: tuple[str, ...]
    missing_count: int
    differing: tuple[str, ...]
    differing_count: int
    #: Records the destination holds that the source does not (left alone by a copy).
    others: int

    @property
    def equal(self) -> bool:
        """True when the destination holds exactly the source's records of this table."""
        return self.source_count == self.destination_count and self.source_hash == self.destination_hash


class _OrderedHash:
    """SHA-256 over canonical records fed in strictly increasing id order (else ``ValueError``)."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.hash = hashlib.sha256()
        self.count = 0
        self.last: str | None = None

    def add(self, key: str, data: bytes) -> None:
        if self.last is not None and key <= self.last:
            raise ValueError(f"{self.where} did not give its records in id order ({key!r} after {self.last!r})")
        self.last = key
        self.count += 1
        self.hash.update(data)
        self.hash.update(b"\n")  # never inside canonical JSON: records cannot run into each other


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def verify_table(source: Backend, destination: Backend, table: str, batch: int = BATCH) -> TableVerification:
    """Count and hash ``table`` on both sides (the destination's records with the source's ids)."""
    digests: dict[str, bytes] = {}
    source_hash = _OrderedHash(source.location(table))
    for docs in source.iter_docs(table, batch):
        for doc in docs:
            key, data = str(doc.get("id")), canonical(doc)
            source_hash.add(key, data)
            digests[key] = _digest(data)
    destination_hash = _OrderedHash(destination.location(table))
    others = 0
    differing: list[str] = []
    for docs in destination.iter_docs(table, batch):
        for doc in docs:
            key = str(doc.get("id"))
            expected = digests.pop(key, None)
            if expected is None:
                others += 1
                continue
            data = canonical(doc)
            destination_hash.add(key, data)
            if _digest(data) != expected:
                differing.append(key)
    missing = sorted(digests)
    return TableVerification(
        table=table,
        source_count=source_hash.count,
        source_hash=source_hash.hash.hexdigest(),
        destination_count=destination_hash.count,
        destination_hash=destination_hash.hash.hexdigest(),
        missing=tuple(missing[:NAMED]),
        missing_count=len(missing),
        differing=tuple(differing[:NAMED]),
        differing_count=len(differing),
        others=others,
    )


def verify(source: Backend, destination: Backend, batch: int = BATCH) -> list[TableVerification]:
    """:func:`verify_table` for every table, in copy order."""
    return [verify_table(source, destination, table, batch) for table in ORDER]

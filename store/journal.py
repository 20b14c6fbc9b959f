"""A TinyDB file plus an append-only journal: durable saves that cost the same at any size.

Rewriting a whole TinyDB file per save costs time in proportion to the store (hundreds of
milliseconds at 100,000 tags). Instead, each file of the store is

* a **snapshot**: an ordinary TinyDB JSON file (``annotations.json``), written atomically by
  :func:`store.storage.atomic_write`, which the ``tinydb`` package opens as it is;
* a **journal** beside it (``annotations.journal``): one JSON line per change (a list of
  ``[table, doc_id, document-or-null]``), appended and fsynced before the save is reported done.

Opening replays the journal over the snapshot. Compaction folds the journal into a new snapshot
and starts an empty journal. The snapshot names the journal started with it
(``_meta.journal_id``) and the one it folded in (``_meta.folded_journal_id``); what a journal
with another id means is decided by :meth:`store.store_file.StoreFile.load`, which never drops
a change that is not in the snapshot. A journal without its header line is damaged.

A kill in the middle of an append leaves a partial last line; it was never reported saved, so
it is ignored on reading and cut off before the next append. Any other unreadable line means
the journal is damaged and raises :class:`StoreFileError`.

Other processes append to the same journal (under the store lock); :meth:`Journal.read_new`
picks up their complete lines incrementally, which is how one analyst sees another's tags.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from store.storage import RESTORE_HINT, StoreFileError, atomic_write, open_nofollow, read_nofollow, truncate_file

#: One change: table name, TinyDB document id, the new document (``None``: removed).
RawChange = tuple[str, str, dict[str, Any] | None]


@dataclass(frozen=True, slots=True)
class JournalState:
    """What reading a journal found: its id, its changes, and where complete lines end."""

    journal_id: str | None
    entries: list[list[RawChange]]
    offset: int
    #: Who saved each entry, when, and what it was (``{}`` for lines written before version 3).
    metas: list[dict[str, Any]] = field(default_factory=list)


def _is_entry(record: object) -> bool:
    """True for a list of changes, each ``[table, doc_id, document-or-null]``."""
    return isinstance(record, list) and all(
        isinstance(change, list)
        and len(change) == 3
        and isinstance(change[0], str)
        and isinstance(change[1], str)
        and change[1].isascii()
        and change[1].isdigit()
        and (change[2] is None or isinstance(change[2], dict))
        for change in record
    )


def new_journal_id() -> str:
    """A fresh id tying a snapshot to the journal started with it."""
    return uuid.uuid4().hex


class Journal:
    """The append-only change log of one store file."""

    def __init__(self, path: Path, file_mode: int = 0o600) -> None:
        self.path = path
        self.file_mode = file_mode
        self.offset = 0
        self.journal_id: str | None = None
        self.entry_count = 0
        self._inode: int | None = None

    # ------------------------------------------------------------------ reading

    def read_all(self) -> JournalState:
        """Read the whole journal from the start."""
        self.offset = 0
        self.journal_id = None
        self.entry_count = 0
        self._inode = None
        return self.read_new()

    def replaced(self) -> bool:
        """True when the journal file is not the one this object has been reading (compacted)."""
        try:
            inode = self.path.lstat().st_ino
        except FileNotFoundError:
            return self._inode is not None
        return self._inode is not None and inode != self._inode

    def read_new(self) -> JournalState:
        """Read the complete lines appended since the last read (a partial last line waits)."""
        try:
            with os.fdopen(open_nofollow(self.path, os.O_RDONLY), "rb") as handle:
                inode = os.fstat(handle.fileno()).st_ino
                if self._inode is not None and inode != self._inode:
                    raise StoreFileError(self.path, "replaced while being read", "Reopen the store.")
                self._inode = inode
                handle.seek(self.offset)
                data = handle.read()
        except FileNotFoundError:
            return JournalState(self.journal_id, [], self.offset)
        entries: list[list[RawChange]] = []
        metas: list[dict[str, Any]] = []
        end = data.rfind(b"\n") + 1  # only complete lines; a torn tail is not (yet) a change
        position = 0
        line_number = 0
        for raw in data[:end].split(b"\n")[:-1]:
            line_number += 1
            position += len(raw) + 1
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise StoreFileError(
                    self.path,
                    f"damaged at byte {self.offset + position - len(raw) - 1}",
                    RESTORE_HINT,
                ) from exc
            if isinstance(record, dict) and "journal_id" in record:
                if not isinstance(record["journal_id"], str):
                    raise StoreFileError(self.path, f"its header (line {line_number}) has no journal id", RESTORE_HINT)
                self.journal_id = record["journal_id"]
                continue
            meta: dict[str, Any] = {}
            if isinstance(record, dict) and isinstance(record.get("changes"), list):
                meta = {k: str(v) for k, v in record.items() if k in ("by", "at", "label", "cs")}
                record = record["changes"]
            if not _is_entry(record):
                raise StoreFileError(self.path, f"unexpected record on line {line_number}", RESTORE_HINT)
            entries.append([(table, doc_id, doc) for table, doc_id, doc in record])
            metas.append(meta)
        self.offset += end
        self.entry_count += len(entries)
        return JournalState(self.journal_id, entries, self.offset, metas)

    # ------------------------------------------------------------------ writing (under the store lock)

    def start(self, journal_id: str) -> None:
        """Replace the journal by an empty one with ``journal_id`` (atomically)."""
        header = orjson.dumps({"journal_id": journal_id}) + b"\n"
        atomic_write(self.path, header, self.file_mode)
        self.journal_id = journal_id
        self.offset = len(header)
        self.entry_count = 0
        self._inode = self.path.lstat().st_ino

    def append(self, changes: list[RawChange], meta: dict[str, str] | None = None) -> None:
        """Append one change durably: the line is fsynced before this returns.

        ``meta`` (who, when, what) is saved with the changes, so other analysts' stores can say
        who changed a record. A partial line left by a writer that was killed is cut off first,
        so the new line starts on a line of its own. The journal must exist (made by
        :meth:`start`, with its header): appending never creates one, as a journal without a
        header cannot be placed. Raises ``FileNotFoundError`` when it is gone.
        """
        body = [[table, doc_id, doc] for table, doc_id, doc in changes]
        line = orjson.dumps({**(meta or {}), "changes": body}) + b"\n"
        fd = open_nofollow(self.path, os.O_RDWR)  # only a started journal: never one without its header
        try:
            status = os.fstat(fd)
            if status.st_size > self.offset:
                # Bytes past what we read: only a torn line can be there, as we hold the lock
                # and have read every complete line before appending.
                os.ftruncate(fd, self.offset)
            os.lseek(fd, self.offset, os.SEEK_SET)
            written = os.write(fd, line)
            while written < len(line):
                written += os.write(fd, line[written:])
            os.fsync(fd)
        finally:
            os.close(fd)
        self._inode = status.st_ino
        self.offset += len(line)
        self.entry_count += 1

    def truncate(self, offset: int) -> None:
        """Cut the journal back to ``offset``: takes back a line whose changeset failed elsewhere.

        Truncating needs no free space, so it works on the full disk that made the other write
        fail. Readers that saw the line notice the journal shrank and reload.
        """
        truncate_file(self.path, offset)
        self.offset = offset
        self.entry_count = max(self.entry_count - 1, 0)

    def offset_of(self, marker: bytes) -> int | None:
        """Where the first line containing ``marker`` starts (a changeset to take back), if any."""
        try:
            data = read_nofollow(self.path)
        except FileNotFoundError:
            return None
        found = data.find(marker)
        return None if found < 0 else data.rfind(b"\n", 0, found) + 1

    def shrunk(self) -> bool:
        """True when the file is shorter than what was read: a line was taken back."""
        return self.size() < self.offset

    def size(self) -> int:
        """Bytes in the journal file (0 when there is none)."""
        try:
            return self.path.lstat().st_size
        except FileNotFoundError:
            return 0

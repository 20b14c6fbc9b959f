"""One analyst's own reading state of a store: read articles, bookmarks, saved searches.

Not shared store data: what one analyst has read, marked to come back to, or searches often is
theirs alone, so it is kept per user (``$XDG_STATE_HOME/dossier/reading/``, one small JSON file
per store, the folder 0700 and the files 0600), never in the store other analysts open.

Each change is read-modify-written under a file lock, so two windows of the same analyst on
one store never lose each other's marks, and written whole to a temporary file renamed over
the old one, so a kill mid-write leaves the old state. A file that cannot be read as this
state (damaged, foreign, a symlink planted in its place) is set aside under a ``.damaged``
name the first time a change is written, never silently overwritten, and the state starts
empty; a change that cannot be written raises ``OSError`` so the app can say so.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

from store.codec import now
from store.sanitize import neutralize, sanitize_line
from store.storage import atomic_write

#: Bigger than any honest state (every article of a 200,000-article store read is 5 MB); a bigger file is not read.
LARGEST = 64_000_000
LOCK_WAIT_S = 5.0
#: Saved searches kept per store, and the longest name and query kept.
MAX_QUERIES, LONGEST_NAME, LONGEST_QUERY = 200, 80, 2000


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A place in an article the analyst marked to come back to."""

    article_id: str
    offset: int
    label: str = ""
    created: str = ""


@dataclass(frozen=True, slots=True)
class SavedQuery:
    """A search kept under a name: a view of the document list."""

    name: str
    query: str


def state_directory() -> Path:
    """Where the reading states live (the user's XDG state directory)."""
    return Path(platformdirs.user_state_dir("dossier")) / "reading"


class ReadingState:
    """The reading state of one store for this user (see the module docstring)."""

    def __init__(self, store_key: str, directory: Path | None = None) -> None:
        folder = directory if directory is not None else state_directory()
        digest = hashlib.sha256(store_key.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        self.path = folder / f"{digest}.json"
        self._data = self._read()

    # ------------------------------------------------------------------ reading

    def _read(self) -> dict[str, Any]:
        """The state on disk (empty when there is none or it is not one)."""
        data = _load(self.path)
        return data if data is not None else {}

    def reload(self) -> None:
        """Read the file again (another window of this analyst may have changed it)."""
        self._data = self._read()

    def read_ids(self) -> set[str]:
        """The articles this analyst has read."""
        return {key for key in self._data.get("read", []) if isinstance(key, str)}

    def is_read(self, article_id: str) -> bool:
        """Whether this analyst has read the article."""
        return article_id in self.read_ids()

    def bookmarks(self) -> list[Bookmark]:
        """The bookmarks, oldest first."""
        found = []
        for item in self._data.get("bookmarks", []):
            if isinstance(item, dict) and isinstance(item.get("article"), str) and _offset(item.get("offset")):
                # Read as data: a file planted or edited by hand may hold escape codes.
                label, created = neutralize(str(item.get("label", ""))), neutralize(str(item.get("created", "")))
                found.append(Bookmark(item["article"], item["offset"], label, created))
        return found

    def saved_queries(self) -> list[SavedQuery]:
        """The saved searches, in the order they were saved."""
        return [
            SavedQuery(neutralize(item["name"]), neutralize(item["query"]))
            for item in self._data.get("queries", [])
            if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("query"), str)
        ]

    # ------------------------------------------------------------------ changing

    def mark_read(self, article_id: str, read: bool = True) -> None:
        """Mark an article read (or unread again)."""

        def change(data: dict[str, Any]) -> None:
            ids = [key for key in data.get("read", []) if isinstance(key, str) and key != article_id]
            data["read"] = [*ids, article_id] if read else ids

        self._change(change)

    def add_bookmark(self, article_id: str, offset: int, label: str = "") -> Bookmark:
        """Mark a place to come back to (one bookmark per place: its label is the newest)."""
        mark = Bookmark(article_id, max(0, int(offset)), sanitize_line(label)[:LONGEST_NAME], now())

        def change(data: dict[str, Any]) -> None:
            kept = [
                b for b in _items(data, "bookmarks") if (b.get("article"), b.get("offset")) != (article_id, mark.offset)
            ]
            data["bookmarks"] = [
                *kept,
                {"article": article_id, "offset": mark.offset, "label": mark.label, "created": mark.created},
            ]

        self._change(change)
        return mark

    def remove_bookmark(self, article_id: str, offset: int) -> None:
        """Take a bookmark away (nothing happens when there is none there)."""

        def change(data: dict[str, Any]) -> None:
            data["bookmarks"] = [
                b for b in _items(data, "bookmarks") if (b.get("article"), b.get("offset")) != (article_id, offset)
            ]

        self._change(change)

    def save_query(self, name: str, query: str) -> SavedQuery:
        """Keep a search under a name (a name saved before is replaced). ``ValueError`` for an empty one."""
        saved = SavedQuery(sanitize_line(name)[:LONGEST_NAME].strip(), query.strip()[:LONGEST_QUERY])
        if not saved.name or not saved.query:
            raise ValueError("a saved search needs a name and a query")

        def change(data: dict[str, Any]) -> None:
            kept = [q for q in _items(data, "queries") if q.get("name") != saved.name]
            data["queries"] = [*kept, {"name": saved.name, "query": saved.query}][-MAX_QUERIES:]

        self._change(change)
        return saved

    def delete_query(self, name: str) -> None:
        """Forget a saved search."""

        def change(data: dict[str, Any]) -> None:
            data["queries"] = [q for q in _items(data, "queries") if q.get("name") != name]

        self._change(change)

    def _change(self, change: Callable[[dict[str, Any]], None]) -> None:
        """Apply ``change`` to the state on disk, under the lock, and write it whole.

        Raises:
            OSError: it could not be written (a read-only or full disk); nothing changed.
        """
        from filelock import FileLock, Timeout

        folder = self.path.parent
        _private_folders(folder)
        try:
            with FileLock(str(folder / ".reading.lock"), timeout=LOCK_WAIT_S):
                data = _load(self.path)
                if data is None:
                    _set_aside(self.path)
                    data = {}
                change(data)
                _write(self.path, data)
        except Timeout as exc:
            raise OSError(f"{folder}: another Dossier holds the reading state's lock") from exc
        self._data = data


def _private_folders(folder: Path) -> None:
    """Make ``folder`` and every missing folder above it, each 0700.

    ``mkdir(parents=True)`` would make the ones above it with the default mode, readable by others.
    """
    missing = []
    at = folder
    while not at.exists() and at != at.parent:
        missing.append(at)
        at = at.parent
    for path in reversed(missing):
        path.mkdir(mode=0o700, exist_ok=True)


def _offset(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    return [item for item in data.get(key, []) if isinstance(item, dict)]


def _load(path: Path) -> dict[str, Any] | None:
    """The state in ``path``: ``{}`` when there is no file, ``None`` when there is one that is not a state."""
    try:
        if not path.exists() and not path.is_symlink():
            return {}
        if path.is_symlink() or not path.is_file() or path.stat().st_size > LARGEST:
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(k, []), list) for k in ("read", "bookmarks", "queries")
    ):
        return None
    return data


def _set_aside(path: Path) -> None:
    """Move what is at ``path`` (not a reading state) out of the way, under a name that says why."""
    if path.exists() or path.is_symlink():
        with contextlib.suppress(OSError):
            os.replace(path, path.with_name(f"{path.name}.damaged-{int(time.time())}"))


def _write(path: Path, data: dict[str, Any]) -> None:
    """Write the state whole, private, through :func:`store.storage.atomic_write` (never through a symlink)."""
    atomic_write(path, json.dumps(data, ensure_ascii=False).encode("utf-8"), 0o600)

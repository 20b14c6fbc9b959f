"""Where each store was left, so the app reopens there: per user, never in the shared store.

The last article and cursor offset of every store this user opened, in a small JSON file in
the user's XDG state directory (``$XDG_STATE_HOME/dossier``, by platformdirs). It is the user's
own (folder 0700, file 0600), written whole to a temporary file and renamed over the old one,
and only ever read as data: a damaged, foreign or unreadable file is as if there were none,
and a file that cannot be written is skipped; where one was is never worth an error.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import platformdirs

from store.storage import atomic_write

#: The places kept (the most recently left stores).
MAX_STORES = 50
#: How long quitting waits for another app writing its place (then this place is not kept).
LOCK_WAIT_S = 2.0
FILE_NAME = "last-places.json"


def state_file() -> Path:
    """The file of last places (in the XDG state directory)."""
    return Path(platformdirs.user_state_dir("dossier")) / FILE_NAME


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > 1_000_000:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # RecursionError: JSON nested beyond reason
        return {}
    return data if isinstance(data, dict) else {}


def last_place(store_key: str) -> tuple[str, int] | None:
    """The article id and offset where this store was left, if known."""
    entry = _read(state_file()).get(store_key)
    if not isinstance(entry, dict):
        return None
    article_id, offset = entry.get("article"), entry.get("offset")
    if not isinstance(article_id, str) or not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        return None
    return article_id, offset


def remember_place(store_key: str, article_id: str, offset: int) -> None:
    """Keep where this store is left (quietly skipped where the file cannot be written)."""
    from filelock import FileLock, Timeout  # only on the way out: not on the first screen's path

    path = state_file()
    with contextlib.suppress(OSError, Timeout):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        # Two apps quitting at once: each reads, changes its own place and writes; under the
        # lock the second reads what the first wrote, so neither place is lost.
        with FileLock(str(path.parent / ".last-places.lock"), timeout=LOCK_WAIT_S):
            _write(path, article_id, offset, store_key)


def _write(path: Path, article_id: str, offset: int, store_key: str) -> None:
    """Read the places, set this store's, write them whole (:func:`store.storage.atomic_write`)."""
    places = _read(path)
    places.pop(store_key, None)
    places[store_key] = {"article": article_id, "offset": int(offset)}
    kept = dict(list(places.items())[-MAX_STORES:])
    atomic_write(path, json.dumps(kept).encode("utf-8"), 0o600)

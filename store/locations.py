"""Where things live on disk: the default store and the bundled seed corpus."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

#: Environment variable that chooses the store when ``--store`` is not given.
STORE_ENV = "DOSSIER_STORE"


def default_store_path() -> Path:
    """``$DOSSIER_STORE`` if set, else ``store`` in the user's data directory (XDG on Linux)."""
    chosen = os.environ.get(STORE_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_data_dir("dossier", appauthor=False)) / "store"


def seed_directory() -> Path | None:
    """The five seed articles: inside the installed package, or ``seeds/`` of a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_seeds", package.parent / "seeds"):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None

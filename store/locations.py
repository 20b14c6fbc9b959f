"""Where stores live: the default store, the bundled seed corpus, and a server store's schema."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import platformdirs

if TYPE_CHECKING:
    from store.settings import Settings

#: Store locations that name a PostgreSQL server rather than a folder.
URL_SCHEMES = ("postgresql://", "postgres://")

#: Environment variable that chooses the store when ``--store`` is not given.
STORE_ENV = "DOSSIER_STORE"

#: Environment variable that chooses a server store's schema when ``--schema`` is not given.
SCHEMA_ENV = "DOSSIER_SCHEMA"
#: The schema a server store lives in unless told otherwise.
DEFAULT_SCHEMA = "dossier"
# Lower case only: an unquoted name in psql or pg_dump -n means the same schema, so what a user
# types there and what Dossier opens never differ by case folding.
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def store_location(text: str) -> Path | str:
    """A store named on the command line or in ``$DOSSIER_STORE``: a URL as it is, else a folder."""
    return text if is_url(text) else Path(text).expanduser()


def default_store_path() -> Path | str:
    """``$DOSSIER_STORE`` if set, else ``store`` in the user's data directory (XDG on Linux)."""
    chosen = os.environ.get(STORE_ENV)
    if chosen:
        return store_location(chosen)
    return Path(platformdirs.user_data_dir("dossier", appauthor=False)) / "store"


def chosen_store(cli_value: str | None, settings: Settings | None = None) -> Path | str:
    """The store to open: ``--store`` > ``$DOSSIER_STORE`` > the settings file's ``store`` > the default.

    An empty ``--store`` or ``$DOSSIER_STORE`` counts as not given.
    """
    if cli_value:
        return store_location(cli_value)
    if os.environ.get(STORE_ENV):
        return default_store_path()
    if settings is not None and settings.store:
        return store_location(settings.store)
    return default_store_path()


def chosen_store_source(cli_value: str | None, settings: Settings | None = None) -> str:
    """Which of the four chose the store (for ``dossier settings``): said in words."""
    if cli_value:
        return "--store"
    if os.environ.get(STORE_ENV):
        return f"${STORE_ENV}"
    if settings is not None and settings.store:
        return "the settings file"
    return "the default"


def schema_name(name: str) -> str:
    """``name`` if it can be a store's schema; else ``ValueError`` saying what a name may hold."""
    if not _SCHEMA_NAME.match(name):
        raise ValueError(
            f"not a usable schema name: {name!r} (lower-case letters, digits and _, not starting with a digit,"
            " at most 63)"
        )
    return name


def default_schema() -> str:
    """``$DOSSIER_SCHEMA`` if set, else ``dossier`` (checked: ``ValueError`` if it cannot be one)."""
    return schema_name(os.environ.get(SCHEMA_ENV) or DEFAULT_SCHEMA)


def seed_directory() -> Path | None:
    """The five seed articles: inside the installed package, or ``seeds/`` of a source checkout."""
    package = Path(__file__).resolve().parent
    for candidate in (package / "_seeds", package.parent / "seeds"):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None


def is_url(location: str) -> bool:
    """True for a ``postgresql://`` or ``postgres://`` store location."""
    return location.startswith(URL_SCHEMES)


def display_url(url: str) -> str:
    """The URL with any password removed: the only form ever printed."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def shown(location: Path | str) -> str:
    """How a store is named in messages: a folder as it is, a URL without its password."""
    return display_url(location) if isinstance(location, str) else str(location)

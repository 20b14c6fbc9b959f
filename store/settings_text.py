"""The settings told to the user: what is in effect and why, and a commented example file.

``dossier settings`` prints :func:`describe_settings`; ``--write-example`` writes
:func:`example_settings` (the README quotes it). Every value shown passes through
:func:`store.sanitize.neutralize`: a settings file, an environment variable or a store URL is
shown, never obeyed by the terminal.
"""

from __future__ import annotations

import os

from store.locations import chosen_store, chosen_store_source, shown
from store.models import ENTITY_TYPES
from store.sanitize import neutralize
from store.settings import AUTHOR_ENV, Settings, chosen_author
from store.settings_file import settings_path


def describe_settings(
    settings: Settings, *, store_flag: str | None = None, author_flag: str | None = None
) -> list[str]:
    """Lines saying which settings file is read, and each setting in effect with where it came from.

    ``store_flag`` and ``author_flag`` are ``--store`` and ``--author`` as given (``None`` if not).

    Raises:
        ValueError: ``--author`` or ``$DOSSIER_AUTHOR`` is not a usable name (as when opening a store).
    """
    path = settings.path or settings_path()
    exists = "" if path.exists() or path.is_symlink() else " (none yet: every setting is its default)"
    store = chosen_store(store_flag, settings)
    lines = [
        f"settings file: {neutralize(str(path))}{exists}",
        f"store: {neutralize(shown(store))}  (from {chosen_store_source(store_flag, settings)})",
        f"author: {neutralize(chosen_author(author_flag, settings))}  (from {_author_source(author_flag, settings)})",
        f"theme: {neutralize(settings.theme) if settings.theme else 'the default (textual-dark)'}",
        "entity types: "
        + " ".join(neutralize(kind) for kind in settings.entity_types)
        + ("  (the defaults)" if settings.entity_types == ENTITY_TYPES else ""),
    ]
    if settings.keys:
        lines.append("keys (binding id = keys):")
        lines.extend(f"  {neutralize(binding_id)} = {neutralize(keys)}" for binding_id, keys in settings.keys.items())
    else:
        lines.append("keys: the defaults (? in the app lists them)")
    return lines


def _author_source(author_flag: str | None, settings: Settings) -> str:
    if author_flag is not None:
        return "--author"
    if (os.environ.get(AUTHOR_ENV) or "").strip():
        return f"${AUTHOR_ENV}"
    if settings.author:
        return "the settings file"
    return "the user you are logged in as"


def example_settings() -> str:
    """A commented settings file: every setting, each with its default left commented out."""
    types = ", ".join(f'"{kind}"' for kind in ENTITY_TYPES)
    return f"""\
# Dossier settings. Every line is optional: a setting left out has its default.
# Read when Dossier starts; `dossier settings` shows what is in effect and why.
# A mistake here stops Dossier with a message naming the line, so nothing is silently ignored.

# The store to open: a folder (absolute, or starting with ~) or a postgresql:// URL.
# --store and $DOSSIER_STORE win over it.
# store = "~/research/dossier-store"

# The colour theme. Choosing one in the app (ctrl+p, "Change theme") writes it here.
# theme = "textual-dark"

# Who the records you make say made them. --author and $DOSSIER_AUTHOR win over it;
# by default, the user you are logged in as. (A PostgreSQL store records its database role.)
# author = "Ada Lovelace"

# The entity types offered when tagging, in this order. Your own are welcome (upper-cased).
# entity_types = [{types}]

# Keys: a binding id = the keys for it, comma-separated, in Textual's notation
# (ctrl+s, alt+left, f5, j, question_mark). The ids: `dossier settings --keys`.
[keys]
# "reader.tag_entity" = "e,ctrl+e"
# "screen.search" = "slash,ctrl+f"
"""

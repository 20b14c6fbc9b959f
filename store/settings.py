"""The user's settings: one TOML file, read once at start, every value checked.

``settings.toml`` (see :func:`store.settings_file.settings_path`) may hold::

    store = "~/research/store"          # or a postgresql:// URL
    theme = "nord"                      # remembered when chosen in the app
    author = "Ada Lovelace"             # who records say made them
    entity_types = ["PERSON", "ORG", "UNIT"]

    [keys]                              # binding id = keys (see `dossier settings`)
    "reader.tag_entity" = "e,ctrl+e"

Every value is checked when the file is read, and the first problem is a
:class:`SettingsError` that names the file and the line (``settings.toml, line 4: theme must
be text, not a number``). An unknown name is an error too, not a warning: a typo
(``themme``) silently ignored would leave the user wondering why nothing changed. A file that
is missing is the defaults. Nothing here imports Textual: the app passes the binding ids it
knows (``binding_ids``) so an unknown id is caught with its line, and decides for itself
whether a theme name is one of its themes.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn

import tomlkit
import tomlkit.exceptions

from store.codec import current_user
from store.keynames import KeyNameError, check_keys
from store.locations import is_url
from store.models import ENTITY_TYPES
from store.sanitize import escape_undecodable, sanitize_line
from store.settings_file import SettingsError, read_settings_text, settings_path, write_settings_text
from store.toml_lines import key_line

#: Environment variable naming the author of this process's changes when ``--author`` is not given.
AUTHOR_ENV = "DOSSIER_AUTHOR"
#: Longest author name: a name, not a paragraph.
MAX_AUTHOR = 100
#: Longest theme name (Textual's are a word or two).
MAX_THEME = 64
#: Longest entity type, and most types offered.
MAX_TYPE = 40
MAX_TYPES = 64
#: The names a settings file may use, and what each must be.
FIELDS = {"store": "text", "theme": "text", "author": "text", "entity_types": "a list of text", "keys": "a table"}


@dataclass(frozen=True)
class Settings:
    """Everything the settings file can say; each ``None`` means "not set: use the default"."""

    #: Store folder or ``postgresql://`` URL (``--store`` and ``$DOSSIER_STORE`` win over it).
    store: str | None = None
    #: Name of a Textual theme; the app checks it is one.
    theme: str | None = None
    #: Binding id → keys (Textual notation, comma-separated), replacing that binding's keys.
    keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    #: Entity types offered in the picker and the pass over suggestions, in order.
    entity_types: tuple[str, ...] = ENTITY_TYPES
    #: Who records say made them (``--author`` and ``$DOSSIER_AUTHOR`` win over it).
    author: str | None = None
    #: The file these came from (``None``: defaults only, nothing is remembered).
    path: Path | None = None


def load_settings(path: Path | None = None, *, binding_ids: Collection[str] | None = None) -> Settings:
    """The settings in ``path`` (default :func:`settings_path`); the defaults if there is no file.

    ``binding_ids``, when given, are the ids a ``[keys]`` entry may name; without them any
    well-formed id is taken (and one Textual does not know binds nothing).

    Raises:
        SettingsError: the file cannot be read or holds a bad value; the message names the line.
    """
    path = settings_path() if path is None else path
    text = read_settings_text(path)
    if text is None:
        return Settings(path=path)
    return parse_settings(text, path=path, binding_ids=binding_ids)


def parse_settings(text: str, *, path: Path | None = None, binding_ids: Collection[str] | None = None) -> Settings:
    """The settings ``text`` says (see :func:`load_settings`)."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, exc, text) from exc
    checker = _Checker(text, path)
    for name in raw:
        if name not in FIELDS:
            checker.fail((name,), f"unknown setting {name!r} (known: {', '.join(FIELDS)})")
    return Settings(
        store=checker.store(raw.get("store")),
        theme=checker.line_text(("theme",), raw.get("theme"), MAX_THEME),
        keys=MappingProxyType(checker.keys(raw.get("keys"), binding_ids)),
        entity_types=checker.entity_types(raw.get("entity_types")),
        author=checker.line_text(("author",), raw.get("author"), MAX_AUTHOR),
        path=path,
    )


def _syntax_error(path: Path | None, exc: tomllib.TOMLDecodeError, text: str) -> SettingsError:
    """A syntax error, its line taken from tomllib's "(at line N, column M)" to where every message has it."""
    message, _, where = str(exc).rpartition(" (at ")
    if not message:
        return SettingsError(path, f"not valid TOML: {exc}")
    if where.startswith("line "):
        line = int(where[5:].split(",")[0])
        column = where.split("column ")[-1].rstrip(")")
        return SettingsError(path, f"not valid TOML: {message} (column {column})", line)
    return SettingsError(path, f"not valid TOML: {message} (at the end)", max(1, len(text.splitlines())))


class _Checker:
    """Checks values against what each setting must be, failing with the value's line."""

    def __init__(self, text: str, path: Path | None) -> None:
        self.text = text
        self.path = path

    def fail(self, where: tuple[str, ...], problem: str) -> NoReturn:
        raise SettingsError(self.path, problem, key_line(self.text, where))

    def line_text(self, where: tuple[str, ...], value: Any, longest: int) -> str | None:
        """One line of text without control characters, ``longest`` characters at most."""
        if value is None:
            return None
        name = ".".join(where)
        if not isinstance(value, str):
            self.fail(where, f"{name} must be text, not {_kind(value)}")
        if sanitize_line(value) != value.strip() or not value.isprintable():
            self.fail(where, f"{name} must be one line without control characters: {value!r}")
        if not value.strip():
            self.fail(where, f"{name} cannot be empty (leave it out for the default)")
        if len(value) > longest:
            self.fail(where, f"{name} must be at most {longest} characters, not {len(value)}")
        return value.strip()

    def store(self, value: Any) -> str | None:
        location = self.line_text(("store",), value, 4096)
        if location is None or is_url(location):
            return location
        if not Path(location).expanduser().is_absolute():
            self.fail(
                ("store",),
                f"store must be an absolute folder (/..., ~/...) or a postgresql:// URL, not {location!r}",
            )
        return location

    def entity_types(self, value: Any) -> tuple[str, ...]:
        if value is None:
            return ENTITY_TYPES
        where = ("entity_types",)
        if not isinstance(value, list):
            self.fail(where, f"entity_types must be a list of text, not {_kind(value)}")
        if not value:
            self.fail(where, "entity_types cannot be empty (leave it out for the defaults)")
        if len(value) > MAX_TYPES:
            self.fail(where, f"entity_types may list at most {MAX_TYPES} types, not {len(value)}")
        types: list[str] = []
        for item in value:
            if not isinstance(item, str):
                self.fail(where, f"each entity type must be text, not {_kind(item)}")
            kind = self.line_text(where, item, MAX_TYPE)
            assert kind is not None
            kind = kind.upper()
            if kind in types:
                self.fail(where, f"entity type {kind!r} is listed twice")
            types.append(kind)
        return tuple(types)

    def keys(self, value: Any, binding_ids: Collection[str] | None) -> dict[str, str]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(("keys",), f"keys must be a table ([keys]) of binding id = keys, not {_kind(value)}")
        keymap: dict[str, str] = {}
        for parts, keys in _flatten(value, ("keys",)):
            binding_id = ".".join(parts[1:])
            if binding_ids is not None and binding_id not in binding_ids:
                self.fail(parts, f"no key binding has the id {binding_id!r} (`dossier settings --keys` lists them)")
            if not isinstance(keys, str):
                self.fail(parts, f'the keys of {binding_id!r} must be text such as "ctrl+s", not {_kind(keys)}')
            try:
                keymap[binding_id] = check_keys(keys)
            except KeyNameError as exc:
                self.fail(parts, f"keys of {binding_id!r}: {exc}")
        return keymap


def _flatten(table: dict[str, Any], prefix: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    """``{"reader": {"tag_entity": "x"}}`` as ``[(("keys", "reader", "tag_entity"), "x")]``.

    Binding ids hold dots: written unquoted (``reader.tag_entity = "x"``) TOML makes them nested
    tables, which mean the same id.
    """
    found: list[tuple[tuple[str, ...], Any]] = []
    for name, value in table.items():
        if isinstance(value, dict):
            found.extend(_flatten(value, (*prefix, name)))
        else:
            found.append(((*prefix, name), value))
    return found


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def remember_theme(name: str, path: Path | None = None) -> Path:
    """Set ``theme = name`` in the settings file, keeping everything else in it as it was.

    Comments, order and spacing stay (``tomlkit`` edits the document in place); the file is
    made (private, with its folder) if absent, and replaced atomically, never through a link.
    Returns the file written.

    Raises:
        SettingsError: the file is broken (it is left alone: fix it first), is a link or a
            folder, or cannot be written.
    """
    path = settings_path() if path is None else path
    if path.is_symlink():  # checked before reading: a link is neither read nor replaced here
        raise SettingsError(path, "is a symbolic link; Dossier does not write through one (edit it by hand)")
    checked = _Checker("", path).line_text(("theme",), name, MAX_THEME)
    text = read_settings_text(path) or ""
    parse_settings(text, path=path)  # a file with a mistake is not rewritten around it
    try:
        document = tomlkit.parse(text)
    except tomlkit.exceptions.ParseError as exc:  # tomllib took it: only a disagreement between parsers
        raise SettingsError(path, f"not valid TOML: {exc}") from exc
    document["theme"] = checked
    write_settings_text(path, tomlkit.dumps(document))
    return path


def chosen_author(cli_value: str | None = None, settings: Settings | None = None) -> str:
    """Who this process's changes are by: ``--author`` > ``$DOSSIER_AUTHOR`` > settings > the OS user.

    A name given is cleaned to one line (control characters dropped, so none can reach a
    terminal that shows it); an empty ``$DOSSIER_AUTHOR`` counts as unset.

    Raises:
        ValueError: ``--author`` is empty, or a name is longer than :data:`MAX_AUTHOR`.
    """
    if cli_value is not None:
        return _author_name(cli_value, "--author")
    from_env = os.environ.get(AUTHOR_ENV)
    if from_env and sanitize_line(from_env):
        return _author_name(from_env, f"${AUTHOR_ENV}")
    if settings is not None and settings.author:
        return settings.author
    return sanitize_line(current_user()) or str(os.getuid())


def _author_name(value: str, source: str) -> str:
    name = sanitize_line(escape_undecodable(value))  # bytes that are not UTF-8 cannot be saved as they are
    if not name:
        raise ValueError(f"{source}: an author's name cannot be empty")
    if len(name) > MAX_AUTHOR:
        raise ValueError(f"{source}: an author's name is at most {MAX_AUTHOR} characters, not {len(name)}")
    return name

"""The settings file: every field read, every kind of mistake named with its line.

A settings file is written by hand, so it will hold typos, wrong types, keys no terminal
sends and text pasted from anywhere: each must stop the start with a message that says which
line, and never show the terminal a raw escape sequence.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.models import ENTITY_TYPES
from store.settings import Settings, load_settings, parse_settings
from store.settings_file import SettingsError
from store.settings_text import example_settings
from tui.binding_ids import binding_ids

FULL = """\
# Dossier settings
store = "~/research/store"
theme = "nord"
author = "Ada Lovelace"
entity_types = ["person", "ORG", "Unit", "Waffenträger"]

[keys]
"reader.tag_entity" = "e, ctrl+e"
screen.search = "slash,ctrl+f"
"screen.help" = "?"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> SettingsError:
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, text), binding_ids=binding_ids())
    return caught.value


def test_every_field_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, FULL)
    settings = load_settings(path, binding_ids=binding_ids())
    assert settings == Settings(
        store="~/research/store",
        theme="nord",
        author="Ada Lovelace",
        entity_types=("PERSON", "ORG", "UNIT", "WAFFENTRÄGER"),
        keys={"reader.tag_entity": "e,ctrl+e", "screen.search": "slash,ctrl+f", "screen.help": "?"},
        path=path,
    )


def test_a_missing_file_is_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "nowhere" / "settings.toml")
    assert settings.entity_types == ENTITY_TYPES and not settings.keys
    assert (settings.store, settings.theme, settings.author) == (None, None, None)


def test_an_empty_file_and_the_example_are_the_defaults(tmp_path: Path) -> None:
    assert load_settings(write(tmp_path, "")).entity_types == ENTITY_TYPES
    example = load_settings(write(tmp_path, example_settings()), binding_ids=binding_ids())
    assert example == Settings(path=tmp_path / "settings.toml")


def test_the_example_names_only_real_binding_ids_and_every_setting(tmp_path: Path) -> None:
    """Uncommenting every line of the example gives a file that loads: the README can quote it."""
    lines = []
    for line in example_settings().splitlines():
        body = line[2:] if line.startswith("# ") else line
        lines.append(body if "=" in body and not body.startswith(("Dossier", "Keys")) else line)
    settings = load_settings(write(tmp_path, "\n".join(lines)), binding_ids=binding_ids())
    assert settings.store and settings.theme and settings.author and settings.keys


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('theme = "nord"\nauthor = "x"\ntheme = "dark"\n', 3, "not valid TOML"),  # a key set twice
        ('theme = "nord"\n\nstore = ~/x\n', 3, "not valid TOML"),  # an unquoted string
        ('theme = "nord"\nentity_types = ["A",\n', 2, "not valid TOML"),  # unclosed at the end
        ("# hi\n\n\ntheme = 4\n", 4, "theme must be text, not a number"),
        ('author = "x"\nauthor_name = "Ada"\n', 2, "unknown setting 'author_name'"),
        ('theme = "a"\n[colours]\nx = 1\n', 2, "unknown setting 'colours'"),
        ('store = "relative/folder"\n', 1, "absolute"),
        ('theme = "x"\nentity_types = "PERSON"\n', 2, "must be a list"),
        ('theme = "x"\nentity_types = []\n', 2, "cannot be empty"),
        ('theme = "x"\nentity_types = ["PERSON", 3]\n', 2, "must be text"),
        ('\nentity_types = ["PERSON", "person"]\n', 2, "listed twice"),
        ('entity_types = ["PERSON", "  "]\n', 1, "cannot be empty"),
        ('author = ""\n', 1, "cannot be empty"),
        (f'author = "{"x" * 101}"\n', 1, "at most 100"),
        ('theme = "ok"\nkeys = "j"\n', 2, "must be a table"),
        ('[keys]\n"screen.help" = "f2"\n"reader.tag_entiy" = "e"\n', 3, "no key binding has the id 'reader.tag_entiy'"),
        ('[keys]\nreader.nothing = "e"\n', 2, "'reader.nothing'"),
        ('[keys]\n"screen.help" = "ctlr+h"\n', 2, "'ctlr' is not a modifier"),
        ('[keys]\n"screen.help" = "f2,,f3"\n', 2, "empty key"),
        ('[keys]\n"screen.help" = "helpme"\n', 2, "'helpme' is not a key"),
        ('[keys]\n\n"screen.help" = 7\n', 3, "must be text"),
        ('[keys]\n"screen.help" = ""\n', 2, "no key given"),
        ('[keys]\n"screen.help" = "ctrl+"\n', 2, "nothing after"),
        ("theme = 'a'\n[keys]\n'screen.search' = 'alt+\u00e9t\u00e9'\n", 3, "not a key"),
    ],
)
def test_each_mistake_names_its_line(tmp_path: Path, text: str, line: int, words: str) -> None:
    error = error_of(tmp_path, text)
    assert error.line == line, str(error)
    assert f"settings.toml, line {line}: " in str(error)
    assert words in str(error)


def test_a_type_error_names_the_line_in_the_users_own_layout(tmp_path: Path) -> None:
    """The line is found in the text, whatever spacing, quoting and tables it uses."""
    text = "# mine\n[keys]\n  'screen.search'   =   'slash'\n\n[keys.reader]\ntag_entity = 'e'\ntag_passage = 12\n"
    error = error_of(tmp_path, text)
    assert error.line == 7 and "'reader.tag_passage'" in str(error)


def test_the_message_names_the_file(tmp_path: Path) -> None:
    error = error_of(tmp_path, "theme = true\n")
    assert str(error) == f"{tmp_path / 'settings.toml'}, line 1: theme must be text, not true/false"


@pytest.mark.parametrize(
    "value",
    [
        "\\u001b]52;c;ZXZpbA==\\u0007",  # OSC 52: would set the clipboard
        "Ada\\u001b[2J",  # clears the screen
        "\\u009b31m",  # C1 CSI
        "\\u202egnirts",  # bidi override
        "two\\nlines",
    ],
)
@pytest.mark.parametrize("field", ["author", "theme"])
def test_control_characters_in_text_are_refused_and_never_echoed(tmp_path: Path, field: str, value: str) -> None:
    error = error_of(tmp_path, f'{field} = "{value}"\n')
    assert error.line == 1 and "control characters" in str(error)
    assert str(error).isprintable()  # the message shows the escapes, never the characters


def test_control_characters_in_key_names_are_never_echoed(tmp_path: Path) -> None:
    error = error_of(tmp_path, '[keys]\n"screen.help" = "\\u001b[31m"\n')
    assert error.line == 2 and str(error).isprintable()


def test_a_huge_value_is_refused_not_kept(tmp_path: Path) -> None:
    error = error_of(tmp_path, f'theme = "{"n" * 100_000}"\n')
    assert error.line == 1 and "at most 64" in str(error)


def test_parse_settings_takes_text_directly() -> None:
    """Without ``binding_ids`` any well-formed id is taken (nothing to check it against)."""
    settings = parse_settings('[keys]\n"other.id" = "j"\n')
    assert settings.keys == {"other.id": "j"}

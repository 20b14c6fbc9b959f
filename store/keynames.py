"""Key names as a settings file may give them, checked without the terminal library.

A key remapping in ``settings.toml`` is a comma-separated list of keys in Textual's notation
(``"ctrl+s"``, ``"j,down"``, ``"question_mark"`` or ``"?"``). The store layer never imports
Textual, so the notation is checked here, by the same rules Textual names keys with: a named
key (``escape``, ``pageup``, ``f5``...), one printable character, or a character's Unicode name
in lower case with underscores (``left_square_bracket``), each after any modifiers
(``ctrl+``, ``alt+``, ``shift+``...). A typo such as ``ctlr+s`` is caught when the file is read,
with its line, instead of silently binding a key no terminal ever sends.
"""

from __future__ import annotations

import unicodedata

#: Modifiers a key may carry, as Textual writes them.
MODIFIERS = frozenset({"ctrl", "alt", "shift", "super", "meta", "hyper"})

#: Keys with names of their own (not characters).
NAMED_KEYS = frozenset(
    {
        "escape",
        "enter",
        "return",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        *(f"f{n}" for n in range(1, 25)),
    }
)

#: Textual's short names for characters whose Unicode names it shortens (``solidus`` → ``slash``).
SHORT_CHARACTER_NAMES = frozenset({"slash", "backslash", "at", "minus", "plus", "underscore"})

#: Longest key list accepted: a remapping is a few keys, never a paragraph.
MAX_KEYS_LENGTH = 100


class KeyNameError(ValueError):
    """A key list that names no key a terminal can send; the message says which part and why."""


def check_keys(keys: str) -> str:
    """``keys`` without spaces around its commas, if every key in it can be pressed.

    Raises:
        KeyNameError: empty, too long, or one key is not a key (the message quotes it safely).
    """
    if len(keys) > MAX_KEYS_LENGTH:
        raise KeyNameError(f"a key list of at most {MAX_KEYS_LENGTH} characters, not {len(keys)}")
    parts = [part.strip() for part in keys.split(",")]
    if not any(parts):
        raise KeyNameError("no key given")
    for part in parts:
        _check_key(part)
    return ",".join(parts)


def _check_key(key: str) -> None:
    if not key:
        raise KeyNameError("an empty key between commas")
    *modifiers, base = key.split("+") if len(key) > 1 else [key]
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            raise KeyNameError(
                f"{_quoted(key)} is not a key: {_quoted(modifier)} is not a modifier"
                f" (one of {', '.join(sorted(MODIFIERS))})"
            )
    if not base:
        raise KeyNameError(f"{_quoted(key)} is not a key: nothing after the last +")
    if not is_key_name(base):
        raise KeyNameError(
            f"{_quoted(key)} is not a key (a key is one character, a name such as escape, enter, pageup, f5, "
            "or a character's name such as question_mark)"
        )


def is_key_name(name: str) -> bool:
    """True for one key without modifiers, as Textual names it."""
    if len(name) == 1:
        return name.isprintable() and not name.isspace()
    if name in NAMED_KEYS or name in SHORT_CHARACTER_NAMES:
        return True
    if name != name.lower() or not name.replace("_", "").isalnum() or not name.isascii():
        return False
    for unicode_name in (name.replace("_", " "), name.replace("_", "-")):
        try:
            character = unicodedata.lookup(unicode_name)
        except KeyError:
            continue
        return len(character) == 1 and character.isprintable() and not character.isspace()
    # Names with both spaces and hyphens ("hyphen_minus" is HYPHEN-MINUS): try each underscore as either.
    return _lookup_mixed(name)


def _lookup_mixed(name: str) -> bool:
    pieces = name.split("_")
    if len(pieces) > 8:  # 2**7 tries at most
        return False
    for mask in range(1 << (len(pieces) - 1)):
        joined = pieces[0]
        for index, piece in enumerate(pieces[1:]):
            joined += ("-" if mask >> index & 1 else " ") + piece
        try:
            character = unicodedata.lookup(joined)
        except KeyError:
            continue
        return len(character) == 1 and character.isprintable() and not character.isspace()
    return False


def _quoted(text: str) -> str:
    """``text`` quoted for a message: ``repr`` shows every unprintable character as an escape."""
    return repr(text)

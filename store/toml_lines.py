"""Which line of a TOML text holds a key: for messages about a value that parsed but is wrong.

``tomllib`` says where a syntax error is, but a file that parses can still hold a wrong value
(``theme = 3``) or a typo (``themme = "nord"``), and the parsed dictionary no longer knows its
lines. This finds them again from the text: table headers (``[keys]``) and key lines
(``a."b.c" = ...``) are split into their key parts, as TOML reads them, and the first line
whose full dotted path is the one asked for is the answer. It is for messages only: a line it
cannot find (a key written inside an inline table, say) gives ``None`` and the message names
the file alone.
"""

from __future__ import annotations

import re

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def key_line(text: str, path: tuple[str, ...]) -> int | None:
    """1-based number of the line that defines ``path`` (or a table under it) in ``text``."""
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline is not None:  # inside a multi-line string nothing is a key
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("["):
            header = stripped.strip("[").split("]")[0]
            parts = split_key(header)
            if parts is None:
                continue
            table = tuple(parts)
            if _covers(table, path, assignment=False):
                return number
            continue
        left, equals, right = _split_assignment(stripped)
        if not equals:
            continue
        parts = split_key(left)
        if parts is not None and _covers((*table, *parts), path, assignment=True):
            return number
        for quotes in ('"""', "'''"):
            if right.count(quotes) % 2 == 1:
                in_multiline = quotes
    return None


def _covers(found: tuple[str, ...], wanted: tuple[str, ...], *, assignment: bool) -> bool:
    """True when a line defining ``found`` defines ``wanted``.

    It does when it is ``wanted`` or something inside it (``[keys.reader]`` defines ``keys``), or,
    for ``key = value``, when ``wanted`` lies inside that value (an inline table).
    """
    if found[: len(wanted)] == wanted:
        return True
    return assignment and wanted[: len(found)] == found


def _split_assignment(line: str) -> tuple[str, str, str]:
    """``key = value`` split at the first ``=`` outside quotes."""
    quote: str | None = None
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = None
            elif char == "\\" and quote == '"':
                continue
        elif char in "\"'":
            quote = char
        elif char == "=":
            return line[:index], "=", line[index + 1 :]
    return line, "", ""


def split_key(text: str) -> list[str] | None:
    """The parts of a dotted TOML key (``a."b.c".d`` → ``[a, b.c, d]``), or ``None`` if it is not one."""
    parts: list[str] = []
    rest = text.strip()
    while True:
        if rest.startswith('"'):
            end = _closing_quote(rest)
            if end is None:
                return None
            parts.append(_unescape(rest[1:end]))
            rest = rest[end + 1 :].lstrip()
        elif rest.startswith("'"):
            end = rest.find("'", 1)
            if end < 0:
                return None
            parts.append(rest[1:end])
            rest = rest[end + 1 :].lstrip()
        else:
            match = _BARE.match(rest)
            if match is None:
                return None
            parts.append(match.group())
            rest = rest[match.end() :].lstrip()
        if not rest:
            return parts
        if not rest.startswith("."):
            return None
        rest = rest[1:].lstrip()


def _closing_quote(text: str) -> int | None:
    index = 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return index
        index += 1
    return None


def _unescape(text: str) -> str:
    """A basic string's escapes, as far as a key in a message needs them."""
    try:
        return text.encode("latin-1", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return text

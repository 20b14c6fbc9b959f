r"""Make untrusted text safe and tidy before it is stored.

Article text is data. It is shown in a terminal, so no character from an article may reach the
terminal as a control sequence: C0 and C1 control characters (ESC, CSI ``\x9b``, BEL...) are
removed, bidirectional overrides and isolates (which can make text read differently from what
is stored, "Trojan Source") are removed, and the odd spaces of scraped pages are made plain.
The same function cleans anything else typed or imported that ends up on screen (entity names,
labels, notes).
"""

from __future__ import annotations

import re
import unicodedata

from store.charclass import CharClass

_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
# C0 except \n, DEL, C1; zero-width space/word joiner/BOM; bidi embeddings, overrides, isolates.
_STRIP = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
_RUNS_OF_SPACES = re.compile(r" {2,}")
_LINE_SEPARATORS = re.compile(r"\r\n?|[\u2028\u2029\x85]")
#: What :data:`_LINE_SEPARATORS` starts with: looked for first, because the alternation
#: makes the expression scan slowly (a third of an import's cleaning time, for texts that
#: almost never hold any).
_SEPARATOR_CHARS = ("\r", "\u2028", "\u2029", "\x85")
#: What either :data:`_SPACES` or :data:`_STRIP` would change: a text without any (most) skips both.
_SPACES_OR_STRIP = CharClass(re.compile(f"[{_SPACES.pattern[1:-1]}{_STRIP.pattern[1:-1]}]"))  # one class


def sanitize_text(text: str) -> str:
    """Normalise line ends, spaces and Unicode form; drop control and bidi-override characters.

    Newlines are kept (they carry paragraph structure); tabs and odd spaces become one space;
    runs of spaces collapse; trailing spaces go.
    """
    if any(char in text for char in _SEPARATOR_CHARS):
        text = _LINE_SEPARATORS.sub("\n", text)
    if _SPACES_OR_STRIP.found_in(text):
        text = _SPACES.sub(" ", text)  # a space it puts in is none of _STRIP's
        text = _STRIP.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if "  " in text:
        text = _RUNS_OF_SPACES.sub(" ", text)
    return "\n".join(map(str.strip, text.split("\n")))


#: Characters a terminal draws as nothing (Unicode's default-ignorable code points: soft hyphen,
#: direction marks, joiners, fillers, variation and tag characters). In a one-line value (a
#: name, a label) they would make two values that look the same differ; they are dropped there.
#: Article text keeps them (its offsets are the tags').
INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff]"
)


def sanitize_line(text: str) -> str:
    """Sanitise a one-line value (a name, a label, a title): also folds newlines into spaces.

    Invisible characters (:data:`INVISIBLE`) go too: "Sergei Sho\u00adigu" is "Sergei Shoigu".
    """
    return " ".join(INVISIBLE.sub("", sanitize_text(text)).split())


#: Characters that must never reach a terminal: C0 (but newline), DEL, C1, bidi controls, and
#: lone surrogates (a byte of a command-line argument or file name that is not UTF-8: written back
#: as that byte, ``\udc9b`` is CSI to a terminal that is not in UTF-8 mode).
_UNSAFE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_CHARS = CharClass(_UNSAFE)


def neutralize(text: str) -> str:
    """Replace each character a terminal would obey (ESC, CSI, BEL, bidi overrides...) by U+FFFD.

    Unlike :func:`sanitize_text` this keeps the length, so annotation offsets stay valid. It is
    applied to everything read back from a store file, whatever wrote it: text that entered
    through ingest is already clean, and anything else (a hand-edited file, another tool) is
    shown, visibly, but never obeyed. (Every article's text goes through here when it is saved
    to a server, hence the fast test first: :class:`store.charclass.CharClass`.)
    """
    return _UNSAFE.sub("\ufffd", text) if _UNSAFE_CHARS.found_in(text) else text


#: What :func:`without_controls` changes: line ends other than ``\n``, tabs and the characters
#: :func:`neutralize` would turn into U+FFFD.
_CONTROLS = re.compile(r"\r\n?|[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_CHARS = CharClass(_CONTROLS)


def without_controls(text: str) -> tuple[str, list[int] | None]:
    r"""``text`` with no character a terminal obeys, and where each of its positions went.

    For text whose offsets matter (a brat ``.txt`` that becomes an article): line ends
    (``\r\n``, ``\r``, NEL) become ``\n``, tabs, vertical tabs and form feeds a space, and the
    other controls and bidi overrides are dropped, where :func:`neutralize` would leave a
    U+FFFD in their place in the text. Nothing else changes. The list maps each offset of
    ``text`` (``len(text) + 1`` of them) to the same place in the result, so spans move with
    their words; it is None when nothing changed (the offsets are the same).
    """
    if not _CONTROL_CHARS.found_in(text):
        return text, None
    parts: list[str] = []
    moved: list[int] = []
    at = done = 0  # where in ``text``; how long the result is so far
    for match in _CONTROLS.finditer(text):
        kept = text[at : match.start()]
        moved.extend(range(done, done + len(kept)))
        done += len(kept)
        found = match.group()
        new = "\n" if found[0] in "\r\x85" else " " if found in "\t\v\f" else ""
        moved.extend([done] * len(found))
        parts += (kept, new)
        done += len(new)
        at = match.end()
    tail = text[at:]
    moved.extend(range(done, done + len(tail) + 1))
    parts.append(tail)
    return "".join(parts), moved


def escape_undecodable(text: str) -> str:
    r"""``text``, each byte of it that was not UTF-8 written ``\xNN`` (a name, an argument, a path).

    Python hands a command-line argument, an environment variable or a file name that is not
    UTF-8 over with each bad byte as a lone surrogate (``surrogateescape``). No JSON encoder,
    journal or server column takes those, so text that is kept or compared is made plain here:
    the same bytes always give the same text, and a reader sees which bytes they were.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return text

"""Whether (and how often) a text holds characters of a class, asked without a regular expression where possible.

Every article is checked for characters it must not hold (controls, odd spaces, bidi overrides)
when it is read, cleaned and saved, and it almost never holds any. A regular expression scans
a text character by character, several nanoseconds each; most texts of news are Latin-1 (ASCII
with the odd ``£`` or ``é``), and for those one copy to bytes (``str.encode``) and one
``bytes.translate`` that deletes the class's characters answer the same question, in C, about
five times faster. Other text is asked of the regular expression, as before.
"""

from __future__ import annotations

import re


class CharClass:
    """The characters an expression matching one character at a time (``[...]``) matches, asked fast of Latin-1 text.

    The Latin-1 characters of the class are found by asking the expression itself about each of
    the 256, so the fast answer and the expression's cannot disagree.
    """

    __slots__ = ("latin1", "pattern")

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        #: The class's characters below U+0100, one byte each (what ``bytes.translate`` deletes).
        self.latin1 = bytes(code for code in range(256) if pattern.fullmatch(chr(code)))

    def found_in(self, text: str) -> bool:
        """True when ``text`` holds a character of the class (``pattern.search(text)``)."""
        data = _latin1(text)
        if data is None:
            return self.pattern.search(text) is not None
        return len(data.translate(None, self.latin1)) != len(data)

    def latin1_count(self, text: str) -> int | None:
        """How many characters of ``text`` are of the class; ``None`` (not counted) unless it is Latin-1.

        The caller counts other text its own way (a regular expression can stop early, where a
        count of a large binary file is only needed up to a threshold).
        """
        data = _latin1(text)
        return None if data is None else len(data) - len(data.translate(None, self.latin1))


def _latin1(text: str) -> bytes | None:
    """``text`` one byte a character, or ``None`` when it holds a character past U+00FF.

    An ASCII or Latin-1 string is stored one byte a character, and this is a copy; a wider one
    is refused at its first wide character.
    """
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return None

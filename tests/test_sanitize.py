"""Sanitising text, checked against the plain statement of its rules on awkward characters.

``sanitize_text`` skips its slower steps when a cheap look finds nothing for them to do (an
import cleans every article with it): whatever it skips, its result must be the rules' result.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from store.sanitize import sanitize_line, sanitize_text

#: Line ends of every kind, odd spaces, controls, bidi overrides, combining marks and plain text.
AWKWARD = "ab \n\r\t\f\v\x85\u2028\u2029\u00a0\u2003\u3000\x00\x1b\x7f\x9b\u200b\ufeff\u202e\u2066e\u0301é"


def by_the_rules(text: str) -> str:
    """Every step applied unconditionally, in the documented order."""
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)
    text = re.sub(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]", " ", text)
    text = re.sub(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]", "", text)
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r" {2,}", " ", text)
    return "\n".join(line.strip() for line in text.split("\n"))


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=AWKWARD, max_size=60))
def test_sanitising_gives_what_the_rules_give(text: str) -> None:
    assert sanitize_text(text) == by_the_rules(text)


def test_every_kind_of_line_end_becomes_one_newline_and_spaces_collapse() -> None:
    assert sanitize_text("a\r\nb\rc\u2028d\u2029e\x85f") == "a\nb\nc\nd\ne\nf"
    assert sanitize_text("a  b\t\tc \u00a0 d  ") == "a b c d"
    assert sanitize_text("x\u202ey\x1b[2Jz") == "xy[2Jz"
    assert sanitize_line("  two\r\nlines ") == "two lines"

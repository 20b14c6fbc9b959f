"""The fast character tests answer as the code they stand for, on any text.

``CharClass`` answers for a regular expression; ``squash`` of an ASCII text deletes by a byte
table what its previous code dropped character by character.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from store import sanitize
from store.charclass import CharClass
from store.fuzzy import squash
from store.search_index import fold

SETTINGS = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Every edge of the classes used (C0, DEL, C1, odd spaces, bidi controls, zero-width) and
#: characters beside them; wider ones (Cyrillic, CJK, emoji) and a lone surrogate, which send
#: a text to the regular expression.
EDGES = (
    "\x00\t\n\x0b\r\x1b\x1f ~\x7f\x80\x85\x9b\x9f\xa0\xa3\xe9\xff"
    "\u0100\u200b\u2028\u202a\u202e\u202f\u2066\u2069\u3000\ufeff\ufffdШ中😀\udc80"
)
texts = st.one_of(
    st.text(st.sampled_from(EDGES + "abc£"), max_size=60),
    st.text(st.characters(max_codepoint=0x2FF), max_size=200),
    st.text(max_size=200),
)


def reference_neutralize(text: str) -> str:
    return sanitize._UNSAFE.sub("\ufffd", text) if sanitize._UNSAFE.search(text) else text


@SETTINGS
@given(texts)
@example("")
@example("plain ASCII with a\nnewline")
@example("£5, café\x85")
@example("£5 \u202e")
def test_found_in_is_the_expressions_search(text: str) -> None:
    for pattern in (sanitize._UNSAFE, sanitize._STRIP, sanitize._SPACES, re.compile("[\x00-\x08\x7f-\x9f]")):
        assert CharClass(pattern).found_in(text) == (pattern.search(text) is not None)


@SETTINGS
@given(texts)
def test_neutralize_is_unchanged(text: str) -> None:
    assert sanitize.neutralize(text) == reference_neutralize(text)


def test_the_latin1_characters_of_a_class() -> None:
    assert CharClass(sanitize._UNSAFE).latin1 == bytes([*range(0x0A), *range(0x0B, 0x20), *range(0x7F, 0xA0)])


def reference_squash(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum() or ch == " ")


@SETTINGS
@given(st.one_of(texts, st.text(st.characters(max_codepoint=0x7F), max_size=80)))
@example("Dollar gains on Greenspan speech BBC News 2005-01-12")
@example("Ünïcödé & ASCII: ok_1")
def test_squash_is_unchanged(text: str) -> None:
    assert squash(text) == reference_squash(text)

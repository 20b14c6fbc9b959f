"""Text that is UTF-8 except for a few bytes from a legacy code page, and legacy text itself.

The README promises cp1252 for mostly-English text with stray legacy bytes, and Cyrillic for
cp1251 Russian. The failure these tests hunt is mojibake: a UTF-8 file with one stray ``é``
read whole as cp1251 ("вЂњthe treatyвЂќ", "ZГјrich").
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.decoding import decode_bytes

ENGLISH = "“The treaty,” said the minister in Zürich, “will hold.” It was signed on the café terrace — a first."


def test_utf8_with_one_stray_cp1252_byte_keeps_its_utf8() -> None:
    data = ENGLISH.replace("café", "caf\x00").encode().replace(b"\x00", "é".encode("cp1252"))
    decoded = decode_bytes(data)
    assert decoded.text == ENGLISH
    assert decoded.encoding == "utf-8+cp1252"


def test_utf8_russian_with_a_stray_byte_stays_cyrillic() -> None:
    russian = "Министр обороны России Сергей Шойгу провёл переговоры «НАТО» — да. Цена: 5 "
    decoded = decode_bytes(russian.encode() + "£.".encode("cp1252"))
    assert decoded.text == russian + "£."


# Non-ASCII characters a UTF-8 text may hold, and those a stray cp1252 byte may stand for.
_VALID = "“”‘’—–éüöäßñçÉÜ©°½€£«»ЁёЖжШш中文"
_STRAY = "“”‘’—–éüöäßñçÉÜ©°½€£«»"
_ASCII = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJ.,;:'()-0123456789\n"), min_size=1, max_size=12)


@st.composite
def utf8_with_strays(draw: st.DrawFn) -> tuple[str, bytes]:
    """A text, and its UTF-8 bytes with a few of its characters written as cp1252 bytes instead.

    Every non-ASCII character sits between ASCII runs, so two stray bytes are never adjacent
    (two adjacent strays can form a valid UTF-8 character by chance: then no reader can tell).
    Strays are at most as many as the characters left in UTF-8.
    """
    segments = draw(st.lists(st.tuples(_ASCII, st.sampled_from(_VALID), st.booleans()), min_size=2, max_size=40))
    strays = [i for i, (_, char, stray) in enumerate(segments) if stray and char in _STRAY]
    kept = len(segments) - len(strays)
    strays = strays[: max(1, kept)]
    if not strays or kept < len(strays):
        strays = []
    text, data = "", b""
    for index, (ascii_run, char, _) in enumerate(segments):
        text += ascii_run + char
        data += ascii_run.encode() + char.encode("cp1252" if index in strays else "utf-8")
    tail = draw(_ASCII)
    return text + tail, data + tail.encode()


@settings(max_examples=300, deadline=None)
@given(utf8_with_strays())
def test_utf8_with_isolated_stray_bytes_reads_as_written(case: tuple[str, bytes]) -> None:
    text, data = case
    if not text.strip():
        return
    assert decode_bytes(data).text == text


@pytest.mark.parametrize(
    "text,encoding",
    [
        ("Министр обороны «НАТО» — России Сергей Шойгу провёл переговоры «США» — годы. ВСЕ «ОДКБ».", "cp1251"),
        (
            "Die Stadt Zürich hat „neue“ Pläne für Straßen – sagte der Bürgermeister. Ähnlich äußerte sich Müller.",
            "cp1252",
        ),
        ("L’été à Genève était très chaud; les élèves ont étudié « à l’école ». Ça coûte 5 €.", "cp1252"),
    ],
    ids=["russian-cp1251-with-quotes", "german-cp1252", "french-cp1252"],
)
def test_legacy_text_reads_as_written(text: str, encoding: str) -> None:
    """Legacy text has a few byte pairs that are valid UTF-8 by chance (``О»`` in cp1251 is
    ``CE BB``); they must not tip it into being read as UTF-8 with strays."""
    assert decode_bytes(text.encode(encoding)).text == text

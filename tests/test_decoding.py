import codecs

import pytest

from store.decoding import NotText, decode_bytes
from store.sanitize import sanitize_line, sanitize_text
from tests.conftest import BBC, needs_bbc

RUSSIAN = (
    "Министр обороны России Сергей Шойгу провёл переговоры с коллегой из Узбекистана в Ташкенте. "
    "Стороны подписали программу стратегического партнёрства на 2021-2025 годы."
)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_legacy_cyrillic_comes_out_as_cyrillic(encoding: str) -> None:
    decoded = decode_bytes(RUSSIAN.encode(encoding))
    assert decoded.text == RUSSIAN
    assert decoded.encoding.replace("-", "_") == encoding


@pytest.mark.parametrize("bom,codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")])
def test_utf16_with_bom(bom: bytes, codec: str) -> None:
    assert decode_bytes(bom + RUSSIAN.encode(codec)).text == RUSSIAN


def test_utf8_with_and_without_bom() -> None:
    assert decode_bytes(codecs.BOM_UTF8 + RUSSIAN.encode()).text == RUSSIAN
    assert decode_bytes(RUSSIAN.encode()).text == RUSSIAN


@needs_bbc
def test_the_bbc_file_that_is_not_utf8_reads_as_cp1252() -> None:
    decoded = decode_bytes((BBC / "sport" / "199.txt").read_bytes())
    assert decoded.encoding == "cp1252"
    assert "£15.8m signing from Parma" in decoded.text


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "empty"),
        (b"  \n\t\n ", "empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        (b"%PDF-1.7 binary", "PDF"),
        (b"text\x00with\x00nul" * 10, "NUL"),
        (bytes(range(1, 32)) * 40, "binary"),
    ],
    ids=["empty", "blank", "png", "pdf", "nul", "controls"],
)
def test_not_text_is_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(NotText, match=reason):
        decode_bytes(data)


def test_sanitize_strips_controls_and_bidi_and_odd_spaces() -> None:
    raw = "Title\x1b]0;pwned\x07 here\x1b[2J\u00a0\u00a0and\u202ereversed\u202c\x9b31m\r\nnext\tline\u200b"
    cleaned = sanitize_text(raw)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned
    assert "\u202e" not in cleaned and "\u200b" not in cleaned and "\u00a0" not in cleaned
    assert cleaned == "Title]0;pwned here[2J andreversed31m\nnext line"
    assert sanitize_line("a\nb\x1b c") == "a b c"


def test_files_over_the_size_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import store.decoding as decoding

    monkeypatch.setattr(decoding, "MAX_FILE_BYTES", 1000)
    with pytest.raises(NotText, match="too large"):
        decode_bytes(b"word " * 300)


def test_html_character_references_in_a_text_file_are_read_as_the_characters(tmp_path) -> None:
    """The BBC corpus's titles write "&#163;8m": an analyst reads (and searches) "£8m"."""
    from store import Store

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "bid.txt").write_text(
        "Tottenham bid &#163;8m for Forest duo\n\n"
        "The &lt;b&gt; tag &amp; R&D &notice &copy stay as written; &#27;[31m is no escape; &eacute;t&eacute;.\n"
    )
    store = Store.open(tmp_path / "store")
    try:
        (added,) = store.import_paths([folder]).added
        article = store.article(added[1])
        assert article.title == "Tottenham bid £8m for Forest duo"
        assert "The <b> tag & R&D &notice &copy stay as written;" in article.text
        assert "\x1b" not in article.text and "été." in article.text
    finally:
        store.close()

"""Pages saved as one file (MHTML, as Chrome and Edge write it) and pages under other endings.

An MHTML file is built here as Blink writes one: a MIME ``multipart/related`` message, the page
quoted-printable, an image in base64 after it. The promises attacked: the article inside is the
same as the page saved "complete" gives; the part's own charset is honoured; the address the
browser recorded is the url only when the page names none; anything else is refused with a
reason. A page named explicitly with another ending (``story.php``) is known by its first bytes.
"""

from __future__ import annotations

import base64
import quopri
import shutil
from pathlib import Path

import pytest

from store.ingest import ParsedFile, SkippedFile, discover, parse_file

PAGES = Path(__file__).parent / "fixtures" / "web_pages"
BOUNDARY = "----MultipartBoundary--Q2xvdWRzIG92ZXIgdGhlIGhhcmJvdXI----"
STORY = (
    "<p>The ferry service to the islands will run twice a day from June, the operator said on Monday, "
    "after a winter in which storms cancelled one crossing in three.</p>"
)


def mhtml(html: bytes, *, charset: str | None = None, snapshot: str | None = "https://saved.example/page") -> bytes:
    """A single-file page as Chrome saves it: headers, the page, an image."""
    content_type = f"text/html; charset={charset}" if charset else "text/html"
    headers = ["From: <Saved by Blink>"]
    if snapshot:
        headers.append(f"Snapshot-Content-Location: {snapshot}")
    headers += [
        "Subject: =?utf-8?Q?Harbour_bridge?=",
        "Date: Fri, 5 Jan 2024 09:12:44 -0000",  # when it was saved: not a publication date
        "MIME-Version: 1.0",
        f'Content-Type: multipart/related;\r\n\ttype="text/html";\r\n\tboundary="{BOUNDARY}"',
    ]
    image = base64.encodebytes(b"\xff\xd8\xff\xe0" + bytes(300)).decode()
    parts = [
        f"--{BOUNDARY}\r\nContent-Type: {content_type}\r\nContent-ID: <frame-1@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\nContent-Location: https://part.example/page\r\n\r\n"
        + quopri.encodestring(html).decode("ascii"),
        f"--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        f"Content-Location: https://part.example/bridge.jpg\r\n\r\n{image}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n\r\n" + "\r\n".join(parts) + f"\r\n--{BOUNDARY}--\r\n").encode("ascii")


def parsed(path: Path) -> ParsedFile:
    result = parse_file(path)
    assert isinstance(result, ParsedFile), result
    return result


def test_a_single_file_page_gives_the_same_article_as_the_page_saved_complete(tmp_path: Path) -> None:
    (tmp_path / "bridge.mhtml").write_bytes(mhtml((PAGES / "news_article.html").read_bytes()))
    single, complete = parsed(tmp_path / "bridge.mhtml"), parsed(PAGES / "news_article.html")
    assert single.article == complete.article  # the page's canonical url, not the snapshot's
    assert single.language == "en-GB" and single.text_hash == complete.text_hash
    assert single.raw_hash != complete.raw_hash  # the file imported is the MHTML, as stored


def test_the_address_chrome_recorded_is_the_url_only_when_the_page_names_none(tmp_path: Path) -> None:
    page = f"<html><body>{STORY}</body></html>".encode()
    (tmp_path / "a.mht").write_bytes(mhtml(page, snapshot="https://ferries.example/news/7"))
    (tmp_path / "b.mht").write_bytes(mhtml(page, snapshot="javascript:alert(1)"))
    first, second = parsed(tmp_path / "a.mht").article, parsed(tmp_path / "b.mht").article
    assert first.url == "https://ferries.example/news/7"
    assert second.url == "https://part.example/page"  # the page part's own address
    assert first.published is None and second.published is None  # the Date header is the save date


def test_the_page_parts_charset_is_honoured(tmp_path: Path) -> None:
    story = (
        "<p>Паромное сообщение с островами с июня станет ежедневным, сообщил в понедельник оператор, после зимы.</p>"
    )
    (tmp_path / "ru.mhtml").write_bytes(
        mhtml(f"<html><body>{story}</body></html>".encode("cp1251"), charset="windows-1251")
    )
    result = parsed(tmp_path / "ru.mhtml")
    assert result.article.text.startswith("Паромное сообщение") and result.encoding == "cp1251"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"<html><body><p>not MIME at all</p></body></html>", "not a page saved as a single file"),
        (b"MIME-Version: 1.0\r\nContent-Type: image/png\r\n\r\n\x89PNG", "no HTML page inside"),
        (b"MIME-Version: 1.0\r\nContent-Type: text/html\r\n\r\n   ", "the single-file page's HTML part is empty"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "not a page saved as a single file"),
        (b"", "empty file"),
    ],
    ids=["html", "only an image", "empty page", "binary", "empty"],
)
def test_what_is_not_a_single_file_page_is_refused_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    (tmp_path / "page.mhtml").write_bytes(data)
    skipped = parse_file(tmp_path / "page.mhtml")
    assert isinstance(skipped, SkippedFile) and skipped.reason.startswith(reason)


def test_single_file_pages_are_taken_from_folders(tmp_path: Path) -> None:
    (tmp_path / "a.mhtml").write_bytes(mhtml(f"<html><body>{STORY}</body></html>".encode()))
    (tmp_path / "b.MHT").write_bytes(mhtml(f"<html><body>{STORY}</body></html>".encode()))
    assert sorted(Path(item.origin).name for item in discover([tmp_path])) == ["a.mhtml", "b.MHT"]


@pytest.mark.parametrize("name", ["story.php", "article.aspx", "index", "saved page.html.download"])
def test_a_page_named_explicitly_with_another_ending_is_read_as_a_page(tmp_path: Path, name: str) -> None:
    shutil.copy(PAGES / "news_article.html", tmp_path / name)
    assert parsed(tmp_path / name).article == parsed(PAGES / "news_article.html").article


def test_text_files_stay_text_files_even_when_they_hold_markup(tmp_path: Path) -> None:
    """A ``.txt`` of HTML source is what its owner chose to keep: read as text, as before."""
    shutil.copy(PAGES / "no_metadata.html", tmp_path / "source.txt")
    assert "<p>" in parsed(tmp_path / "source.txt").article.text
    (tmp_path / "notes").write_text("Notes on the ferry\n\nThe <html> tag opens a page; this is a note about it.\n")
    assert "The <html> tag opens a page" in parsed(tmp_path / "notes").article.text


def test_pages_under_other_endings_are_not_taken_from_folders(tmp_path: Path) -> None:
    shutil.copy(PAGES / "news_article.html", tmp_path / "story.php")
    assert list(discover([tmp_path])) == []

"""Saved web pages read into articles: promises attacked with pages as the world writes them.

The pages under ``tests/fixtures/web_pages`` are saved as a browser saves them (a news story
inside its navigation, cookie banner, share buttons and footer; a blog post whose metadata is
JSON-LD; a page that states nothing about itself). The rest are built here, each to break one
promise: the article's text and nothing around it, metadata only as the page states it (never
a guessed date), the page's own encoding honoured, and text that is data (no control
characters, no escape sequences, markup-looking text kept as written).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from store.decoding import NotText
from store.ingest import ParsedFile, SkippedFile, parse_file
from store.web_pages import NO_ARTICLE, NOT_HTML, read_page

PAGES = Path(__file__).parent / "fixtures" / "web_pages"
#: Enough running text for a page to hold an article (three sentences of prose).
STORY = (
    "<p>The ferry service to the islands will run twice a day from June, the operator said on Monday, "
    "after a winter in which storms cancelled one crossing in three.</p>"
    "<p>Islanders had campaigned for a second sailing for years, arguing that a single boat left "
    "patients and students stranded whenever the weather turned.</p>"
)
#: What a terminal would obey: C0 and C1 controls, DEL, bidi embeddings, overrides and isolates.
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def page(head: str = "", body: str = STORY, *, attributes: str = "") -> bytes:
    """A UTF-8 page with ``head`` and ``body``."""
    return f"<!DOCTYPE html><html{attributes}><head>{head}</head><body>{body}</body></html>".encode()


def parsed(path: Path) -> ParsedFile:
    result = parse_file(path)
    assert isinstance(result, ParsedFile), result
    return result


# ---------------------------------------------------------------- the fixtures: text and metadata


def test_a_saved_news_page_gives_its_story_and_nothing_around_it() -> None:
    result = parsed(PAGES / "news_article.html")
    article = result.article
    assert article.title == "Harbour bridge reopens after £4.2m repairs"
    assert article.author == "Maria Jensen"
    assert article.source == "The Coastal Herald"
    assert article.published == date(2023, 4, 11)  # the day as stated (-05:00), not the modified one
    assert article.url == "https://www.coastalherald.example/news/2023/04/12/harbour-bridge-reopens"
    assert result.language == "en-GB" and result.encoding == "utf-8"
    assert article.paragraphs[0].startswith("The harbour bridge reopened to traffic on Tuesday")
    assert article.paragraphs[-1].startswith("The council said the bridge would be inspected")
    # Headings are paragraphs of their own, between the paragraphs they head.
    assert article.paragraphs[2] == "Queues before dawn" and "What happens next" in article.paragraphs
    assert "“It has been a long winter of detours,” said Anaïs Dubois" in article.text
    assert "£4.2m, more than twice the first estimate of £2m." in article.text
    furniture = (
        "cookie", "Accept all", "Most read", "Seal pup", "Related stories", "Share on", "Sign up",
        "newsletter", "rights reserved", "Privacy", "Search the Herald", "Sport", "Weather",
        "Subscribe today", "dataLayer", "Transport correspondent", "By Maria", "&#", "&pound;",
    )  # fmt: skip
    assert [word for word in furniture if word in article.text] == []


def test_paragraphs_are_separated_by_one_blank_line_as_text_files_are() -> None:
    for name in ("news_article.html", "blog_post_jsonld.html", "no_metadata.html"):
        text = parsed(PAGES / name).article.text
        assert "\n\n\n" not in text and text == text.strip()
        assert all(block and block == block.strip() and "\n" not in block for block in text.split("\n\n"))


def test_json_ld_metadata_is_read_and_the_publication_date_is_not_the_modified_one() -> None:
    result = parsed(PAGES / "blog_post_jsonld.html")
    article = result.article
    assert article.title == "What the parish registers tell us about the 1847 famine"
    assert article.author == "Jonas Weber"
    assert article.published == date(2021, 11, 3)
    assert article.source == "Field Notes"
    assert article.url == "https://fieldnotes.example/posts/parish-registers"
    assert result.language == "de"
    assert "Buried this day, a child of four years" in article.text  # the quotation is article text
    assert "Great post" not in article.text and "static site generator" not in article.text
    assert not article.paragraphs[0].startswith("What the parish registers")  # the headline once


def test_a_page_that_states_nothing_about_itself_gets_nothing_invented() -> None:
    result = parsed(PAGES / "no_metadata.html")
    article = result.article
    assert (article.title, article.author, article.source, article.published, article.url) == (None,) * 5
    assert result.language is None
    assert article.paragraphs[0].startswith("The meeting began late")
    assert len(article.paragraphs) == 3


# ---------------------------------------------------------------- dates: stated, never guessed

#: Pages full of dates, none of them a statement of when the article was published.
UNSTATED_DATES = {
    "a date in the address": '<link rel="canonical" href="https://news.example/2019/03/14/ferry-story">',
    "a date in og:url": '<meta property="og:url" content="https://news.example/2019/03/14/ferry">',
    "only a modification date": '<meta property="article:modified_time" content="2020-02-02T10:00:00Z">',
    "an image named by date": '<meta property="og:image" content="https://news.example/img/2018-07-01-ferry.jpg">',
    "a copyright year": '<meta itemprop="copyrightYear" content="2017">',
    "a placeholder date": '<meta property="article:published_time" content="0001-01-01T00:00:00Z">',
    "a value that is no date": '<meta name="date" content="coming soon">',
    "a date of 31 February": '<meta name="date" content="2021-02-31">',
}


@pytest.mark.parametrize("head", UNSTATED_DATES.values(), ids=UNSTATED_DATES.keys())
def test_no_publication_date_is_invented(tmp_path: Path, head: str) -> None:
    body = STORY + "<p>Today, 5 May 2022. Last updated 12:00.</p><footer>© 2016 News Example</footer>"
    body += '<p><time datetime="2015-06-06">6 June 2015</time></p><img src="/2014-01-01.jpg">'
    (tmp_path / "page.html").write_bytes(page(head, body))
    assert parsed(tmp_path / "page.html").article.published is None


STATED_DATES = {
    "Open Graph": '<meta property="article:published_time" content="2022-09-30T22:10:00-07:00">',
    "Dublin Core": '<meta name="DC.date.issued" content="2022-09-30">',
    "Highwire": '<meta name="citation_publication_date" content="2022/09/30">',
    "microdata": '<meta itemprop="datePublished" content="2022-09-30">',
    "JSON-LD": '<script type="application/ld+json">[{"@type": "Article", "datePublished": "20220930"}]</script>',
    "written out": '<meta name="pubdate" content="30 September 2022">',
}


@pytest.mark.parametrize("head", STATED_DATES.values(), ids=STATED_DATES.keys())
def test_a_date_the_page_states_in_a_standard_tag_is_read(tmp_path: Path, head: str) -> None:
    (tmp_path / "page.html").write_bytes(page(head))
    assert parsed(tmp_path / "page.html").article.published == date(2022, 9, 30)


def test_a_time_element_marked_as_the_publication_date_is_read(tmp_path: Path) -> None:
    body = '<article><time itemprop="datePublished" datetime="2020-12-24T18:00">Christmas Eve</time>' + STORY
    (tmp_path / "page.html").write_bytes(page(body=body + "</article>"))
    assert parsed(tmp_path / "page.html").article.published == date(2020, 12, 24)


def test_broken_json_ld_costs_the_date_and_nothing_else(tmp_path: Path) -> None:
    head = '<script type="application/ld+json">{"datePublished": "2020-01-01",, </script><title>Ferries</title>'
    (tmp_path / "page.html").write_bytes(page(head))
    result = parsed(tmp_path / "page.html")
    assert result.article.published is None and result.article.title == "Ferries"


# ---------------------------------------------------------------- encodings


def test_a_windows_1251_page_with_a_meta_charset_is_read_in_cyrillic(tmp_path: Path) -> None:
    title = "Паром на острова будет ходить дважды в день"
    story = (
        "Паромное сообщение с островами с июня станет ежедневным и двукратным, сообщил в понедельник "
        "оператор, после зимы, когда штормы отменили каждый третий рейс."
    )
    head = f'<meta charset="windows-1251"><title>{title}</title>'
    html = f'<html lang="ru"><head>{head}</head><body><p>{story}</p></body></html>'
    (tmp_path / "page.html").write_bytes(html.encode("cp1251"))
    result = parsed(tmp_path / "page.html")
    assert result.encoding == "cp1251" and result.language == "ru"
    assert result.article.title == title and result.article.text == story


def test_a_latin_1_declaration_is_read_as_windows_1252_as_browsers_do(tmp_path: Path) -> None:
    story = STORY.replace("Monday", "Monday (tickets \x80 12, caf\xe9 on board)")
    head = '<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    html = f"<html><head>{head}</head><body>{story}</body></html>"
    (tmp_path / "page.htm").write_bytes(html.encode("latin-1"))
    result = parsed(tmp_path / "page.htm")
    assert "tickets € 12, café on board" in result.article.text and result.encoding == "cp1252"


def test_a_page_re_encoded_as_utf8_with_its_old_declaration_left_in_stays_utf8(tmp_path: Path) -> None:
    story = STORY.replace("Monday", "Monday «в понедельник», Zürich")
    (tmp_path / "page.html").write_bytes(page('<meta charset="windows-1251">', story))
    result = parsed(tmp_path / "page.html")
    assert "Monday «в понедельник», Zürich" in result.article.text and result.encoding == "utf-8"


@pytest.mark.parametrize("charset", ["x-klingon", "utf-16", "", "ebcdic-cp-us", "utf-7", "rot13"])
def test_a_bogus_declaration_falls_back_to_detection(tmp_path: Path, charset: str) -> None:
    story = STORY.replace("Monday", "Monday at the café")
    html = f'<html><head><meta charset="{charset}"></head><body>{story}</body></html>'
    (tmp_path / "page.html").write_bytes(html.encode("cp1252"))
    assert "Monday at the café" in parsed(tmp_path / "page.html").article.text


def test_a_utf16_page_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(page("<title>Ferries «Ж» ½</title>").decode().encode("utf-16"))
    result = parsed(tmp_path / "page.html")
    assert result.article.title == "Ferries «Ж» ½" and result.article.paragraphs[0].startswith("The ferry")


def test_html_entities_are_decoded_once_and_only_once(tmp_path: Path) -> None:
    head = "<title>R&amp;D costs &#163;3m, &#x20AC;4m&hellip;</title>"
    head += "<meta name='author' content='Zo&euml; O&#39;Brien'>"
    body = STORY + (
        "<p>The council&rsquo;s R&amp;D budget rose to &#163;3m &ndash; &#x20ac;3.5m &ndash; this year, "
        "and the report wrote &amp;pound; where it meant &pound;, &amp;#163; for &#163;, said Zo&euml;.</p>"
    )
    (tmp_path / "page.html").write_bytes(page(head, body))
    article = parsed(tmp_path / "page.html").article
    assert article.title == "R&D costs £3m, €4m…" and article.author == "Zoë O'Brien"
    assert "The council’s R&D budget rose to £3m – €3.5m – this year" in article.text
    # An escaped reference is the text of a reference: decoding it again would change the words.
    assert "wrote &pound; where it meant £, &#163; for £, said Zoë." in article.text


# ---------------------------------------------------------------- what is not article text


def test_script_style_and_noscript_text_never_become_article_text(tmp_path: Path) -> None:
    words = "The minister resigned in disgrace after the secret report was leaked to the press today. " * 30
    head = f"<script>var teaser = '{words}';</script><style>/* {words} */ p {{ color: red }}</style>"
    body = f'<noscript><p>{words}</p></noscript><script type=\'application/json\'>{{"x": "{words}"}}</script>'
    (tmp_path / "page.html").write_bytes(page(head, body + STORY + f"<template><p>{words}</p></template>"))
    article = parsed(tmp_path / "page.html").article
    assert "minister" not in article.text and article.paragraphs[0].startswith("The ferry service")


def test_an_article_set_in_nested_layout_tables_comes_out_as_paragraphs(tmp_path: Path) -> None:
    paragraphs = [
        "The ferry service to the islands will run twice a day from June, the operator said on Monday.",
        "Islanders had campaigned for a second sailing for years, arguing that one boat was not enough.",
        "The first extra crossing leaves the harbour at six in the evening, returning at half past eight.",
    ]
    cells = "".join(f"<tr><td><table><tr><td><p>{text}</p></td></tr></table></td></tr>" for text in paragraphs)
    body = f"<table><tr><td><a href='/'>Home</a></td><td><table>{cells}</table></td></tr></table>"
    body += "<table><tr><th>Route</th><th>Crossings</th></tr><tr><td>North isles</td><td>14 a week</td></tr></table>"
    (tmp_path / "page.html").write_bytes(page("", body))
    text = parsed(tmp_path / "page.html").article.text
    for paragraph in paragraphs:
        assert text.count(paragraph) == 1
        assert f"\n\n{paragraph}\n\n" in f"\n\n{text}\n\n"  # a paragraph of its own, no cell borders
    assert "North isles | 14 a week" in text


@pytest.mark.parametrize(
    "body",
    [
        "<form><label>Email</label><input name=e><label>Password</label><input type=password>"
        "<button>Sign in</button></form><a href='/forgot'>Forgot your password?</a>",
        "<ul>" + "".join(f"<li><a href='/story/{i}'>Ferry story number {i} of the week</a></li>" for i in range(60)),
        "",
        "<div><div><div></div></div></div>",
        "<p>Short.</p>",
    ],
    ids=["login page", "index of links", "empty body", "empty divs", "one word"],
)
def test_a_page_with_no_article_text_is_refused_with_the_reason(tmp_path: Path, body: str) -> None:
    (tmp_path / "page.html").write_bytes(page("<title>Welcome back</title>", body))
    skipped = parse_file(tmp_path / "page.html")
    assert isinstance(skipped, SkippedFile) and skipped.reason == NO_ARTICLE


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "binary file (a PNG image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "binary file (a PDF document)"),
        (bytes(range(256)) * 64, "binary file (contains NUL bytes)"),
        (b"", "empty file"),
        (b" \n\t\n", "empty file"),
        (b"A plain note, saved with the wrong ending. " * 20, NOT_HTML),
    ],
    ids=["png", "pdf", "random bytes", "empty", "whitespace", "plain text"],
)
def test_what_is_not_a_page_is_refused_with_a_reason(tmp_path: Path, data: bytes, reason: str) -> None:
    (tmp_path / "page.html").write_bytes(data)
    skipped = parse_file(tmp_path / "page.html")
    assert isinstance(skipped, SkippedFile) and skipped.reason.startswith(reason)


def test_read_page_raises_only_not_text_for_bad_bytes() -> None:
    with pytest.raises(NotText):
        read_page(b"\x00\x01\x02" * 100)


@pytest.mark.parametrize(
    "markup",
    [
        "<div>" * 50_000 + STORY + "</div>" * 50_000,  # deeper than the parser goes
        "<html><body><p>" + STORY + "</b></i></div></table><p><p><td>",  # closing what never opened
        "<html><head><title><p>" + STORY,  # a body inside the title, nothing closed
        "<?xml version='1.0' encoding='ISO-8859-1'?><html xmlns='http://www.w3.org/1999/xhtml'><body>"
        + STORY
        + "</body></html>",
    ],
    ids=["deep", "stray end tags", "unclosed title", "xhtml with an encoding declaration"],
)
def test_malformed_pages_never_raise(tmp_path: Path, markup: str) -> None:
    (tmp_path / "page.xhtml").write_text(markup, encoding="utf-8")
    result = parse_file(tmp_path / "page.xhtml")
    assert isinstance(result, (ParsedFile, SkippedFile))
    if isinstance(result, SkippedFile):
        assert result.reason in (NO_ARTICLE, NOT_HTML)


# ---------------------------------------------------------------- text is data


def test_hostile_metadata_and_text_reach_the_store_without_one_control_character(tmp_path: Path) -> None:
    title = "Ferry \x1b[2J\x1b]0;owned\x07 news &#x1b;[31m[bold red]LIVE[/bold red] \u202ereversed\u202c &#x9b;6n"
    head = (
        f"<title>{title}</title><meta name='author' content='Jane &#x1b;[5mDoe\x1b[0m [link=file:///etc/passwd]x[/link]'>"
        f"<meta property='og:site_name' content='Herald\x9b31m &#x2066;isolate&#x2069;'>"
        "<link rel='canonical' href='https://herald.example/\x1b[31mstory'>"
    )
    body = STORY.replace("Monday", "Monday \x1b[1;31m[blink]alarm[/blink]\x1b[0m &#x202e;evil&#x202c; &#0;\x08 &#x7f;")
    (tmp_path / "page.html").write_bytes(page(head, body))
    result = parsed(tmp_path / "page.html")
    article = result.article
    fields = [article.title, article.author, article.source, article.url, article.text, result.language]
    assert [field for field in fields if field and UNSAFE.search(field)] == []
    # Markup-looking text is data: kept exactly as the page wrote it, never interpreted.
    assert article.title is not None and "[bold red]LIVE[/bold red]" in article.title
    assert article.author is not None and article.author.startswith("Jane")  # the extractor tidies names
    assert "[blink]alarm[/blink]" in article.text
    assert article.url is None or " " not in article.url


@pytest.mark.parametrize("lang", ["en\x1b[31m", "x" * 200, "en GB", "<script>", "12"])
def test_a_language_that_is_not_a_language_tag_is_not_kept(tmp_path: Path, lang: str) -> None:
    (tmp_path / "page.html").write_bytes(page(attributes=f' lang="{lang}"'))
    assert parsed(tmp_path / "page.html").language is None


def test_the_address_a_browser_recorded_is_the_url_when_the_page_names_none(tmp_path: Path) -> None:
    saved = b"<!-- saved from url=(0032)https://ferries.example/news/1 -->\n" + page()
    (tmp_path / "page.html").write_bytes(saved)
    assert parsed(tmp_path / "page.html").article.url == "https://ferries.example/news/1"
    single_file = (
        b"<!--\n Page saved with SingleFile \n url: https://ferries.example/news/2 \n saved date: Tue Jan 02\n-->"
    )
    (tmp_path / "single.html").write_bytes(page().replace(b"<html>", b"<html>" + single_file))
    result = parsed(tmp_path / "single.html")
    assert result.article.url == "https://ferries.example/news/2" and result.article.published is None

from datetime import date
from pathlib import Path

import pytest

from store.cleaning import clean_article
from store.decoding import decode_bytes
from store.ingest import SkippedFile, parse_bytes, parse_file
from store.sanitize import sanitize_text
from tests.conftest import BBC, SEEDS, needs_bbc


def clean(name: str):
    return clean_article(sanitize_text(decode_bytes((SEEDS / name).read_bytes()).text))


def test_seed_metadata_is_read_where_stated_and_never_invented() -> None:
    expected = {
        "000_874164d46eac5538.txt": ("Moscow, Tashkent strengthen military cooperation", "Vestnik Kavkaza", None, None),
        "001_881d80344f67f3c0.txt": (
            "Uzbekistan restoring closer military ties with Russia",
            "Times of Central Asia",
            "Joshua Kucera",  # "We are republishing this article by Joshua Kucera"
            None,
        ),
        "002_c133059ca3261cc7.txt": (
            "Treaty on the Development of Military-Technical Cooperation",
            None,
            "Safia Southey",
            None,
        ),
        "003_18c190d68d0860aa.txt": ("Defence Cooperation Keeps Uzbeks Close to Russia", None, None, date(2007, 5, 30)),
        "004_33e0d18e8828e430.txt": (
            "Russia seizes strategic initiative in Central Asia",
            "PolitNavigator",  # "Subscribe to PolitNavigator news" (the page's own furniture)
            "Ainur Kurmanov",
            date(2021, 4, 29),
        ),
    }
    for name, (title, source, author, published) in expected.items():
        article = clean(name)
        assert (article.title, article.source, article.author, article.published) == (
            title,
            source,
            author,
            published,
        ), name


@pytest.mark.parametrize(
    "name,noise",
    [
        ("000_874164d46eac5538.txt", ["in Telegram", "Vestnik Kavkaza\n"]),
        ("002_c133059ca3261cc7.txt", ["480x358.jpg", "by Safia Southey"]),
        ("003_18c190d68d0860aa.txt", ["Support local journalists", "Frontline Updates", "Wednesday, 30 May"]),
        (
            "004_33e0d18e8828e430.txt",
            [
                "Subscribe to PolitNavigator",
                "If you find an error",
                "Roskomnadzor",
                "Placing links",
                "Mon Tues Wed",
                "Views: 4243",
                "Author column, Armed forces",
                "Tags:",
                "Now the editors are aware",
                "political significance not only in...",
                "(Moscow time)",
            ],
        ),
    ],
)
def test_page_furniture_is_dropped(name: str, noise: list[str]) -> None:
    text = clean(name).text + "\n"
    for fragment in noise:
        assert fragment not in text, fragment


def test_the_title_is_not_repeated_in_the_body() -> None:
    for name in ("000_874164d46eac5538.txt", "003_18c190d68d0860aa.txt"):
        article = clean(name)
        assert article.paragraphs[0] != article.title


@pytest.mark.parametrize(
    "name,kept",
    [
        (
            "000_874164d46eac5538.txt",
            ['military and technical cooperation between Russia and Uzbekistan is "very important".'],
        ),
        ("001_881d80344f67f3c0.txt", ["Uzbekistan dropped out of the CSTO in 2012", "originally published by"]),
        (
            "002_c133059ca3261cc7.txt",
            [
                "Abstract",
                "Endnotes",
                "on November 29th, 2017 in Moscow",
                "19. “«Узбекистан готов к сотрудничеству со всеми странами» — Садык Сафаев,”",
                "Uzbekistan-Russian security cooperation and consequences thereof, November 2016",
            ],
        ),
        ("003_18c190d68d0860aa.txt", ["in August 2006", "(News Briefing Central Asia draws comment"]),
        ("004_33e0d18e8828e430.txt", ["Mi-35M supplied to Tashkent.", "Su-30SM.", '"Islamic State" in Afghanistan.']),
    ],
)
def test_every_sentence_of_the_article_is_kept(name: str, kept: list[str]) -> None:
    text = clean(name).text
    for fragment in kept:
        assert fragment in text, fragment


def test_paragraphs_are_separated_by_one_blank_line_and_spaces_are_plain() -> None:
    for path in SEEDS.glob("*.txt"):
        article = clean(path.name)
        assert "\n\n\n" not in article.text
        assert "\u00a0" not in article.text
        assert all(p.strip() == p and p for p in article.paragraphs)


def test_a_file_of_only_boilerplate_is_skipped() -> None:
    page = b"logo.png\n\nSubscribe to our newsletter\n\nShare on Facebook\n\nViews: 120\n\n12345\n"
    result = parse_bytes(page, "boiler.txt")
    assert isinstance(result, SkippedFile)
    assert "no article text" in result.reason


def test_markdown_front_matter_and_wrapped_paragraphs(tmp_path: Path) -> None:
    md = tmp_path / "note.md"
    md.write_text(
        "---\ntitle: A treaty\nauthor: Jane Roe\ndate: 2017-11-29\n---\n# A treaty\n\n"
        "The treaty was signed in Moscow\nby both ministers.\n\n- first point\n- second point\n",
        encoding="utf-8",
    )
    parsed = parse_file(md)
    assert not isinstance(parsed, SkippedFile)
    article = parsed.article
    assert (article.title, article.author, article.published) == ("A treaty", "Jane Roe", date(2017, 11, 29))
    assert article.paragraphs == (
        "The treaty was signed in Moscow by both ministers.",
        "- first point",
        "- second point",
    )


@needs_bbc
def test_bbc_articles_keep_title_and_every_paragraph() -> None:
    path = BBC / "business" / "001.txt"
    parsed = parse_file(path)
    assert not isinstance(parsed, SkippedFile)
    raw = path.read_text(encoding="utf-8").split("\n")
    assert parsed.article.title == raw[0]
    body = [line.strip() for line in raw[1:] if line.strip()]
    assert list(parsed.article.paragraphs) == body


def test_an_author_named_in_a_sentence_of_the_lead_and_an_outlet_named_in_its_furniture() -> None:
    """General rules, checked on text written for them (never the seeds' own lines)."""
    from store.cleaning import clean_article

    page = (
        "Ports reopen after the storm\n\n"
        "HAVANA — Cargo moved again on Monday. This story was written by Maria Lopez Vidal for the wire.\n\n"
        "The harbour master said the cranes were checked overnight and found sound.\n\n"
        "• Subscribe to Harbour Gazette news\n"
    )
    article = clean_article(page)
    assert (article.author, article.source) == ("Maria Lopez Vidal", "Harbour Gazette")
    assert not any("Subscribe" in p for p in article.paragraphs)
    # Nothing invented: an organisation is no author, "our newsletter" names no outlet, and a
    # byline of its own wins over a sentence.
    plain = clean_article(
        "Ports reopen\n\nA report by the Port Authority said cargo moved again on Monday, as expected.\n\n"
        "Subscribe to our newsletter\n"
    )
    assert (plain.author, plain.source) == (None, None)
    bylined = clean_article("Ports reopen\n\nBy Ana Ruiz\n\nThis article by Maria Lopez said cargo moved on Monday.\n")
    assert bylined.author == "Ana Ruiz"

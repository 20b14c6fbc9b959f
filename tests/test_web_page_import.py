"""Web pages through the store's import, on every backend: what the user's folder of saved pages becomes.

A browser's "Save page, complete" leaves ``page.html`` beside ``page_files/`` (scripts, styles,
images, and often frames saved as HTML of their own): the folder is imported as the one page it
is. Re-importing changes nothing; a page whose article is a text file already stored is a
duplicate; the store's size limit applies; links are followed to files, as for text.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from store import Store, decoding
from store.ingest import ParsedFile, SkippedFile, discover, parse_file

PAGES = Path(__file__).parent / "fixtures" / "web_pages"


def save_page_complete(folder: Path, name: str = "Harbour bridge reopens") -> Path:
    """What a browser writes for "Save page, complete" of the news fixture, companions and all."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = folder / f"{name}.html"
    shutil.copy(PAGES / "news_article.html", saved)
    files = folder / f"{name}_files"
    files.mkdir()
    (files / "main.css").write_text("body { font-family: serif }\n")
    (files / "analytics.js").write_text("(function(){ var w = window; w.track = true; })();\n")
    (files / "bridge.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(2048))
    (files / "saved_resource.html").write_text(
        "<html><body><p>Advertisement: Visit the Harbour Hotel for the best sea views on the coast this summer, "
        "with dinner and breakfast included for two nights at a special price.</p></body></html>"
    )
    (files / "ads_readme.txt").write_text("A note a tracking script left behind, long enough to import.\n")
    nested = files / "fonts"
    nested.mkdir()
    (nested / "font.woff2").write_bytes(bytes(512))
    return saved


def test_a_saved_complete_page_imports_as_one_article_and_its_files_as_nothing(
    open_store: Callable[..., Store], tmp_path: Path
) -> None:
    saved = save_page_complete(tmp_path / "saved")
    store = open_store()
    report = store.import_paths([tmp_path / "saved"])
    assert [origin for origin, _ in report.added] == [str(saved.resolve())]
    assert report.skipped == [] and report.duplicates == []
    article = store.article(report.added[0][1])
    assert article.title == "Harbour bridge reopens after £4.2m repairs"
    assert (article.author, article.source, article.published) == (
        "Maria Jensen",
        "The Coastal Herald",
        date(2023, 4, 11),
    )
    assert article.url == "https://www.coastalherald.example/news/2023/04/12/harbour-bridge-reopens"
    assert article.language == "en-GB"
    assert "Advertisement" not in article.text and article.text.startswith("The harbour bridge reopened")
    store.close()


def test_a_folder_ending_in_files_with_no_page_beside_it_is_read_as_any_folder(tmp_path: Path) -> None:
    notes = tmp_path / "in" / "meeting_files"
    notes.mkdir(parents=True)
    (notes / "minutes.txt").write_text("Minutes\n\nThe board met on Monday and agreed the budget for the year.\n")
    (tmp_path / "in" / "meeting.txt").write_text("A text file of that name is not a saved page.\n")
    found = [item.origin for item in discover([tmp_path / "in"])]
    assert str(notes / "minutes.txt") in found


def test_a_companion_folder_named_explicitly_is_read(tmp_path: Path) -> None:
    save_page_complete(tmp_path / "saved")
    companions = tmp_path / "saved" / "Harbour bridge reopens_files"
    found = {Path(item.origin).name for item in discover([companions])}
    assert found == {"saved_resource.html", "ads_readme.txt"}


def test_upper_case_endings_and_htm_xhtml_are_pages_in_a_folder(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("A.HTML", "b.htm", "c.XHTML", "d.Htm"):
        shutil.copy(PAGES / "no_metadata.html", folder / name)
    (folder / "e.html~").write_text("an editor's backup")
    (folder / "f.shtml.bak").write_text("not a page")
    assert sorted(Path(item.origin).name for item in discover([folder])) == ["A.HTML", "b.htm", "c.XHTML", "d.Htm"]


def test_importing_a_page_twice_changes_nothing_the_second_time(
    open_store: Callable[..., Store], tmp_path: Path
) -> None:
    shutil.copy(PAGES / "blog_post_jsonld.html", tmp_path / "post.html")
    store = open_store()
    first = store.import_paths([tmp_path / "post.html"])
    article = store.article(first.added[0][1])
    second = store.import_paths([tmp_path / "post.html"])
    assert len(first.added) == 1 and second.added == [] and second.updated == []
    assert second.unchanged == first.added
    again = store.article(first.added[0][1])
    assert (again.text, again.title, again.published, again.imported) == (
        article.text,
        article.title,
        article.published,
        article.imported,
    )
    store.close()


def test_a_page_whose_article_is_a_stored_text_file_is_a_duplicate(
    open_store: Callable[..., Store], tmp_path: Path
) -> None:
    page = parse_file(PAGES / "no_metadata.html")
    assert isinstance(page, ParsedFile)
    (tmp_path / "clinic.txt").write_text(page.article.text + "\n", encoding="utf-8")
    shutil.copy(PAGES / "no_metadata.html", tmp_path / "clinic.html")
    store = open_store()
    as_text = store.import_paths([tmp_path / "clinic.txt"])
    as_page = store.import_paths([tmp_path / "clinic.html"])
    assert len(as_text.added) == 1
    assert as_page.added == [] and as_page.duplicates == [(str(tmp_path / "clinic.html"), as_text.added[0][1])]
    assert len(store.articles()) == 1
    store.close()


def test_a_page_edited_after_import_updates_its_article(open_store: Callable[..., Store], tmp_path: Path) -> None:
    page = tmp_path / "post.html"
    shutil.copy(PAGES / "blog_post_jsonld.html", page)
    store = open_store()
    added = store.import_paths([page]).added
    page.write_text(page.read_text().replace("an unglamorous source", "a humble source"))
    report = store.import_paths([page])
    assert report.updated == added
    assert "a humble source" in store.article(added[0][1]).text
    store.close()


def test_bad_pages_in_a_folder_are_each_reported_and_the_good_ones_imported(
    open_store: Callable[..., Store], tmp_path: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PAGES / "news_article.html", folder / "good.html")
    (folder / "login.html").write_text("<html><body><form><input type=password><button>Sign in</button></form>")
    (folder / "photo.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(1000))
    (folder / "empty.htm").write_bytes(b"")
    store = open_store()
    report = store.import_paths([folder])
    assert [Path(origin).name for origin, _ in report.added] == ["good.html"]
    reasons = {Path(origin).name: reason for origin, reason in report.skipped}
    assert reasons == {
        "login.html": "no article text in the page (only links, forms or page furniture)",
        "photo.html": "binary file (a PNG image)",
        "empty.htm": "empty file",
    }
    store.close()


def test_a_huge_page_is_refused_before_it_is_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    with (folder / "huge.html").open("wb") as huge:
        huge.truncate(decoding.MAX_FILE_BYTES + 1)  # sparse: no disk used
    (skipped,) = list(discover([folder / "huge.html"]))
    assert isinstance(skipped, SkippedFile) and skipped.reason.startswith("too large")
    (in_folder,) = [parse_file(item.path) for item in discover([folder])]  # type: ignore[union-attr]
    assert isinstance(in_folder, SkippedFile) and in_folder.reason.startswith("too large")


def test_a_page_at_the_limit_is_read_and_one_byte_over_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "MAX_FILE_BYTES", 200_000)
    story = (PAGES / "no_metadata.html").read_bytes()
    filler = b"<!-- " + b"x" * (200_000 - len(story) - 9) + b" -->"
    at_limit = tmp_path / "at.html"
    at_limit.write_bytes(story.replace(b"<html>", b"<html>" + filler, 1))
    assert at_limit.stat().st_size == 200_000
    assert isinstance(parse_file(at_limit), ParsedFile)
    over = tmp_path / "over.html"
    over.write_bytes(at_limit.read_bytes() + b"\n")
    refused = parse_file(over)
    assert isinstance(refused, SkippedFile) and refused.reason.startswith("too large")


def test_a_long_page_keeps_every_paragraph(tmp_path: Path) -> None:
    paragraphs = [
        f"Paragraph {n} of the inquiry's report says the council met {n} times about the bridge." for n in range(3000)
    ]
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    (tmp_path / "report.html").write_text(
        f"<html><head><title>Report</title></head><body><article>{body}</article></body></html>"
    )
    result = parse_file(tmp_path / "report.html")
    assert isinstance(result, ParsedFile)
    assert list(result.article.paragraphs) == paragraphs


def test_a_link_to_a_page_is_read_and_a_link_to_a_binary_page_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(PAGES / "no_metadata.html", tmp_path / "real.html")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / "linked.html").symlink_to(tmp_path / "real.html")
    (folder / "disguised.html").symlink_to(tmp_path / "image.png")
    (folder / "dangling.html").symlink_to(tmp_path / "gone.html")
    results = {}
    for item in discover([folder]):
        name = Path(item.origin).name
        results[name] = item if isinstance(item, SkippedFile) else parse_file(item.path, item.origin)
    assert isinstance(results["real.html"], ParsedFile)  # the link's file, by its own path
    assert isinstance(results["image.png"], SkippedFile) and results["image.png"].reason == "binary file (a PNG image)"
    dangling = results["dangling.html"]
    assert isinstance(dangling, SkippedFile) and dangling.reason.startswith("broken symbolic link")

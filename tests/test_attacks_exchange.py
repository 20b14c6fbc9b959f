"""The exchange formats attacked the way the world would: other tools' files, hostile records, odd texts.

Each test here broke something before its fix: a file another tool wrote (brat's own annotation
tool, the Hypothesis API), a hand-made export naming what is not there, a text with Windows line
ends and tabs. The promise each one keeps is in its name.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson

from store import Store
from store.exchange.reading import import_annotations
from tests.test_full_disk import _fill, small_disk  # noqa: F401  (small_disk: the tmpfs fixture)

ROOT = Path(__file__).resolve().parent.parent


def dossier(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """The real command, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=180, cwd=cwd)


def first_article(store: Store):
    return min(store.articles(), key=lambda a: a.id)


# ---------------------------------------------------------------------- a hand-made Dossier export


def test_a_tag_naming_an_entity_that_is_nowhere_is_kept_as_a_passage_and_reported(
    any_seeded: Store, tmp_path: Path
) -> None:
    """An export whose tag names an entity neither in the file nor in the store plants no dangling id.

    Before: the tag was stored with ``entity_id: "ghost"``, and ``dossier show`` of its article
    died with a ``KeyError`` traceback. Now the tag comes in as a passage (its words, note and
    labels kept) and the report says which entity was missing.
    """
    article = first_article(any_seeded)
    path = tmp_path / "hand-made.json"
    tag = {"article_id": article.id, "start": 0, "end": 5, "quote": article.text[:5], "note": "keep me"}
    path.write_bytes(
        orjson.dumps(
            {
                "format": "dossier-export",
                "entities": [{"id": "blank", "name": " \n\t "}],
                "annotations": [
                    {**tag, "id": "t-ghost", "entity_id": "ghost"},
                    {**tag, "id": "t-blank", "entity_id": "blank", "labels": ["x"]},
                ],
            }
        )
    )
    report = import_annotations(any_seeded, path)
    stored = {a.id: a for a in any_seeded.annotations()}
    assert stored["t-ghost"].entity_id is None and stored["t-ghost"].note == "keep me"
    assert stored["t-blank"].entity_id is None and stored["t-blank"].labels == ("x",)
    known = {e.id for e in any_seeded.entities()}
    assert all(a.entity_id in known for a in stored.values() if a.entity_id)
    assert not any(not e.name.strip() for e in any_seeded.entities())
    reasons = " ".join(why for _, why in report.skipped)
    assert "ghost" in reasons and "blank" in reasons


def test_dossier_show_after_importing_a_tag_of_a_missing_entity_prints_no_traceback(tmp_path: Path) -> None:
    store_path = tmp_path / "st"
    assert dossier("import", str(ROOT / "seeds"), "--store", str(store_path)).returncode == 0
    store = Store.open(store_path)
    article = first_article(store)
    store.close()
    path = tmp_path / "ghost.json"
    tag = {"id": "t1", "article_id": article.id, "start": 0, "end": 5, "quote": article.text[:5]}
    path.write_text(json.dumps({"format": "dossier-export", "annotations": [{**tag, "entity_id": "ghost"}]}))
    imported = dossier("import", str(path), "--store", str(store_path))
    assert imported.returncode == 0, imported.stderr
    assert "ghost" in imported.stdout
    shown = dossier("show", article.id, "--store", str(store_path))
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
    assert article.text[:5] in shown.stdout


# ---------------------------------------------------------------------- Hypothesis


def hypothesis_annotation(url: str, exact: str, prefix: str, **fields: object) -> dict:
    """An annotation as the Hypothesis API returns it (``GET /api/annotations/<id>``), trimmed of nothing."""
    return {
        "id": "Zx3d9Q-hEe6bXw",
        "created": "2024-01-05T12:00:00.123456+00:00",
        "updated": "2024-01-06T08:30:00.000000+00:00",
        "user": "acct:alice@hypothes.is",
        "uri": url,
        "text": "Important claim — see **this**",
        "tags": ["treaty", "Россия"],
        "group": "__world__",
        "permissions": {"read": ["group:__world__"], "admin": ["acct:alice@hypothes.is"]},
        "target": [
            {
                "source": url,
                "selector": [
                    {
                        "type": "RangeSelector",
                        "startContainer": "/main[1]/p[2]",
                        "startOffset": 0,
                        "endContainer": "/main[1]/p[2]",
                        "endOffset": 13,
                    },
                    {"type": "TextPositionSelector", "start": 99999, "end": 100012},
                    {"type": "TextQuoteSelector", "exact": exact, "prefix": prefix, "suffix": ""},
                ],
            }
        ],
        "document": {"title": ["A page"]},
        "links": {"html": "https://hypothes.is/a/Zx3d9Q-hEe6bXw"},
        "user_info": {"display_name": "Alice Liddell"},
        "flagged": False,
        "hidden": False,
        **fields,
    }


def test_hypothesis_api_json_in_all_its_shapes_is_read_and_anchored(any_seeded: Store, tmp_path: Path) -> None:
    """One annotation, a search result (``rows``), the client's export (``annotations``): all read.

    Before: "JSON that is neither a Dossier export nor W3C Web Annotations", though the W3C reader
    was written to read Hypothesis. Its position (99999, counted on the live page) is wrong; the
    quote decides. A page note (a target with no selector) is reported, not dropped unseen.
    """
    article = first_article(any_seeded)
    url = "https://news.example.org/2021/shoigu-visit"
    any_seeded.set_metadata(article.id, url=url)
    words = article.text.split("\n")[0].split(" ")[2:4]
    exact = " ".join(words)
    start = article.text.index(exact)
    one = hypothesis_annotation(url + "/#annotations:Zx3d9Q", exact, article.text[max(0, start - 10) : start])
    page_note = {**one, "id": "page-note-1", "target": [{"source": url}], "tags": []}
    shapes = {
        "one.json": one,
        "search.json": {"total": 2, "rows": [{**one, "id": "row-1"}, page_note]},
        "client-export.json": {"export_date": "2024-02-01", "annotations": [{**one, "id": "exp-1"}]},
    }
    reports = {}
    for name, document in shapes.items():
        (tmp_path / name).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        reports[name] = import_annotations(any_seeded, tmp_path / name)
        assert reports[name].tags_added == 1, (name, reports[name])
    tags = [a for a in any_seeded.annotations() if a.article_id == article.id]
    assert len(tags) == 3
    for tag in tags:
        assert (tag.start, tag.end, tag.quote) == (start, start + len(exact), exact)
        assert tag.labels == ("treaty", "Россия")
        assert tag.note == "Important claim — see **this**"
        assert tag.author == "Alice Liddell"
        assert tag.created == "2024-01-05T12:00:00.123456+00:00"
    assert any("page-note-1" in where for where, _ in reports["search.json"].skipped)


def test_hypothesis_json_through_the_command(tmp_path: Path) -> None:
    store_path = tmp_path / "st"
    assert dossier("import", str(ROOT / "seeds"), "--store", str(store_path)).returncode == 0
    store = Store.open(store_path)
    article = first_article(store)
    store.set_metadata(article.id, url="https://example.org/a")
    exact = article.text[20:40]
    store.close()
    path = tmp_path / "hypothesis.json"
    path.write_text(json.dumps(hypothesis_annotation("https://example.org/a", exact, "", text="\x1b]0;owned\x07")))
    done = dossier("import", str(path), "--store", str(store_path))
    assert done.returncode == 0, done.stderr
    assert "1 annotations added" in done.stdout
    shown = dossier("show", article.id, "--store", str(store_path))
    assert exact in shown.stdout and "\x1b" not in shown.stdout and "\x07" not in shown.stdout


# ---------------------------------------------------------------------- brat, as brat writes it

#: A text as brat users have them: Windows line ends, a tab, RTL words, an emoji ZWJ sequence, a
#: letter with a combining accent no precomposed form exists for, a flag (two code points).
BRAT_TEXT = (
    "Barack Obama met\tAngela Merkel in Berlin.\r\n"
    "שלום עולם said 👩\u200d👩\u200d👧 today, q\u0307 and 🇩🇪 too.\r\n"
    "The end"
)


def brat_words(text: str, words: str, nth: int = 0) -> tuple[int, int]:
    at = -1
    for _ in range(nth + 1):
        at = text.index(words, at + 1)
    return at, at + len(words)


def brat_folder(folder: Path, stem: str = "news-0001") -> dict[str, str]:
    """A folder as brat's annotation tool saves it: offsets in code points on the .txt as it is.

    Returns T id → the words the T line marks (fragments joined by a line break, as the text has
    them once its Windows line ends are read as line ends).
    """
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.txt").write_bytes(BRAT_TEXT.encode("utf-8"))
    t = BRAT_TEXT
    spans = {
        "T1": [brat_words(t, "Barack Obama")],
        "T2": [brat_words(t, "Angela Merkel")],
        "T3": [brat_words(t, "Berlin."), brat_words(t, "שלום")],  # across the line break: fragments
        "T4": [brat_words(t, "👩\u200d👩\u200d👧")],
        "T5": [brat_words(t, "שלום עולם")],
        "T6": [brat_words(t, "The end")],  # at the very end
        "T7": [(0, 6)],  # at offset 0, inside T1
        "T8": [brat_words(t, "q\u0307 and 🇩🇪")],
    }
    kinds = {"T1": "Person", "T2": "Person", "T3": "Location", "T5": "Phrase", "T7": "Person"}
    lines = []
    for t_id, pieces in spans.items():
        offsets = ";".join(f"{a} {b}" for a, b in pieces)
        lines.append(f"{t_id}\t{kinds.get(t_id, 'Other')} {offsets}\t{' '.join(t[a:b] for a, b in pieces)}")
    lines += [
        "#1\tAnnotatorNotes T1\tUS president, 100% sure: see http://x.org/a%20b",
        "A1\tNegation T2",
        "A2\tConfidence T2 High",
        "N1\tReference T1 Wikipedia:534366\tBarack Obama",
        "R1\tOrigin Arg1:T1 Arg2:T2\t",
        "E1\tMeet:T1 Agent:T2",
        "*\tAlias T1 T7",
    ]
    (folder / f"{stem}.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")
    marked = {}
    for t_id, pieces in spans.items():
        marked[t_id] = t[pieces[0][0] : pieces[-1][1]].replace("\r\n", "\n").replace("\t", " ")
    return marked


def test_a_brat_text_with_windows_line_ends_and_tabs_becomes_clean_text_with_every_span_on_its_words(
    any_seeded: Store, tmp_path: Path
) -> None:
    """A .txt with ``\\r\\n`` and tabs is an article with line ends and spaces, not with U+FFFD.

    Before: every ``\\r`` and tab became U+FFFD in the stored text ("met�Angela", "Berlin.�"),
    and the quotes with them. Now the text is read as ingest reads text (line ends, spaces) and
    each span moves with its words: at offset 0, at the very end, across the line break, on an
    emoji ZWJ sequence, on RTL words, on a combining accent.
    """
    marked = brat_folder(tmp_path / "brat")
    report = import_annotations(any_seeded, tmp_path / "brat")
    assert report.tags_added == len(marked), report
    assert not report.not_anchored
    article = next(a for a in any_seeded.articles() if a.text.startswith("Barack"))
    assert article.text == BRAT_TEXT.replace("\r\n", "\n").replace("\t", " ")
    tags = {a.quote: a for a in any_seeded.annotations() if a.article_id == article.id}
    assert set(tags) == set(marked.values())
    for quote, tag in tags.items():
        assert article.text[tag.start : tag.end] == quote
    assert tags["The end"].end == len(article.text)
    assert tags["Barack"].start == 0
    assert tags["Angela Merkel"].labels == ("Negation", "Confidence: High")
    again = import_annotations(any_seeded, tmp_path / "brat")
    assert again.tags_added == 0 and not again.added
    assert sum(a.text.startswith("Barack") for a in any_seeded.articles()) == 1


def test_every_character_kept_by_without_controls_is_where_its_map_says() -> None:
    from store.sanitize import neutralize, without_controls

    for raw in ("a\r\nb\tc\x1b[31md\r", "\r\n\r\n", "x\u202ey\x85z\x00", "\x9b2J\x07end", "ok", "", "\t"):
        clean, moved = without_controls(raw)
        assert neutralize(clean) == clean and "\r" not in clean and "\t" not in clean
        if moved is None:
            assert clean == raw
            continue
        assert len(moved) == len(raw) + 1 and moved[-1] == len(clean)
        assert moved == sorted(moved)
        for index, char in enumerate(raw):
            if neutralize(char) == char and char != "\r":
                assert clean[moved[index]] == char, (raw, index)


def test_a_note_typed_in_brats_own_tool_comes_in_as_written(any_seeded: Store, tmp_path: Path) -> None:
    """brat writes notes as they were typed; only Dossier's own files are percent-escaped.

    Before: "100% sure: see http://x.org/a%20b" came in as "... http://x.org/a b", and a note
    holding "%0A" gained a line break. A Dossier export read back still decodes its escapes.
    """
    brat_folder(tmp_path / "brat")
    import_annotations(any_seeded, tmp_path / "brat")
    obama = next(a for a in any_seeded.annotations() if a.quote == "Barack Obama")
    assert obama.note == "US president, 100% sure: see http://x.org/a%20b"
    article = first_article(any_seeded)
    start = article.text.index(" ") + 1
    mine = any_seeded.annotate(article.id, start, start + 5, labels=["50% off"], note="a%20b\nline two 100%")
    from store.exchange.writing import export_to

    export_to(any_seeded, "brat", tmp_path / "out", None)
    any_seeded.remove_annotation(mine.id)
    import_annotations(any_seeded, tmp_path / "out")
    back = next(a for a in any_seeded.annotations() if a.id == mine.id)
    assert (back.labels, back.note) == (("50% off",), "a%20b\nline two 100%")


# ---------------------------------------------------------------------- two imports at once


def test_two_analysts_importing_one_file_at_once_are_told_what_each_added(
    analysts: tuple[Store, Store], tmp_path: Path
) -> None:
    """Bob merges the file Alice has just merged, from his copy planned before hers was saved.

    Before: both reports said "N annotations added" though the store holds N (Bob's save
    rightly wrote nothing). Now the second says nothing was added, and nothing is doubled.
    """
    alice, bob = analysts
    article = first_article(alice)
    for offset in range(0, 200, 20):
        alice.annotate(article.id, offset, offset + 5, labels=["l"], note="n")
    export = tmp_path / "tags.jsonl"
    from store.exchange.writing import export_to

    export_to(alice, "jsonl", export)
    for tag in list(alice.annotations()):
        alice.remove_annotation(tag.id)
    bob.refresh()
    first = import_annotations(alice, export)
    second = import_annotations(bob, export)
    bob.refresh()
    assert first.tags_added + second.tags_added == 10 == len(list(bob.annotations()))
    assert len(first.added) + len(second.added) == 0


def test_the_same_brat_folder_imported_by_two_processes_at_once(tmp_path: Path) -> None:
    """Two real ``dossier import`` processes on one folder store: both succeed, nothing doubled or claimed twice."""
    import re

    store_path = tmp_path / "st"
    assert dossier("import", str(ROOT / "seeds"), "--store", str(store_path)).returncode == 0
    store = Store.open(store_path)
    for article in store.articles():
        words = list(re.finditer(r"\w{4,}", article.text))[:60]
        store.annotate_many(
            [{"article_id": article.id, "start": w.start(), "end": w.end(), "labels": ["w"]} for w in words]
        )
    from store.exchange.writing import export_to

    export_to(store, "brat", tmp_path / "brat")
    total = len(list(store.annotations()))
    for tag in list(store.annotations()):
        store.remove_annotation(tag.id)
    store.close()
    command = [sys.executable, "-m", "tui", "import", str(tmp_path / "brat"), "--store", str(store_path)]
    runs = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in "ab"
    ]
    outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    claimed = sum(int(m.group(1)) for out, _ in outputs for m in re.finditer(r"(\d+) annotations added", out))
    store = Store.open(store_path)
    assert len({a.id for a in store.annotations()}) == len(list(store.annotations())) == total == claimed
    store.close()


# ---------------------------------------------------------------------- a full disk


def test_an_export_to_a_full_disk_names_the_export_not_the_store_and_leaves_nothing(
    small_disk: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    """The disk the export goes to is full; the store's is not.

    Before: "dossier: the store: No space left on device", which sends the user to look at a
    store that is fine. Now the line names the file that could not be written, the earlier
    export there is intact, and no temporary file or folder is left on the disk.
    """
    store_path = tmp_path / "st"
    assert dossier("import", str(ROOT / "seeds"), "--store", str(store_path)).returncode == 0
    earlier = small_disk / "tags.json"
    earlier.write_text("earlier export\n")
    _fill(small_disk)
    for fmt, name in (("json", "tags.json"), ("w3c", "tags.jsonld"), ("brat", "brat-out")):
        done = dossier("export", "--format", fmt, "--out", str(small_disk / name), "--store", str(store_path))
        assert done.returncode == 2
        assert done.stderr.startswith("dossier: ") and done.stderr.count("\n") == 1, done.stderr
        assert "the store" not in done.stderr and name in done.stderr, done.stderr
    assert earlier.read_text() == "earlier export\n"
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "tags.json"]


# ---------------------------------------------------------------------- a brat folder worked on since


def test_a_brat_export_worked_on_in_brat_since_is_not_replaced_by_the_next_export(
    any_seeded: Store, tmp_path: Path
) -> None:
    """Export, annotate in brat's own tool (it edits the .ann in place), export again to the folder.

    Before: the second export replaced the folder, and the annotations made in brat, and a
    ``notes.txt`` the user had put there, were deleted. Now either is refused, with nothing
    touched; a folder unchanged since it was written is still replaced.
    """
    from store.exchange.writing import ExportRefused, export_to

    article = first_article(any_seeded)
    any_seeded.annotate(article.id, 0, 5, labels=["first"])
    out = tmp_path / "brat"
    export_to(any_seeded, "brat", out)
    export_to(any_seeded, "brat", out)  # unchanged since: replaced
    ann = out / f"{article.id}.ann"
    worked_on = ann.read_text(encoding="utf-8") + "T99\tPerson 6 10\t" + article.text[6:10] + "\n"
    ann.write_text(worked_on, encoding="utf-8")
    try:
        export_to(any_seeded, "brat", out)
        raise AssertionError("an .ann changed in brat was replaced")
    except ExportRefused as refused:
        assert ann.name in str(refused)
    assert ann.read_text(encoding="utf-8") == worked_on
    ann.write_text(worked_on.removesuffix("T99\tPerson 6 10\t" + article.text[6:10] + "\n"), encoding="utf-8")
    notes = out / "notes.txt"
    notes.write_text("my reading notes", encoding="utf-8")
    Store.open(tmp_path / "unused").close()  # an empty store: reading commands make none
    done = dossier("export", "--format", "brat", "--out", str(out), "--store", str(tmp_path / "unused"))
    assert done.returncode == 2 and "notes.txt" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert notes.read_text(encoding="utf-8") == "my reading notes"
    notes.unlink()
    export_to(any_seeded, "brat", out)
    names = {p.name for p in out.iterdir()}
    assert "notes.txt" not in names and {"annotation.conf", f"{article.id}.ann", f"{article.id}.txt"} <= names

"""brat standoff, attacked: read by a reader that is not ours, hostile values, damaged files, unsafe folders."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import unquote

import pytest

from store import Store
from store.exchange.reading import import_annotations
from store.exchange.writing import ExportRefused, export_to
from tests.conftest import article_with, span_of
from tests.exchange_samples import FORMULA_LABELS, HOSTILE_NOTE, tag_many, with_extra_article


def independent_read(folder: Path) -> dict[str, list[dict]]:
    """A brat reader written from brat's documentation alone: file stem → its T lines, with checks.

    Every line must have the tab-separated shape brat documents; every T line's text must be the
    ``.txt``'s characters at its offsets (fragments joined by a space); every N, A and # line
    must point at a T (or N) line of the same file.
    """
    found: dict[str, list[dict]] = {}
    for ann in sorted(folder.glob("*.ann")):
        text = ann.with_suffix(".txt").read_text(encoding="utf-8")  # code points, as brat counts
        spans: dict[str, dict] = {}
        ids = set()
        for line in ann.read_text(encoding="utf-8").split("\n"):
            if not line:
                continue
            parts = line.split("\t")
            ids.add(parts[0])
            if parts[0].startswith("T"):
                assert len(parts) == 3, line
                kind, _, offsets = parts[1].partition(" ")
                pieces = [tuple(map(int, piece.split())) for piece in offsets.split(";")]
                assert parts[2] == " ".join(text[a:b] for a, b in pieces), line
                assert all("\n" not in text[a:b] for a, b in pieces)
                spans[parts[0]] = {"type": kind, "pieces": pieces, "attributes": [], "notes": [], "norm": None}
            elif parts[0].startswith("N"):
                assert len(parts) == 3
                kind, target, reference = parts[1].split(" ")
                assert kind == "Reference" and target in spans and reference.startswith("dossier:")
                spans[target]["norm"] = (reference, parts[2])
            elif parts[0].startswith("A"):
                assert len(parts) == 2
                name, target, value = parts[1].split(" ")
                spans[target]["attributes"].append((name, unquote(value)))
            elif parts[0].startswith("#"):
                assert len(parts) == 3
                kind, target = parts[1].split(" ")
                assert target in ids
                if target in spans:
                    spans[target]["notes"].append((kind, parts[2]))
            else:
                raise AssertionError(f"not a brat line: {line!r}")
        found[ann.stem] = list(spans.values())
    return found


def test_every_offset_is_the_txt_slice_even_for_cyrillic_accents_and_emoji(seeded: Store, tmp_path: Path) -> None:
    store = with_extra_article(seeded, tmp_path / "texts")
    tag_many(store)
    export_to(store, "brat", tmp_path / "brat")
    read = independent_read(tmp_path / "brat")
    ru = article_with(store, "Шойгу 🚀")
    assert (tmp_path / "brat" / f"{ru.id}.txt").read_text(encoding="utf-8") == ru.text
    by_type: dict[str, list] = {}
    for span in read[ru.id]:
        by_type.setdefault(span["type"], []).append(span)
    emoji = next(s for s in by_type["Passage"] if s["pieces"] == [span_of(ru, "😀")])
    assert emoji["pieces"][0][1] - emoji["pieces"][0][0] == 1  # one code point, not two UTF-16 units
    across = next(s for s in by_type["Passage"] if len(s["pieces"]) == 2)  # over the paragraph break
    (a, b), (c, d) = across["pieces"]
    assert ru.text[b:c] == "\n\n" and ru.text[a] == "🚀" and ru.text[c:d].startswith("Второй")
    assert ("Status", "rejected") in across["attributes"] and ("Label", "эмодзи") in across["attributes"]
    names = {s["norm"][1] for s in by_type["PERSON"]}
    assert names == {"Sergey Shoigu", "José Müller"}
    total = sum(len(spans) for spans in read.values())
    assert total == len(store.annotations())


def test_tabs_and_line_breaks_in_notes_and_labels_cannot_break_a_line(tmp_path: Path) -> None:
    """Values straight from a hand-made export (not cleaned by the app) hold every breaking character."""
    store = Store.in_memory()
    text = "Alpha beta gamma delta."
    nasty = "tab\there\nline\r\nCR\u2028LS\u0085NEL\x0bVT 100% %0A=1"
    store.merge_export(
        {
            "articles": [{"id": "a1", "text": text}],
            "entities": [{"id": "e1", "name": "Beta", "type": "ORG", "aliases": ["B|eta", "b e=t,a"], "note": nasty}],
            "annotations": [
                {"id": "t1", "article_id": "a1", "start": 6, "end": 10, "quote": "beta", "entity_id": "e1"},
                {
                    "id": "t2",
                    "article_id": "a1",
                    "start": 11,
                    "end": 16,
                    "quote": "gamma",
                    "labels": ["x"],
                    "note": nasty,
                },
            ],
        }
    )
    before = {(a.id, a.note, a.labels) for a in store.annotations()}
    export_to(store, "brat", tmp_path / "brat")
    content = (tmp_path / "brat" / "a1.ann").read_text(encoding="utf-8")
    assert len(content.splitlines()) == len(content.split("\n")) - 1  # no line splits early for any reader
    independent_read(tmp_path / "brat")
    other = Store.in_memory()
    other.merge_export({"articles": [{"id": "a1", "text": text}]})
    import_annotations(other, tmp_path / "brat")
    assert {(a.id, a.note, a.labels) for a in other.annotations()} == before
    entity = other.entity(other.annotation("t1").entity_id or "")
    assert entity.note == store.entity("e1").note
    assert set(entity.aliases) == set(store.entity("e1").aliases)


def test_hostile_labels_and_notes_from_the_app_come_back_as_they_were(seeded: Store, tmp_path: Path) -> None:
    store = with_extra_article(seeded, tmp_path / "texts")
    tag_many(store)
    export_to(store, "brat", tmp_path / "brat")
    read = independent_read(tmp_path / "brat")
    moscow = article_with(store, "Sergey Shoigu")
    labels = {value for span in read[moscow.id] for name, value in span["attributes"] if name == "Label"}
    assert set(FORMULA_LABELS) <= labels
    notes = [unquote(t) for span in read[moscow.id] for kind, t in span["notes"] if kind == "AnnotatorNotes"]
    stored = next(a.note for a in store.annotations() if a.labels == ("claim", "modernisation"))
    assert stored in notes and "\x1b" not in (tmp_path / "brat" / f"{moscow.id}.ann").read_text()
    assert HOSTILE_NOTE.split("\n")[0] in stored


ARTICLE = "Sergey Shoigu arrived in Tashkent.\nThe talks ended late.\n"


def _store_with(text: str) -> tuple[Store, str]:
    store = Store.in_memory()
    store.merge_export({"articles": [{"id": "0123456789abcdef", "text": text}]})
    return store, "0123456789abcdef"


def test_malformed_lines_are_reported_and_the_rest_imported(tmp_path: Path) -> None:
    store, key = _store_with(ARTICLE)
    (tmp_path / f"{key}.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / f"{key}.ann").write_bytes(
        "\n".join(
            [
                "T1\tPerson 0 13\tSergey Shoigu",
                "T2\tLocation 25 33\tTashkent",
                "R1\tLocated Arg1:T1 Arg2:T2",
                "E1\tMeeting:T1",
                "*\tEquiv T1 T2",
                "T3\tPerson 0 x\tbroken offsets",
                "T4\tPerson 5 2\tend before start",
                "T5\tPerson 40 9999\tbeyond the text",
                "T6\tPerson 0 6\tNot the text",
                "complete garbage without tabs",
                "A1\tNegation T2",
                "A2\tConfidence T1 High",
                "#1\tAnnotatorNotes T2\tcapital of Uzbekistan",
                "N1\tReference T2 GeoNames:1512569\tTashkent",
                "T7\tPassage 35 56\tThe talks ended late.",
            ]
        ).encode("utf-8")
        + b"\n\xff\xfe binary junk\n"
    )
    report = import_annotations(store, tmp_path / f"{key}.ann")
    assert report.tags_added == 0  # \xff makes the .ann not UTF-8: refused whole, said so
    assert any("not UTF-8" in why for _, why in report.skipped)
    ann = tmp_path / f"{key}.ann"
    ann.write_bytes(ann.read_bytes().replace(b"\n\xff\xfe binary junk\n", b"\n"))
    report = import_annotations(store, ann)
    got = {a.quote: a for a in store.annotations()}
    assert set(got) == {"Sergey Shoigu", "Tashkent", "The talks ended late."}
    assert store.entity(got["Tashkent"].entity_id or "").type == "LOCATION"
    assert got["Tashkent"].labels == ("Negation",) and got["Tashkent"].note == "capital of Uzbekistan"
    assert got["Sergey Shoigu"].labels == ("Confidence: High",)
    assert got["The talks ended late."].entity_id is None
    reasons = {where.rsplit("/", 1)[-1].removeprefix(f"{key}.ann"): why for where, why in report.skipped}
    assert set(reasons) == {":3", ":4", ":5", ":6", ":7", "#T5", "#T6", ":10"}  # each bad line, named
    assert "relation" in reasons[":3"] and "event" in reasons[":4"] and "equivalence" in reasons[":5"]
    assert "outside the text" in reasons["#T5"] and "not the .txt's" in reasons["#T6"]
    again = import_annotations(store, ann)
    assert again.tags_added == 0  # ids from the content: a second import adds nothing


def test_an_ann_for_an_article_not_in_the_store_is_reported_not_invented(tmp_path: Path) -> None:
    store, _ = _store_with(ARTICLE)
    (tmp_path / "fedcba9876543210.ann").write_text("T1\tPERSON 0 13\tSergey Shoigu\n", encoding="utf-8")
    report = import_annotations(store, tmp_path)
    assert report.tags_added == 0 and store.annotations() == [] and len(store.articles()) == 1
    [missing] = report.not_anchored
    assert missing.quote == "Sergey Shoigu" and not missing.kept
    assert missing.source.endswith("fedcba9876543210.ann#T1") and "fedcba9876543210" in missing.reason


def test_a_txt_matched_by_its_text_or_brought_in_as_a_new_article(tmp_path: Path) -> None:
    store, key = _store_with(ARTICLE)
    (tmp_path / "same-text.txt").write_text(ARTICLE, encoding="utf-8")  # another tool's file name
    (tmp_path / "same-text.ann").write_text("T1\tGPE 25 33\tTashkent\n", encoding="utf-8")
    new_text = "Новая статья: Шойгу 🚀 прибыл.\n"
    (tmp_path / "new.txt").write_text(new_text, encoding="utf-8")
    (tmp_path / "new.ann").write_text("T1\tPER 14 19\tШойгу\n", encoding="utf-8")
    report = import_annotations(store, tmp_path)
    assert report.tags_added == 2 and report.not_anchored == []
    [on_stored] = store.annotations(key)
    assert on_stored.quote == "Tashkent"
    [added] = [a for a in store.articles() if a.id != key]
    assert added.text == new_text and report.added[0][1] == added.id
    [on_new] = store.annotations(added.id)
    assert added.text[on_new.start : on_new.end] == "Шойгу"


def test_symbolic_links_inside_an_import_folder_are_not_followed(tmp_path: Path) -> None:
    store, key = _store_with(ARTICLE)
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / f"{key}.ann").write_text("T1\tPERSON 0 13\tSergey Shoigu\n", encoding="utf-8")
    folder = tmp_path / "import"
    folder.mkdir()
    os.symlink(secret / f"{key}.ann", folder / f"{key}.ann")
    report = import_annotations(store, folder)
    assert report.tags_added == 0 and any("symbolic link" in why for _, why in report.skipped)


def test_brat_export_is_private_and_replaces_only_its_own_earlier_export(seeded: Store, tmp_path: Path) -> None:
    store = with_extra_article(seeded, tmp_path / "texts")
    tag_many(store)
    out = tmp_path / "brat"
    export_to(store, "brat", out)
    for path in out.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    store.annotate(article_with(store, "Treaty on the").id, 0, 6, labels=["again"])
    export_to(store, "brat", out)  # our own earlier export: replaced
    assert "again" in "".join(p.read_text(encoding="utf-8") for p in out.glob("*.ann"))
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left

    (out / "notes.docx").write_bytes(b"the analyst's own file")
    with pytest.raises(ExportRefused, match=r"notes\.docx"):
        export_to(store, "brat", out)
    assert (out / "notes.docx").read_bytes() == b"the analyst's own file"

    foreign = tmp_path / "thesis"
    foreign.mkdir()
    (foreign / "chapter.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ExportRefused):
        export_to(store, "brat", foreign)
    assert [p.name for p in foreign.iterdir()] == ["chapter.txt"]

    target = tmp_path / "victim"
    target.mkdir()
    link = tmp_path / "planted"
    os.symlink(target, link)
    with pytest.raises(ExportRefused, match="symbolic link"):
        export_to(store, "brat", link)
    assert list(target.iterdir()) == []


def test_an_article_id_that_is_a_path_never_writes_outside_the_folder(tmp_path: Path) -> None:
    store = Store.in_memory()
    text = "Escape attempt text."
    store.merge_export(
        {
            "articles": [{"id": "../../escaped", "text": text}],
            "annotations": [{"id": "t1", "article_id": "../../escaped", "start": 0, "end": 6, "quote": "Escape"}],
        }
    )
    with pytest.raises(ExportRefused, match="no folder"):
        export_to(store, "brat", tmp_path / "out" / "brat")  # a parent folder is never made up
    (tmp_path / "out").mkdir()
    export_to(store, "brat", tmp_path / "out" / "brat")
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "out" / "escaped.txt").exists()
    names = sorted(p.name for p in (tmp_path / "out" / "brat").iterdir())
    assert len(names) == 3 and all("/" not in n and not n.startswith(".") for n in names)
    other = Store.in_memory()
    other.merge_export({"articles": [{"id": "../../escaped", "text": text}]})
    assert import_annotations(other, tmp_path / "out" / "brat").tags_added == 1  # matched by its text

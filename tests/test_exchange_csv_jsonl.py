"""CSV and JSON Lines read back by other readers; the export filters; damaged and foreign files."""

from __future__ import annotations

import csv
import json
import stat
from pathlib import Path

import pytest

from store import Store
from store.exchange.reading import UnknownFormat, import_annotations
from store.exchange.selection import NothingNamed, Selection, selected
from store.exchange.writing import ExportRefused, export_to
from tests.conftest import article_with
from tests.exchange_samples import FORMULA_LABELS, tag_many, with_extra_article


@pytest.fixture
def tagged(any_seeded: Store, tmp_path: Path) -> Store:
    store = with_extra_article(any_seeded, tmp_path / "texts")
    tag_many(store)
    return store


def test_csv_read_back_by_the_csv_module_is_the_store(tagged: Store, tmp_path: Path) -> None:
    export_to(tagged, "csv", tmp_path / "tags.csv")
    with (tmp_path / "tags.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(tagged.annotations())
    titles = {a.id: a.title for a in tagged.articles()}
    texts = {a.id: a.text for a in tagged.articles()}

    def plain(cell: str) -> str:  # what the cell holds once the spreadsheet guard is taken off
        return cell[1:] if cell.startswith("'") and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell

    by_id = {(a.article_id, a.start, a.end, a.quote): a for a in tagged.annotations()}
    for row in rows:
        start, end = int(row["start"]), int(row["end"])
        tag = by_id[(row["article_id"], start, end, plain(row["quote"]))]
        assert texts[row["article_id"]][start:end] == tag.quote  # newlines in quotes survive
        assert plain(row["article_title"]) == titles[row["article_id"]]
        assert plain(row["note"]) == tag.note
        assert [plain(x) for x in row["labels"].split("; ")] == list(tag.labels) if tag.labels else row["labels"] == ""
        assert (row["status"], row["author"], row["created"]) == (tag.status, tag.author, tag.created)
        if tag.entity_id:
            entity = tagged.entity(tag.entity_id)
            assert (row["entity_id"], row["entity_name"], row["entity_type"]) == (entity.id, entity.name, entity.type)
    assert any("\n" in row["quote"] for row in rows) and any(row["quote"] == "😀" for row in rows)


def test_no_csv_cell_is_ever_a_formula(seeded: Store, tmp_path: Path) -> None:
    store = seeded
    article = store.articles()[0]
    for number, hostile in enumerate([*FORMULA_LABELS, "\t=1+1", "\r=1", "=cmd|' /C calc'!A0"]):
        store.annotate(article.id, number, number + 3, labels=[hostile], note=hostile)
    store.annotate(article.id, 20, 25, entity="=EVIL()", entity_type="PERSON")
    export_to(store, "csv", tmp_path / "tags.csv")
    with (tmp_path / "tags.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    for row in rows[1:]:
        for column, cell in zip(rows[0], row, strict=True):
            if column not in ("start", "end"):
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
    assert any(row[rows[0].index("entity_name")] == "'=EVIL()" for row in rows)
    notes = {row[rows[0].index("note")] for row in rows[1:]}
    assert {"'" + label for label in FORMULA_LABELS} <= notes


def test_jsonl_read_line_by_line_by_plain_json_gives_the_export(tagged: Store, tmp_path: Path) -> None:
    from store.export import export_data

    export_to(tagged, "jsonl", tmp_path / "all.jsonl")
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""
    records = [json.loads(line) for line in lines[:-1]]
    assert records[0]["record"] == "header" and records[0]["format"] == "dossier-export"
    kinds = [r["record"] for r in records[1:]]
    assert kinds == sorted(kinds, key=["article", "entity", "annotation", "link"].index)  # stream order
    expected = export_data(tagged)
    for kind, section in (
        ("article", "articles"),
        ("entity", "entities"),
        ("annotation", "annotations"),
        ("link", "links"),
    ):
        got = [{k: v for k, v in r.items() if k != "record"} for r in records if r["record"] == kind]
        assert got == expected[section]
    assert stat.S_IMODE((tmp_path / "all.jsonl").stat().st_mode) in (0o600, 0o660)


def test_a_damaged_jsonl_loses_only_its_damaged_lines(tagged: Store, tmp_path: Path) -> None:
    export_to(tagged, "jsonl", tmp_path / "all.jsonl")
    lines = (tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()
    first_tag = next(i for i, line in enumerate(lines) if '"record":"annotation"' in line)
    lines[first_tag] = lines[first_tag][: len(lines[first_tag]) // 2]  # cut mid-record
    lines.insert(first_tag + 1, '{"record": "annotation", "id": 7, "article_id": null}')
    lines.insert(first_tag + 1, '{"record": "poem", "text": "\\u001b[31m"}')
    lines.insert(first_tag + 1, "[1, 2, 3]")
    (tmp_path / "damaged.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = with_extra_article(Store.in_memory(), tmp_path / "texts")
    report = import_annotations(target, tmp_path / "damaged.jsonl")
    assert report.tags_added == len(tagged.annotations()) - 1
    assert len(report.skipped) == 4
    where = sorted(int(w.rsplit(":", 1)[1]) for w, _ in report.skipped)
    assert where == [first_tag + 1, first_tag + 2, first_tag + 3, first_tag + 4]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.jsonl", b'{"some": "other tool"}\n'),
        ("empty.jsonl", b""),
        ("photo.jsonl", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("other.json", b'{"@context": "http://example.org", "items": []}'),
        ("broken.json", b'{"format": "dossier-export", '),
        ("table.csv", b"a,b\n1,2\n"),
    ],
)
def test_a_file_in_no_format_we_read_is_refused_clearly(name: str, content: bytes, tmp_path: Path) -> None:
    store = Store.in_memory()
    (tmp_path / name).write_bytes(content)
    with pytest.raises(UnknownFormat, match=name.replace(".", r"\.")):
        import_annotations(store, tmp_path / name)
    assert store.annotations() == [] and store.articles() == []


def test_records_missing_what_the_merge_needs_are_reported_not_crashed_on(tmp_path: Path) -> None:
    store = Store.in_memory()
    document = {
        "format": "dossier-export",
        "articles": [{"id": "a1", "text": "Some text here."}, {"title": "no id"}, "not an object"],
        "entities": [{"id": "e1"}, {"id": "e2", "name": "Ok", "aliases": "not a list"}],
        "annotations": [
            {"id": "t1", "article_id": "a1", "start": 0, "end": 4, "quote": "Some"},
            {"id": "t2", "article_id": "a1", "start": "0", "end": 4, "quote": "Some"},
            {"id": "t3", "article_id": "a1", "start": 9, "end": 4, "quote": "x"},
            {"id": "t4", "article_id": "a1", "start": True, "end": 4, "quote": "Some"},
        ],
        "links": "none",
    }
    (tmp_path / "hand.json").write_text(json.dumps(document), encoding="utf-8")
    report = import_annotations(store, tmp_path / "hand.json")
    assert [a.id for a in store.annotations()] == ["t1"]
    assert len(report.skipped) == 8


# ------------------------------------------------------------------ filters


def test_an_entity_filter_finds_it_by_alias_whatever_the_case_and_accents(tagged: Store) -> None:
    shoigu = tagged.find_entity("Sergey Shoigu")
    assert shoigu is not None
    for name in ("шойгу", "SERGEY  shoigu", shoigu.id):
        document = selected(tagged, Selection(entities=(name,)))
        assert {a["entity_id"] for a in document["annotations"]} == {shoigu.id}
        assert len(document["annotations"]) == len(tagged.mentions(shoigu.id)) == 3
        assert [e["id"] for e in document["entities"]] == [shoigu.id]
        assert {a["id"] for a in document["articles"]} == {a["article_id"] for a in document["annotations"]}
    muller = selected(tagged, Selection(entities=("jose muller",)))
    assert [a["quote"] for a in muller["annotations"]] == ["José Müller"]


def test_filters_of_one_kind_are_alternatives_and_of_two_kinds_must_all_hold(tagged: Store) -> None:
    both = selected(tagged, Selection(labels=("claim", "EMOJI")))
    assert {a["quote"] for a in both["annotations"]} == {"Russia is ready to modernize Uzbek army", "😀"}
    assert both["entities"] == []
    suggested_claims = selected(tagged, Selection(labels=("claim", "emoji"), statuses=("suggested",)))
    assert [a["quote"] for a in suggested_claims["annotations"]] == ["Russia is ready to modernize Uzbek army"]
    assert [x["kind"] for x in selected(tagged, Selection(labels=("claim", "+1+1")))["links"]] == ["agrees"]
    assert selected(tagged, Selection(labels=("claim",)))["links"] == []  # the link's other end is not kept
    rejected = selected(tagged, Selection(statuses=("rejected",)))
    assert [a["labels"] for a in rejected["annotations"]] == [["эмодзи"]]


def test_an_article_filter_keeps_that_article_even_where_no_tag_is_kept(tagged: Store) -> None:
    ru = article_with(tagged, "Шойгу 🚀")
    treaty = article_with(tagged, "Treaty on the")
    document = selected(tagged, Selection(article_ids=(ru.id, treaty.id), entities=("José Müller",)))
    assert sorted(a["id"] for a in document["articles"]) == sorted([ru.id, treaty.id])
    assert [a["quote"] for a in document["annotations"]] == ["José Müller"]
    everything = selected(tagged, Selection())
    assert len(everything["articles"]) == len(tagged.articles())  # untagged articles too: a backup


@pytest.mark.parametrize(
    ("selection", "kind"),
    [
        (Selection(entities=("Vladimir Nobody",)), "entity"),
        (Selection(labels=("no such label",)), "label"),
        (Selection(statuses=("approved",)), "status"),
        (Selection(article_ids=("ffffffffffffffff",)), "article"),
        (Selection(entities=("Sergey Shoigu", "")), "entity"),
    ],
)
def test_a_filter_naming_nothing_is_an_error_and_writes_nothing(
    tagged: Store, selection: Selection, kind: str, tmp_path: Path
) -> None:
    with pytest.raises(NothingNamed) as raised:
        export_to(tagged, "csv", tmp_path / "out.csv", selection)
    assert raised.value.kind == kind and f"no {kind} named" in str(raised.value)
    assert list(tmp_path.glob("out*")) == []


def test_a_filter_that_names_something_but_keeps_nothing_is_an_empty_export(tagged: Store, tmp_path: Path) -> None:
    treaty = article_with(tagged, "Treaty on the")
    summary = export_to(
        tagged, "csv", tmp_path / "out.csv", Selection(article_ids=(treaty.id,), entities=("Uzbekistan",))
    )
    assert summary.annotations == 0 and summary.articles == 1
    assert (tmp_path / "out.csv").read_text(encoding="utf-8").count("\n") == 1  # the header alone


def test_an_export_file_never_writes_through_a_planted_link_nor_into_a_folder(tagged: Store, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "out.jsonl").symlink_to(victim)
    export_to(tagged, "jsonl", tmp_path / "out.jsonl")
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not (tmp_path / "out.jsonl").is_symlink()
    with pytest.raises(ExportRefused):
        export_to(tagged, "csv", tmp_path)
    with pytest.raises(ValueError, match="no export format"):
        export_to(tagged, "xlsx", tmp_path / "out.xlsx")

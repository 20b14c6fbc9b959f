"""Export → import into a store with the same articles and no tags brings every tag back, in each format.

Both directions on each backend: exported from a folder, memory or PostgreSQL store, and
imported into one. Then the import is repeated (it adds nothing), and the imports that must
re-anchor are attacked: the article's text changed a little (the tag moves with its words), and
the words are gone (the tag is reported and kept as an orphan: nothing is lost).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store
from store.exchange.reading import import_annotations
from store.exchange.writing import export_to
from tests.conftest import article_with, span_of
from tests.exchange_samples import described, tag_many, with_extra_article

FORMATS = {"json": "out.json", "jsonl": "out.jsonl", "brat": "brat-out"}


def _entities_by_name(store: Store) -> dict[str, tuple[str, frozenset[str], str]]:
    return {e.name: (e.type, frozenset(e.aliases), e.note) for e in store.entities()}


def _round_trip(source: Store, target: Store, fmt: str, tmp_path: Path) -> None:
    made = tag_many(source)
    out = tmp_path / FORMATS[fmt]
    summary = export_to(source, fmt, out)
    assert summary.annotations == len(made)
    report = import_annotations(target, out)
    assert report.tags_added == len(made), report.skipped
    assert report.not_anchored == []
    want = sorted(described(source, a) for a in source.annotations())
    assert sorted(described(target, a) for a in target.annotations()) == want
    used = {source.entity(a.entity_id).name for a in made if a.entity_id}
    expected = {name: value for name, value in _entities_by_name(source).items() if name in used}
    assert {n: v for n, v in _entities_by_name(target).items() if n in used} == expected
    if fmt != "brat":  # brat has no links between tags (its relations are between entities)
        assert [(x.first, x.second, x.kind, x.note) for x in target.links()] == [
            (x.first, x.second, x.kind, x.note) for x in source.links()
        ]
    again = import_annotations(target, out)
    assert again.tags_added == 0 and again.entities_added == 0
    assert len(target.annotations()) == len(made)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_exported_from_each_backend_every_tag_comes_back(any_seeded: Store, fmt: str, tmp_path: Path) -> None:
    source = with_extra_article(any_seeded, tmp_path / "texts")
    target = with_extra_article(Store.in_memory(), tmp_path / "texts")
    _round_trip(source, target, fmt, tmp_path)


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_imported_into_each_backend_every_tag_comes_back(any_seeded: Store, fmt: str, tmp_path: Path) -> None:
    source = with_extra_article(Store.open(tmp_path / "source"), tmp_path / "texts")
    target = with_extra_article(any_seeded, tmp_path / "texts")
    try:
        _round_trip(source, target, fmt, tmp_path)
    finally:
        source.close()


def _one_article_stores(tmp_path: Path, text: str) -> tuple[Store, Store, Path]:
    """Two folder stores that imported the same file (so the same article id), and that file."""
    folder = tmp_path / "texts"
    folder.mkdir()
    path = folder / "report.txt"
    path.write_text(text, encoding="utf-8")
    stores = []
    for name in ("source", "target"):
        store = Store.open(tmp_path / name)
        store.import_paths([folder])
        stores.append(store)
    return stores[0], stores[1], path


TEXT = "Report\n\nThe convoy left Termez at dawn. Sergey Shoigu met the envoy in Tashkent later that day.\n"


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_tag_follows_its_words_when_the_article_changed_a_little(fmt: str, tmp_path: Path) -> None:
    source, target, path = _one_article_stores(tmp_path, TEXT)
    article = source.articles()[0]
    person = source.annotate(
        article.id, *span_of(article, "Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON"
    )
    passage = source.annotate(article.id, *span_of(article, "met the envoy"), labels=["meeting"])
    export_to(source, fmt, tmp_path / FORMATS[fmt])
    path.write_text(TEXT.replace("The convoy left", "Late on Monday, the long convoy left"), encoding="utf-8")
    target.import_paths([path.parent])  # the article is updated in place: the same id, new text
    changed = target.article(article.id)
    assert changed.text != article.text
    report = import_annotations(target, tmp_path / FORMATS[fmt])
    assert report.tags_added == 2 and report.not_anchored == []
    moved = {a.id: a for a in target.annotations(article.id)}
    for tag, words in ((person, "Sergey Shoigu"), (passage, "met the envoy")):
        got = moved[tag.id]
        assert (got.start, got.end) == span_of(changed, words) != (tag.start, tag.end)
        assert changed.text[got.start : got.end] == words and not got.orphaned
    source.close()
    target.close()


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_a_tag_whose_words_are_gone_is_reported_and_kept(fmt: str, tmp_path: Path) -> None:
    source, target, path = _one_article_stores(tmp_path, TEXT)
    article = source.articles()[0]
    kept = source.annotate(article.id, *span_of(article, "Termez"), entity="Termez", entity_type="PLACE")
    gone = source.annotate(article.id, *span_of(article, "met the envoy"), labels=["meeting"], note="важно")
    export_to(source, fmt, tmp_path / FORMATS[fmt])
    path.write_text(TEXT.replace("met the envoy", "spoke to reporters"), encoding="utf-8")
    target.import_paths([path.parent])
    report = import_annotations(target, tmp_path / FORMATS[fmt])
    assert report.tags_added == 2
    [lost] = report.not_anchored
    assert lost.quote == "met the envoy" and lost.kept and "not in the article" in lost.reason
    where = {"json": f"out.json#{gone.id}", "jsonl": "out.jsonl:5", "brat": ".ann#T2"}[fmt]
    assert lost.source.endswith(where)  # where in the file the analyst finds it
    orphan = target.annotation(gone.id)
    assert orphan.orphaned and orphan.quote == "met the envoy" and orphan.note == "важно"
    assert orphan.labels == ("meeting",)
    assert not target.annotation(kept.id).orphaned
    assert "1 annotations orphaned" in report.summary()
    source.close()
    target.close()


def test_tags_of_an_article_the_store_does_not_hold_are_each_reported(tmp_path: Path) -> None:
    source, _target, _path = _one_article_stores(tmp_path, TEXT)
    article = source.articles()[0]
    source.annotate(article.id, *span_of(article, "Termez"), entity="Termez", entity_type="PLACE")
    export_to(source, "jsonl", tmp_path / "out.jsonl")
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if '"record":"article"' not in line]  # the article itself left out
    (tmp_path / "tags-only.jsonl").write_text("\n".join(kept) + "\n", encoding="utf-8")
    empty = Store.in_memory()
    report = import_annotations(empty, tmp_path / "tags-only.jsonl")
    assert report.tags_added == 0 and empty.annotations() == []
    [missing] = report.not_anchored
    assert missing.quote == "Termez" and not missing.kept and article.id in missing.reason
    assert "out.jsonl" not in missing.source and "tags-only.jsonl:" in missing.source
    assert "not imported" in report.summary()
    source.close()


def test_an_export_filtered_to_one_article_round_trips_only_that(any_seeded: Store, tmp_path: Path) -> None:
    from store.exchange.selection import Selection

    source = with_extra_article(any_seeded, tmp_path / "texts")
    tag_many(source)
    ru = article_with(source, "Шойгу 🚀")
    export_to(source, "brat", tmp_path / "brat", Selection(article_ids=(ru.id,)))
    assert sorted(p.name for p in (tmp_path / "brat").iterdir()) == sorted(
        [f"{ru.id}.txt", f"{ru.id}.ann", "annotation.conf"]
    )
    target = with_extra_article(Store.in_memory(), tmp_path / "texts")
    import_annotations(target, tmp_path / "brat")
    assert sorted(described(target, a) for a in target.annotations()) == sorted(
        described(source, a)
        for a in source.annotations()
        if a.article_id == ru.id  # rejected ones too
    )

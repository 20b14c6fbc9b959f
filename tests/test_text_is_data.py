"""Text another group member planted in the store is shown, never obeyed.

A label carrying ``ESC]52;c;…`` set the terminal clipboard when the passage dialog opened and
changed the pane title: labels were handed out raw. The attack here is the realistic one: a
member of the store's group appends a line to the journal, and the victim's running store takes
it in.
"""

from __future__ import annotations

from pathlib import Path

import orjson

from store import Store, seed_if_empty

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
TITLE = "\x1b]0;owned\x07"
C1_CSI = "\x9b2J"


def _plant(path: Path, doc: dict) -> None:
    """Append a journal line as a hostile process would (valid, under no lock)."""
    journal = path / "annotations.journal"
    line = {"by": "mallory", "at": "2026-11-29T00:00:00+00:00", "label": "x", "changes": [["annotations", "999", doc]]}
    with open(journal, "ab") as handle:
        handle.write(orjson.dumps(line) + b"\n")


def test_planted_labels_notes_and_authors_are_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "store"
    victim = Store.open(path)
    seed_if_empty(victim)
    article = victim.articles()[0]
    victim.annotate(article.id, 0, 4, labels=["claim"])  # the journal exists and is current
    _plant(
        path,
        {
            "id": "a-planted",
            "article_id": article.id,
            "start": 0,
            "end": 4,
            "quote": article.text[:4],
            "labels": [f"evil{OSC52}", f"title{TITLE}{C1_CSI}"],
            "note": f"note{OSC52}",
            "author": f"mallory{TITLE}",
        },
    )
    assert victim.refresh()
    shown = [*victim.labels(), *victim.annotation("a-planted").labels]
    shown += [victim.annotation("a-planted").note, victim.annotation("a-planted").author]
    for text in shown:
        assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text, repr(text)
    assert any(label.startswith("evil") for label in victim.labels())
    victim.close()


def test_a_planted_record_of_the_wrong_shape_is_reported_not_a_crash(tmp_path: Path) -> None:
    from store import StoreFileError

    path = tmp_path / "store"
    victim = Store.open(path)
    seed_if_empty(victim)
    article = victim.articles()[0]
    victim.annotate(article.id, 0, 4, labels=["claim"])
    _plant(path, {"id": "a-bad", "article_id": article.id, "start": "x", "end": 4, "quote": "x"})
    try:
        victim.refresh()
    except StoreFileError as exc:
        assert "annotations" in str(exc)
    else:
        raise AssertionError("a record of the wrong shape was taken in silently")
    assert all(a.id != "a-bad" for a in victim.annotations())
    victim.close()


def test_a_snapshot_holding_one_id_twice_does_not_bring_a_deleted_tag_back(tmp_path: Path) -> None:
    """Two TinyDB documents with the same id: deleting the tag must delete both."""
    path = tmp_path / "store"
    store = Store.open(path)
    seed_if_empty(store)
    article = store.articles()[0]
    tag = store.annotate(article.id, 0, 4, note="twice")
    store.close()  # folded into annotations.json
    snapshot = path / "annotations.json"
    data = orjson.loads(snapshot.read_bytes())
    [doc] = [v for v in data["annotations"].values() if v["id"] == tag.id]
    data["annotations"]["777"] = {**doc, "note": "the copy"}  # a later document with the same id
    snapshot.write_bytes(orjson.dumps(data))
    store = Store.open(path)
    assert store.annotation(tag.id).note == "the copy"  # the later document counts
    store.remove_annotation(tag.id)
    store.close()
    for reopened in (Store.open(path), Store.open(path)):
        assert all(a.id != tag.id for a in reopened.annotations())
        reopened.close()

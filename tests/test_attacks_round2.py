"""Round-2 attacks: changesets across files, the store thread, the search dialog, lazy text.

Each test is one attack; a fixed break keeps its test, an unfixed one is a strict xfail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store, seed_if_empty
from store.journal import Journal


def _seeded(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


def _export_with_new_article(tmp_path: Path) -> dict:
    from store.export import export_data

    source = _seeded(tmp_path / "source")
    article = source.articles()[0]
    source.annotate(article.id, 0, 5, entity="Somebody", entity_type="PERSON")
    data = export_data(source)
    source.close()
    data["articles"] = [data["articles"][0]]
    data["articles"][0]["id"] = "new-article"
    data["articles"][0]["text"] += " More text."
    for annotation in data["annotations"]:
        annotation["article_id"], annotation["id"] = "new-article", "new-" + annotation["id"]
    return data


def _both_journals_current(store: Store) -> None:
    store.annotate(store.articles()[0].id, 0, 4, note="makes both journals current")
    store.set_metadata(store.articles()[0].id, title="Both journals current")


def _sees_merge(store: Store) -> tuple[bool, bool]:
    return (
        "new-article" in {a.id for a in store.articles()},
        any(a.id.startswith("new-") for a in store.annotations()),
    )


def _open_during_second_append(monkeypatch: pytest.MonkeyPatch, opener) -> list:
    """Run ``opener()`` right after the second journal line of a two-file changeset is written,
    while ``.pending`` still names it (the writer then finishes normally)."""
    opened: list = []
    real = Journal.append

    def append(self: Journal, changes, meta=None) -> None:
        real(self, changes, meta)
        if meta and meta.get("cs") and self.path.name == "annotations.journal" and not opened:
            assert (self.path.parent / ".pending").exists()
            opened.append(opener())

    monkeypatch.setattr(Journal, "append", append)
    return opened


@pytest.mark.parametrize("defer", [False, True])
def test_a_reader_opened_while_a_changeset_is_pending_sees_it_once_it_is_finished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, defer: bool
) -> None:
    """Bob opens the store while Alice's merge is between its last line and removing .pending.

    Bob skips the unfinished lines (right), but Alice then finishes normally: Bob must show the
    merge at his next look, not miss it until he reopens.
    """
    path = tmp_path / "store"
    data = _export_with_new_article(tmp_path)
    alice = _seeded(path)
    _both_journals_current(alice)
    opened = _open_during_second_append(monkeypatch, lambda: Store.open(path, defer_annotations=defer))
    alice.merge_export(data)
    monkeypatch.undo()
    (bob,) = opened
    assert not (path / ".pending").exists()
    bob.finish_loading()
    bob.refresh()
    assert _sees_merge(bob) == (True, True), "a finished changeset is missed until the store is reopened"
    fresh = Store.open(path)
    assert _sees_merge(fresh) == (True, True)


def test_a_deferred_reader_finishing_its_load_while_a_changeset_is_pending_sees_it_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bob's articles were read before Alice's merge; his tags are read while it is pending."""
    path = tmp_path / "store"
    data = _export_with_new_article(tmp_path)
    alice = _seeded(path)
    _both_journals_current(alice)
    bob = Store.open(path, defer_annotations=True)
    opened = _open_during_second_append(monkeypatch, lambda: bob.finish_loading() or bob)
    alice.merge_export(data)
    monkeypatch.undo()
    assert opened == [bob]
    bob.refresh()
    assert _sees_merge(bob) == (True, True), "the merged tags are missed until the store is reopened"

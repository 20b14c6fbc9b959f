"""Links between tags (agrees / contradicts / same event): undoable, merged between analysts, exported."""

from __future__ import annotations

import pytest

from store import ConflictError, Store
from store.export import export_data
from tests.conftest import span_of, treaty_dates


def test_two_passages_are_linked_listed_changed_and_undone(any_seeded: Store) -> None:
    store = any_seeded
    first, second = treaty_dates(store)
    link = store.link(second.id, first.id, "contradicts", note="which year? \x1b[31m")
    assert (link.first, link.second, link.kind) == (min(first.id, second.id), max(first.id, second.id), "contradicts")
    assert "\x1b" not in link.note and link.author == store.user
    assert store.links() == [link] and store.links(first.id) == [link] and store.links("other") == []
    store.link(first.id, second.id, "same event")  # linked again: the kind changes, still one link
    assert [x.kind for x in store.links()] == ["same event"]
    store.undo()
    assert [x.kind for x in store.links()] == ["contradicts"]
    store.unlink(first.id, second.id)
    assert store.links() == []
    store.undo()
    assert [x.kind for x in store.links()] == ["contradicts"]
    with pytest.raises(ValueError, match="agrees, contradicts, same event"):
        store.link(first.id, second.id, "disagrees")
    with pytest.raises(ValueError, match="itself"):
        store.link(first.id, first.id, "agrees")
    with pytest.raises(KeyError):
        store.link(first.id, "nothing", "agrees")


def test_deleting_a_tag_takes_its_links_and_undo_brings_them_back(any_seeded: Store) -> None:
    store = any_seeded
    first, second = treaty_dates(store)
    store.link(first.id, second.id, "contradicts")
    store.remove_annotation(second.id)
    assert store.links() == []
    assert "links" not in export_data(store)["annotations"][0] or not export_data(store)["annotations"][0]["links"]
    store.undo()
    assert [x.kind for x in store.links()] == ["contradicts"]


def test_links_travel_in_an_export(any_seeded: Store, open_store) -> None:
    store = any_seeded
    first, second = treaty_dates(store)
    store.link(first.id, second.id, "contradicts", note="one source, two years")
    data = export_data(store)
    other = Store.in_memory()
    other.merge_export(data)
    assert [(x.first, x.second, x.kind, x.note) for x in other.links()] == [
        (x.first, x.second, x.kind, x.note) for x in store.links()
    ]


def test_two_analysts_links_merge_and_the_same_pair_twice_is_a_conflict(analysts: tuple[Store, Store]) -> None:
    alice, bob = analysts
    first, second = treaty_dates(alice)
    treaty = alice.article(first.article_id)
    third = alice.annotate(treaty.id, *span_of(treaty, "Berdiyev"), entity="Kabul Berdiyev", entity_type="PERSON")
    bob.refresh()  # bob sees the three tags; from here on his view is stale
    alice.link(first.id, second.id, "contradicts")
    with pytest.raises(ConflictError):
        bob.link(first.id, second.id, "agrees")  # alice said otherwise of this pair: told, not overwritten
    bob.link(first.id, third.id, "same event")  # another pair: both stay
    alice.refresh()
    for store in (alice, bob):
        kinds = {frozenset((x.first, x.second)): x.kind for x in store.links()}
        assert kinds == {frozenset((first.id, second.id)): "contradicts", frozenset((first.id, third.id)): "same event"}
    bob.link(first.id, second.id, "agrees")  # now that bob has seen alice's link, he may change it
    alice.refresh()
    assert {x.kind for x in alice.links(second.id)} == {"agrees"}


def _link_in_a_process(path: str, first: str, second: str, kind: str, go, out) -> None:
    """Another analyst's process: open the store (and say so), wait for the signal, link the pair."""
    from store import ConflictError, Store

    store = Store.open(path)
    store.links()  # what this analyst has seen: the pair unlinked
    out.put("ready")
    go.wait(30)
    try:
        store.link(first, second, kind)
        out.put("saved")
    except ConflictError:
        out.put("conflict")
    finally:
        store.close()


def test_two_processes_linking_one_pair_two_ways_never_overwrite_each_other(tmp_path) -> None:
    """Two real processes, each having seen the pair unlinked: one kind is saved, the other told."""
    import multiprocessing

    from store import seed_if_empty

    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    first, second = treaty_dates(store)
    store.close()
    context = multiprocessing.get_context("spawn")
    go, out = context.Event(), context.Queue()
    workers = [
        context.Process(target=_link_in_a_process, args=(str(tmp_path / "store"), first.id, second.id, kind, go, out))
        for kind in ("contradicts", "same event")
    ]
    for worker in workers:
        worker.start()
    assert [out.get(timeout=60) for _ in workers] == ["ready", "ready"]  # both saw the pair unlinked
    go.set()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    assert sorted(out.get(timeout=5) for _ in workers) == ["conflict", "saved"]
    reopened = Store.open(tmp_path / "store")
    try:
        (link,) = reopened.links()
        assert link.kind in ("contradicts", "same event")
    finally:
        reopened.close()

"""Two analysts, one store: nobody overwrites anybody, in every backend.

Each test opens the same store twice ("alice" and "bob"), as two SSH sessions would. Bob's copy
is stale on purpose: he plans his change before taking in Alice's. The last test runs two real
processes against one TinyDB store.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from store import ConflictError, Store, seed_if_empty
from tests.conftest import ROOT, article_with, span_of

Pair = tuple[Store, Store]


def _tag(store: Store, words: str, **kwargs: object):
    article = article_with(store, words)
    start, end = span_of(article, words)
    return store.annotate(article.id, start, end, **kwargs)  # type: ignore[arg-type]


def test_edits_of_different_fields_both_survive(analysts: Pair) -> None:
    alice, bob = analysts
    tag = _tag(alice, "Sergei Shoigu", labels=["claim"])
    bob.refresh()
    alice.update_annotation(tag.id, note="defence minister")
    bob.update_annotation(tag.id, labels=["claim", "visit"])  # Bob has not seen Alice's note
    for store in (alice, bob):
        store.refresh()
        saved = store.annotation(tag.id)
        assert saved.note == "defence minister" and saved.labels == ("claim", "visit")


def test_labels_added_by_both_are_both_kept(analysts: Pair) -> None:
    alice, bob = analysts
    tag = _tag(alice, "Sergei Shoigu", labels=["claim"])
    bob.refresh()
    alice.update_annotation(tag.id, labels=["claim", "date"])
    bob.update_annotation(tag.id, labels=["visit"])  # Bob drops "claim", adds "visit"
    alice.refresh()
    assert alice.annotation(tag.id).labels == ("date", "visit")


def test_same_field_conflict_names_who_and_keeps_theirs(analysts: Pair) -> None:
    alice, bob = analysts
    tag = _tag(alice, "Sergei Shoigu", note="first")
    bob.refresh()
    alice.update_annotation(tag.id, note="alice's")
    with pytest.raises(ConflictError) as caught:
        bob.update_annotation(tag.id, note="bob's")
    assert "changed by alice" in str(caught.value) and "note" in str(caught.value)
    assert bob.annotation(tag.id).note == "alice's"  # Bob now sees Alice's version
    alice.refresh()
    assert alice.annotation(tag.id).note == "alice's"


def test_editing_what_the_other_deleted_does_not_bring_it_back(analysts: Pair) -> None:
    alice, bob = analysts
    tag = _tag(alice, "Sergei Shoigu", note="first")
    bob.refresh()
    alice.remove_annotation(tag.id)
    with pytest.raises(ConflictError) as caught:
        bob.update_annotation(tag.id, note="bob's")
    assert "deleted by alice" in str(caught.value)
    with pytest.raises(KeyError):
        bob.annotation(tag.id)
    alice.refresh()
    assert all(a.id != tag.id for a in alice.annotations())


def test_deleting_what_the_other_just_edited_is_refused(analysts: Pair) -> None:
    alice, bob = analysts
    tag = _tag(alice, "Sergei Shoigu", note="first")
    bob.refresh()
    alice.update_annotation(tag.id, note="important")
    with pytest.raises(ConflictError, match="changed by alice"):
        bob.remove_annotation(tag.id)
    assert bob.annotation(tag.id).note == "important"


def test_undo_undoes_only_my_change(analysts: Pair) -> None:
    alice, bob = analysts
    tag = _tag(alice, "Sergei Shoigu", labels=["claim"])
    bob.refresh()
    alice.update_annotation(tag.id, note="mine")
    bob.update_annotation(tag.id, labels=["visit"])  # later, another field
    assert alice.undo() is not None
    bob.refresh()
    for store in (alice, bob):
        saved = store.annotation(tag.id)
        assert saved.note == "" and saved.labels == ("visit",)


def test_undo_that_no_longer_applies_says_so(analysts: Pair) -> None:
    alice, bob = analysts
    tag = _tag(alice, "Sergei Shoigu", note="first")
    alice.update_annotation(tag.id, note="alice's")
    bob.refresh()
    bob.update_annotation(tag.id, note="bob's")
    with pytest.raises(ConflictError, match=r"Cannot undo edit .* changed by bob"):
        alice.undo()
    assert alice.annotation(tag.id).note == "bob's"
    with pytest.raises(ConflictError, match="Cannot undo mark passage"):  # deleting what Bob edited: refused too
        alice.undo()
    assert alice.annotation(tag.id).note == "bob's" and not alice.can_undo()


def test_undo_of_a_tag_the_other_deleted_is_a_message_not_a_crash(analysts: Pair) -> None:
    alice, bob = analysts
    tag = _tag(alice, "Sergei Shoigu", note="first")
    alice.update_annotation(tag.id, note="second")
    bob.refresh()
    bob.remove_annotation(tag.id)
    with pytest.raises(ConflictError, match="deleted by bob"):
        alice.undo()
    assert all(a.id != tag.id for a in alice.annotations())


def test_one_entity_when_both_create_the_same_name(analysts: Pair) -> None:
    alice, bob = analysts
    bob.refresh()
    first = _tag(alice, "CSTO", entity="CSTO", entity_type="ORG")
    second = _tag(bob, "Collective Security Treaty Organization", entity="csto", entity_type="ORG")
    for store in (alice, bob):
        store.refresh()
        [entity] = [e for e in store.entities() if e.name.casefold() == "csto"]
        assert {m.id for m in store.mentions(entity.id)} == {first.id, second.id}
        assert "Collective Security Treaty Organization" in entity.aliases
    assert second.entity_id == first.entity_id


def test_the_other_analysts_work_arrives_with_who_and_when(analysts: Pair) -> None:
    alice, bob = analysts
    _tag(alice, "Sergey Shoigu")  # the first tag of a new store writes its file whole: no author then
    bob.refresh()
    seen: list[tuple[str, str, bool]] = []
    bob.subscribe(lambda changeset, external: seen.append((changeset.author, changeset.label, external)))
    _tag(alice, "Sergei Shoigu", labels=["claim"])
    assert bob.refresh()
    assert seen and seen[-1][0] == "alice" and seen[-1][2] is True


# ---------------------------------------------------------------------- two real processes

EDITOR = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {root!r})
    from store import Store, ConflictError
    store = Store.open({path!r})
    field, rounds = sys.argv[1], int(sys.argv[2])
    ids = [a.id for a in store.annotations()]
    conflicts = 0
    for r in range(rounds):
        for i, key in enumerate(ids):
            try:
                if field == "note":
                    store.update_annotation(key, note=f"note {{r}}")
                else:
                    store.update_annotation(key, labels=[f"label {{r}}"])
            except ConflictError:
                conflicts += 1
    print(conflicts)
    store.close()
    """
)


def test_two_processes_editing_the_same_tags_lose_nothing(tmp_path: Path) -> None:
    """The original bug: up to 598 of 600 saves reverted the other writer's change."""
    path = tmp_path / "store"
    store = Store.open(path)
    seed_if_empty(store)
    article = store.articles()[0]
    tags = store.annotate_many(
        [{"article_id": article.id, "start": i * 10, "end": i * 10 + 5} for i in range(30)], label="setup"
    )
    store.close()
    code = EDITOR.format(root=str(ROOT), path=str(path))
    rounds = 10
    editors = [
        subprocess.Popen([sys.executable, "-c", code, field, str(rounds)], stdout=subprocess.PIPE, text=True)
        for field in ("note", "labels")
    ]
    outputs = [editor.communicate(timeout=300)[0] for editor in editors]
    assert [editor.returncode for editor in editors] == [0, 0]
    assert outputs == ["0\n", "0\n"]  # different fields never conflict
    final = Store.open(path)
    for tag in tags:
        saved = final.annotation(tag.id)
        assert saved.note == f"note {rounds - 1}" and saved.labels == (f"label {rounds - 1}",), saved
    final.close()


def test_a_tag_planned_on_text_another_analyst_reimported_is_refused(
    open_store: Callable[..., Store], tmp_path: Path
) -> None:
    """Alice tags by her old copy of the text; Bob has re-imported the changed file meanwhile."""
    import shutil

    from tests.conftest import SEEDS

    folder = tmp_path / "articles"
    shutil.copytree(SEEDS, folder)
    alice, bob = open_store("alice"), open_store("bob")
    alice.import_paths([folder])
    bob.refresh()
    article = article_with(alice, "Sergei Shoigu")
    start, end = span_of(article, "Sergei Shoigu")
    source = Path(article.origin)
    source.write_text(source.read_text(encoding="utf-8").replace("Sergei Shoigu", "Minister Sergei K. Shoigu"))
    assert bob.import_paths([source]).updated
    with pytest.raises(ConflictError, match="text of article"):
        alice.annotate(article.id, start, end, note="on words that moved")
    now = alice.article(article.id)
    assert now.text != article.text  # Alice sees the new text, and tags it where it is now
    start, end = span_of(now, "Sergei K. Shoigu")
    assert alice.annotate(article.id, start, end).quote == "Sergei K. Shoigu"
    bob.close()
    alice.close()


def test_details_corrected_by_two_analysts_on_a_record_without_overrides_merge() -> None:
    from store.merging import merge_docs

    base = {"id": "x", "title": "T"}
    merged, conflicts = merge_docs(base, {**base, "overrides": {"title": "A"}}, {**base, "overrides": {"author": "B"}})
    assert conflicts == [] and merged["overrides"] == {"title": "A", "author": "B"}
    merged, conflicts = merge_docs(base, {**base, "labels": ["a"]}, {**base, "labels": ["b"]})
    assert conflicts == [] and merged["labels"] == ["b", "a"]

"""A hostile review of the engine: two analysts, crashes and planted files against its promises.

"Nobody overwrites anybody", "nothing saved is lost", and memory and disk never disagree. Each
test here is one attack; those the engine withstood at the time of writing stay as guards.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

import orjson
import pytest

from store import ConflictError, Store, StoreFileError, seed_if_empty
from tests.conftest import article_with, span_of
from tests.two_file_saves import both_journals_current, export_with_new_article, kill_writer_after_articles_line

Pair = tuple[Store, Store]


def _seeded(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


def _tag(store: Store, words: str, **kwargs: object):
    article = article_with(store, words)
    start, end = span_of(article, words)
    return store.annotate(article.id, start, end, **kwargs)  # type: ignore[arg-type]


def _read(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


def _write(path: Path, data: dict) -> None:
    path.write_bytes(orjson.dumps(data))


# ---------------------------------------------------------------------- duplicate document ids


def test_a_duplicate_deleted_by_one_analyst_is_not_brought_back_by_the_others_compaction(tmp_path: Path) -> None:
    """A snapshot holds one record at two TinyDB ids; Alice deletes it, Bob compacts: gone for good."""
    path = tmp_path / "store"
    store = _seeded(path)
    tag = _tag(store, "Sergei Shoigu", note="original")
    store.close()  # folds the journal into annotations.json
    snapshot = path / "annotations.json"
    data = _read(snapshot)
    table = data["annotations"]
    [doc_id] = [d for d, doc in table.items() if doc["id"] == tag.id]
    table[str(max(int(d) for d in table) + 1)] = {**table[doc_id], "note": "duplicate"}
    _write(snapshot, data)

    alice, bob = Store.open(path), Store.open(path)
    alice.user, bob.user = "alice", "bob"
    alice.remove_annotation(tag.id)
    bob.refresh()
    assert all(a.id != tag.id for a in bob.annotations())
    bob.compact()
    bob.close()
    alice.close()
    reopened = Store.open(path)
    assert all(a.id != tag.id for a in reopened.annotations()), "a deleted tag came back"
    reopened.close()


# ---------------------------------------------------------------------- a hostile group member


def _plant(path: Path, name: str, changes: list, by: str = "mallory") -> None:
    """Append a journal line as another member of the group could (no lock, any content)."""
    line = {"by": by, "at": "2026-01-01T00:00:00+00:00", "label": "planted", "changes": changes}
    with (path / f"{name}.journal").open("ab") as handle:
        handle.write(orjson.dumps(line) + b"\n")


def _trio(path: Path) -> tuple[Store, Store, Store]:
    alice = _seeded(path)
    bob, carol = Store.open(path), Store.open(path)
    alice.user, bob.user, carol.user = "alice", "bob", "carol"
    return alice, bob, carol


def test_a_planted_record_of_the_wrong_shape_is_reported_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "store"
    alice, bob, _carol = _trio(path)
    tag = _tag(alice, "Sergei Shoigu", note="first")
    bob.refresh()
    bad = {"id": "aBAD", "article_id": tag.article_id, "start": "x", "end": 5, "quote": "q"}
    _plant(path, "annotations", [["annotations", "900", bad], ["entities", "901", {"id": "eBAD", "type": "ORG"}]])
    with pytest.raises(StoreFileError):
        bob.refresh()


def test_after_a_planted_line_a_stale_store_never_overwrites_silently(tmp_path: Path) -> None:
    """Carol's valid save arrives behind a planted line; Bob must not overwrite it unawares."""
    path = tmp_path / "store"
    alice, bob, carol = _trio(path)
    tag = _tag(alice, "Sergei Shoigu", note="first")
    bob.refresh()
    carol.refresh()
    bad = {"id": "aBAD", "article_id": tag.article_id, "start": "x", "end": 5, "quote": "q"}
    _plant(path, "annotations", [["annotations", "900", bad]])
    with pytest.raises(StoreFileError):
        carol.update_annotation(tag.id, note="carol's")
    try:
        carol.update_annotation(tag.id, note="carol's")  # retried: saved behind the planted line?
        carol_saved = True
    except StoreFileError:
        carol_saved = False  # refused while the store is damaged: fine
    with pytest.raises(StoreFileError):
        bob.refresh()
    try:
        bob.refresh()
        bob.update_annotation(tag.id, note="bob's")
    except (StoreFileError, ConflictError):
        pass
    else:
        assert not carol_saved, "Bob overwrote Carol's note without being told"


def test_a_planted_record_at_another_records_doc_id_leaves_memory_as_the_disk(tmp_path: Path) -> None:
    """A line that writes record X at the TinyDB id of record Y replaces Y on disk: memory must agree."""
    path = tmp_path / "store"
    alice, bob, _carol = _trio(path)
    victim = _tag(alice, "Sergei Shoigu", note="victim")
    bob.refresh()
    doc_id = bob.backend._ids["annotations"].of_key[victim.id]
    planted = {**bob.view.doc("annotations", victim.id), "id": "aPLANTED", "note": "planted"}
    _plant(path, "annotations", [["annotations", doc_id, planted]])
    try:
        bob.refresh()
    except StoreFileError:
        return  # reported: fine
    in_memory = {a.id for a in bob.annotations()}
    bob.close()
    alice.close()
    on_disk = {a.id for a in Store.open(path).annotations()}
    assert in_memory == on_disk


# ---------------------------------------------------------------------- entities


def test_undo_of_my_new_entity_does_not_strand_the_others_mention(analysts: Pair) -> None:
    alice, bob = analysts
    article = article_with(alice, "CSTO")
    first = alice.annotate(article.id, *span_of(article, "CSTO"), entity="CSTO", entity_type="ORG")
    bob.refresh()
    other = article_with(bob, "CSTO")
    mention = bob.annotate(other.id, *span_of(other, "CSTO", 1), entity="CSTO")  # no alias: the entity is unchanged
    assert mention.entity_id == first.entity_id
    with contextlib.suppress(ConflictError):  # refused, and said so: fine
        alice.undo()
    for store in (alice, bob):
        store.refresh()
        saved = store.annotation(mention.id)
        assert saved.entity_id in {e.id for e in store.entities()}, "Bob's mention points at a deleted entity"


def test_a_batch_that_creates_and_extends_an_entity_merges_into_the_others_new_one(analysts: Pair) -> None:
    """Both create "Moscow"; Bob's batch also gives it an alias: one entity, no false conflict."""
    alice, bob = analysts
    bob.refresh()
    article = article_with(alice, "Kremlin")
    alice.annotate(article.id, *span_of(article, "Moscow"), entity="Moscow", entity_type="LOC")
    items = [
        {"article_id": article.id, "start": s, "end": e, "entity": "Moscow", "entity_type": "LOC"}
        for s, e in (span_of(article, "Moscow", 1), span_of(article, "Kremlin"))
    ]
    tags = bob.annotate_many(items)
    for store in (alice, bob):
        store.refresh()
        [moscow] = [e for e in store.entities() if e.name == "Moscow"]
        assert "Kremlin" in moscow.aliases
        assert {store.annotation(t.id).entity_id for t in tags} == {moscow.id}


def test_undo_of_a_tag_and_its_new_entity_keeps_document_ids_straight(tmp_path: Path) -> None:
    """The tag and its entity share a file and can share a TinyDB id ("1"): deleting both at once."""
    path = tmp_path / "store"
    alice = _seeded(path)
    bob = Store.open(path)
    article = article_with(alice, "CSTO")
    alice.annotate(article.id, *span_of(article, "CSTO"), entity="CSTO", entity_type="ORG")
    alice.undo()
    bob.compact()  # Alice's next look reloads the compacted file
    alice.refresh()
    kept = alice.annotate(article.id, *span_of(article, "CSTO", 1), note="after")
    assert [a.id for a in alice.annotations()] == [kept.id]
    bob.close()
    alice.close()
    assert [a.id for a in Store.open(path).annotations()] == [kept.id]


# ---------------------------------------------------------------------- both files, all or nothing


def test_a_save_taken_back_on_a_full_disk_is_never_seen_by_another_analyst(tmp_path: Path) -> None:
    """Bob looks between Alice's two journal appends; the second fails and the first is cut off."""
    import errno

    path = tmp_path / "store"
    data = export_with_new_article(tmp_path)
    alice = _seeded(path)
    both_journals_current(alice)
    bob = Store.open(path)
    journal = alice.backend.files["annotations"].journal

    def full_disk(*args: object, **kwargs: object) -> None:
        bob.refresh()  # Bob's app polls every two seconds, without the lock
        raise OSError(errno.ENOSPC, "No space left on device")

    journal.append = full_disk  # type: ignore[method-assign]
    with pytest.raises(OSError):
        alice.merge_export(data)
    del journal.append
    assert "new-article" not in {a.id for a in bob.articles()}, "Bob shows an article that was never saved"
    alice.set_metadata(alice.articles()[0].id, title="A longer title than the line that was taken back " * 3)
    bob.refresh()
    assert {a.id: a.title for a in bob.articles()} == {a.id: a.title for a in alice.articles()}


def test_kill_between_the_two_journal_appends_leaves_nothing_of_the_changeset(tmp_path: Path) -> None:
    """kill -9 after the articles line is fsynced and before the annotations line: all or nothing."""

    path = tmp_path / "store"
    data = export_with_new_article(tmp_path)
    store = _seeded(path)
    both_journals_current(store)
    store.close()
    kill_writer_after_articles_line(tmp_path, path, data)
    reopened = Store.open(path)
    has_article = "new-article" in {a.id for a in reopened.articles()}
    has_tags = any(a.id.startswith("new-") for a in reopened.annotations())
    assert has_article == has_tags, "half of a changeset that was never reported saved survived the kill"
    assert (path / ".pending").exists()  # the dead writer's marker: its lines are not applied
    kept = reopened.annotate(reopened.articles()[0].id, 0, 4, note="the next save takes the half back")
    assert not (path / ".pending").exists()
    reopened.close()
    again = Store.open(path)
    assert "new-article" not in {a.id for a in again.articles()}
    assert kept.id in {a.id for a in again.annotations()}
    again.close()


# ---------------------------------------------------------------------- re-import, export merges


_BODY = (
    "The minister Alpha met his counterpart Beta in the city of Gamma on Monday, officials said.\n\n"
    "Later that week Delta spoke to Epsilon about the treaty and the border.\n"
)


def _imported(store: Store, tmp_path: Path) -> tuple[Path, str]:
    source = tmp_path / "piece.txt"
    source.write_text("A report on the talks\n\n" + _BODY)
    report = store.import_paths([source])
    return source, report.added[0][1]


def _tags_in_place(store: Store, article_id: str) -> list[str]:
    text = store.article(article_id).text
    return [a.quote for a in store.annotations(article_id) if text[a.start : a.end] != a.quote or a.orphaned]


def test_reimport_of_a_changed_file_while_another_analyst_deletes_one_of_its_tags(
    analysts: Pair, tmp_path: Path
) -> None:
    alice, bob = analysts
    source, article_id = _imported(alice, tmp_path)
    text = alice.article(article_id).text
    tags = {w: alice.annotate(article_id, *span_of(alice.article(article_id), w)) for w in ("Beta", "Delta", "Epsilon")}
    assert text
    bob.refresh()
    alice.remove_annotation(tags["Beta"].id)  # Bob has not seen this
    source.write_text("A report on the talks\n\nAn opening paragraph was added by the editors.\n\n" + _BODY)
    with contextlib.suppress(ConflictError):
        bob.import_paths([source])
    for store in (alice, bob):
        store.refresh()
        assert {a.quote for a in store.annotations(article_id)} == {"Delta", "Epsilon"}
        assert _tags_in_place(store, article_id) == [], "tags left at the old offsets of the new text"


def test_reimport_moves_a_tag_another_analyst_added_meanwhile(analysts: Pair, tmp_path: Path) -> None:
    alice, bob = analysts
    source, article_id = _imported(alice, tmp_path)
    alice.annotate(article_id, *span_of(alice.article(article_id), "Delta"))
    bob.refresh()
    source.write_text("A report on the talks\n\nAn opening paragraph was added by the editors.\n\n" + _BODY)
    alice.annotate(article_id, *span_of(alice.article(article_id), "Gamma"))  # Bob has not seen this
    bob.import_paths([source])
    for store in (alice, bob):
        store.refresh()
        assert _tags_in_place(store, article_id) == [], "a tag left at the old offsets of the new text"


def test_undo_of_an_export_merge_keeps_what_another_analyst_merged_again(analysts: Pair, tmp_path: Path) -> None:
    """Alice merges an export; Bob deletes one of its tags and merges the export again: it is Bob's now."""
    alice, bob = analysts
    data = export_with_new_article(tmp_path)
    alice.merge_export(data)
    bob.refresh()
    tag_id = next(a.id for a in bob.annotations() if a.id.startswith("new-"))
    bob.remove_annotation(tag_id)
    bob.merge_export(data)  # brings the tag back: Bob's own change, which Bob can undo
    assert tag_id in {a.id for a in bob.annotations()}
    with contextlib.suppress(ConflictError):
        alice.undo()
    bob.refresh()
    assert tag_id in {a.id for a in bob.annotations()}, "Alice's undo deleted the tag Bob brought back"


# ---------------------------------------------------------------------- the two backends agree


STEPS = int(os.environ.get("ATTACK_STEPS", "60"))
_WORDS = ("Shoigu", "Moscow", "CSTO", "NATO", "Kremlin")


def _random_session(store_of: Callable[..., Store], seed: int, steps: int) -> tuple[list[str], list[dict]]:
    """Two analysts doing the same random things; what each step did and the final records."""
    import random

    rng = random.Random(seed)
    alice = store_of()
    seed_if_empty(alice)
    bob = store_of()
    alice.user, bob.user = "alice", "bob"
    outcomes: list[str] = []
    for _ in range(steps):
        store = rng.choice((alice, bob))
        if rng.random() < 0.3:
            store.refresh()
        tags = sorted(a.id for a in store.annotations())
        action = rng.choice(("tag", "tag", "note", "labels", "remove", "undo", "redo", "details"))
        try:
            if action == "tag" or (not tags and action in ("note", "labels", "remove")):
                word = rng.choice(_WORDS)
                article = article_with(store, word)
                entity = rng.choice((None, word, word.upper()))
                store.annotate(article.id, *span_of(article, word), entity=entity, entity_type="ORG")
            elif action == "note":
                store.update_annotation(rng.choice(tags), note=rng.choice(("a", "b", "c")))
            elif action == "labels":
                store.update_annotation(rng.choice(tags), labels=rng.sample(("x", "y", "z"), rng.randint(0, 3)))
            elif action == "remove":
                store.remove_annotation(rng.choice(tags))
            elif action == "undo":
                store.undo()
            elif action == "redo":
                store.redo()
            else:
                article = rng.choice(sorted(store.articles(), key=lambda a: a.id))
                store.set_metadata(article.id, **{rng.choice(("title", "author")): rng.choice(("T1", "T2", None))})
            outcomes.append(f"{action}: ok")
        except ConflictError:
            outcomes.append(f"{action}: conflict")
    finals = []
    for store in (alice, bob):
        store.refresh()
        finals.append({table: dict(docs) for table, docs in store.view.indexes.docs.items()})
    bob.close()
    alice.close()
    return outcomes, finals


@pytest.mark.parametrize("seed", range(int(os.environ.get("ATTACK_SEEDS", "6"))))
def test_the_same_session_ends_in_the_same_records_in_both_backends(
    seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import itertools

    from store import codec
    from store.memory_backend import MemoryDatabase

    def deterministic() -> None:
        counter = itertools.count()
        monkeypatch.setattr(codec, "new_id", lambda prefix: f"{prefix}{next(counter):016d}")
        ticks = itertools.count()
        monkeypatch.setattr(
            codec, "now", lambda: f"2026-01-01T00:{next(ticks) // 60 % 60:02d}:{next(ticks) % 60:02d}+00:00"
        )

    deterministic()
    database = MemoryDatabase()
    in_memory = _random_session(lambda: Store.in_memory(database), seed, STEPS)
    deterministic()
    on_disk = _random_session(lambda: Store.open(tmp_path / "store"), seed, STEPS)
    assert in_memory[0] == on_disk[0]
    assert in_memory[1][0] == in_memory[1][1], "the two analysts disagree (memory)"
    assert on_disk[1][0] == on_disk[1][1], "the two analysts disagree (TinyDB)"
    assert in_memory[1][0] == on_disk[1][0]
    reopened = Store.open(tmp_path / "store")
    assert {t: dict(d) for t, d in reopened.view.indexes.docs.items()} == on_disk[1][0], "memory and disk disagree"
    reopened.close()


# ---------------------------------------------------------------------- real processes


_CREATOR = """
import sys, time
sys.path.insert(0, {root!r})
from store import Store, ConflictError
store = Store.open({path!r})
store.user = sys.argv[1]
while not __import__("os").path.exists({go!r}):
    time.sleep(0.001)
article = [a for a in store.articles() if "Moscow" in a.text][0]
start = article.text.index("Moscow")
conflicts = 0
for i in range(int(sys.argv[2])):
    try:
        store.annotate(article.id, start, start + 6, entity=f"Org {{i}}", entity_type="ORG", note=sys.argv[1])
        if i % 3 == 0:
            store.undo()  # the tag only: the entity is another analyst's too, or goes with it
    except ConflictError:
        conflicts += 1
print(conflicts)
store.close()
"""


def test_three_processes_creating_the_same_names_make_one_entity_each(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "store"
    _seeded(path).close()
    go = tmp_path / "go"
    code = _CREATOR.format(root=str(ROOT), path=str(path), go=str(go))
    rounds = 30
    writers = [
        subprocess.Popen([sys.executable, "-c", code, who, str(rounds)], stdout=subprocess.PIPE, text=True)
        for who in ("alice", "bob", "carol")
    ]
    go.touch()
    for writer in writers:
        writer.communicate(timeout=120)
    assert [w.returncode for w in writers] == [0, 0, 0]
    store = Store.open(path)
    names = [e.name for e in store.entities()]
    assert len(names) == len(set(names)), "one name, several entities"
    for tag in store.annotations():
        assert store.view.has("entities", tag.entity_id), "a tag points at a deleted entity"
    store.close()

"""Entities as objects of their own: rename, retype, aliases, note, delete, merge and split.

Every test runs on each backend (``open_store``: TinyDB folder, memory, PostgreSQL). Each
operation is one changeset: one undo step, redone whole, seen by another analyst as one change.
Counts (mentions per entity, tags per article, PostgreSQL's ``entity_articles``) are checked
against the tags themselves after each step, on PostgreSQL by ``store check``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from store import ConflictError, Entity, NameTakenError, Store, codec
from store.changes import Changeset
from store.entity_edits import plan_add_alias, plan_rename
from tests.conftest import article_with

Pair = tuple[Store, Store]


@pytest.fixture
def store(analysts: Pair) -> Store:
    """Alice's store, for the tests of one analyst."""
    return analysts[0]


def occurrences(store: Store, word: str) -> Iterator[tuple[str, int, int]]:
    """(article id, start, end) of each occurrence of ``word``, articles in the list's order."""
    for article in store.articles():
        start = article.text.find(word)
        while start >= 0:
            yield article.id, start, start + len(word)
            start = article.text.find(word, start + 1)


def tag_all(store: Store, word: str, entity: str, entity_type: str = "PERSON", limit: int = 100) -> Entity:
    """Tag the first ``limit`` occurrences of ``word`` as ``entity``, as one change."""
    found = list(occurrences(store, word))[:limit]
    items = [{"article_id": a, "start": s, "end": e, "entity": entity, "entity_type": entity_type} for a, s, e in found]
    tags = store.annotate_many(items)
    return store.entity(tags[0].entity_id)


def tag_one(store: Store, word: str, entity: str, entity_type: str | None = None, nth: int = 0):
    """Tag the ``nth`` occurrence of ``word`` (counted as :func:`tag_all` counts) as ``entity``."""
    article_id, start, end = list(occurrences(store, word))[nth]
    return store.annotate(article_id, start, end, entity=entity, entity_type=entity_type)


def state(store: Store) -> tuple[dict[str, dict[str, Any]], dict[str, tuple[Any, ...]]]:
    """What the entities and tags say (not who changed them last, nor when)."""
    entities = {e.id: e.to_dict() for e in store.entities()}
    tags = {a.id: (a.article_id, a.start, a.end, a.entity_id, a.labels, a.note) for a in store.annotations()}
    return entities, tags


def assert_consistent(store: Store) -> None:
    """Counts agree with the tags, no tag points at nothing, no name belongs to two entities."""
    tags = store.annotations()
    entities = store.entities()
    ids = {e.id for e in entities}
    mentions = Counter(a.entity_id for a in tags if a.entity_id)
    assert set(mentions) <= ids, "a tag points at an entity that does not exist"
    assert store.mention_counts(ids) == {key: mentions.get(key, 0) for key in ids}
    assert store.annotation_counts() == dict(Counter(a.article_id for a in tags))
    keys = [codec.name_key(name) for e in entities for name in e.names()]
    assert len(keys) == len(set(keys)), "a name belongs to two entities"
    backend = store.backend
    if hasattr(backend, "schema") and hasattr(backend, "url"):  # PostgreSQL: store check
        from store.postgres_check import check

        health = check(backend.url, backend.schema)
        problems = [p for table in health.tables for p in table.problems]
        assert health.problem_count == 0, problems


# ---------------------------------------------------------------------- each operation: one step


def _rename(store: Store, keep: Entity, other: Entity) -> Any:
    return store.rename_entity(keep.id, "Sergei Kuzhugetovich Shoigu")


def _retype(store: Store, keep: Entity, other: Entity) -> Any:
    return store.retype_entity(keep.id, "minister")


def _add_alias(store: Store, keep: Entity, other: Entity) -> Any:
    return store.add_alias(keep.id, "S. K. Shoigu")


def _remove_alias(store: Store, keep: Entity, other: Entity) -> Any:
    return store.remove_alias(other.id, "moskva")


def _note(store: Store, keep: Entity, other: Entity) -> Any:
    return store.set_entity_note(keep.id, "Defence minister\nsince 2012")


def _delete(store: Store, keep: Entity, other: Entity) -> Any:
    return store.delete_entity(other.id)


def _merge(store: Store, keep: Entity, other: Entity) -> Any:
    return store.merge_entities(keep.id, other.id)


def _split(store: Store, keep: Entity, other: Entity) -> Any:
    return store.split_entity(other.id, [a.id for a in store.mentions(other.id)[:3]], "Moscow city", "place")


OPERATIONS = {
    "rename": _rename,
    "retype": _retype,
    "add_alias": _add_alias,
    "remove_alias": _remove_alias,
    "note": _note,
    "delete": _delete,
    "merge": _merge,
    "split": _split,
}


@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_each_operation_is_one_step_undone_redone_and_journaled(analysts: Pair, operation: str) -> None:
    alice, bob = analysts
    keep = tag_all(alice, "Shoigu", "Sergei Shoigu")
    other = tag_all(alice, "Moscow", "Moscow", "PLACE")
    alice.add_alias(other.id, "Moskva")
    bob.refresh()
    seen: list[tuple[Changeset, bool]] = []
    bob.subscribe(lambda changeset, external: seen.append((changeset, external)))
    before = state(alice)
    steps = len(alice._undo)

    OPERATIONS[operation](alice, keep, other)
    after = state(alice)
    assert after != before
    assert len(alice._undo) == steps + 1  # one undo step
    assert_consistent(alice)
    bob.refresh()  # journaled: another analyst takes it in as one change, saying who made it
    assert len(seen) == 1 and seen[0][1] and seen[0][0].author == "alice"
    assert state(bob) == after
    reopened = _reopened(alice)  # a fresh process reads the same
    assert state(reopened) == after
    reopened.close()

    assert alice.undo() == seen[0][0].label
    assert state(alice) == before
    assert_consistent(alice)
    assert alice.redo() == seen[0][0].label
    assert state(alice) == after
    assert_consistent(alice)
    bob.refresh()
    assert state(bob) == after


def _reopened(store: Store) -> Store:
    """Another connection to ``store``'s storage, whichever backend it is."""
    backend: Any = store.backend
    if hasattr(backend, "schema"):
        return Store.open(backend.url, schema=backend.schema)
    if store.path is not None:
        return Store.open(store.path)
    return Store.in_memory(backend.database)


# ---------------------------------------------------------------------- rename, retype, aliases, note


def test_rename_keeps_the_old_name_as_an_alias(store: Store) -> None:
    shoigu = tag_all(store, "Shoigu", "Shoigu")
    renamed = store.rename_entity(shoigu.id, "Sergei Shoigu")
    assert renamed.name == "Sergei Shoigu" and renamed.aliases == ("Shoigu",)
    assert store.find_entity("shoigu") == renamed  # the old spelling still finds it
    tag = tag_one(store, "Shoigu", "Shoigu", nth=1)
    assert tag.entity_id == shoigu.id


def test_rename_can_drop_the_old_name_or_take_an_alias(store: Store) -> None:
    shoigu = tag_all(store, "Shoigu", "Shoigu")
    store.add_alias(shoigu.id, "Sergei Shoigu")
    swapped = store.rename_entity(shoigu.id, "sergei shoigu ")  # an alias, typed loosely
    assert swapped.name == "sergei shoigu" and swapped.aliases == ("Shoigu",)
    fixed = store.rename_entity(shoigu.id, "Sergei Shoigu")  # only the case: no alias of the old one
    assert fixed.aliases == ("Shoigu",)
    plain = store.rename_entity(shoigu.id, "S. Shoigu", keep_old_as_alias=False)
    assert plain.names() == ("S. Shoigu", "Shoigu")
    assert store.find_entity("Sergei Shoigu") is None


def test_types_are_defaults_or_the_users_own_upper_cased(store: Store) -> None:
    shoigu = tag_all(store, "Shoigu", "Shoigu")
    assert store.retype_entity(shoigu.id, "ORG").type == "ORG"
    assert store.retype_entity(shoigu.id, "  defence\nminister ").type == "DEFENCE MINISTER"
    with pytest.raises(ValueError, match="type cannot be empty"):
        store.retype_entity(shoigu.id, " \x1b\n ")
    undo_steps = len(store._undo)
    assert store.retype_entity(shoigu.id, "defence minister").type == "DEFENCE MINISTER"
    assert len(store._undo) == undo_steps  # nothing changed: no step to undo


def test_aliases_are_added_and_removed_as_names_compare(store: Store) -> None:
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    assert store.add_alias(moscow.id, "Moskva").aliases == ("Moskva",)
    steps = len(store._undo)
    assert store.add_alias(moscow.id, "MOSKVA").aliases == ("Moskva",)  # already a name: nothing to do
    assert store.add_alias(moscow.id, "moscow").aliases == ("Moskva",)
    assert len(store._undo) == steps
    assert store.remove_alias(moscow.id, "moskvá").aliases == ()  # accents and case aside
    with pytest.raises(ValueError, match="is not an alias of the entity “Moscow”"):
        store.remove_alias(moscow.id, "Moskva")
    with pytest.raises(ValueError, match="is the entity's name, not an alias"):
        store.remove_alias(moscow.id, "MOSCOW")
    with pytest.raises(ValueError, match="an alias cannot be empty"):
        store.add_alias(moscow.id, "\n\t ")


def test_notes_are_cleaned_and_cleared(store: Store) -> None:
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    noted = store.set_entity_note(moscow.id, "  Capital.\r\n\x1b[31mRed\x1b[0m square  ")
    assert noted.note == "Capital.\n[31mRed[0m square"
    assert store.set_entity_note(moscow.id, "").note == ""
    store.undo()
    assert store.entity(moscow.id).note == noted.note


def test_names_full_of_escape_codes_are_data(store: Store) -> None:
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    renamed = store.rename_entity(moscow.id, "\x1b]0;owned\x07Mos\u202ecow\x9b2J\nCity")
    assert renamed.name == "]0;ownedMoscow2J City"
    with pytest.raises(ValueError, match="name cannot be empty"):
        store.rename_entity(moscow.id, "\x1b\x07\u202e\n")
    assert store.find_entity("]0;ownedMoscow2J City") == renamed


# ---------------------------------------------------------------------- one name, one entity


def test_a_name_another_entity_holds_is_refused_naming_it(store: Store) -> None:
    shoigu = tag_all(store, "Shoigu", "Sergei Shoigu")
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    store.add_alias(moscow.id, "Moskva")
    for attempt in (
        lambda: store.add_alias(shoigu.id, "MOSCOW"),
        lambda: store.add_alias(shoigu.id, "Moskva"),
        lambda: store.rename_entity(shoigu.id, "moskva"),
    ):
        with pytest.raises(NameTakenError) as caught:
            attempt()
        assert caught.value.entity_id == moscow.id and caught.value.entity_name == "Moscow"
        assert "already a name of the entity “Moscow” (PLACE" in str(caught.value)
        assert isinstance(caught.value, ValueError)
    assert store.entity(shoigu.id).names() == ("Sergei Shoigu", "Shoigu")


def test_tagging_never_gives_an_alias_another_entity_holds(store: Store) -> None:
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    kremlin = tag_one(store, "Moscow", "Kremlin", "ORG", nth=1)  # the quote is Moscow's name
    assert store.entity(kremlin.entity_id).aliases == ()
    tag = tag_one(store, "Moscow", "Kremlin", nth=2)
    assert tag.entity_id == kremlin.entity_id and store.entity(kremlin.entity_id).aliases == ()
    assert store.find_entity("Moscow") == store.entity(moscow.id)
    assert_consistent(store)


def test_an_export_merged_in_brings_no_alias_another_entity_holds(store: Store) -> None:
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    entity = {"id": "e-kremlin", "name": "Kremlin", "type": "ORG", "aliases": ["moscow", "Kreml"], "note": ""}
    store.merge_export({"entities": [entity, {**entity, "id": "e-other", "name": "Kreml", "aliases": ["MOSCOW"]}]})
    assert store.entity("e-kremlin").aliases == ("Kreml",)
    assert store.find_entity("moscow") == store.entity(moscow.id)
    assert_consistent(store)


def test_analysts_racing_for_one_name_give_it_to_one_entity(analysts: Pair) -> None:
    """Both give "Moskva" to another entity: the second save is refused, naming the first's."""
    alice, bob = analysts
    shoigu = tag_all(alice, "Shoigu", "Sergei Shoigu")
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE")
    bob.refresh()
    with alice.view.lock:  # Alice's edits, planned before Bob's save
        alias = plan_add_alias(alice.view, shoigu.id, "Moskva")
        rename = plan_rename(alice.view, shoigu.id, "Moskva")
    bob.add_alias(moscow.id, "Moskva")
    for planned in (alias, rename):
        with pytest.raises(ConflictError) as caught:
            alice._commit(planned)
        assert "the name “Moskva” already belongs to the entity “Moscow” (changed by bob" in str(caught.value)
    # Asked again, the name is seen taken at once, whichever backend (a ValueError naming Moscow).
    with pytest.raises(NameTakenError, match="the entity “Moscow”"):
        alice.add_alias(shoigu.id, "Moskva")
    for store in (alice, bob):
        store.refresh()
        assert store.entity(shoigu.id).names() == ("Sergei Shoigu", "Shoigu")
        assert store.find_entity("moskva") == store.entity(moscow.id)
        assert_consistent(store)


# ---------------------------------------------------------------------- delete, merge, split


def test_delete_takes_the_mentions_with_it_and_undo_brings_all_back(store: Store) -> None:
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    passage = store.annotate(article_with(store, "Moscow").id, 0, 5, labels=["claim"])
    count = store.mention_count(moscow.id)
    assert count > 5
    store.delete_entity(moscow.id)
    assert store.find_entity("Moscow") is None and store.mentions(moscow.id) == []
    assert [a.id for a in store.annotations()] == [passage.id]
    assert_consistent(store)
    store.undo()
    assert store.mention_count(moscow.id) == count and store.find_entity("moscow") == store.entity(moscow.id)
    assert_consistent(store)
    store.redo()
    assert store.find_entity("Moscow") is None
    assert_consistent(store)


def test_merge_moves_mentions_names_and_note_in_one_step(store: Store) -> None:
    csto = tag_all(store, "CSTO", "CSTO", "ORG")
    long = tag_all(store, "Collective Security Treaty Organization", "Collective Security Treaty Organisation", "ORG")
    store.set_entity_note(long.id, "spelt so by TASS")
    store.set_entity_note(csto.id, "Russia-led alliance")
    counts = store.mention_counts([csto.id, long.id])
    moved = {a.id for a in store.mentions(long.id)}
    assert counts[csto.id] == 13 and counts[long.id] == 4
    steps = len(store._undo)

    kept = store.merge_entities(csto.id, long.id)
    assert len(store._undo) == steps + 1
    assert kept.name == "CSTO" and kept.type == "ORG"
    assert kept.aliases == ("Collective Security Treaty Organisation", "Collective Security Treaty Organization")
    assert kept.note == "Russia-led alliance\n\nspelt so by TASS"
    assert store.mention_count(csto.id) == 17
    assert {store.annotation(key).entity_id for key in moved} == {csto.id}
    assert store.find_entity("collective security treaty organisation") == kept
    with pytest.raises(KeyError):
        store.entity(long.id)
    assert_consistent(store)

    store.undo()
    assert store.mention_counts([csto.id, long.id]) == counts
    assert store.entity(long.id).aliases == ("Collective Security Treaty Organization",)
    assert store.find_entity("collective security treaty organisation") == store.entity(long.id)
    assert store.entity(csto.id).note == "Russia-led alliance" and store.entity(csto.id).aliases == ()
    assert_consistent(store)
    store.redo()
    assert store.mention_count(csto.id) == 17
    assert store.find_entity("Collective Security Treaty Organization") == store.entity(csto.id)
    assert_consistent(store)


def test_split_moves_chosen_mentions_to_a_new_entity(store: Store) -> None:
    russia = tag_all(store, "Russia", "Russia", "PLACE", limit=40)
    chosen = [a.id for a in store.mentions(russia.id)[::3]]
    made = store.split_entity(russia.id, chosen, "Russian Federation", "org")
    assert made.name == "Russian Federation" and made.type == "ORG" and made.id != russia.id
    assert {store.annotation(key).entity_id for key in chosen} == {made.id}
    assert store.mention_count(russia.id) == 40 - len(chosen)
    assert_consistent(store)
    store.undo()
    assert store.find_entity("Russian Federation") is None and store.mention_count(russia.id) == 40
    assert_consistent(store)
    store.redo()
    assert store.mention_count(store.find_entity("Russian Federation").id) == len(chosen)  # type: ignore[union-attr]
    assert_consistent(store)


def test_split_into_a_name_that_exists_moves_the_mentions_to_that_entity(store: Store) -> None:
    russia = tag_all(store, "Russia", "Russia", "PLACE", limit=10)
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    store.add_alias(moscow.id, "Kremlin")
    chosen = [a.id for a in store.mentions(russia.id)[:2]]
    with pytest.raises(ValueError, match="already the entity “Moscow” of type PLACE, not ORG"):
        store.split_entity(russia.id, chosen, "kremlin", "ORG")
    target = store.split_entity(russia.id, chosen, "kremlin")
    assert target.id == moscow.id and len(store.entities()) == 2
    assert {store.annotation(key).entity_id for key in chosen} == {moscow.id}
    assert_consistent(store)


def test_split_by_an_alias_of_the_entity_hands_the_alias_over(store: Store) -> None:
    russia = tag_all(store, "Russia", "Russia", "PLACE", limit=10)
    store.add_alias(russia.id, "Russian Federation")
    chosen = [a.id for a in store.mentions(russia.id)[:2]]
    made = store.split_entity(russia.id, chosen, "Russian Federation", "ORG")
    assert made.id != russia.id and made.name == "Russian Federation"
    assert store.entity(russia.id).aliases == ()
    assert store.find_entity("russian federation") == made
    assert_consistent(store)
    store.undo()
    assert store.entity(russia.id).aliases == ("Russian Federation",)
    assert store.find_entity("russian federation") == store.entity(russia.id)
    assert_consistent(store)


def test_unknown_ids_and_bad_requests_are_refused_clearly(store: Store) -> None:
    russia = tag_all(store, "Russia", "Russia", "PLACE", limit=5)
    moscow = tag_all(store, "Moscow", "Moscow", "PLACE")
    passage = store.annotate(article_with(store, "Moscow").id, 0, 5, labels=["claim"])
    for call in (
        lambda: store.rename_entity("e-nope", "X"),
        lambda: store.retype_entity("e-nope", "ORG"),
        lambda: store.add_alias("e-nope", "X"),
        lambda: store.remove_alias("e-nope", "X"),
        lambda: store.set_entity_note("e-nope", "X"),
        lambda: store.delete_entity("e-nope"),
        lambda: store.merge_entities(russia.id, "e-nope"),
        lambda: store.merge_entities("e-nope", russia.id),
        lambda: store.split_entity("e-nope", ["a"], "X"),
    ):
        with pytest.raises(KeyError, match="no entity with id 'e-nope'"):
            call()
    with pytest.raises(ValueError, match="cannot be merged into itself"):
        store.merge_entities(russia.id, russia.id)
    with pytest.raises(KeyError, match="no tag with id 'a-nope'"):
        store.split_entity(russia.id, ["a-nope"], "X")
    with pytest.raises(ValueError, match="is not a mention of the entity “Russia”"):
        store.split_entity(russia.id, [store.mentions(moscow.id)[0].id], "X")
    with pytest.raises(ValueError, match="is not a mention"):
        store.split_entity(russia.id, [passage.id], "X")
    with pytest.raises(ValueError, match="at least one mention"):
        store.split_entity(russia.id, [], "X")
    with pytest.raises(ValueError, match="is the name of the entity being split"):
        store.split_entity(russia.id, [store.mentions(russia.id)[0].id], " RUSSIA ")
    with pytest.raises(ValueError, match="name cannot be empty"):
        store.split_entity(russia.id, [store.mentions(russia.id)[0].id], "\x1b\n")
    assert len(store.entities()) == 2
    assert_consistent(store)


# ---------------------------------------------------------------------- two analysts


def test_a_tag_the_other_analyst_saved_before_the_merge_moves_with_it(analysts: Pair) -> None:
    alice, bob = analysts
    shoigu = tag_all(alice, "Shoigu", "Sergei Shoigu", limit=3)
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=3)
    bob.refresh()
    late = tag_one(bob, "Moscow", "Moscow", nth=5)  # Alice has not seen it
    bob.add_alias(moscow.id, "Moskva")
    kept = alice.merge_entities(shoigu.id, moscow.id)
    assert "Moskva" in kept.aliases  # what Bob added to the merged entity comes along
    for store in (alice, bob):
        store.refresh()
        assert store.annotation(late.id).entity_id == shoigu.id
        assert store.mention_count(shoigu.id) == 3 + 3 + 1
        assert_consistent(store)
    alice.undo()
    for store in (alice, bob):
        store.refresh()
        assert store.annotation(late.id).entity_id == moscow.id
        assert store.mention_count(moscow.id) == 4
        assert_consistent(store)


def test_a_tag_planned_on_the_merged_entity_lands_on_the_kept_one(analysts: Pair) -> None:
    alice, bob = analysts
    shoigu = tag_all(alice, "Shoigu", "Sergei Shoigu", limit=3)
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=3)
    bob.refresh()
    alice.merge_entities(shoigu.id, moscow.id)
    # Bob has not taken the merge in: he tags "Moscow" by its id, and by a new spelling.
    article_id, start, end = list(occurrences(bob, "Moscow"))[4]
    items = [
        {"article_id": article_id, "start": start, "end": end, "entity": moscow.id},
        {"article_id": article_id, "start": start, "end": start + 4, "entity": moscow.id},  # "Mosc": a new alias
    ]
    by_id, spelt = bob.annotate_many(items)
    assert by_id.entity_id == spelt.entity_id == shoigu.id
    for store in (alice, bob):
        store.refresh()
        assert {store.annotation(t.id).entity_id for t in (by_id, spelt)} == {shoigu.id}
        assert "Mosc" in store.entity(shoigu.id).aliases
        assert_consistent(store)


def test_a_tag_planned_on_a_deleted_entity_is_refused(analysts: Pair) -> None:
    alice, bob = analysts
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=3)
    bob.refresh()
    alice.delete_entity(moscow.id)
    with pytest.raises(ConflictError, match="deleted by alice"):
        tag_one(bob, "Moscow", moscow.id, nth=4)
    assert_consistent(bob)


def test_the_merge_is_refused_when_the_other_entity_was_renamed_retyped_or_deleted(analysts: Pair) -> None:
    alice, bob = analysts
    shoigu = tag_all(alice, "Shoigu", "Sergei Shoigu", limit=3)
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=3)
    bob.refresh()
    bob.retype_entity(moscow.id, "ORG")
    with pytest.raises(ConflictError, match=r"the entity “Moscow” was changed by bob .*\(type\)"):
        alice.merge_entities(shoigu.id, moscow.id)
    bob.delete_entity(moscow.id)
    with pytest.raises(ConflictError, match="the entity “Moscow” was deleted by bob"):
        alice.merge_entities(shoigu.id, moscow.id)
    bob.refresh()
    bob.delete_entity(shoigu.id)
    with pytest.raises(ConflictError, match="deleted by bob"):
        alice.rename_entity(shoigu.id, "S. Shoigu")
    for store in (alice, bob):
        store.refresh()
        assert store.entities() == [] and store.annotations() == []
        assert_consistent(store)


def test_a_rename_and_an_alias_added_meanwhile_both_stay(analysts: Pair) -> None:
    alice, bob = analysts
    shoigu = tag_all(alice, "Shoigu", "Shoigu")
    bob.refresh()
    alice.rename_entity(shoigu.id, "Sergei Shoigu")
    bob.add_alias(shoigu.id, "S. Shoigu")  # Bob has not seen the rename
    bob.set_entity_note(shoigu.id, "minister")
    for store in (alice, bob):
        store.refresh()
        entity = store.entity(shoigu.id)
        assert entity.name == "Sergei Shoigu" and set(entity.aliases) == {"Shoigu", "S. Shoigu"}
        assert entity.note == "minister"


def test_both_renaming_one_entity_conflicts(analysts: Pair) -> None:
    alice, bob = analysts
    shoigu = tag_all(alice, "Shoigu", "Shoigu")
    bob.refresh()
    alice.rename_entity(shoigu.id, "Sergei Shoigu")
    with pytest.raises(ConflictError, match=r"changed by alice .*\(name\)"):
        bob.rename_entity(shoigu.id, "Sergey Shoigu")
    assert bob.entity(shoigu.id).name == "Sergei Shoigu"


def test_deleting_and_retyping_one_entity_conflict_either_way(analysts: Pair) -> None:
    alice, bob = analysts
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=3)
    bob.refresh()
    alice.delete_entity(moscow.id)
    with pytest.raises(ConflictError, match="the entity “Moscow” was deleted by alice"):
        bob.retype_entity(moscow.id, "ORG")
    alice.undo()
    bob.refresh()
    alice_count = alice.mention_count(moscow.id)
    bob.retype_entity(moscow.id, "CITY")
    with pytest.raises(ConflictError, match="the entity “Moscow” was changed by bob"):
        alice.delete_entity(moscow.id)
    for store in (alice, bob):
        store.refresh()
        assert store.entity(moscow.id).type == "CITY" and store.mention_count(moscow.id) == alice_count
        assert_consistent(store)


def test_deleting_an_entity_the_other_analyst_tagged_meanwhile_is_refused(analysts: Pair) -> None:
    alice, bob = analysts
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=3)
    bob.refresh()
    late = tag_one(bob, "Moscow", moscow.id, nth=4)
    with pytest.raises(ConflictError, match="the entity “Moscow” is used by a tag of bob"):
        alice.delete_entity(moscow.id)
    alice.delete_entity(moscow.id)  # now Alice has seen Bob's tag: it goes too
    bob.refresh()
    with pytest.raises(KeyError):
        bob.annotation(late.id)
    assert_consistent(bob)


def test_undoing_a_merge_keeps_the_tags_others_made_since(analysts: Pair) -> None:
    alice, bob = analysts
    shoigu = tag_all(alice, "Shoigu", "Sergei Shoigu", limit=3)
    moscow = tag_all(alice, "Moscow", "Moscow", "PLACE", limit=3)
    alice.merge_entities(shoigu.id, moscow.id)
    bob.refresh()
    newer = tag_one(bob, "Moscow", "moscow", nth=4)  # by the merged name: on the kept entity
    assert newer.entity_id == shoigu.id
    alice.undo()
    for store in (alice, bob):
        store.refresh()
        assert store.annotation(newer.id).entity_id == shoigu.id
        assert store.mention_counts([shoigu.id, moscow.id]) == {shoigu.id: 4, moscow.id: 3}
        assert_consistent(store)


def test_the_entities_a_store_answers_follow_every_change_taken_in(analysts: tuple[Store, Store]) -> None:
    """A server store keeps its entity list between questions: any change, anyone's, renews it."""
    alice, bob = analysts
    article = alice.articles()[0]
    shoigu = alice.annotate(article.id, 0, 4, entity="Sergey Shoigu", entity_type="PERSON")
    assert [e.name for e in alice.entities()] == ["Sergey Shoigu"]  # asked once: kept
    bob.refresh()
    bob.annotate(article.id, 10, 14, entity="Collective Security Treaty Organization", entity_type="ORG")
    alice.refresh()
    assert {e.name for e in alice.entities()} == {"Sergey Shoigu", "Collective Security Treaty Organization"}
    alice.rename_entity(shoigu.entity_id, "Sergei Shoigu")
    assert "Sergei Shoigu" in {e.name for e in alice.entities()}
    assert "Sergey Shoigu" not in {e.name for e in alice.entities()}

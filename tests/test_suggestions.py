"""Suggestions: proposed, never counted until accepted; a rejection stays, on every backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from store import Store, seed_if_empty
from tests.conftest import article_with


def _tag_shoigu(store: Store):
    """Tag "Sergey Shoigu" once in the seed article that spells it so; that article and the tag."""
    article = article_with(store, "Sergey Shoigu")
    start = article.text.index("Sergey Shoigu")
    return article, store.annotate(article.id, start, start + 13, entity="Sergey Shoigu", entity_type="PERSON")


def test_another_spelling_in_another_article_is_a_known_name_suggestion(any_seeded: Store) -> None:
    _, tag = _tag_shoigu(any_seeded)
    other = article_with(any_seeded, "Sergei Shoigu")
    found = [s for s in any_seeded.suggestions(other.id) if s.source == "known"]
    spellings = {s.quote for s in found}
    assert "Sergei Shoigu" in spellings
    assert all(s.entity_id == tag.entity_id and s.entity_type == "PERSON" for s in found)
    full = next(s for s in found if s.quote == "Sergei Shoigu")
    assert not full.partial and full.name == "Sergey Shoigu"
    assert other.text[full.start : full.end] == "Sergei Shoigu"


def test_asking_saves_nothing_and_a_tagged_span_is_not_proposed_again(any_seeded: Store) -> None:
    article, tag = _tag_shoigu(any_seeded)
    before = (len(any_seeded.annotations()), len(any_seeded.entities()))
    suggestions = any_seeded.suggestions(article.id)
    assert (len(any_seeded.annotations()), len(any_seeded.entities())) == before
    assert not any(s.start < tag.end and tag.start < s.end for s in suggestions)


def test_accepting_links_the_mention_and_counts_it_once_one_undo_step(any_seeded: Store) -> None:
    _, tag = _tag_shoigu(any_seeded)
    other = article_with(any_seeded, "Sergei Shoigu")
    shown = [s for s in any_seeded.suggestions(other.id) if s.entity_id == tag.entity_id]
    accepted = any_seeded.accept_suggestions(shown)
    assert [a.entity_id for a in accepted] == [tag.entity_id] * len(shown)
    assert all(a.status == "accepted" for a in accepted)
    assert any_seeded.annotation_count(other.id) == len(shown)
    assert not [s for s in any_seeded.suggestions(other.id) if s.entity_id == tag.entity_id]
    any_seeded.undo()  # all of them, in one step
    assert any_seeded.annotation_count(other.id) == 0
    assert len([s for s in any_seeded.suggestions(other.id) if s.entity_id == tag.entity_id]) == len(shown)


def test_accepting_can_relink_or_retype_and_a_new_name_makes_an_entity(any_seeded: Store) -> None:
    _, tag = _tag_shoigu(any_seeded)
    other = article_with(any_seeded, "Sergei Shoigu")
    first = next(s for s in any_seeded.suggestions(other.id) if s.quote == "Sergei Shoigu")
    relinked = any_seeded.accept_suggestion(first, entity="Shoigu the younger", entity_type="PERSON")
    assert relinked.entity_id != tag.entity_id
    assert any_seeded.entity(relinked.entity_id).name == "Shoigu the younger"


def test_a_rejection_is_not_a_tag_and_stays_across_a_restart(open_store: Callable[..., Store]) -> None:
    store = open_store()
    seed_if_empty(store)
    _, tag = _tag_shoigu(store)
    other = article_with(store, "Sergei Shoigu")
    target = next(s for s in store.suggestions(other.id) if s.quote == "Sergei Shoigu")
    rejected = store.reject_suggestion(target)
    assert rejected.status == "rejected" and rejected.entity_id is None
    assert store.annotation_count(other.id) == 0 and store.annotations(other.id) == []
    assert store.annotation_counts().get(other.id, 0) == 0
    assert store.mention_count(tag.entity_id) == 1
    assert (target.start, target.end) not in {(s.start, s.end) for s in store.suggestions(other.id)}
    store.close()
    reopened = open_store()
    assert (target.start, target.end) not in {(s.start, s.end) for s in reopened.suggestions(other.id)}
    assert [(r.start, r.end) for r in reopened.view.rejections(other.id)] == [(target.start, target.end)]
    reopened.finish_loading()
    rows = reopened.listing()
    index = rows.index_of(other.id)
    assert index is not None and rows[index].tags == 0
    reopened.close()


def test_a_rejection_seen_by_another_analyst(open_store: Callable[..., Store]) -> None:
    alice = open_store()
    seed_if_empty(alice)
    _tag_shoigu(alice)
    bob = open_store(user="bob")
    other = article_with(bob, "Sergei Shoigu")
    target = next(s for s in alice.suggestions(other.id) if s.quote == "Sergei Shoigu")
    assert any(s.start == target.start for s in bob.suggestions(other.id))
    alice.reject_suggestion(target)
    bob.refresh()
    assert not any(s.start == target.start for s in bob.suggestions(other.id))
    alice.close()
    bob.close()


def test_a_rejection_moves_with_its_words_on_a_reimport(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    text = "Report\n\nDefence chiefs met. Sergey Shoigu spoke. Later Sergei Shoigu left Tashkent."
    (folder / "a.txt").write_text(text)
    store = Store.open(tmp_path / "store")
    store.import_paths([folder])
    (article,) = store.articles()
    start = article.text.index("Sergey Shoigu")
    store.annotate(article.id, start, start + 13, entity="Sergey Shoigu", entity_type="PERSON")
    target = next(s for s in store.suggestions(article.id) if s.quote == "Sergei Shoigu")
    store.reject_suggestion(target)
    (folder / "a.txt").write_text(text.replace("Defence chiefs met.", "Defence chiefs met on Monday in the capital."))
    store.import_paths([folder])
    moved = store.article(article.id)
    (rejection,) = store.view.rejections(article.id)
    assert moved.text[rejection.start : rejection.end] == "Sergei Shoigu" and not rejection.orphaned
    assert not any(s.quote == "Sergei Shoigu" for s in store.suggestions(article.id))
    store.close()


def test_a_suggestion_whose_words_moved_is_refused_with_a_reason(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("Report\n\nSergey Shoigu spoke. Sergei Shoigu left.")
    store = Store.open(tmp_path / "store")
    store.import_paths([folder])
    (article,) = store.articles()
    store.annotate(article.id, 0, 13, entity="Sergey Shoigu", entity_type="PERSON")
    stale = next(s for s in store.suggestions(article.id) if s.quote == "Sergei Shoigu")
    (folder / "a.txt").write_text("Report\n\nSergey Shoigu spoke at length. Sergei Shoigu left.")
    store.import_paths([folder])
    with pytest.raises(ValueError, match="changed since"):
        store.accept_suggestion(stale)
    store.close()

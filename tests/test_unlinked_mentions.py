"""An entity's unlinked mentions across the corpus, in any spelling or script, on every backend."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from store import Store, seed_if_empty
from tests.conftest import article_with


def _tag_shoigu(store: Store):
    article = article_with(store, "Sergey Shoigu")
    start = article.text.index("Sergey Shoigu")
    return store.annotate(article.id, start, start + 13, entity="Sergey Shoigu", entity_type="PERSON")


def test_other_spellings_across_the_corpus_are_unlinked_mentions(any_seeded: Store) -> None:
    tag = _tag_shoigu(any_seeded)
    found = any_seeded.unlinked_mentions(tag.entity_id)
    quotes = {(s.article_id, s.quote) for s in found}
    other = article_with(any_seeded, "Sergei Shoigu")
    assert (other.id, "Sergei Shoigu") in quotes
    assert all(s.entity_id == tag.entity_id and s.source == "known" for s in found)
    assert not any(s.article_id == tag.article_id and s.start == tag.start for s in found)  # the tag itself
    for s in found:
        assert any_seeded.article(s.article_id).text[s.start : s.end] == s.quote
    # Exactly what each article's suggestions propose for the entity.
    for article_id in {s.article_id for s in found}:
        proposed = {(s.start, s.end) for s in any_seeded.suggestions(article_id) if s.entity_id == tag.entity_id}
        assert proposed == {(s.start, s.end) for s in found if s.article_id == article_id}


def test_accepted_and_rejected_mentions_are_no_longer_unlinked(any_seeded: Store) -> None:
    tag = _tag_shoigu(any_seeded)
    found = any_seeded.unlinked_mentions(tag.entity_id)
    assert len(found) >= 2
    any_seeded.accept_suggestion(found[0])
    any_seeded.reject_suggestion(found[1])
    left = {(s.article_id, s.start) for s in any_seeded.unlinked_mentions(tag.entity_id)}
    assert (found[0].article_id, found[0].start) not in left
    assert (found[1].article_id, found[1].start) not in left
    assert len(left) == len(found) - 2
    assert (
        any_seeded.unlinked_mentions(tag.entity_id, limit=1)
        == [s for s in any_seeded.unlinked_mentions(tag.entity_id)][:1]
    )


def test_an_article_imported_later_by_another_analyst_in_cyrillic_is_found(
    open_store: Callable[..., Store], tmp_path: Path
) -> None:
    alice = open_store()
    seed_if_empty(alice)
    tag = _tag_shoigu(alice)
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "ru.txt").write_text("Шойгу в Ташкенте\n\nМинистр обороны Шойгу прибыл в Ташкент. Shoygu spoke later.")
    bob = open_store(user="bob")
    report = bob.import_paths([folder])
    (added,) = report.added
    alice.refresh()
    found = [s for s in alice.unlinked_mentions(tag.entity_id) if s.article_id == added[1]]
    assert [s.quote for s in found] == ["Шойгу", "Shoygu"]
    assert all(s.partial for s in found)  # the surname alone: a weaker mention, for the analyst to decide
    alice.close()
    bob.close()


def test_only_spellings_of_the_entitys_names_are_found_and_an_unknown_entity_is_a_key_error(
    any_seeded: Store,
) -> None:
    article = article_with(any_seeded, "Tashkent")
    start = article.text.index("Tashkent")
    tag = any_seeded.annotate(article.id, start, start + 8, entity="Tashkent", entity_type="PLACE")
    found = any_seeded.unlinked_mentions(tag.entity_id)
    assert found and {s.quote for s in found} <= {"Tashkent", "TASHKENT", "Toshkent"}
    everywhere = sum(len(re.findall(r"\bTashkent\b", a.text)) for a in any_seeded.articles())
    assert sum(1 for s in found if s.quote == "Tashkent") == everywhere - 1  # all but the tag
    try:
        any_seeded.unlinked_mentions("no-such-entity")
    except KeyError:
        pass
    else:
        raise AssertionError("an unknown entity must be a KeyError")


def _silk_party(store: Store, folder: Path, other_text: str) -> tuple[str, str]:
    """A person "Silk Party" tagged in one article, and another article of ``other_text``.

    Returns the entity's id and the other article's.
    """
    folder.mkdir()
    (folder / "a.txt").write_text("Silk Party founded\n\nThe Silk Party was founded in Bukhara.")
    (folder / "b.txt").write_text(other_text)
    report = store.import_paths([folder])
    first = next(key for origin, key in report.added if origin.endswith("a.txt"))
    second = next(key for origin, key in report.added if origin.endswith("b.txt"))
    start = store.article(first).text.index("Silk Party")
    tag = store.annotate(first, start, start + len("Silk Party"), entity="Silk Party", entity_type="PERSON")
    assert tag.entity_id is not None
    return tag.entity_id, second


def test_a_name_with_a_common_word_is_found_capitalised_never_in_lower_case(
    open_store: Callable[..., Store], tmp_path: Path
) -> None:
    """ "Silk Party": the party of every other sentence is not it; SILK PARTY in a headline is."""
    store = open_store()
    entity_id, second = _silk_party(
        store,
        tmp_path / "party",
        "SILK PARTY WINS A SEAT\n\nThe party said the vote was fair. Party officials and the Silk Party leader"
        " met a party of observers; Party chairman Alisher Silk Party spoke. A banner read SILK PARTY FOR ALL.",
    )
    quotes = [s.quote for s in store.unlinked_mentions(entity_id) if s.article_id == second]
    assert "party" not in quotes and quotes.count("Silk Party") == 2 and "SILK PARTY" in quotes, quotes
    store.close()


def test_only_words_spelled_like_the_names_words_send_articles_to_be_read(
    open_store: Callable[..., Store], tmp_path: Path
) -> None:
    """Party sounds like pretty, period and pride (one Metaphone key): those are not read for it."""
    from store.unlinked import candidate_words

    store = open_store()
    entity_id, second = _silk_party(
        store, tmp_path / "sounds", "A pretty period\n\nIt was a pretty period of pride for the Parti Silk."
    )
    _groups, words = candidate_words(store.view, store.entity(entity_id))
    assert {"silk", "party", "parti"} <= words and not words & {"pretty", "period", "pride"}
    found = [(s.quote, s.partial) for s in store.unlinked_mentions(entity_id) if s.article_id == second]
    assert found == [("Parti", True)]  # the surname spelled alike; nothing for pretty, period, pride
    store.close()

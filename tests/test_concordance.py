"""Concordance (keyword in context) and co-occurrence, on every store, on the seeds."""

from __future__ import annotations

import re

import pytest

from store import Store
from store.models import Suggestion
from tests.conftest import span_of


def _titled(store: Store, start: str):
    return next(a for a in store.articles() if (a.title or "").startswith(start))


def _collapsed(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _check_lines(store: Store, lines) -> None:
    """Every line is where it says: the match at its offsets, its context the text either side."""
    for item in lines:
        text = store.article(item.article_id).text
        assert _collapsed(text[item.start : item.end]).startswith(item.match.rstrip("…"))
        assert _collapsed(text[: item.start]).endswith(item.left)
        assert _collapsed(text[item.end :]).startswith(item.right)
        assert "\n" not in item.left + item.match + item.right


def test_an_entitys_concordance_holds_its_tags_and_its_names_said_untagged(any_seeded: Store) -> None:
    store = any_seeded
    vestnik = _titled(store, "Moscow, Tashkent")
    tag = store.annotate(vestnik.id, *span_of(vestnik, "Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
    store.add_alias(tag.entity_id, "Sergei Shoigu")
    lines = store.concordance(entity_id=tag.entity_id)
    _check_lines(store, lines)
    matches = [(item.match, bool(item.annotation_id)) for item in lines]
    assert ("Sergey Shoigu", True) in matches
    assert sum(1 for m, tagged in matches if m == "Sergei Shoigu" and not tagged) == 3  # the 2021 article
    assert sum(1 for m, _ in matches if m == "Sergey Shoigu") == 3  # Vestnik twice (one tagged), the Treaty
    # A place the analyst said is not his (a rejected suggestion) is left out.
    treaty = _titled(store, "Treaty on the")
    start, end = span_of(treaty, "Sergey Shoigu")
    store.reject_suggestion(Suggestion(treaty.id, start, end, "Sergey Shoigu", "PERSON", "Sergey Shoigu", "test"))
    assert all(item.article_id != treaty.id for item in store.concordance(entity_id=tag.entity_id))
    with pytest.raises(KeyError):
        store.concordance(entity_id="nobody")
    with pytest.raises(ValueError):
        store.concordance()


def test_a_concordance_sorts_by_article_date_and_either_context(any_seeded: Store) -> None:
    store = any_seeded
    lines = store.concordance(query="Uzbekistan")
    assert len(lines) > 20
    _check_lines(store, lines)
    assert {item.match.lower() for item in lines} == {"uzbekistan"}
    by_left = store.concordance(query="Uzbekistan", sort="left")
    keys = [[w.lower() for w in re.findall(r"\w+", item.left)][::-1] for item in by_left]
    assert keys == sorted(keys)
    by_right = store.concordance(query="Uzbekistan", sort="right")
    keys = [[w.lower() for w in re.findall(r"\w+", item.right)] for item in by_right]
    assert keys == sorted(keys)
    by_date = store.concordance(query="Uzbekistan", sort="date")
    dates = [item.published for item in by_date if item.published]
    assert dates == sorted(dates) and by_date[-1].published is None  # undated last
    order = [a.id for a in store.articles()]
    by_article = store.concordance(query="Uzbekistan")
    assert [order.index(i.article_id) for i in by_article] == sorted(order.index(i.article_id) for i in by_article)
    with pytest.raises(ValueError, match="sort by one of"):
        store.concordance(query="Uzbekistan", sort="colour")


def test_a_label_and_a_designation_concordance(any_seeded: Store) -> None:
    store = any_seeded
    treaty = _titled(store, "Treaty on the")
    first = store.annotate(treaty.id, *span_of(treaty, "November 29th, 2016"), labels=["Treaty date"])
    second = store.annotate(treaty.id, *span_of(treaty, "November 29th, 2017"), labels=["treaty DATE"])
    lines = store.concordance(label="treaty date")
    assert [(item.annotation_id, item.match) for item in lines] == [
        (first.id, "November 29th, 2016"),
        (second.id, "November 29th, 2017"),
    ]
    designations = store.concordance(query="Mi-35")
    assert {item.match for item in designations} == {"Mi-35", "Mi-35M"}
    assert len({item.article_id for item in designations}) == 4


def test_cooccurrence_counts_shared_sentences_then_articles(any_seeded: Store) -> None:
    store = any_seeded
    vestnik = _titled(store, "Moscow, Tashkent")
    shoigu = store.annotate(
        vestnik.id, *span_of(vestnik, "Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON"
    )
    store.annotate(
        vestnik.id, *span_of(vestnik, "Shavkat Mirziyoyev"), entity="Shavkat Mirziyoyev", entity_type="PERSON"
    )
    store.annotate(vestnik.id, *span_of(vestnik, "Afghanistan"), entity="Afghanistan", entity_type="PLACE")
    treaty = _titled(store, "Treaty on the")
    store.annotate(treaty.id, *span_of(treaty, "Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
    store.annotate(treaty.id, *span_of(treaty, "Mirziyoyev"), entity="Shavkat Mirziyoyev", entity_type="PERSON")
    found = {(c.entity.name, c.articles, c.sentences) for c in store.cooccurrence(shoigu.entity_id)}
    assert found == {("Shavkat Mirziyoyev", 2, 1), ("Afghanistan", 1, 0)}
    assert next(c.entity.name for c in store.cooccurrence(shoigu.entity_id)) == "Shavkat Mirziyoyev"

"""Dates stated in the text, as precise as stated, and the timeline built from them on every store."""

from __future__ import annotations

from datetime import date

import pytest

from store import Store
from store.stated_dates import PartialDate, stated_dates
from tests.conftest import span_of

PUBLISHED = date(2021, 4, 29)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("signed on November 29th, 2016 in Moscow", [("November 29th, 2016", "2016-11-29", None)]),
        ("on 29 November 2016.", [("29 November 2016", "2016-11-29", None)]),
        (
            "in November 2016 and in April of 2017",
            [("November 2016", "2016-11", None), ("April of 2017", "2017-04", None)],
        ),
        ("rejoined the CSTO in 2006, left it in 2012", [("2006", "2006", None), ("2012", "2012", None)]),
        ("the program for 2021-2025", [("2021-2025", "2021", "2025")]),
        ("dated 2016-11-29.", [("2016-11-29", "2016-11-29", None)]),
        ("подписан 29 ноября 2016 года", [("29 ноября 2016", "2016-11-29", None)]),
        ("12 Mi-35 helicopters and 2000 troops; 1,500 km; phone 2016 1234", []),  # numbers, not years
        ("February 30, 2016 and 2016-13-01", []),  # no such days
        ("in 1066", []),  # not a year news speaks of
        ("on 0 March 2016 and 2016-11-00", [("March 2016", "2016-03", None)]),  # no day 0: the month stands
    ],
)
def test_dates_are_read_as_precisely_as_they_are_stated(text: str, expected: list) -> None:
    found = [(d.text, str(d.date), str(d.until) if d.until else None) for d in stated_dates(text, PUBLISHED)]
    assert found == expected
    for item in stated_dates(text, PUBLISHED):
        assert text[item.start : item.end] == item.text


def test_relative_dates_need_a_publication_date() -> None:
    text = "Shoigu's visit on April 27-28 was agreed last year, two years ago it was not; last month too."
    found = {d.text: (str(d.date), d.relative) for d in stated_dates(text, PUBLISHED)}
    assert found == {
        "April 27-28": ("2021-04-27", True),
        "last year": ("2020", True),
        "two years ago": ("2019", True),
        "last month": ("2021-03", True),
    }
    assert stated_dates(text) == []  # never a guess


def test_partial_dates_sort_and_parse() -> None:
    assert PartialDate(2016) < PartialDate(2016, 11) < PartialDate(2016, 11, 29) < PartialDate(2017)
    assert PartialDate.parse("2016-11") == PartialDate(2016, 11) and str(PartialDate(2016, 2, 9)) == "2016-02-09"
    for bad in ("2016-13", "2017-02-29", "x", "2016-1-1-1"):
        with pytest.raises(ValueError):
            PartialDate.parse(bad)


def _titled(store: Store, start: str):
    return next(a for a in store.articles() if (a.title or "").startswith(start))


def test_the_timeline_of_a_query_holds_the_treatys_two_stated_dates(any_seeded: Store) -> None:
    store = any_seeded
    treaty = _titled(store, "Treaty on the")
    items = store.timeline(query="treaty")
    stated = {(str(i.date), i.text) for i in items if i.kind == "stated" and i.article_id == treaty.id}
    assert {("2016-11-29", "November 29th, 2016"), ("2017-11-29", "November 29th, 2017")} <= stated
    assert [i.date for i in items] == sorted(i.date for i in items)
    for item in items:
        if item.kind == "stated":
            text = store.article(item.article_id).text
            assert text[item.start : item.end] == item.text and item.text in item.sentence


def test_the_corpus_timeline_runs_from_2007_to_2021_with_the_passages_dates(any_seeded: Store) -> None:
    store = any_seeded
    items = store.timeline()
    assert [(str(i.date), i.kind) for i in items] == [("2007-05-30", "published"), ("2021-04-29", "published")]
    treaty = _titled(store, "Treaty on the")
    first = store.annotate(treaty.id, *span_of(treaty, "November 29th, 2016"), labels=["treaty date"])
    second = store.annotate(treaty.id, *span_of(treaty, "November 29th, 2017"), labels=["treaty date"])
    items = store.timeline()
    assert [(str(i.date), i.kind, i.annotation_id) for i in items] == [
        ("2007-05-30", "published", ""),
        ("2016-11-29", "stated", first.id),
        ("2017-11-29", "stated", second.id),
        ("2021-04-29", "published", ""),
    ]
    assert [str(i.date) for i in store.timeline(label="Treaty Date")] == ["2016-11-29", "2017-11-29"]


def test_an_entitys_timeline_places_its_mentions_by_their_sentences(any_seeded: Store) -> None:
    store = any_seeded
    russia2021 = _titled(store, "Russia seizes")
    tag = store.annotate(
        russia2021.id, *span_of(russia2021, "Sergei Shoigu"), entity="Sergey Shoigu", entity_type="PERSON"
    )
    items = store.timeline(entity_id=tag.entity_id)
    found = {(str(i.date), i.kind, i.text) for i in items if i.article_id == russia2021.id}
    assert ("2021-04-29", "published", "") in found
    assert ("2021-04-27", "stated", "April 27-28") in found  # the visit, resolved against the publication date

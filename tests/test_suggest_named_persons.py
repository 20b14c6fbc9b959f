"""People named without a title: a given name rigour knows, then a surname; and where it must not fire."""

from __future__ import annotations

import pytest

from store.suggest.gazetteer import is_place
from store.suggest.named_persons import named_persons


def people(text: str) -> list[tuple[str, str, str]]:
    return [(text[c.start : c.end], c.name, c.rule) for c in named_persons(text, is_place)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He met Donald Trump in May.", [("Donald Trump", "Donald Trump", "given name")]),
        ("said Igor Pankratenko, an analyst", [("Igor Pankratenko", "Igor Pankratenko", "given name")]),
        (
            "writes Joshua Kucera. Kucera added",
            [
                ("Joshua Kucera", "Joshua Kucera", "given name"),
                ("Kucera", "Joshua Kucera", "surname"),
            ],
        ),
        ("with Владимир Путин", []),  # only Latin capitals here; other scripts come from known names
        ("the author Edgar Allan Poe wrote", [("Edgar Allan Poe", "Edgar Allan Poe", "given name")]),
        # the name ends a longer run of capitalised words
        ("Home Office Sarah Jones said", [("Sarah Jones", "Sarah Jones", "given name")]),
        # a city's name that is also a given name, before a surname
        ("Russian Federation Vladimir Putin's visit", [("Vladimir Putin", "Vladimir Putin", "given name")]),
    ],
)
def test_given_name_and_surname_are_a_person(text: str, expected: list) -> None:
    assert people(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "in Downing Street today",  # a street
        "won the Carling Cup final",  # a trophy
        "the Daily Telegraph reported",  # a newspaper
        "across the Indian Ocean",  # a sea
        "the South African team",  # a compass word and a people
        "Reading Work is a phrase",  # ordinary words rigour also knows as names
        "Russian President spoke",  # a people's adjective and a title
        "Defence Ministry said",  # an organisation's head
        "donald trump in lower case",  # not capitalised
        "Tashkent Region officials",  # a place
        "voters in Manchester Gorton and Birmingham Yardley",  # cities that are only family names
        "The Lib Dems plan to oppose it",  # a run after "the"
        "Georgia Dynamo Tbilisi",  # a country's name is never a given name here
        "Sydney Harbour Bridge",  # a thing's head
        "strikes near Dayr Az Zawr and Al Huwayjah",  # an Arabic article starts no given name
    ],
)
def test_runs_that_name_no_person(text: str) -> None:
    assert [r for r in people(text) if r[2] == "given name"] == []


def test_two_people_sharing_a_surname_leave_the_bare_surname_alone() -> None:
    text = "Venus Williams and Serena Williams played. Williams won."
    found = people(text)
    assert ("Venus Williams", "Venus Williams", "given name") in found
    assert not any(quote == "Williams" for quote, _, _ in found)

"""Gazetteer places: countries, regions and cities, and where a place name is not a place."""

from __future__ import annotations

import pytest

from store.suggest import suggest
from store.suggest.gazetteer import gazetteer, is_place
from store.suggest.places import places


def found(text: str) -> list[tuple[str, str]]:
    return [(text[c.start : c.end], c.name) for c in places(text)]


def test_countries_by_short_official_and_abbreviated_names():
    text = "Russia, the Russian Federation, the Syrian Arab Republic, the U.S., the US and Britain."
    assert found(text) == [
        ("Russia", "Russia"),
        ("Russian Federation", "Russia"),
        ("Syrian Arab Republic", "Syria"),
        ("U.S.", "United States"),
        ("US", "United States"),
        ("Britain", "United Kingdom"),
    ]


def test_cities_and_regions_with_their_spellings():
    text = "Fighting in Raqqa, Kiev and Mosul; the Middle East and Central Asia; Crimea."
    assert found(text) == [
        ("Raqqa", "Ar Raqqah"),
        ("Kiev", "Kyiv"),
        ("Mosul", "Mosul"),
        ("Middle East", "Middle East"),
        ("Central Asia", "Central Asia"),
        ("Crimea", "Crimea"),
    ]


def test_accents_are_folded_but_offsets_point_at_the_text():
    text = "Troops left Şanlıurfa province and Sanliurfa city."
    assert [s for s, _ in found(text)] == ["Şanlıurfa", "Sanliurfa"]


@pytest.mark.parametrize(
    "text",
    [
        "The Russian and Uzbek armies; French and Dutch troops.",  # demonyms, languages
        "A nice day; Reading and Split are verbs; Mobile phones.",  # common English words
        "The Bank of England and Tashkent State University.",  # inside an organisation's name
        "Paris Hilton met Michael Jordan at the Washington Post.",  # inside a longer name
        "Taylor said David would come.",  # small towns, no locative cue
        "Go West, go South.",  # compass words
    ],
)
def test_places_stay_quiet(text):
    assert found(text) == []


def test_a_small_town_is_a_place_after_a_locative_cue_and_then_everywhere():
    text = "Taylor said so. Later, in Taylor, the mayor agreed that Taylor grew."
    assert [c.start for c in places(text)] == [0, text.index("Taylor,"), text.rindex("Taylor")]


def test_neighbours_that_keep_a_place():
    assert found("The US President met Iraqi Kurdistan leaders.") == [
        ("US", "United States"),
        ("Kurdistan", "Kurdistan"),
    ]


def test_is_place_and_lookup():
    assert is_place("Uzbekistan") and is_place("Middle East")
    assert not is_place("Uzbek") and not is_place("Russian")
    assert gazetteer().lookup("Tashkent").kind == "city"


def test_persons_beat_places_of_the_same_span():
    text = "Secretary of State John Kerry spoke. Kerry left for Paris."
    got = {(text[c.start : c.end], c.entity_type) for c in suggest(text)}
    assert ("Kerry", "PERSON") in got and ("Paris", "PLACE") in got


@pytest.mark.parametrize("text", ["Москва и Ташкент", "東京 Tokyo", "\u202eTashkent\u202c", "İstanbul ŁÓDŹ", ""])
def test_odd_unicode(text):
    for c in places(text):
        assert 0 <= c.start < c.end <= len(text)


def test_a_country_name_read_as_an_organisation_is_a_place():
    text = "The President of the Russian Federation met the Federation Council and the Russian Football Union."
    kept = [(text[c.start : c.end], c.entity_type, c.name) for c in suggest(text)]
    assert ("Russian Federation", "PLACE", "Russia") in kept
    # bodies whose head noun is "Federation" or "Union" stay organisations
    assert ("Federation Council", "ORG", "Federation Council") in kept
    assert ("Russian Football Union", "ORG", "Russian Football Union") in kept

"""The known-name finder: an entity's names found in a text in any spelling the matcher accepts."""

from __future__ import annotations

import time

import pytest

from store.known_names import NameFinder, same_word, word_key
from store.models import Entity

ENTITIES = [
    Entity("shoigu", "Sergey Shoigu", "PERSON", ("Shoigu",)),
    Entity("azizov", "Abdusalom Azizov", "PERSON"),
    Entity("csto", "Collective Security Treaty Organization", "ORG", ("CSTO",)),
    Entity("mi35", "Mi-35M", "EQUIPMENT"),
    Entity("mirziyoyev", "Shavkat Mirziyoyev", "PERSON"),
    Entity("reading", "Reading", "PLACE"),
    Entity("russia", "Russia", "PLACE"),
]


def found(text: str, entities: list[Entity] = ENTITIES) -> list[tuple[str, str, bool]]:
    return [(text[h.start : h.end], h.entity_id, h.partial) for h in NameFinder(entities).find(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sergei Shoigu arrived.", [("Sergei Shoigu", "shoigu", False)]),
        ("Sergey Shoygu arrived.", [("Sergey Shoygu", "shoigu", False)]),
        ("Министр Шойгу прибыл.", [("Шойгу", "shoigu", False)]),
        ("SHOIGU IN TASHKENT", [("SHOIGU", "shoigu", False)]),
        ("Mirziyoev spoke.", [("Mirziyoev", "mirziyoyev", True)]),
        ("Мирзиёев spoke.", [("Мирзиёев", "mirziyoyev", True)]),
        ("Abusalom Azizov said", [("Abusalom Azizov", "azizov", False)]),
        ("Azizov said", [("Azizov", "azizov", True)]),
        ("Russia's army", [("Russia", "russia", False)]),
        ("the CSTO summit", [("CSTO", "csto", False)]),
        (
            "the Collective Security Treaty Organization met",
            [("Collective Security Treaty Organization", "csto", False)],
        ),
        ("Mi-35M helicopters", [("Mi-35M", "mi35", False)]),
    ],
)
def test_names_are_found_across_spellings_scripts_and_possessives(text: str, expected: list) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "reading the news",  # a lower-case common word is not the place
        "the CST meeting and COSTO",  # an acronym is spelled exactly
        "Mi-35 helicopters and Mi-24M",  # a code is spelled exactly
        "Shogun and Sergeant",  # sounds a little alike, other words
        "Azimov and Aziz",  # another surname; a part of the word
    ],
)
def test_words_that_only_look_or_sound_alike_are_not_names(text: str) -> None:
    assert found(text) == []


def test_a_longer_name_wins_over_a_part_of_it() -> None:
    entities = [*ENTITIES, Entity("tashkent", "Tashkent", "PLACE"), Entity("tsu", "Tashkent State University", "ORG")]
    assert found("at Tashkent State University today", entities) == [("Tashkent State University", "tsu", False)]


def test_keys_tie_transliterations_together() -> None:
    assert word_key("Shoigu") == word_key("Shoygu") == word_key("Шойгу")
    assert word_key("Sergey") == word_key("Sergei")
    assert word_key("CSTO") == "csto" and word_key("Mi35M") == "mi35m"
    assert same_word("Sergei", "Sergey") and not same_word("sergei", "Sergey")


def test_no_entities_find_nothing_and_odd_text_does_not_break() -> None:
    assert NameFinder([]).find("Sergei Shoigu") == []
    odd = "\x1b[31mShoigu\x1b[0m ｓｈｏｉｇｕ Ш\u0301ойгу 🚀 _Shoigu_ " + "x" * 10_000
    hits = NameFinder(ENTITIES).find(odd)
    assert all(0 <= h.start < h.end <= len(odd) for h in hits)
    assert any(odd[h.start : h.end] == "Shoigu" for h in hits)


def test_thousands_of_entities_and_a_long_article_stay_fast() -> None:
    entities = [Entity(f"e{i}", f"Person{i} Surname{i}", "PERSON") for i in range(3000)]
    entities += ENTITIES
    text = " ".join(["Sergei Shoigu met Person17 Surname17 in Tashkent on Monday."] * 500)  # 5,000 words
    finder = NameFinder(entities)
    finder.find(text)
    start = time.perf_counter()
    hits = finder.find(text)
    elapsed = time.perf_counter() - start
    print(f"known names: 5,000 words, {len(entities)} entities: {elapsed * 1000:.1f} ms")
    assert len(hits) == 1000
    assert elapsed < 0.5  # measured ~20 ms; loose so a loaded machine cannot flake it

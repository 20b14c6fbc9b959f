"""One name matcher for the picker: typed fragments and other spellings, alike on every backend."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from store import Store, seed_if_empty
from store.fuzzy import letter_runs, letters, name_score

#: Entities of the seed articles' kind, each tagged once (so each has one mention).
NAMES = [
    ("Sergey Shoigu", "PERSON"),
    ("Sergey Lavrov", "PERSON"),
    ("Abusalom Azizov", "PERSON"),
    ("Shavkat Mirziyoyev", "PERSON"),
    ("Collective Security Treaty Organization", "ORG"),
    ("CSTO", "ORG"),
    ("Mi-35M", "EQUIPMENT"),
    ("Tashkent", "PLACE"),
]


def _tagged(store: Store, folder: Path) -> Store:
    """An article naming each entity once, each name tagged (so no quote becomes an alias)."""
    folder.mkdir()
    (folder / "names.txt").write_text(
        "Who was there\n\n" + " and ".join(name for name, _ in NAMES) + " met on Tuesday.\n", encoding="utf-8"
    )
    seed_if_empty(store)
    store.import_paths([folder])
    article = next(a for a in store.articles() if a.title == "Who was there")
    store.annotate_many(
        [
            {
                "article_id": article.id,
                "start": article.text.index(name),
                "end": article.text.index(name) + len(name),
                "entity": name,
                "entity_type": kind,
            }
            for name, kind in NAMES
        ]
    )
    return store


def _offered(store: Store, query: str) -> list[str]:
    return [entity.name for entity, _ in store.match_entities(query)]


def test_other_spellings_are_offered_first(open_store: Callable[[], Store], tmp_path: Path) -> None:
    store = _tagged(open_store(), tmp_path / "names")
    assert _offered(store, "Sergei Shoigu")[0] == "Sergey Shoigu"
    assert "Sergey Lavrov" not in _offered(store, "Sergei Shoigu")
    assert _offered(store, "Abdusalom Azizov") == ["Abusalom Azizov"]
    assert _offered(store, "Mirziyoev")[0] == "Shavkat Mirziyoyev"
    assert _offered(store, "Shoygu")[0] == "Sergey Shoigu"
    # Fragments still find names by their letters in order, an exact name first.
    assert _offered(store, "shoi")[0] == "Sergey Shoigu"
    assert _offered(store, "csto")[:2] == ["CSTO", "Collective Security Treaty Organization"]
    assert _offered(store, "mi35")[0] == "Mi-35M"
    assert _offered(store, "zzzz") == []


def test_choosing_an_entity_under_another_spelling_keeps_that_spelling_as_an_alias(
    open_store: Callable[[], Store], tmp_path: Path
) -> None:
    store = _tagged(open_store(), tmp_path / "names")
    article = next(a for a in store.articles() if "Sergei Shoigu" in a.text)
    start = article.text.index("Sergei Shoigu")
    shoigu = store.match_entities("Sergei Shoigu")[0][0]
    store.annotate(article.id, start, start + len("Sergei Shoigu"), entity=shoigu.id)
    assert "Sergei Shoigu" in store.entity(shoigu.id).aliases
    assert store.match_entities("Sergei Shoigu")[0][1] == "Sergei Shoigu"  # now an exact alias


name_text = st.text(alphabet=st.sampled_from("abdeghikloprsuvyzAS -Шойгу"), min_size=0, max_size=14)


@settings(max_examples=300, deadline=None)
@given(name_text, name_text)
def test_a_name_the_folder_store_offers_is_one_the_server_looks_up(query: str, name: str) -> None:
    """The server's two LIKE rules find every name :func:`name_score` would offer."""
    if name_score(query, name) is None:
        return
    stored = letters(name)  # what the server keeps of the name
    in_order = _in_order(letters(query), stored)
    shares_run = any(run in stored for run in letter_runs(query))
    assert in_order or shares_run


def _in_order(letters: str, text: str) -> bool:
    position = 0
    for ch in letters:
        position = text.find(ch, position) + 1
        if position == 0:
            return False
    return True


def test_the_scores_rank_spellings_above_strangers() -> None:
    rng = random.Random(7)
    strangers = ["".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12)) for _ in range(200)]
    best = name_score("Sergei Shoigu", "Sergey Shoigu")
    assert best is not None
    assert all((score := name_score("Sergei Shoigu", s)) is None or score < best for s in strangers)

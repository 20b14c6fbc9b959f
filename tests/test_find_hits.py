"""n / N: from hit to hit of the last search, in the article and on into the next; a hit is selected."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from store import Store, seed_if_empty
from store.search_index import SearchIndex
from store.text_matches import all_matches, first_match
from tui.app import make_app
from tui.dialogs.entity_picker import EntityPicker
from tui.widgets.reader import Reader

words = st.sampled_from(["shoigu", "Shoigu's", "minister", "defence", "the", "Mi-35M", "mi", "35"])


@settings(max_examples=200, deadline=None)
@given(st.lists(words, max_size=40), st.sampled_from(["shoigu", "the minister", "mi*", "defence shoigu", '"mi 35"']))
def test_the_first_of_all_hits_is_the_hit_a_search_shows(text_words: list[str], query: str) -> None:
    text = " ".join(text_words)
    groups = SearchIndex.parse(query.replace("*", ""))
    spans = all_matches(text, groups)
    assert spans == sorted(spans) and all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    if spans:
        start, _ = first_match(text, groups)
        assert spans[0][0] == start


async def test_n_goes_from_hit_to_hit_and_e_tags_the_hit(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", *"Shoigu")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        reader = app.main.query_one(Reader)
        first_article = app.main.article
        assert first_article is not None and reader.has_focus
        visited = []
        start, end = reader.selection or (0, 0)
        assert first_article.text[start:end] == "Shoigu" and reader.cursor == start
        visited.append((first_article.id, start))
        await pilot.press("e")  # the hit is what e tags
        await pilot.pause()
        assert isinstance(app.screen, EntityPicker)
        assert app.screen.quote == "Shoigu"
        await pilot.press("escape")
        await pilot.pause()
        for _ in range(6):  # every hit, in text order within each article, each article once
            await pilot.press("n")
            await pilot.pause()
            article = app.main.article
            assert article is not None
            start, end = reader.selection or (0, 0)
            assert article.text[start:end].casefold() == "shoigu", article.text[start:end]
            visited.append((article.id, start))
        assert len(set(visited)) == len(visited)
        order = [article_id for article_id, _ in visited]
        blocks = [article_id for article_id, _ in itertools.groupby(order)]
        assert len(blocks) >= 2 and len(blocks) == len(set(blocks))  # on to the next article, never back
        await pilot.press("N")
        await pilot.pause()
        assert (app.main.article.id, reader.selection[0]) == visited[-2]
    store.close()


def test_the_next_hit_rule_in_the_article_then_on_through_the_search() -> None:
    """tui.find.next_hit alone: counts stop at the article's last hit, removed articles are passed over."""
    from store.models import SearchHit
    from tui.dialogs.search_dialog import SearchChoice
    from tui.find import Hit, next_hit

    texts = {
        "a": "Shoigu met Azizov. Later Shoigu left. Shoigu again.",
        "gone": "Shoigu",
        "b": "Nothing here but Shoigu and Shoigu.",
    }
    hits = tuple(SearchHit(key, 0, 0, "", 1.0) for key in ("a", "gone", "b"))
    found = SearchChoice("shoigu", hits, 0)

    def spans_of(key: str) -> list[tuple[int, int]] | None:  # "gone" was removed since the search
        if key not in ("a", "b"):
            return None
        return [(m.start(), m.end()) for m in re.finditer("Shoigu", texts[key])]

    a = texts["a"]
    first, second, third = (a.index("Shoigu"), a.index("Shoigu", 1), a.rindex("Shoigu"))
    assert next_hit(found, "a", first, 1, 1, spans_of) == Hit("a", second, second + 6)
    assert next_hit(found, "a", first, 1, 2, spans_of) == Hit("a", third, third + 6)
    assert next_hit(found, "a", first, 1, 9, spans_of) == Hit("a", third, third + 6)  # the last one there
    b = texts["b"]
    assert next_hit(found, "a", third, 1, 1, spans_of) == Hit("b", b.index("Shoigu"), b.index("Shoigu") + 6)
    assert next_hit(found, "b", b.index("Shoigu"), -1, 1, spans_of) == Hit("a", third, third + 6)
    assert next_hit(found, "b", b.rindex("Shoigu"), 1, 1, spans_of) == "Last hit of the search."
    assert next_hit(found, "a", first, -1, 1, spans_of) == "First hit of the search."
    assert next_hit(found, None, 0, 1, 1, spans_of) == Hit("b", b.index("Shoigu"), b.index("Shoigu") + 6)

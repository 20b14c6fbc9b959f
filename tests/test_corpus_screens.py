"""The cross-reference flows at 80x24, keyboard only: concordance (K), timeline (Y), compare and link (C)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from store import Store, seed_if_empty
from tests.conftest import span_of, treaty_dates, until
from tui.app import make_app
from tui.compare_screen import CompareList, CompareScreen, LinkList
from tui.concordance_screen import ConcordanceScreen, KwicList
from tui.timeline_screen import TimelineList, TimelineScreen
from tui.widgets.reader import Reader


def _seeded(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    return store


def _titled(store: Store, start: str):
    return next(a for a in store.articles() if (a.title or "").startswith(start))


async def test_shoigu_as_a_concordance_sorted_and_followed(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    vestnik = _titled(store, "Moscow, Tashkent")
    tag = store.annotate(vestnik.id, *span_of(vestnik, "Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
    store.add_alias(tag.entity_id, "Sergei Shoigu")
    store.add_alias(tag.entity_id, "Shoigu")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.open_article(vestnik.id, tag.start)
        await pilot.pause()
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, ConcordanceScreen) and app.screen.lines, "lines")
        screen = app.screen
        assert isinstance(screen, ConcordanceScreen)
        lines = screen.lines
        assert len({line.article_id for line in lines}) == 3 and len(lines) >= 9
        assert sum(1 for line in lines if line.annotation_id) == 1
        assert {line.match for line in lines} >= {"Sergey Shoigu", "Sergei Shoigu", "Shoigu"}
        rendered = screen.query_one(KwicList).row_text(0)
        assert len(rendered) <= 80
        await pilot.press("r")  # by the words right of the match
        await until(pilot, lambda: screen.sort == "right" and screen.lines != lines, "sorted")
        rights = [line.right.lower() for line in screen.lines]
        assert rights[0] <= rights[-1]
        kwic = screen.query_one(KwicList)
        assert kwic.highlighted_row() == lines[0]  # a new sort keeps the line you were on
        await pilot.press("j", "enter")
        await pilot.pause()
        chosen = screen.lines[screen.lines.index(lines[0]) + 1]
        reader = app.main.query_one(Reader)
        assert app.main.article.id == chosen.article_id and reader.selection == (chosen.start, chosen.end)
        assert reader.has_focus
    store.close()


async def test_the_timeline_of_treaty_and_of_the_corpus(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    treaty = _titled(store, "Treaty on the")
    for when in ("November 29th, 2016", "November 29th, 2017"):
        store.annotate(treaty.id, *span_of(treaty, when), labels=["treaty signed"])
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("Y")  # nothing asked yet: the whole corpus
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen.items, "corpus items")
        screen = app.screen
        assert isinstance(screen, TimelineScreen)
        assert [(str(i.date), i.kind) for i in screen.items] == [
            ("2007-05-30", "published"),
            ("2016-11-29", "stated"),
            ("2017-11-29", "stated"),
            ("2021-04-29", "published"),
        ]
        bars = str(screen.query_one("#timeline-bars", Static).render())
        assert bars.startswith("2007 ") and bars.rstrip().endswith("2021")
        rows = screen.query_one(TimelineList)
        assert "November 29th, 2016" in rows.row_text(1) and "Defence Cooperation" in rows.row_text(0)
        await pilot.press("j", "enter")  # the stated 2016 date, opened with the date selected
        await pilot.pause()
        reader = app.main.query_one(Reader)
        assert app.main.article.id == treaty.id
        assert treaty.text[slice(*reader.selection)] == "November 29th, 2016"
    store.close()


async def test_the_two_treaty_dates_side_by_side_linked_as_contradicting(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    treaty = _titled(store, "Treaty on the")
    first, second = treaty_dates(store, "treaty signed")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.open_article(treaty.id, first.start)
        await pilot.pause()
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen) and app.screen.items, "compared")
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert [c.tag.id for c in screen.items] == [first.id, second.id]
        await pilot.press("space", "j")
        await pilot.pause()
        left = str(screen.query_one("#compare-marked", Static).render())
        right = str(screen.query_one("#compare-current", Static).render())
        assert "November 29th, 2016" in left and "November 29th, 2017" in right
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"one source, two years", "enter")
        await until(pilot, lambda: store.links(), "linked")
        (link,) = store.links()
        assert (link.kind, link.note, {link.first, link.second}) == (
            "contradicts",
            "one source, two years",
            {first.id, second.id},
        )
        assert "contradicts" in screen.query_one(CompareList).row_text(0)
        await pilot.press("L")
        await pilot.pause()
        assert "November 29th, 2016" in screen.query_one(LinkList).row_text(0)
        await pilot.press("u")
        await until(pilot, lambda: not store.links(), "undone")
        await pilot.press("U")
        await until(pilot, lambda: store.links(), "redone")
        await pilot.press("d")
        await until(pilot, lambda: not store.links(), "unlinked")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CompareScreen)
    store.close()


async def test_the_corpus_keys_say_what_they_need(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("K", "C")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any("search first" in m for m in messages) and any("passage with a label" in m for m in messages)
        assert not isinstance(app.screen, ConcordanceScreen | CompareScreen)
    store.close()


async def test_seen_with_lists_the_entities_tagged_beside_one_and_shows_the_chosen(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from tui.cooccurrence_screen import CooccurrenceScreen
    from tui.widgets.xref_pane import XrefPane

    store = _seeded(tmp_path)
    vestnik = _titled(store, "Moscow, Tashkent")
    person = {"entity_type": "PERSON"}
    shoigu = store.annotate(vestnik.id, *span_of(vestnik, "Sergey Shoigu"), entity="Sergey Shoigu", **person)
    store.annotate(vestnik.id, *span_of(vestnik, "Shavkat Mirziyoyev"), entity="Shavkat Mirziyoyev", **person)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.open_article(vestnik.id, shoigu.start)
        await pilot.pause()
        await pilot.press("alt+3", "g", "w")
        await until(pilot, lambda: isinstance(app.screen, CooccurrenceScreen), "seen with")
        options = app.screen.query_one("#seen-with-list", OptionList)
        first = str(options.get_option_at_index(0).prompt)
        assert first.startswith("Shavkat Mirziyoyev") and "1 sentences · 1 articles" in first
        await pilot.press("enter")
        await pilot.pause()
        shown = app.main.query_one(XrefPane).entity_id
        assert shown is not None and store.entity(shown).name == "Shavkat Mirziyoyev"
    store.close()


async def test_back_from_a_place_brings_its_list_back_at_its_line(tmp_path: Path) -> None:
    """[ from an article opened from a concordance line: the concordance again, that line highlighted, its sort kept."""
    store = _seeded(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s", *"Shoigu", "enter")
        await pilot.pause(0.5)
        started_in = app.main.article.id
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, ConcordanceScreen) and app.screen.lines, "lines")
        await pilot.press("l")
        await until(pilot, lambda: app.screen.sort == "left", "sorted")
        await pilot.pause(0.3)
        await pilot.press("j", "j", "j")
        chosen = app.screen.query_one(KwicList).highlighted_row()
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.article.id == chosen.article_id
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: isinstance(app.screen, ConcordanceScreen) and app.screen.lines, "list back")
        screen = app.screen
        assert screen.sort == "left" and screen.query_one(KwicList).highlighted_row() == chosen
        await pilot.press("escape", "left_square_bracket")
        await pilot.pause()
        assert app.main.article.id == started_in
        await pilot.press("right_square_bracket")  # forward: the list again
        await until(pilot, lambda: isinstance(app.screen, ConcordanceScreen) and app.screen.lines, "forward")
        await pilot.press("escape", "right_square_bracket")
        await pilot.pause()
        assert app.main.article.id == chosen.article_id
    store.close()


async def test_k_on_a_passage_is_the_concordance_of_its_label(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    treaty = _titled(store, "Treaty on the")
    first, second = treaty_dates(store, "treaty signed")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.open_article(treaty.id, second.start)
        await pilot.pause()
        await pilot.press("K")
        await until(pilot, lambda: isinstance(app.screen, ConcordanceScreen) and app.screen.lines, "label lines")
        assert [line.annotation_id for line in app.screen.lines] == [first.id, second.id]
    store.close()


async def test_back_from_an_entity_followed_from_seen_with_brings_the_list_back(tmp_path: Path) -> None:
    from textual.widgets import OptionList

    from tui.cooccurrence_screen import CooccurrenceScreen

    store = _seeded(tmp_path)
    vestnik = _titled(store, "Moscow, Tashkent")
    person = {"entity_type": "PERSON"}
    shoigu = store.annotate(vestnik.id, *span_of(vestnik, "Sergey Shoigu"), entity="Sergey Shoigu", **person)
    for name in ("Shavkat Mirziyoyev", "Abusalom Azizov"):
        store.annotate(vestnik.id, *span_of(vestnik, name), entity=name, **person)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.open_article(vestnik.id, shoigu.start)
        await pilot.pause()
        await pilot.press("alt+3")
        app.main.query_one("#entities").highlight_entity(shoigu.entity_id)
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, CooccurrenceScreen), "seen with")
        await pilot.press("j", "enter")
        await pilot.pause()
        followed = app.main.query_one("#xrefs").entity_id
        assert followed is not None and followed != shoigu.entity_id
        await pilot.press("left_square_bracket")
        await until(pilot, lambda: isinstance(app.screen, CooccurrenceScreen), "the list again")
        assert app.screen.query_one("#seen-with-list", OptionList).highlighted_option.id == followed
    store.close()


async def test_y_on_a_passage_is_the_timeline_of_its_label(tmp_path: Path) -> None:
    store = _seeded(tmp_path)
    first, _ = treaty_dates(store, "treaty signed")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.main.open_article(first.article_id, first.start)
        await pilot.pause()
        await pilot.press("Y")
        await until(pilot, lambda: isinstance(app.screen, TimelineScreen) and app.screen.items, "label timeline")
        assert [str(item.date) for item in app.screen.items] == ["2016-11-29", "2017-11-29"]
    store.close()

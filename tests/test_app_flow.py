"""The whole tagging flow driven through the real app with Pilot, on a real store on disk."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.content import Content
from textual.widgets import Input, OptionList

from store import Store, seed_if_empty
from tests.conftest import wait_for_listing
from tui.app import make_app
from tui.dialogs.entity_picker import EntityPicker
from tui.dialogs.help_screen import HelpScreen, binding_rows
from tui.dialogs.passage_dialog import PassageDialog
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_pane import EntityPane
from tui.widgets.reader import Reader
from tui.widgets.xref_pane import XrefPane


def open_store(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


def option_texts(widget) -> list[str]:
    """What each row of a list shows: an OptionList's prompts or a RowList's two lines."""
    if hasattr(widget, "row_text"):
        return [widget.row_text(i) for i in range(widget.row_count)]
    return [str(widget.get_option_at_index(i).prompt) for i in range(widget.option_count)]


async def open_article_titled(pilot, title: str) -> None:
    app = pilot.app
    await pilot.press("alt+1", "slash")
    for ch in title[:12]:
        await pilot.press(ch if ch != " " else "space")
    await pilot.press("enter")
    await pilot.pause()
    assert app.main.article is not None and app.main.article.display_title == title


async def select_words(pilot, reader: Reader, words: str) -> None:
    """Move the cursor to ``words`` with w, then select exactly them with v and w."""
    text = reader.article.text
    target = text.index(words)
    await pilot.press("g")
    while reader.cursor < target:
        await pilot.press("w")
    assert reader.cursor == target, (reader.cursor, target)
    await pilot.press("v")
    for _ in range(len(words.split())):
        await pilot.press("w")
    assert text[slice(*reader.tag_span())] == words


async def test_tag_follow_quit_reopen(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = open_store(path)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, "Russia seizes strategic initiative in Central Asia")
        reader = app.main.reader
        assert reader.has_focus
        await select_words(pilot, reader, "Sergei Shoigu")
        await pilot.press("e")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, EntityPicker)
        query = picker.query_one("#entity-query", Input)
        assert query.value == "Sergei Shoigu"
        query.value = "Sergey Shoigu"
        await pilot.pause()
        assert option_texts(picker.query_one("#entity-choices", OptionList))[0] == "+ new PERSON “Sergey Shoigu”"
        await pilot.press("enter")  # the guessed type, said in the row
        await pilot.pause()
        assert not isinstance(app.screen, EntityPicker)
        entity = store.find_entity("Sergei Shoigu")
        assert entity is not None and entity.name == "Sergey Shoigu" and entity.type == "PERSON"
        entities_pane = app.main.query_one(EntityPane)
        assert any("Sergey Shoigu" in t for t in option_texts(entities_pane.main_widget))
        assert reader.selection is None

        # Tag the same person in another article by picking the existing entity via an alias.
        await open_article_titled(pilot, "Moscow, Tashkent strengthen military cooperation")
        await select_words(pilot, reader, "Sergey Shoigu")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, EntityPicker)
        choices = option_texts(app.screen.query_one("#entity-choices", OptionList))
        assert choices[0].startswith("Sergey Shoigu")
        await pilot.press("enter")
        await pilot.pause()
        assert len(store.mentions(entity.id)) == 2

        # Cursor on the mention: the cross-reference pane lists the other articles that name him,
        # each title once with its places under it: the tag (●) and where he is named untagged (○).
        await pilot.press("t")
        await pilot.pause()
        xrefs = app.main.query_one(XrefPane)
        assert xrefs.entity_id == entity.id
        rows = option_texts(xrefs.main_widget)
        assert rows[0].startswith("3× Russia seizes strategic initiative")
        assert rows[1].lstrip().startswith("●") and "Sergei Shoigu's visit to Uzbekistan" in rows[1]
        assert all(row.lstrip().startswith("○") for row in rows[2:4])
        assert "Treaty on the Development" in rows[4] and "Sergey Shoigu" in rows[5]
        assert len(rows) == 6

        # Follow it, then come back.
        await pilot.press("alt+4")
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.article.display_title == "Russia seizes strategic initiative in Central Asia"
        assert reader.article.text[reader.cursor :].startswith("Sergei Shoigu")
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert app.main.article.display_title == "Moscow, Tashkent strengthen military cooperation"
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.main.article.display_title == "Russia seizes strategic initiative in Central Asia"

        # Related articles for this article: the other one, because of the shared entity.
        await pilot.press("alt+2", "escape", "right_curly_bracket")
        await pilot.pause()
        assert xrefs.entity_id is None
        assert any("Moscow, Tashkent" in t and "Sergey Shoigu" in t for t in option_texts(xrefs.main_widget))
        await pilot.press("q")
    store.close()

    reopened = Store.open(path)
    again = make_app(reopened)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, "Moscow, Tashkent strengthen military cooperation")
        rows = option_texts(again.main.query_one(EntityPane).main_widget)
        assert any("Sergey Shoigu" in t and "×1" in t for t in rows)
        assert len(reopened.mentions(entity.id)) == 2


async def test_passage_edit_delete_undo_redo(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, "Treaty on the Development of Military-Technical Cooperation")
        reader = app.main.reader
        text = reader.article.text
        target = text.index("The military agreement")
        await pilot.press("g")
        while reader.cursor < target:
            await pilot.press("right_parenthesis")
        assert reader.cursor == target
        await pilot.press("plus")  # the word
        await pilot.press("plus")  # the sentence
        start, end = reader.selection
        assert text[start:end].startswith("The military agreement") and text[start:end].endswith("in Moscow.")
        await pilot.press("plus", "minus")  # paragraph, then back to the sentence
        assert reader.selection == (start, end)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, PassageDialog)
        await pilot.press(*"claim, date conflict")
        await pilot.press("enter")
        await pilot.press(*"2017 here, 2016 in the abstract")
        await pilot.press("enter")
        await pilot.pause()
        [passage] = store.annotations(reader.article.id)
        assert passage.labels == ("claim", "date conflict") and passage.note == "2017 here, 2016 in the abstract"
        assert passage.quote == text[start : end - 1]  # the final full stop is trimmed

        # Edit: the dialog comes back filled in; the label completes from known ones.
        reader.place_cursor(passage.start + 3)
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, PassageDialog)
        labels = dialog.query_one("#passage-labels", Input)
        assert labels.value == "claim, date conflict"
        labels.value = "claim, da"
        await pilot.pause()
        await pilot.press("right")  # accept the suggestion
        assert labels.value == "claim, date conflict"
        labels.value = "contradiction"
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert store.annotation(passage.id).labels == ("contradiction",)

        await pilot.press("x")
        await pilot.pause()
        assert store.annotations(reader.article.id) == []
        await pilot.press("u")
        assert store.annotation(passage.id).labels == ("contradiction",)
        await pilot.press("u")
        assert store.annotation(passage.id).labels == ("claim", "date conflict")
        await pilot.press("U")
        assert store.annotation(passage.id).labels == ("contradiction",)


async def test_help_search_zoom_and_filter(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        descriptions = {what for _, _, what in binding_rows(app.screen.sections)}
        assert {"Tag entity", "Passage", "Select", "Grow", "Shrink", "Undo", "Back", "Search"} <= descriptions
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("s")  # search (in the document list, / filters the list)
        await pilot.pause()
        await pilot.press(*"Karshi")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        reader = app.main.reader
        assert reader.article.text[reader.cursor :].startswith("Karshi")

        await pilot.press("z")
        await pilot.pause()
        assert app.main.has_class("-zoom")
        assert app.main.query_one("#documents").display is False or not app.main.query_one("#documents").region
        await pilot.press("z")

        # In the document list, / moves to the filter.
        await pilot.press("alt+1", "slash", "t", "r", "e", "a")
        await wait_for_listing(pilot)
        docs = app.main.query_one("#document-rows", ArticleList)
        filter_input = app.main.query_one("#document-filter", Input)
        assert filter_input.value == "trea" and filter_input.has_focus
        assert docs.row_count == 1 and "Treaty on the Development" in docs.row_text(0)
        # Once in the filter, bound letters are text: q does not quit.
        await pilot.press("space", "q")
        assert filter_input.value == "trea q" and app.is_running
        await pilot.press("escape")
        await wait_for_listing(pilot)
        assert docs.row_count == 5 and docs.has_focus


async def test_keys_typed_ahead_go_where_the_earlier_keys_sent_focus(tmp_path: Path) -> None:
    """Over SSH keys arrive together: each must reach the widget the keys before it focused."""
    store = open_store(tmp_path / "store")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.reader.has_focus
        keys = [("alt+1", None), ("slash", "/"), *((ch, ch) for ch in "Moscow"), ("enter", "\r")]
        for key, character in keys:  # all queued, as the terminal driver does, before any is handled
            event = events.Key(key, character)
            event.set_sender(app)
            app._driver.send_message(event)
        await pilot.pause()
        await wait_for_listing(pilot)  # Enter may beat the rows for "Moscow": the match opens when they come
        assert app.main.query_one("#document-filter", Input).value == "Moscow"
        assert app.main.article.display_title == "Moscow, Tashkent strengthen military cooperation"
        assert app.main.reader.has_focus
        # In a text field digits are text, not pane keys.
        await pilot.press("alt+1", "ctrl+l", "2", "0", "0", "7")
        assert app.main.query_one("#document-filter", Input).value == "2007"
        await pilot.press("enter")
        await wait_for_listing(pilot)
        assert app.main.article.display_title == "Defence Cooperation Keeps Uzbeks Close to Russia"


async def test_details_dialog_corrects_metadata_and_it_survives_reimport(tmp_path: Path) -> None:
    source = tmp_path / "article.txt"
    source.write_text("A headline\n\nSomething happened in Tashkent on Monday, officials said.\n", encoding="utf-8")
    store = Store.open(tmp_path / "store")
    store.import_paths([source])
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "D")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#field-source", Input).value = "Gazeta.uz"
        dialog.query_one("#field-published", Input).value = "not a date"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is dialog  # refused: the date is wrong, nothing saved
        assert "2017-11-29" in str(dialog.query_one("#details-error").render())
        dialog.query_one("#field-published", Input).value = "2016-11-29"
        await pilot.press("ctrl+s")
        await pilot.pause()
        article = store.articles()[0]
        assert article.source == "Gazeta.uz" and str(article.published) == "2016-11-29"
    source.write_text("A headline\n\nSomething else happened in Tashkent on Tuesday.\n", encoding="utf-8")
    store.import_paths([source])
    article = store.articles()[0]
    assert "Tuesday" in article.text and article.source == "Gazeta.uz" and str(article.published) == "2016-11-29"


async def test_command_palette_opens_articles_and_entities(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store")
    article = next(a for a in store.articles() if "CSTO" in a.text)
    start = article.text.index("CSTO")
    store.annotate(article.id, start, start + 4, entity="CSTO", entity_type="ORG")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Open article: Defence")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.article.display_title == "Defence Cooperation Keeps Uzbeks Close to Russia"
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Entity: CSTO")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main.query_one(XrefPane).entity_id == store.find_entity("CSTO").id


async def test_article_text_is_never_markup(tmp_path: Path) -> None:
    source = tmp_path / "hostile.txt"
    source.write_text(
        "[bold red]Title[/] [link=http://x]t[/link]\n\n"
        "Body with [reverse]markup[/reverse] and [@click=app.quit]click me[/] inside, said an official.\n",
        encoding="utf-8",
    )
    store = Store.open(tmp_path / "store")
    store.import_paths([source])
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        reader = app.main.reader
        shown = " ".join("".join(segment.text for segment in reader.render_line(y)) for y in range(3))
        assert "Body with [reverse]markup[/reverse] and [@click=app.quit]click me[/] inside" in " ".join(shown.split())
        # border_title reads back as escaped markup; what is displayed is its plain text.
        title = Content.from_markup(app.main.query_one("#reader-pane").border_title).plain
        assert title == "[2] [bold red]Title[/] [link=http://x]t[/link]"
        docs = app.main.query_one("#document-rows", ArticleList)
        assert "[bold red]Title[/]" in docs.row_text(0)
        shown = "".join(segment.text for segment in docs.render_line(0))
        assert shown.startswith("[bold red]Title[/] [link=http:")
        assert app.is_running


async def test_app_shows_the_corpus_before_reading_annotations(tmp_path: Path) -> None:
    seeded = open_store(tmp_path / "store")
    article = seeded.articles()[0]
    seeded.annotate(article.id, 0, 6, note="x")
    seeded.close()
    store = Store.open(tmp_path / "store", defer_annotations=True)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        docs = app.main.query_one("#document-rows", ArticleList)
        assert docs.row_count == 5
        await pilot.pause(0.3)
        assert store.annotations_loaded
        await wait_for_listing(pilot)  # the tag counts come in a new listing
        assert "1 tag" in docs.row_text(docs.index_of(article.id))


async def test_import_from_the_app_with_progress_and_cancel(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(12):
        (corpus / f"{i:02d}.txt").write_text(f"Report {i}\n\nTashkent said something new today, number {i}.\n")
    (corpus / "empty.txt").write_text("")
    store = open_store(tmp_path / "store")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("I")
        await pilot.pause()
        app.screen.query_one("#import-path", Input).value = str(corpus)
        await pilot.press("enter")
        for _ in range(50):
            await pilot.pause(0.05)
            if len(store.articles()) == 17:
                break
        await pilot.pause(0.2)
        assert len(store.articles()) == 17
        await wait_for_listing(pilot)
        docs = app.main.query_one("#document-rows", ArticleList)
        assert docs.row_count == 17  # the list shows them without a restart
        assert app.screen is app.main


async def test_cancelling_an_app_import_keeps_what_was_read(tmp_path: Path) -> None:
    from tui.dialogs.import_dialog import ImportProgress

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(4000):
        (corpus / f"{i:04d}.txt").write_text(f"Report {i}\n\nA long enough sentence about the report number {i}.\n")
    store = open_store(tmp_path / "store")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        reports = []
        dialog = ImportProgress(store, str(corpus))
        app.push_screen(dialog, reports.append)
        for _ in range(200):  # cancel once the import is under way (however busy the machine)
            await pilot.pause(0.05)
            if "/4000" in str(dialog.query_one("#import-current").render()):
                break
        await pilot.press("escape")
        for _ in range(100):
            await pilot.pause(0.05)
            if reports:
                break
        [report] = reports
        assert report.cancelled and 0 < len(report.added) < 4000
        assert len(store.articles()) == 5 + len(report.added)

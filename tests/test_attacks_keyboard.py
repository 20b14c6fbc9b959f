"""Attacks on the keyboard model, n/N, the last-place file and the pickers (round: keys).

Each test is one attack. The breaks found (pastes overtaking keys, Enter before slow search results,
a dialog closing itself under the palette, nested JSON, two quits at once, a typo making a type)
are fixed; their tests stay (each was seen failing on the code before its fix).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from pathlib import Path

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input, OptionList

from store import Store, seed_if_empty
from tests.conftest import settled, wait_for_listing
from tests.test_app_flow import open_article_titled, option_texts, select_words
from tui.app import DossierApp, make_app
from tui.dialogs.entity_picker import EntityPicker
from tui.last_place import last_place, remember_place, state_file
from tui.widgets.reader import Reader

MOSCOW = "Moscow, Tashkent strengthen military cooperation"
RUSSIA = "Russia seizes strategic initiative in Central Asia"


def _store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    return store


def send_burst(app: DossierApp, keys: list[str] | str) -> None:
    """Queue keys as the terminal driver does, all before the first is handled.

    A one-character item is a character; a longer one is a key name (``enter``, ``ctrl+p``).
    """
    for item in keys:
        if len(item) == 1:
            event = events.Key(_character_to_key(item), item)
        else:
            character = {"enter": "\r", "escape": "\x1b", "tab": "\t", "space": " "}.get(item)
            event = events.Key(item, character)
        event.set_sender(app)
        app._driver.send_message(event)


def send_paste(app: DossierApp, text: str) -> None:
    event = events.Paste(text)
    event.set_sender(app)
    app._driver.send_message(event)


async def _idle(pilot, seconds: float = 0.3) -> None:
    await pilot.pause(seconds)
    await settled(pilot)
    await wait_for_listing(pilot)
    await settled(pilot)


# ---------------------------------------------------------------------------------------------
# (1)/(2) bursts, pastes, text fields


async def test_paste_right_behind_slash_goes_into_the_filter(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("alt+1")
        await pilot.pause()
        send_burst(app, ["/"])
        send_paste(app, "uzbek")
        await _idle(pilot)
        assert app.main.query_one("#document-filter", Input).value == "uzbek"
    store.close()


async def test_keys_then_paste_keep_their_order_in_the_search_box(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("s")
        await _idle(pilot)
        field = app.screen.query_one("#search-query", Input)
        send_burst(app, "Sh")
        send_paste(app, "oigu")
        await _idle(pilot)
        assert field.value == "Shoigu"
    store.close()


async def test_non_ascii_printable_keys_are_text_in_the_filter_and_picker(tmp_path: Path) -> None:
    """Cyrillic, accented letters, an emoji typed in a burst: text, and nothing fires."""
    store = _store(tmp_path)
    app = make_app(store)
    typed = "Шойгу é ü ß 🙂 ¿"
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        send_burst(app, ["alt+1", "/", *typed])
        await _idle(pilot)
        assert app.main.query_one("#document-filter", Input).value == typed
        await pilot.press("escape", "enter")
        await _idle(pilot)
        await pilot.press("alt+2", "w", "v", "e")
        await _idle(pilot)
        field = app.screen.query_one("#entity-query", Input)
        await pilot.press("ctrl+u")
        send_burst(app, typed)
        await _idle(pilot)
        assert isinstance(app.screen, EntityPicker) and field.value == typed
    store.close()


async def test_burst_ctrl_p_then_words_types_into_the_palette(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        send_burst(app, ["ctrl+p", *"undo quit"])
        await _idle(pilot)
        field = app.focused
        assert isinstance(field, Input) and field.value == "undo quit"
        assert app.is_running
    store.close()


async def test_burst_help_then_q_closes_help_then_quits(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        send_burst(app, ["?", "j", "j", "q"])
        await _idle(pilot)
        assert app.screen is app.main and app.is_running
        send_burst(app, ["q"])
        await pilot.pause(0.5)
        assert not app.is_running
    store.close()


async def test_help_screen_keys_do_not_each_wait_the_settle_limit(tmp_path: Path) -> None:
    """On the help screen (no text field), 20 keys in a burst must not take 20 x 0.3 s."""
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await _idle(pilot)
        assert not app.keys._busy(), (app.screen.focused, app.screen.focus_chain)
        started = time.monotonic()
        send_burst(app, ["down"] * 20)
        while app.keys.waiting:
            await asyncio.sleep(0.01)
        assert time.monotonic() - started < 2.0
    store.close()


async def test_import_progress_screen_does_not_stall_keys(tmp_path: Path) -> None:
    """While the import progress dialog is up, Escape is heard at once (not after 0.3 s per key)."""
    store = _store(tmp_path)
    folder = tmp_path / "many"
    folder.mkdir()
    for number in range(300):
        (folder / f"a{number}.txt").write_text(f"Article {number}\n\nSome words about Shoigu {number}.\n")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        send_burst(app, ["I", *str(folder), "enter"])
        # The path's keys reach the dialog without waiting on each other: well under the 0.3 s
        # per key (12 s here) a stall would cost, even on a loaded machine.
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline and app.keys._busy() and app.keys.waiting:
            await pilot.pause(0.05)
        assert not app.keys._busy() or app.keys.waiting == 0
        send_burst(app, ["escape"])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and app.screen is not app.main:
            await pilot.pause(0.05)
        await _idle(pilot)
        assert app.screen is app.main
        # Keys work afterwards.
        send_burst(app, ["alt+1", "/", *"zz"])
        await _idle(pilot)
        assert app.main.query_one("#document-filter", Input).value == "zz"
    store.close()


async def test_enter_u_after_details_dialog_undoes_what_it_saved(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await _idle(pilot)
        article = app.main.article
        assert article is not None
        before = article.display_title
        await pilot.press("D")
        await _idle(pilot)
        field = app.focused
        assert isinstance(field, Input)
        send_burst(app, ["ctrl+u", "ctrl+k", *"New title", "ctrl+s", "u"])
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and store.article(article.id).display_title != before:
            await pilot.pause(0.05)
        await _idle(pilot)
        assert app.screen is app.main
        assert store.article(article.id).display_title == before
    store.close()


def _slow_search(store: Store, seconds: float) -> None:
    real = store.search

    def slow(*args, **kwargs):
        time.sleep(seconds)
        return real(*args, **kwargs)

    store.search = slow  # type: ignore[method-assign]


async def test_enter_then_e_in_a_burst_with_a_slow_search_tags_the_hit(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _slow_search(store, 0.15)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        send_burst(app, ["s", *"Shoigu", "enter", "e"])
        await _idle(pilot, 1.5)
        await _idle(pilot, 0.5)
        assert isinstance(app.screen, EntityPicker)
        assert app.screen.quote == "Shoigu"
    store.close()


async def test_ctrl_p_over_a_search_that_answers_later_then_escape(tmp_path: Path) -> None:
    store = _store(tmp_path)
    _slow_search(store, 0.4)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        send_burst(app, [*"Shoigu", "enter", "ctrl+p"])
        await pilot.pause(2.0)
        await _idle(pilot)
        send_burst(app, ["escape"])
        await _idle(pilot, 0.5)
        send_burst(app, ["escape"])
        await _idle(pilot, 0.5)
        assert app.is_running and app._exception is None, app._exception
        assert app.screen is app.main, [type(s).__name__ for s in app.screen_stack]
        assert app.keys._holds == 0
    store.close()


# ---------------------------------------------------------------------------------------------
# (4) n / N


async def _search_and_open(pilot, query: str) -> None:
    await pilot.press("s")
    await _idle(pilot)
    send_burst(pilot.app, list(query))
    await _idle(pilot, 0.5)
    await pilot.press("enter")
    await _idle(pilot)


async def test_n_and_N_without_a_search_only_say_so(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        send_burst(app, ["n", "N", "alt+2", "n", "N", "enter", "n", "N"])
        await _idle(pilot)
        assert app.is_running and app._exception is None
    store.close()


async def test_n_after_a_prefix_search_selects_the_hit_and_e_tags_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _search_and_open(pilot, "Shoig*")
        reader = app.main.query_one(Reader)
        assert app.main.article is not None and reader.selection
        for _ in range(8):
            send_burst(app, ["n"])
            await _idle(pilot, 0.05)
            start, end = reader.selection or (0, 0)
            assert app.main.article.text[start:end].casefold().startswith("shoig")
        send_burst(app, ["e"])
        await _idle(pilot)
        assert isinstance(app.screen, EntityPicker)
        start, end = reader.selection or (0, 0)
        assert app.screen.quote == app.main.article.text[start:end]
    store.close()


async def test_n_N_in_a_burst_walk_the_hits_like_one_at_a_time(tmp_path: Path) -> None:
    store = _store(tmp_path)

    async def walk(burst: bool) -> list[tuple[str, tuple[int, int] | None]]:
        app = make_app(store)
        seen = []
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await _search_and_open(pilot, "Shoigu")
            keys = ["n", "n", "n", "N", "n", "n", "n", "n", "N", "N"]
            if burst:
                send_burst(app, keys)
                await _idle(pilot)
                seen.append((app.main.article.id, app.main.reader.selection))
            else:
                for key in keys:
                    await pilot.press(key)
                    await _idle(pilot, 0.05)
                seen.append((app.main.article.id, app.main.reader.selection))
        return seen

    assert await walk(True) == await walk(False)
    store.close()


async def test_n_when_the_next_hit_article_is_gone_and_the_open_one_too(tmp_path: Path) -> None:
    """The search's other articles vanish (another analyst's re-import, a restore): n skips them."""
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _search_and_open(pilot, "Shoigu")
        found = app.main.found
        assert found is not None and len(found.hits) >= 2
        gone = {hit.article_id for hit in found.hits}
        real = store.article

        def article(article_id: str):
            if article_id in gone:
                raise KeyError(article_id)
            return real(article_id)

        store.article = article  # type: ignore[method-assign]
        send_burst(app, ["n"] * 10 + ["N"] * 10 + ["e", "escape"])
        await _idle(pilot)
        assert app.is_running and app._exception is None
        store.article = real  # type: ignore[method-assign]
    store.close()


async def test_n_in_an_article_without_text_matching(tmp_path: Path) -> None:
    """An article opened after the search that is not among its hits, and one nearly empty."""
    store = _store(tmp_path)
    tiny = tmp_path / "tiny"
    tiny.mkdir()
    (tiny / "x.txt").write_text("X\n\n.\n")
    store.import_paths([str(tiny)])
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _search_and_open(pilot, "Shoigu")
        send_burst(app, ["alt+1", "/", *"X", "enter"])
        await _idle(pilot)
        send_burst(app, ["n", "N", "N", "n", "n"])
        await _idle(pilot)
        assert app.is_running and app._exception is None
        assert app.main.article is not None
    store.close()


# ---------------------------------------------------------------------------------------------
# (5) the last-place file


async def _open_and_quit(path: Path, title: str | None = None, moves: int = 0) -> tuple[str | None, int]:
    store = Store.open(path)
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        if title is not None:
            await open_article_titled(pilot, title)
            await pilot.press(*["w"] * moves)
        place = (app.main.article.id if app.main.article else None, app.main.reader.cursor)
        assert app._exception is None
        await pilot.press("q")
    store.close()
    return place


def _write_state(content: bytes | str) -> None:
    state_file().parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode()
    state_file().write_bytes(content)


async def test_a_deeply_nested_state_file_is_as_if_there_were_none(tmp_path: Path) -> None:
    _write_state("[" * 100_000 + "]" * 100_000)
    assert await _open_and_quit(tmp_path / "store") == (None, 0)


@pytest.mark.parametrize(
    "entry",
    [
        {"article": "nope", "offset": 3},
        {"article": None, "offset": 10**30},
        {"article": "x" * 100_000, "offset": -1},
        {"article": ["a"], "offset": 1.5},
        {"article": "a", "offset": True},
        [1, 2, 3],
        "string",
        None,
    ],
)
async def test_wrong_types_in_the_state_file_cost_nothing(tmp_path: Path, entry) -> None:
    path = tmp_path / "store"
    store = Store.open(path)
    seed_if_empty(store)
    key = store.backend.location("articles")
    store.close()
    _write_state(json.dumps({key: entry, "other": {"article": "a", "offset": 1}}))
    assert await _open_and_quit(path) == (None, 0)


async def test_an_offset_past_the_end_of_the_article_opens_it_safely(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = Store.open(path)
    seed_if_empty(store)
    key = store.backend.location("articles")
    article = next(iter(store.articles()))
    store.close()
    _write_state(json.dumps({key: {"article": article.id, "offset": 10**18}}))
    opened = await _open_and_quit(path)
    assert opened[0] == article.id and 0 <= opened[1] <= len(article.text)


@pytest.mark.parametrize("kind", ["directory", "huge", "fifo", "dangling link", "linked folder"])
async def test_odd_things_at_the_state_path_cost_nothing(tmp_path: Path, kind: str) -> None:
    state_file().parent.mkdir(parents=True, exist_ok=True)
    victim = tmp_path / "victim"
    if kind == "directory":
        state_file().mkdir()
    elif kind == "huge":
        state_file().write_text('{"pad": "' + "x" * 2_000_000 + '"}')
    elif kind == "fifo":
        os.mkfifo(state_file())
    elif kind == "dangling link":
        state_file().symlink_to(victim)
    else:  # the dossier state folder itself is a link to a folder of someone else's files
        victim.mkdir()
        (victim / "keep.txt").write_text("keep")
        folder = state_file().parent
        folder.rmdir()
        folder.symlink_to(victim)
    await _open_and_quit(tmp_path / "store", MOSCOW, 2)
    assert not victim.exists() or victim.is_dir()
    if kind == "linked folder":
        assert (victim / "keep.txt").read_text() == "keep"


@pytest.mark.parametrize("name", ["new\nline", "quote\"and'", "emoji 🙂 é", "back\\slash", "ctl\x1b[31m", "bad\udcff"])
async def test_a_store_path_with_odd_characters_reopens_where_it_was_left(tmp_path: Path, name: str) -> None:
    path = tmp_path / name / "store"
    try:
        path.mkdir(parents=True)
        path.rmdir()
    except (OSError, UnicodeError):
        pytest.skip("the file system does not take that name")
    left = await _open_and_quit(path, MOSCOW, 3)
    assert await _open_and_quit(path) == left


def test_two_apps_quitting_at_once_keep_both_places(monkeypatch) -> None:
    """Each quit reads the places, sets its own and writes them: a slow read lets the other read too."""
    import time

    import tui.last_place as module

    real_read = module._read

    def slow_read(path):
        data = real_read(path)
        time.sleep(0.3)  # without a lock, the other app reads the same old file meanwhile
        return data

    monkeypatch.setattr(module, "_read", slow_read)
    threads = [
        threading.Thread(target=remember_place, args=("/stores/a/articles.json", "A", 1)),
        threading.Thread(target=remember_place, args=("/stores/b/articles.json", "B", 2)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.setattr(module, "_read", real_read)
    assert last_place("/stores/a/articles.json") == ("A", 1)
    assert last_place("/stores/b/articles.json") == ("B", 2)


# ---------------------------------------------------------------------------------------------
# (6) the pickers


ODD_QUERIES = {
    "empty": "",
    "spaces": "     ",
    "punctuation": "!!!...,,,;;;---",
    "cyrillic": "Сергей Шойгу",
    "emoji": "🙂🙂🙂 🚀",
    "control": "a\x00b\x07c\x1b[31mred\x7f\u200b\u202etxet",
    "combining": "Ṣ̵̛hóìgù",
    "long": "Shoigu " * 3000,
    "arabic": "سيرغي شويغو",
    "cjk": "谢尔盖·绍伊古",
}


@pytest.mark.parametrize("name", ODD_QUERIES)
async def test_the_picker_takes_odd_text_without_crashing(tmp_path: Path, name: str) -> None:
    store = _store(tmp_path)
    moscow = next(a for a in store.articles() if a.display_title.startswith("Moscow, Tashkent"))
    start = moscow.text.index("Sergey Shoigu")
    store.annotate(moscow.id, start, start + len("Sergey Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, RUSSIA)
        await select_words(pilot, app.main.reader, "Sergei Shoigu")
        await pilot.press("e")
        await _idle(pilot)
        picker = app.screen
        assert isinstance(picker, EntityPicker)
        field = picker.query_one("#entity-query", Input)
        await pilot.press("ctrl+u")
        started = time.monotonic()
        if ODD_QUERIES[name]:
            send_paste(app, ODD_QUERIES[name])
        await _idle(pilot)
        assert time.monotonic() - started < 5
        choices = option_texts(picker.query_one("#entity-choices", OptionList))
        assert field.value or not choices or not any(c.startswith("+ new") for c in choices)
        # Enter: an existing entity, or the type step; Enter again there takes the highlighted type.
        await pilot.press("enter")
        await _idle(pilot)
        if isinstance(app.screen, EntityPicker):
            send_paste(app, ODD_QUERIES[name][:50] or "x")
            await _idle(pilot)
            option_texts(app.screen.query_one("#entity-choices", OptionList))
            await pilot.press("escape")
            await _idle(pilot)
        assert app.is_running and app._exception is None
    store.close()


async def test_the_type_step_never_makes_a_type_from_a_burst_that_ends_on_a_known_type(tmp_path: Path) -> None:
    """'equ' Enter, 'EQUIPMENT ' (trailing space) Enter, 'person' Enter: built-in types only."""
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, RUSSIA)
        made = []
        names = ["Qwxz Unit", "Bmvk Corps", "Plrt Group", "Zhny Team", "Dfgs Band", "Kjyw Crew"]
        for name, typed in zip(names, ["equ", "equipment ", "person", "PeRsOn", "org", " p l a c e "], strict=True):
            await select_words(pilot, app.main.reader, "Sergei Shoigu")
            send_burst(app, ["e", "ctrl+u", *name, "down", "enter", *typed, "enter"])
            await _idle(pilot, 0.4)
            assert app.screen is app.main, (typed, type(app.screen).__name__)
            entity = store.find_entity(name)
            assert entity is not None
            made.append(entity.type)
            await pilot.press("escape")
        from store import ENTITY_TYPES

        assert all(kind in ENTITY_TYPES for kind in made), made
    store.close()


async def test_a_typo_in_the_type_step_then_enter_does_not_make_a_new_type(tmp_path: Path) -> None:
    store = _store(tmp_path)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, RUSSIA)
        await select_words(pilot, app.main.reader, "Sergei Shoigu")
        send_burst(app, ["e", "ctrl+u", *"Qwxz Unit", "enter", *"persno", "enter"])
        await _idle(pilot, 0.4)
        entity = store.find_entity("Qwxz Unit")
        from store import ENTITY_TYPES

        assert entity is None or entity.type in ENTITY_TYPES, entity.type
    store.close()


async def test_enter_on_a_name_differing_in_digits_does_not_merge_into_another_entity(tmp_path: Path) -> None:
    store = _store(tmp_path)
    moscow = next(a for a in store.articles() if a.display_title.startswith("Moscow, Tashkent"))
    store.annotate(moscow.id, 0, 5, entity="Brigade 15", entity_type="ORG")
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, RUSSIA)
        await select_words(pilot, app.main.reader, "Sergei Shoigu")
        send_burst(app, ["e", "ctrl+u", *"Brigade 16", "enter", "enter"])
        await _idle(pilot, 0.4)
    fifteen = store.find_entity("Brigade 15")
    assert fifteen is not None and "Brigade 16" not in fifteen.aliases
    store.close()

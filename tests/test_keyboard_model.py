"""The keyboard model: in a focused text field every printable key is text, whatever it is bound to.

Each text field the app has is opened the way a user opens it, then every printable ASCII
character is sent in one burst (as one read over ssh delivers them, before any is handled). The
field must then hold exactly those characters, and nothing else may have happened: the same
screen and focus, the same article open, nothing saved or undone, nothing announced.
"""

from __future__ import annotations

import string
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.widgets import Input

from store import Store, seed_if_empty
from tests.conftest import settled, wait_for_listing
from tui.app import DossierApp, make_app

#: Every printable ASCII character, space included ("q" quits, "u" undoes, "1" to "4" switch panes…).
PRINTABLE = "".join(ch for ch in string.printable if ch.isprintable())


def send_burst(app: DossierApp, text: str, *, first: str | None = None) -> None:
    """Queue ``text`` as the terminal driver does, all before the first key is handled.

    ``first`` is a key sent before it that is not a character (``alt+1``).
    """
    keys = [events.Key(_character_to_key(character), character) for character in text]
    if first is not None:
        keys.insert(0, events.Key(first, None))
    for event in keys:
        event.set_sender(app)
        app._driver.send_message(event)


def state(app: DossierApp, store: Store) -> tuple[object, ...]:
    """What a key that fired a command would change."""
    main = app.main
    return (
        type(app.screen).__name__,
        len(app.screen_stack),
        app.focused,
        main.article.id if main.article else None,
        main.has_class("-zoom"),
        sorted((a.id, a.labels, a.note, a.entity_id) for a in store.annotations()),
        sorted(e.id for e in store.entities()),
        len(app._notifications),
        app.is_running,
    )


async def _filter(pilot) -> Input:
    await pilot.press("alt+1", "slash")  # from the reader, where 1 is a count
    return pilot.app.main.query_one("#document-filter", Input)


async def _search(pilot) -> Input:
    await pilot.press("alt+2", "s")
    await pilot.pause()
    return pilot.app.screen.query_one(Input)


async def _entity_picker(pilot) -> Input:
    await pilot.press("alt+2", "w", "v", "e")
    await pilot.pause()
    field = pilot.app.screen.query_one("#entity-query", Input)
    await pilot.press("ctrl+u")  # the selection is prefilled
    return field


async def _type_picker(pilot) -> Input:
    field = await _entity_picker(pilot)
    await pilot.press(*"Zyxw", "down", "enter")  # a new entity of another type: asked in the same field
    await pilot.pause()
    assert field.value == ""
    return field


async def _passage_labels(pilot) -> Input:
    await pilot.press("alt+2", "w", "v", "m")
    await pilot.pause()
    return pilot.app.screen.query_one("#passage-labels", Input)


async def _passage_note(pilot) -> Input:
    await _passage_labels(pilot)
    await pilot.press("tab")
    assert isinstance(pilot.app.focused, Input)
    return pilot.app.focused


async def _details(pilot) -> Input:
    await pilot.press("alt+2", "D")
    await pilot.pause()
    field = pilot.app.focused
    assert isinstance(field, Input)
    await pilot.press("ctrl+u", "ctrl+k")
    return field


async def _import_path(pilot) -> Input:
    await pilot.press("I")
    await pilot.pause()
    field = pilot.app.focused
    assert isinstance(field, Input)
    return field


async def _palette(pilot) -> Input:
    await pilot.press("ctrl+p")
    await pilot.pause()
    field = pilot.app.focused
    assert isinstance(field, Input)
    return field


FIELDS: dict[str, Callable[..., Awaitable[Input]]] = {
    "document filter": _filter,
    "search": _search,
    "entity picker": _entity_picker,
    "entity type": _type_picker,
    "passage labels": _passage_labels,
    "passage note": _passage_note,
    "article details": _details,
    "import path": _import_path,
    "command palette": _palette,
}


@pytest.mark.parametrize("field_name", FIELDS)
async def test_every_printable_key_typed_in_a_text_field_is_text(tmp_path: Path, field_name: str) -> None:
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # an article open, so every dialog can open
        await pilot.pause()
        field = await FIELDS[field_name](pilot)
        await pilot.pause()
        assert field.has_focus
        before = state(app, store)
        start = field.value
        send_burst(app, PRINTABLE)
        await settled(pilot)  # every key handled, however loaded the machine
        await wait_for_listing(pilot)
        assert field.value == start + PRINTABLE
        assert state(app, store) == before
        # Closed before the app stops: Textual's palette, torn down while its search still
        # runs on a loaded machine, can trip over its own list (NoMatches 'CommandList').
        await pilot.press("escape")
        await settled(pilot)
        await pilot.pause(0.2)
    store.close()


@pytest.mark.parametrize(
    ("first", "typed", "field"), [("alt+1", "/uzbek", "#document-filter"), (None, "1/uzbek", "#search-query")]
)
async def test_slash_then_a_word_in_one_read_fires_nothing(
    tmp_path: Path, first: str | None, typed: str, field: str
) -> None:
    """The reported break: tag, then pane 1, ``/``, ``uzbek`` in one burst; ``u`` must not undo the tag.

    From the reader, where digits are counts, pane 1 is ``alt+1`` and the word filters the list.
    ``1/uzbek`` typed there: 1 is a count, ``/`` drops it and opens the search, the word is its text.
    """
    store = Store.open(tmp_path / "store")
    seed_if_empty(store)
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        article = app.main.article
        assert article is not None
        tag = await app.main._save(lambda: store.annotate(article.id, 0, 5, note="keep me"))
        assert tag is not None
        send_burst(app, typed, first=first)
        await settled(pilot)  # every key handled, however loaded the machine
        await wait_for_listing(pilot)
        assert isinstance(app.focused, Input) and app.focused.id == field[1:] and app.focused.value == "uzbek"
        assert [a.note for a in store.annotations(article.id)] == ["keep me"]
        assert not app.main.has_class("-zoom")
    store.close()

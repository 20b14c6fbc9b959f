"""The app on a store its user may not change: what it must show, and what every change key does.

Shared by the PostgreSQL tests (a role granted ``--read``) and the folder test, which runs it as
a script as another Unix user when the tests run as root (root may write any file):
``python -m tests.read_only_app STORE_PATH``.
"""

from __future__ import annotations

import asyncio
import sys

from textual.widgets import Header
from textual.widgets._header import HeaderTitle

from store import Store
from tests.conftest import settled
from tui.app import make_app
from tui.main_screen import MainScreen
from tui.read_only import READ_ONLY_MESSAGE

#: Every key that starts a change: tag, passage, edit and delete the tag under the cursor,
#: undo, redo, article details, import.
CHANGE_KEYS = ["e", "m", "enter", "x", "u", "U", "D", "I"]


async def check_read_only_app(store: Store) -> None:
    """Open the tagged article, put the cursor on its tag, press every change key.

    Each must answer "read-only store" and open no dialog; the header must say so; nothing
    may change in the store.
    """
    assert store.read_only
    tagged = next(a for a in store.articles() if store.annotations(a.id))
    before = store.annotations(tagged.id)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one(Header).query_one(HeaderTitle).render())
        assert "read-only" in title, title
        app.main.open_article(tagged.id)
        app.main.set_focus(app.main.reader)
        await settled(pilot)
        await pilot.press("t")
        await settled(pilot)
        # Seen this stop and not yet explained: on a read-only store the key right after this
        # `t` is lost (`t e` answers nothing, `t Esc e` answers). Esc drops nothing here.
        await pilot.press("escape")
        await settled(pilot)  # the cursor on the tag, so enter and x have one to act on
        assert app.main.reader.annotations_at(app.main.reader.cursor)
        for number, key in enumerate(CHANGE_KEYS, start=1):
            await pilot.press(key)
            await settled(pilot)  # handled, however loaded the machine (a fixed pause was not enough)
            assert isinstance(app.screen, MainScreen), f"{key} opened {app.screen!r}"
            answers = [str(n.message) for n in app._notifications if str(n.message) == READ_ONLY_MESSAGE]
            assert len(answers) == number, (key, [str(n.message) for n in app._notifications])
        assert not app.main.store_thread.pending
    assert store.annotations(tagged.id) == before


def main(path: str) -> int:
    """Run the check on the folder store at ``path`` (as whichever user runs this)."""
    store = Store.open(path)
    try:
        asyncio.run(check_read_only_app(store))
    finally:
        store.close()
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

"""A dropped connection or a kill ends Dossier cleanly, with everything the user did on disk."""

from __future__ import annotations

import signal
from pathlib import Path

import pytest

from store import Store
from tests.terminal import DOSSIER, Terminal

pytestmark = pytest.mark.skipif(not DOSSIER.exists(), reason="needs the installed dossier command")

ENTER, ESC = "\r", "\x1b"


def tag_first_word(term: Terminal) -> None:
    """Open the first article and tag its first two words as a new PERSON, by keys."""
    term.type(ENTER)
    term.wait_for("Ainur Kurmanov")
    term.type("v", "w", "w", "e")
    term.wait_for("as an entity")
    term.wait_for("+ new PERSON")
    term.type(ENTER)  # the guessed type, said in the row
    term.wait_for("Saved.")


@pytest.mark.parametrize("how", ["hang-up", "SIGTERM"])
def test_hang_up_and_terminate_end_cleanly_and_lose_nothing(tmp_path: Path, how: str) -> None:
    store_path = tmp_path / "store"
    term = Terminal("--store", str(store_path))
    term.wait_for("Documents")
    term.wait_for("Russia seizes")
    tag_first_word(term)
    if how == "hang-up":
        term.hang_up()
        assert term.wait() == 128 + signal.SIGHUP
    else:
        term.signal(signal.SIGTERM)
        assert term.wait() == 128 + signal.SIGTERM
        assert "\x1b[?1049l" in term.text()  # the alternate screen was left: the terminal is usable
    store = Store.open(store_path)
    [mention] = store.annotations()
    assert mention.quote == "Sergei Shoigu"
    assert (store_path / "annotations.journal").stat().st_size < 200  # folded in on the way out
    again = Terminal("--store", str(store_path))
    again.wait_for("1 tag")  # the next start is normal
    again.type("q")
    assert again.wait() == 0

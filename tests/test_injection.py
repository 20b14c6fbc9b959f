"""Text from articles never reaches the terminal as a control sequence, nor as Rich markup.

The app runs in a real pty and the assertions are on the exact bytes it writes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store
from store.sanitize import neutralize
from tests.terminal import DOSSIER, Terminal

pytestmark = pytest.mark.skipif(not DOSSIER.exists(), reason="needs the installed dossier command")

HOSTILE_TITLE = "[bold red]Evil[/] title\x1b]0;pwned-title\x07"
HOSTILE_BODY = (
    "before\x1b[2Jafter and \x1b]0;pwned-body\x07 then "
    "\x1b]8;;http://evil.example/\x1b\\a link\x1b]8;;\x1b\\ and \x9b31mred\x9b0m and "
    "\u202eesrever\u202c and [link=http://evil.example/]markup[/link] [@click=app.quit]x[/], an official said."
)
FORBIDDEN = [
    b"\x1b]0;pwned",  # set the window title
    b"before\x1b[2J",  # clear the screen, from inside the text
    b"\x1b]8;;http://evil",  # OSC 8 hyperlink
    "\x9b".encode(),  # C1 CSI
    "\u202e".encode(),  # right-to-left override
]


def assert_clean(output: bytes) -> None:
    for sequence in FORBIDDEN:
        assert sequence not in output, sequence


def show_article(store_path: Path) -> bytes:
    term = Terminal("--store", str(store_path), width=120, height=40)
    term.wait_for("Documents")
    term.type("\r")
    term.wait_for("an official said")
    term.type("q")
    assert term.wait() == 0
    return bytes(term.output)


def test_hostile_article_file_is_shown_as_text(tmp_path: Path) -> None:
    source = tmp_path / "hostile.txt"
    source.write_text(f"{HOSTILE_TITLE}\n\n{HOSTILE_BODY}\n", encoding="utf-8")
    store = Store.open(tmp_path / "store")
    assert len(store.import_paths([source]).added) == 1
    store.close()
    output = show_article(tmp_path / "store")
    assert_clean(output)
    assert b"[bold red]Evil[/] title" in output  # markup shown, not obeyed
    assert b"[link=http://evil.example/]markup[/link]" in output


def test_hostile_store_file_is_neutralised_on_display(tmp_path: Path) -> None:
    """Text that reached a store file without going through ingest (edited by hand, written by
    another tool) is shown with the control characters replaced, never obeyed."""
    source = tmp_path / "plain.txt"
    source.write_text("A plain title\n\nA plain body, an official said.\n", encoding="utf-8")
    path = tmp_path / "store"
    store = Store.open(path)
    store.import_paths([source])
    store.close()
    data = json.loads((path / "articles.json").read_text())
    [doc] = data["articles"].values()
    doc.update(title=HOSTILE_TITLE, text=HOSTILE_BODY)
    (path / "articles.json").write_text(json.dumps(data))
    # An entity and a passage whose name, label and note carry escapes and markup.
    store = Store.open(path)
    article = store.articles()[0]
    start = article.text.index("after")
    store.annotate(article.id, start, start + 5, entity="Safe name", entity_type="PERSON")
    store.annotate(article.id, start + 6, start + 9, labels=["label"], note="note")
    store.close()
    notes = json.loads((path / "annotations.json").read_text())
    for entity in notes["entities"].values():
        entity["name"] = "[red]Evil\x1b]0;pwned-entity\x07 entity[/red]"
    for annotation in notes["annotations"].values():
        annotation["labels"] = ["\x1b]8;;http://evil.example/\x1b\\label"]
        annotation["note"] = "\u202enote\x9b2J"
    (path / "annotations.json").write_text(json.dumps(notes))
    output = show_article(path)
    assert_clean(output)
    assert "\ufffd".encode() in output
    assert b"[red]Evil" in output  # the entity pane shows the name as typed


def test_cli_report_neutralises_file_names(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "evil\x1b]0;pwned\x07.txt").write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "tui", "import", str(folder), "--store", str(tmp_path / "s")],
        capture_output=True,
    )
    assert b"\x1b" not in result.stdout and b"\x07" not in result.stdout
    assert neutralize("evil\x1b]0;pwned\x07.txt").encode() in result.stdout

"""End to end through a real SSH session: the installed ``dossier`` in tmux, keys typed as a user
types them, the screen read back (the rig: ``tests/ssh_tui.py``).

Run alone with ``pytest -m e2e``. They need tmux and OpenSSH (``.ci/run`` installs them); without
them they are skipped with what is missing, except in CI, where that is a failure.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ssh_tui
from tests.terminal import DOSSIER

RIG = Path(ssh_tui.__file__)
MISSING = ssh_tui.missing_tools()

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        bool(MISSING) and os.environ.get("CI") != "true",
        reason=f"end-to-end over ssh: {'; '.join(MISSING)} (.ci/run installs them)",
    ),
]


class Session:
    """One ssh_tui session: start, keys, wait, screen, stop."""

    def __init__(self, name: str, rig: Path) -> None:
        self.name = name
        self.env = {**os.environ, "RIG": str(rig)}

    def run(self, *args: str, timeout: float = 60) -> str:
        result = subprocess.run(
            [sys.executable, str(RIG), args[0], "-s", self.name, *args[1:]],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=timeout,
        )
        assert result.returncode == 0, f"ssh_tui {args[0]} failed: {result.stdout}{result.stderr}"
        return result.stdout

    def start(self, store: Path, width: int, height: int, term: str, extra_env: list[str]) -> float:
        env_args = [arg for pair in (["-e", e] for e in extra_env) for arg in pair]
        out = self.run(
            "start",
            "-W",
            str(width),
            "-H",
            str(height),
            "-t",
            term,
            "-d",
            str(store.parent),
            *env_args,
            "--wait",
            "Documents",
            "--",
            str(DOSSIER),
            "--store",
            str(store),
        )
        return float(out.strip().split("=")[1])

    def keys(self, *keys: str) -> None:
        self.run("keys", *keys)

    def type(self, text: str) -> None:
        self.run("keys", "-l", text)

    def wait(self, text: str, timeout: float = 15) -> None:
        self.run("wait", "--timeout", str(timeout), text)

    def screen(self) -> str:
        return self.run("screen")

    def stop(self) -> None:
        subprocess.run(
            [sys.executable, str(RIG), "stop", "--keep-sshd", "-s", self.name], env=self.env, capture_output=True
        )


@pytest.fixture(scope="module")
def rig(tmp_path_factory: pytest.TempPathFactory):
    """One rig (keys, sshd on 127.0.0.1:2222) for the module; its sshd is stopped at the end."""
    folder = tmp_path_factory.mktemp("rig")
    yield folder
    subprocess.run([sys.executable, str(RIG), "sshd", "stop"], env={**os.environ, "RIG": str(folder)}, check=False)


def select_and_tag(session: Session, words_forward: int, *, name: str | None = None) -> None:
    """Move ``words_forward`` words, select two words and tag them: as a new PERSON called
    ``name``, or (without a name) as the first entity the picker offers."""
    if words_forward:
        session.keys(*["w"] * words_forward)
    session.keys("v", "w", "w", "e")
    session.wait("as an entity")
    if name:
        # Typed at once: keys wait for the picker to have its field focused (tui.keyboard).
        session.keys("C-u")
        session.type(name)
        session.wait(f"+ new PERSON “{name}”")  # the type its form suggests, said in the row
    session.keys("Enter")
    session.wait("×1")  # the entity pane of the article shows the new mention
    assert re.search(r"Sergey Shoigu +×1", session.screen())


@pytest.mark.parametrize(
    "width,height,term,env",
    [(80, 24, "xterm-256color", []), (120, 40, "xterm", ["NO_COLOR=1"])],
    ids=["80x24", "120x40-xterm-no-color"],
)
def test_tag_follow_quit_and_find_it_again_over_ssh(
    tmp_path: Path, rig: Path, width: int, height: int, term: str, env: list[str]
) -> None:
    store = tmp_path / "store"
    session = Session(f"e2e{width}", rig)
    try:
        first_screen = session.start(store, width, height, term, env)
        assert first_screen < 10
        session.wait("Russia seizes")
        # Open the newest article and tag "Sergei Shoigu" (its first two words) as a new person,
        # under the spelling the analyst prefers.
        session.keys("Enter")
        session.wait("Ainur Kurmanov")
        select_and_tag(session, 0, name="Sergey Shoigu")
        # Mark the next paragraph's first sentence as a passage with a label and a note.
        session.keys("}", "+", "+", "m")
        session.wait("Mark passage")
        session.type("claim")
        session.keys("Enter")
        session.type("check the date")
        session.keys("Enter")
        session.wait("2 tags")
        session.wait("Marked passage")  # the app has said so: the dialog is gone, focus is back
        # The keyboard model's promise, as the analyst who found the break typed it: pane 1, the
        # filter, a word, all in one read. Every key after "/" is text: u does not undo, z does
        # not zoom.
        session.type("\x1b1/uzbek")  # alt+1 (ESC 1 in one read): the reader takes digits as counts
        session.wait("┃ uzbek")
        session.wait("Defence Cooperation Kee")
        screen = session.screen()
        assert "uzbek" in screen and "Undone" not in screen and re.search(r"Sergey Shoigu +×1", screen), screen
        session.keys("Escape")
        session.wait("2 tags")  # the list again, the passage still there
        # Filter the list to another article, open it, tag "Sergey Shoigu" as the same entity
        # (the picker offers it first).
        session.keys("/", "M", "o", "s", "c", "o", "w", "Enter")
        # The reader's title, not the source: the list shows "Vestnik Kavkaza" on the matching
        # row as soon as the filter's rows come, which may be a moment before Enter opens it.
        session.wait("[2] Moscow, Tashkent")
        select_and_tag(session, 20)
        # Back on the mention: the cross-references show the other article's sentence.
        session.keys("Escape")
        session.keys("t")
        session.wait("Sergey Shoigu elsew")  # the pane title is cut short in the narrow right column at 120x40
        session.wait("Russia seizes strategic")  # once the "Saved" toast over the pane is gone
        # Follow it, and come back. From the reader, where digits are counts, pane 4 is alt+4 (the
        # terminal sends Esc 4).
        session.type("\x1b4")
        session.keys("Enter")
        session.wait("Ainur Kurmanov")
        session.keys("[")
        session.wait("[2] Moscow, Tashkent")  # back in the article the reference was followed from
        session.keys("q")
        session.stop()
        # Start again: both tags are there.
        session = Session(f"e2e{width}b", rig)
        session.start(store, width, height, term, env)
        session.wait("2 tags")
        screen = session.screen()
        assert "2 tags" in screen and "1 tag" in screen, screen
    finally:
        session.stop()


def test_the_cross_reference_flows_over_ssh_at_80x24(tmp_path: Path, rig: Path) -> None:
    """Issue #10's flows, keyboard only: the Mi-35 deal in one query, a concordance, the timeline
    from 2007 to 2021 with the treaty's two stated dates, and those two dates linked as contradicting."""
    store = tmp_path / "store"
    session = Session("e2exrefs", rig)
    try:
        session.start(store, 80, 24, "xterm-256color", [])
        session.wait("Russia seizes")
        # One query finds the four articles of the Mi-35 deal (one says only "Mi-35M").
        session.keys("s")
        session.type("Mi-35")
        session.wait("4 found")
        # Every place Shoigu is named, as a concordance (K on the last search).
        session.keys("C-u")
        session.type("Shoigu")
        session.wait("3 found")
        session.keys("Enter")
        session.keys("K")
        session.wait("Concordance: search")
        session.wait("in 3 articles")
        assert session.screen().count("Shoigu") >= 9
        session.keys("Escape")
        session.wait("[1] Documents")  # back on the main screen before typing on
        # Mark the treaty's two stated dates as passages with one label.
        for when in ("November 29th, 2016", "November 29th, 2017"):
            session.keys("s", "C-u")
            session.type(f'"{when}"')
            session.wait("1 found")
            session.keys("Enter")
            session.wait("[2] Treaty on the")
            session.keys("m")
            session.wait("Mark passage")
            session.type("treaty signed")
            session.keys("Enter", "Enter")
            session.wait("Marked passage")
        # The corpus on a timeline: 2007 to 2021, the two stated dates between.
        session.keys("Y")  # on the passage just marked: the timeline of its label
        session.wait("Timeline: label")
        session.keys("c")
        session.wait("Timeline: the corpus")
        screen = session.screen()
        for date in ("2007-05-30", "2016-11-29", "2017-11-29", "2021-04-29"):
            assert date in screen, screen
        assert screen.index("2007-05-30") < screen.index("2016-11-29") < screen.index("2021-04-29")
        session.keys("Escape")
        session.wait("[1] Documents")
        # The two passages side by side, linked as contradicting.
        session.keys("C")
        session.wait("Compare: label")
        session.keys("space", "j")
        session.wait("November 29th, 2017")
        session.keys("x")
        session.wait("Contradicts: a note")
        session.type("one source, two years")
        session.keys("Enter")
        session.wait("contradicts")
        session.keys("L")
        session.wait("one source, two years")
        session.keys("Escape", "q")
    finally:
        session.stop()

"""Drive ``dossier serve`` from a real headless browser (Debian's chromium, through Playwright).

The page draws the app on a canvas (xterm.js), which holds no text to read back. What the app
sent is read instead where the browser receives it, from the page's websocket, its escape
sequences removed: the text the terminal in the page drew. Keys are pressed on the page as a
user presses them, so they travel browser → websocket → the tab's app process.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, WebSocket

ROOT = Path(__file__).resolve().parents[1]
#: Debian's browser (``apt-get install chromium``); Playwright's own download is never used.
CHROMIUM = Path("/usr/bin/chromium")
#: CSI, OSC, DCS/PM/APC strings and two-character escapes: what a terminal obeys and does not draw.
ESCAPES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")


def missing_browser() -> str | None:
    """What this machine lacks to run the browser tests, said exactly; None when nothing is."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright Python package is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return f"chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def free_port() -> int:
    """A port nothing listens on at this moment (the kernel's choice)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    """``tui.serve.serve`` on a store, in a process of its own, as the ``dossier serve`` command runs it."""

    def __init__(self, store: Path, port: int, *, host: str = "127.0.0.1", author: str | None = None) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}/"
        code = (
            "import sys; from pathlib import Path; from tui.serve import serve; "
            "sys.exit(serve(Path(sys.argv[1]), host=sys.argv[2], port=int(sys.argv[3]), author=sys.argv[4] or None))"
        )
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("DOSSIER_AUTHOR", None)
        self.process = subprocess.Popen(
            [sys.executable, "-c", code, str(store), host, str(port), author or ""],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=store.parent,
            env=env,
        )
        self.out = ""
        self.err = ""

    def wait_listening(self, timeout: float = 20) -> None:
        """Until the port accepts connections; fails with the server's output if it ended instead."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.stop()
                pytest.fail(f"dossier serve ended (rc {self.process.returncode}): {self.out}{self.err}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        pytest.fail(f"dossier serve did not listen within {timeout} s")

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM, as a service manager stops it; the exit status (output kept in out/err)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.wait_exit(timeout)

    def wait_exit(self, timeout: float = 20) -> int:
        """Until the server has ended by itself; its exit status (output kept in out/err)."""
        try:
            self.out, self.err = self.process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.out, self.err = self.process.communicate()
            pytest.fail(f"dossier serve did not end within {timeout} s")
        return self.process.returncode


def app_processes(store: Path) -> list[int]:
    """Process ids of apps (``-m tui``) running on ``store``, read from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"tui" in argv and os.fsencode(store) in argv:
            found.append(int(entry.name))
    return found


class Tab:
    """One browser tab on the served app: keys in, the text it was sent out."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.received: list[bytes] = []
        page.on("websocket", self._listen)
        page.goto(url, wait_until="domcontentloaded")

    def _listen(self, websocket: WebSocket) -> None:
        websocket.on("framereceived", lambda frame: self.received.append(frame if isinstance(frame, bytes) else b""))

    def text(self) -> str:
        """Everything the app has drawn in this tab so far, without escape sequences."""
        return ESCAPES.sub("", b"".join(self.received).decode("utf-8", "replace"))

    def wait(self, needle: str, timeout: float = 30) -> None:
        """Until the app has drawn ``needle``; fails with the tail of what it drew."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return
            self.page.wait_for_timeout(50)
        pytest.fail(f"{needle!r} not drawn in the browser; the last it drew: {self.text()[-1500:]!r}")

    def press(self, *keys: str) -> None:
        """Press keys on the page (Playwright key names: "Enter", "Control+u", "v")."""
        self.page.locator(".xterm-helper-textarea").focus()
        for key in keys:
            self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        """Type text as a user types it, one key at a time."""
        self.page.locator(".xterm-helper-textarea").focus()
        self.page.keyboard.type(text)

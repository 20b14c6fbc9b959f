"""``dossier serve`` in a real headless browser: the page loads, the list shows the seeds, keys
reach the app, each browser user's author is the one stamped on what they tag, and the server
stops cleanly, ending the tabs' apps. Plus the promises around it, attacked: a hostile store
path runs nothing, a hostile author name is stored as text or refused, a page from another site
cannot drive the app, a taken port is a message, not a traceback.

They need Debian's chromium and the playwright package (``.ci/run`` installs chromium); without
them they are skipped with what is missing, except in CI, where that is a failure.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest

from store import Store, seed_if_empty
from tests.browser import CHROMIUM, Served, Tab, app_processes, free_port, missing_browser
from tui.serve import QUIT_GRACE, app_command, author_name

MISSING = missing_browser()
needs_browser = pytest.mark.skipif(
    MISSING is not None and os.environ.get("CI") != "true", reason=f"browser tests: {MISSING}"
)

#: A folder name a shell would act on if it were ever pasted into a command unquoted.
HOSTILE_FOLDER = 'Zoë\'s "notes" $(touch PWNED) ; touch PWNED2 `touch PWNED3`'


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """A seeded folder store whose path is shell code in disguise."""
    path = tmp_path / HOSTILE_FOLDER / "store"
    path.parent.mkdir()
    opened = Store.open(path)
    seed_if_empty(opened)
    opened.close()
    return path


@pytest.fixture
def served(store: Path) -> Iterator[Served]:
    """``serve`` on the store, on a free loopback port; stopped (if still running) afterwards."""
    server = Served(store, free_port())
    server.wait_listening()
    yield server
    server.stop()


@pytest.fixture
def browser() -> Iterator[object]:
    """Headless Debian chromium, through Playwright (never Playwright's own browser download)."""
    if MISSING is not None:
        pytest.fail(f"CI must run the browser tests: {MISSING}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


def pwned(root: Path) -> list[Path]:
    """Files the hostile names would have made, had a shell run them."""
    return [p for p in root.rglob("PWNED*")]


@needs_browser
def test_each_browser_user_tags_under_their_own_name(browser, served: Served, store: Path, tmp_path: Path) -> None:
    """Two users, one after the other, each with ``?author=``: one a non-ASCII name, one shell
    and HTML in disguise. The list shows a seed, a key opens the article, each tag is stamped
    with its user's name exactly, and nothing the names or the path hold was run."""
    zoe, mallory = "Zoë Ørsted", 'Mal $(touch PWNED4) <b>"x"</b> ; rm -rf ~'
    first = Tab(browser.new_page(viewport={"width": 1200, "height": 800}), f"{served.url}?author={quote(zoe)}")
    first.wait("Russia seizes strategic")  # the document list, with a seed title
    first.press("Enter")  # a key typed in the page reaches the app: it opens the article
    first.wait("Ainur Kurmanov")
    first.press("v", "w", "w", "e")
    first.wait("as an entity")
    first.press("Control+u")
    first.type("Sergey Shoigu")
    first.wait("new PERSON")
    first.press("Enter")
    first.wait("×1")
    first.press("q")
    first.page.wait_for_selector("body.-closed")  # the app quit; the page says the session ended

    second = Tab(browser.new_page(viewport={"width": 1000, "height": 700}), f"{served.url}?author={quote(mallory)}")
    second.wait("[1] Documents")
    second.press("Enter")
    second.wait("[2] ")
    second.press("m")
    second.wait("Mark passage")
    second.type("claim")
    second.press("Enter", "Enter")
    second.wait("Marked passage")
    second.press("q")
    second.page.wait_for_selector("body.-closed")

    assert served.stop() == 0, served.err
    opened = Store.open(store)
    try:
        authors = {(a.kind, a.author) for a in opened.annotations()}
    finally:
        opened.close()
    assert authors == {("entity", zoe), ("passage", mallory)}
    assert pwned(tmp_path) == []
    assert "Traceback" not in served.out + served.err


@needs_browser
def test_stopping_the_server_ends_the_open_tabs_apps(browser, served: Served, store: Path) -> None:
    """SIGTERM while a tab is open: the server exits 0, says so, and leaves no app running."""
    tab = Tab(browser.new_page(), served.url)
    tab.wait("Russia seizes strategic")
    assert app_processes(store), "the tab's app should be running on the store"
    assert served.stop() == 0, served.err
    assert "stopped" in served.out
    deadline = time.monotonic() + 10
    while app_processes(store) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app_processes(store) == []
    tab.page.wait_for_selector("body.-closed")
    assert "Traceback" not in served.out + served.err


@needs_browser
def test_a_tab_closed_without_quitting_ends_its_app_promptly(browser, served: Served, store: Path) -> None:
    """A user closes the browser without quitting: the tab's app ends (asked to quit, killed
    after the grace period if it would not): no app is left holding the store, and the server
    serves the next tab."""
    doomed = browser.browser_type.launch(executable_path=str(CHROMIUM))
    tab = Tab(doomed.new_page(viewport={"width": 1200, "height": 800}), served.url)
    tab.wait("Russia seizes strategic")
    tab.press("Enter")  # some output in flight as the browser goes
    doomed.close()
    deadline = time.monotonic() + QUIT_GRACE + 5
    while app_processes(store) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app_processes(store) == []
    again = Tab(browser.new_page(), served.url)
    again.wait("Russia seizes strategic")


@pytest.mark.parametrize(
    "name,why",
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\x1b[31mred\x1b[0m", "plain text"),
        ("Ann\nB", "plain text"),
        ("Ann\u202eB", "plain text"),  # a bidi override: the name would read backwards
        ("Ann\u200bB", "plain text"),  # invisible: two names that look alike
        ("A" * 81, "longer than 80"),
    ],
    ids=["empty", "spaces", "escape", "newline", "bidi", "invisible", "huge"],
)
def test_a_name_that_is_not_plain_text_is_refused_with_why(served: Served, name: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        author_name(name)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{served.url}?author={quote(name)}", timeout=10)
    assert refused.value.code == 400
    assert why in refused.value.read().decode()


def test_a_name_is_stored_as_written_however_it_looks(served: Served) -> None:
    """Shell, HTML and non-Latin names are names: the page embeds them escaped, not as markup."""
    for name in ('Mal $(touch PWNED) <script>alert(1)</script> "', "Ямада 太郎", "O'Brien"):
        assert author_name(name) == name
        page = urllib.request.urlopen(f"{served.url}?author={quote(name)}", timeout=10).read().decode()
        assert "<script>alert" not in page
        assert f"/ws/as/{quote(name, safe='')}" in page


async def _handshake(port: int, *, host: str, origin: str | None, path: str = "/ws") -> int:
    """The HTTP status a websocket handshake gets (101 when accepted), with these headers."""
    headers = {"Host": host, **({"Origin": origin} if origin else {})}
    async with aiohttp.ClientSession() as session:
        try:
            async with session.ws_connect(f"http://127.0.0.1:{port}{path}", headers=headers) as websocket:
                await websocket.close()
                return 101
        except aiohttp.WSServerHandshakeError as refused:
            return refused.status


@pytest.mark.parametrize(
    "host,origin,status",
    [
        ("127.0.0.1:{port}", "http://127.0.0.1:{port}", 101),  # the page itself
        ("localhost:{port}", "http://localhost:{port}", 101),
        ("127.0.0.1:{port}", None, 101),  # a script on this machine (no browser, no origin)
        ("127.0.0.1:{port}", "http://evil.example", 403),  # another site's page in the browser
        ("127.0.0.1:{port}", "http://127.0.0.1:{other}", 403),  # another local web app
        ("evil.example:{port}", "http://evil.example:{port}", 403),  # DNS rebinding
    ],
    ids=["same-page", "localhost", "no-origin", "other-site", "other-port", "rebinding"],
)
def test_only_the_served_page_may_drive_the_app(served: Served, host: str, origin: str | None, status: int) -> None:
    fill = {"port": served.port, "other": served.port + 1}
    got = asyncio.run(
        _handshake(served.port, host=host.format(**fill), origin=origin.format(**fill) if origin else None)
    )
    assert got == status


def test_a_taken_port_is_a_message_and_a_status_not_a_traceback(store: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        server = Served(store, port)
        assert server.wait_exit() == 2
    assert f"port {port} on 127.0.0.1 is already in use" in server.err
    assert "already in use" in server.err and "--port" in server.err
    assert "Traceback" not in server.out + server.err


def test_listening_beyond_this_machine_is_said_aloud(store: Path) -> None:
    server = Served(store, free_port(), host="0.0.0.0")
    server.wait_listening()
    assert server.stop() == 0
    assert "warning: listening on 0.0.0.0" in server.err
    assert "anyone who can reach" in server.err


def test_the_command_keeps_a_hostile_path_one_argument(tmp_path: Path) -> None:
    path = tmp_path / HOSTILE_FOLDER / "store"
    argv = shlex.split(app_command(path, schema="dossier"))
    assert argv == ["exec", sys.executable, "-m", "tui", "--store", str(path), "--schema", "dossier"]
    subprocess.run(["sh", "-c", f"true {app_command(path)[len('exec ') :]}"], cwd=tmp_path, check=True)
    assert pwned(tmp_path) == []


async def _app_environment(port: int, path: str, store: Path) -> dict[str, str]:
    """Open a tab's websocket at ``path`` (no browser), and read its app process's environment."""
    earlier = set(app_processes(store))  # a closed tab's app may still be on its way out
    async with aiohttp.ClientSession() as session, session.ws_connect(f"http://127.0.0.1:{port}{path}") as websocket:
        deadline = time.monotonic() + 20
        while not (pids := set(app_processes(store)) - earlier) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        assert pids, "no app started for the tab"
        raw = Path(f"/proc/{min(pids)}/environ").read_bytes()
        await websocket.close()
    return dict(entry.decode().split("=", 1) for entry in raw.split(b"\0") if b"=" in entry)


def test_a_tab_without_a_name_gets_the_servers_author(store: Path) -> None:
    """``serve(author=...)``: the author of tabs that name none; a tab that names one gets its own."""
    server = Served(store, free_port(), author="Default Ann")
    server.wait_listening()
    try:
        assert asyncio.run(_app_environment(server.port, "/ws", store))["DOSSIER_AUTHOR"] == "Default Ann"
        named = asyncio.run(_app_environment(server.port, f"/ws/as/{quote('Zoë/Ørsted', safe='')}", store))
        assert named["DOSSIER_AUTHOR"] == "Zoë/Ørsted"
    finally:
        assert server.stop() == 0, server.err


def test_a_hostile_name_in_the_websocket_path_is_refused_there_too(served: Served) -> None:
    """A client that skips the page and names itself in the websocket's path is checked the same."""
    for name in ("\x1b[2J", "a\nb", "x" * 200):
        path = f"/ws/as/{quote(name, safe='')}"
        host = f"127.0.0.1:{served.port}"
        assert asyncio.run(_handshake(served.port, host=host, origin=None, path=path)) == 400

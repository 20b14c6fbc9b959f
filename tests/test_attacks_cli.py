"""The command line, its settings and ``dossier serve``, attacked through the real ``dossier`` process.

Each test here broke a promise of issue #11 before its fix: a closed pipe that exited 1 ("nothing
found"), a full output device blamed on the store, a file name that is not UTF-8 ending an
import in a traceback, escape sequences in ``serve``'s own messages, a banner claiming to serve
on a port that could not be had. They run the real command in a subprocess (``python -m tui``),
on real stores on disk, and read the exit status and the raw bytes written.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store, seed_if_empty
from tests.browser import free_port
from tests.conftest import ROOT, SEEDS


def environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The user's environment with this checkout's code, and config, data and state of the test's own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOSSIER_")}
    env.update(
        PYTHONPATH=str(ROOT),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
    )
    env.update(extra)
    return env


def dossier(tmp_path: Path, *args: str | bytes, **extra: str) -> subprocess.CompletedProcess[bytes]:
    """Run ``dossier ARGS`` to the end; raw bytes out and err."""
    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
        env=environment(tmp_path, **extra),
    )


def one_line_failure(done: subprocess.CompletedProcess[bytes], *words: str, code: int = 2) -> str:
    """Assert ``done`` failed with ``code`` and one ``dossier: ...`` line naming ``words``; that line."""
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == code, (done.returncode, err)
    assert "Traceback" not in err, err
    assert err.startswith("dossier: ") and err.count("\n") == 1, err
    for word in words:
        assert word in err, err
    return err


@pytest.fixture
def seeded_store(tmp_path: Path) -> Path:
    """A closed folder store holding the five seed articles and one tag."""
    path = tmp_path / "store"
    store = Store.open(path)
    seed_if_empty(store)
    article = store.articles()[0]
    store.annotate(article.id, 0, 5, note="a tag")
    store.close()
    return path


# ------------------------------------------------------------------ standard output that fails

#: Commands that print something on standard output, each with a healthy store.
PRINTING = [
    ("list",),
    ("list", "--json"),
    ("search", "Russia"),
    ("stats",),
    ("entities", "--json"),
    ("export",),
    ("export", "-f", "csv"),
    ("store", "check"),
    ("settings", "--keys"),
    ("--help",),
    ("list", "--help"),
]


@pytest.mark.parametrize("args", PRINTING, ids=" ".join)
def test_a_reader_that_stops_reading_is_not_nothing_found(tmp_path: Path, seeded_store: Path, args) -> None:
    """Broke: ``dossier list | head -1`` exited 1, which says "nothing found" to a script.

    The reader here closes the pipe before the first byte, so every write fails. The status is
    141 (128 + SIGPIPE, what the shell reports for ``cat`` stopped the same way), quietly.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--store", str(seeded_store), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=environment(tmp_path),
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    err = process.stderr.read().decode("utf-8", "replace")
    assert process.wait(timeout=120) == 141, err
    assert err == "", err


@pytest.mark.parametrize("args", PRINTING, ids=" ".join)
def test_a_full_output_device_is_not_blamed_on_the_store(tmp_path: Path, seeded_store: Path, args) -> None:
    """Broke: ``dossier list > /dev/full`` said "dossier: the store: No space left on device"."""
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "tui", "--store", str(seeded_store), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            cwd=tmp_path,
            env=environment(tmp_path),
            timeout=120,
        )
    err = one_line_failure(done, "cannot write the output", "No space left on device")
    assert "store" not in err


def test_lines_printed_before_a_failure_still_reach_the_reader(tmp_path: Path, seeded_store: Path) -> None:
    """The guard on standard output buffers; a command that fails after printing loses no line."""
    done = dossier(tmp_path, "--store", str(seeded_store), "import", str(SEEDS), str(tmp_path / "missing.txt"))
    one_line_failure(done, "no such file or folder")
    assert done.stdout.count(b"\n") == 7  # 5 unchanged, 1 skipped, the summary
    assert b"unchanged" in done.stdout and b"missing.txt" in done.stdout


# ------------------------------------------------------------------ bytes that are not UTF-8

#: A Latin-1 name on a UTF-8 disk (``café``), and a byte that is CSI to an 8-bit terminal.
LATIN1_NAME = b"caf\xe9 \x9b2J.txt"


@pytest.fixture
def latin1_file(tmp_path: Path) -> Path:
    """A folder holding one article whose file name is not UTF-8."""
    folder = tmp_path / "incoming"
    folder.mkdir()
    name = os.fsdecode(LATIN1_NAME)
    (folder / name).write_text("Sergey Shoigu visits Tashkent\n\nTalks on air defence went on all day.\n")
    return folder / name


@pytest.mark.parametrize("kind", ["folder", "file"])
@pytest.mark.parametrize("encoding", ["", "utf-8:strict"], ids=["locale", "strict"])
def test_a_file_name_that_is_not_utf8_imports(tmp_path: Path, latin1_file: Path, kind: str, encoding: str) -> None:
    """Broke: the origin kept the name's lone surrogates, and the journal's JSON encoder raised
    (a traceback, nothing saved). ``strict`` is a user's en_US.UTF-8 locale, where Python's
    standard output refuses lone surrogates."""
    store = tmp_path / "store"
    target = latin1_file.parent if kind == "folder" else latin1_file
    for outcome in (b"imported", b"unchanged"):  # a second import finds the same origin
        done = dossier(tmp_path, "--store", str(store), "import", os.fsencode(target), PYTHONIOENCODING=encoding)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        assert outcome in done.stdout and b"Traceback" not in done.stderr
        assert b"\x9b" not in done.stdout  # the CSI byte is written as text, never as itself
    assert b"caf\\xe9" in done.stdout
    listed = dossier(tmp_path, "--store", str(store), "export", "-f", "jsonl", PYTHONIOENCODING=encoding)
    assert listed.returncode == 0 and b"caf\\\\xe9 \\\\x9b2J.txt" in listed.stdout, listed.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("search", b"Sho\xefgu"),
        ("search", b"entity:\xff"),
        ("list", b"x\xffy"),
        ("entities", b"Sho\xff"),
        ("entities", "--type", b"\xff"),
        ("show", b"\xff\xfe\xfd\xfc"),
        ("export", "--entity", b"\xff"),
        ("settings",),
    ],
    ids=lambda args: " ".join(map(str, args)),
)
def test_an_argument_that_is_not_utf8_is_searched_as_text(tmp_path: Path, seeded_store: Path, args) -> None:
    """Broke: ``dossier entities $'Sho\\xff'`` raised in the name matcher (a traceback); others
    raised printing the query back on a strict locale. Now: nothing found, said in one line."""
    store = Store.open(seeded_store)
    article = store.articles()[0]
    store.annotate(article.id, 0, 5, entity="Shoigu", entity_type="PERSON")
    store.close()
    done = dossier(tmp_path, "--store", str(seeded_store), *args, PYTHONIOENCODING="utf-8:strict")
    err = done.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err, err
    assert done.returncode == (0 if args == ("settings",) else 1), err
    assert b"\xff" not in done.stdout + done.stderr


@pytest.mark.parametrize("where", ["--author", "$DOSSIER_AUTHOR"])
def test_an_author_name_that_is_not_utf8_is_saved(tmp_path: Path, seeded_store: Path, where: str) -> None:
    """Broke: ``--author $'Jos\\xe9'`` reached the journal as a lone surrogate: a traceback, the tags lost."""
    export = tmp_path / "tags.json"
    source = dossier(tmp_path, "--store", str(seeded_store), "export", "-o", str(export))
    assert source.returncode == 0, source.stderr
    other = tmp_path / "other"
    name = b"Jos\xe9"
    if where == "--author":
        done = dossier(tmp_path, "--store", str(other), "--author", name, "import", str(export))
    else:
        done = dossier(tmp_path, "--store", str(other), "import", str(export), DOSSIER_AUTHOR=os.fsdecode(name))
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    store = Store.open(other)
    try:
        assert len(store.annotations()) == 1
        assert len(store.articles()) == 5
    finally:
        store.close()
    shown = dossier(tmp_path, "--store", str(other), "--author", name, "settings")
    assert b"author: Jos\\xe9  (from --author)" in shown.stdout, shown.stdout


# ------------------------------------------------------------------ dossier serve's own messages

#: An OSC title change and a bell: what a planted folder name or a pasted host would carry.
TITLE_ESCAPE = "\x1b]0;PWNED\x07"


def test_a_taken_port_says_one_line_and_never_claims_to_serve(tmp_path: Path, seeded_store: Path) -> None:
    """Broke: the banner ("dossier serve: ... on http://127.0.0.1:PORT/") was printed before the
    port was bound (textual-serve's on_startup), then the failure: a lie, and more than one line."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        done = dossier(tmp_path, "--store", str(seeded_store), "serve", "--port", str(port), "--host", "0.0.0.0")
    one_line_failure(done, f"port {port}", "already in use", "--port")
    assert done.stdout == b"", done.stdout


@pytest.mark.parametrize("host", [TITLE_ESCAPE, f"127.0.0.{TITLE_ESCAPE}"])
def test_a_hostile_host_reaches_the_terminal_inert(tmp_path: Path, seeded_store: Path, host: str) -> None:
    """Broke: ``--host`` was printed as given, in the warning and in the failure."""
    done = dossier(tmp_path, "--store", str(seeded_store), "serve", "--host", host, "--port", str(free_port()))
    one_line_failure(done, "cannot listen on")
    assert b"\x1b" not in done.stderr + done.stdout and b"\x07" not in done.stderr + done.stdout


def test_a_hostile_store_path_reaches_the_terminal_inert(tmp_path: Path) -> None:
    """Broke: the banner printed the store's path as it is, escape sequence and all."""
    folder = tmp_path / f"x{TITLE_ESCAPE}y"
    folder.mkdir()
    store = Store.open(folder / "store")
    seed_if_empty(store)
    store.close()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "tui", "serve", "--store", str(folder / "store"), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=environment(tmp_path),
    )
    try:
        assert server.stdout is not None
        banner = server.stdout.readline()
        assert f"127.0.0.1:{port}/".encode() in banner, banner
    finally:
        server.send_signal(signal.SIGTERM)
        out, err = server.communicate(timeout=30)
    everything = banner + out + err
    assert server.returncode == 0, err
    assert b"\x1b" not in everything and b"\x07" not in everything, everything
    assert b"\xef\xbf\xbd]0;PWNED" in banner  # shown, visibly, as U+FFFD


@pytest.mark.parametrize(
    "args,extra,message",
    [
        (("--author", ""), {}, "dossier: --author: an author's name cannot be empty\n"),
        ((), {"DOSSIER_AUTHOR": "x" * 200}, "dossier: $DOSSIER_AUTHOR: an author's name is at most 100"),
    ],
    ids=["flag", "environment"],
)
def test_a_bad_author_is_blamed_on_where_it_came_from(
    tmp_path: Path, seeded_store: Path, args: tuple[str, ...], extra: dict[str, str], message: str
) -> None:
    """Broke: every bad author was "--author: ...", "--author: --author: ..." or "--author: $DOSSIER_AUTHOR: ..."."""
    for command in (("list",), ("serve", "--port", str(free_port()))):
        done = dossier(tmp_path, "--store", str(seeded_store), *command, *args, **extra)
        err = one_line_failure(done)
        assert err.startswith(message), err


# ------------------------------------------------------------------ an empty --store


@pytest.mark.parametrize(
    "args",
    [("import", str(SEEDS)), ("list",), ("store", "check"), ("settings",), ("export",)],
    ids=" ".join,
)
@pytest.mark.parametrize("empty", ["", " "], ids=["empty", "blank"])
def test_an_empty_store_flag_is_refused_not_the_default(tmp_path: Path, args: tuple[str, ...], empty: str) -> None:
    """Broke: ``dossier --store "$UNSET" import x`` imported into the default store, silently."""
    default = tmp_path / "data" / "dossier"
    for placed in ((*args, "--store", empty), ("--store", empty, *args)):
        done = dossier(tmp_path, *placed)
        one_line_failure(done, "--store", "is empty")
    assert not default.exists(), list(default.rglob("*"))


# ------------------------------------------------------------------ settings that only the app can judge


def test_serve_refuses_keys_its_apps_would_refuse(tmp_path: Path, seeded_store: Path) -> None:
    """Broke: a [keys] id no binding has stopped ``dossier open`` with the line, but ``serve``
    started and said where to browse, and every tab's app then ended as soon as it opened."""
    settings = tmp_path / "settings.toml"
    settings.write_text('theme = "nord"\n\n[keys]\n"reader.no_such_action" = "x"\n')
    settings.chmod(0o600)
    port = str(free_port())
    for command in (("open",), ("serve", "--port", port)):
        done = dossier(tmp_path, "--store", str(seeded_store), *command, DOSSIER_SETTINGS=str(settings))
        one_line_failure(done, f"{settings}, line 4", "reader.no_such_action")
        assert done.stdout == b"", done.stdout
    # Commands that never open the app take the file: the id is the app's to judge.
    listed = dossier(tmp_path, "--store", str(seeded_store), "list", DOSSIER_SETTINGS=str(settings))
    assert listed.returncode == 0, listed.stderr

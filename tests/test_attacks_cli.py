"""The command line, its settings and ``dossier serve``, attacked through the real ``dossier`` process.

Each test here broke a promise of issue #11 before its fix: a closed pipe that exited 1 ("nothing
found"), a full output device blamed on the store, a file name that is not UTF-8 ending an
import in a traceback, escape sequences in ``serve``'s own messages, a banner claiming to serve
on a port that could not be had. They run the real command in a subprocess (``python -m tui``),
on real stores on disk, and read the exit status and the raw bytes written.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store, seed_if_empty
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

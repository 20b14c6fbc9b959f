"""The command line on hostile ground: read-only stores, odd paths, wrong-shaped files, planted names.

Every failure must be one clear ``dossier: ...`` line on stderr and a non-zero exit, never a
traceback; nothing read from the disk may reach the terminal as an escape sequence; exports are
as private as the store they come from.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import Store, seed_if_empty
from store.maintenance import share
from tests.conftest import ROOT, SEEDS

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
AS_NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def dossier(*args: str, prefix: list[str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*(prefix or []), sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        umask=0o022,
    )


def assert_clean_failure(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.startswith("dossier: ") and done.stderr.count("\n") == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


def seeded_path(path: Path) -> Path:
    store = Store.open(path)
    seed_if_empty(store)
    store.annotate(store.articles()[0].id, 0, 5, note="a tag")
    store.close()
    return path


# ------------------------------------------------------------------ 9. exports keep the store's privacy


def test_an_export_of_a_private_store_is_private(tmp_path: Path) -> None:
    path = seeded_path(tmp_path / "store")
    out = tmp_path / "out.json"
    done = dossier("export", "-o", str(out), "--store", str(path))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert b'"dossier-export"' in out.read_bytes()


def test_an_export_of_a_shared_store_is_open_to_the_group(tmp_path: Path) -> None:
    path = seeded_path(tmp_path / "store")
    share(path)
    out = tmp_path / "out.json"
    out.write_text("an older export")
    out.chmod(0o644)
    assert dossier("export", "-o", str(out), "--store", str(path)).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o660
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ------------------------------------------------------------------ 10. messages, not tracebacks


@pytest.fixture
def readonly_store() -> Iterator[Path]:
    """A store owned by root that the user ``nobody`` may read but not write."""
    if not IS_ROOT or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run as an unprivileged user")
    holder = Path(tempfile.mkdtemp(prefix="dossier-ro-"))
    try:
        holder.chmod(0o755)
        path = seeded_path(holder / "store")
        store = Store.open(path)
        store.annotate(store.articles()[1].id, 0, 5, note="pending")
        del store  # a journal with a change: closing would want to compact
        for item in [path, *path.rglob("*")]:
            item.chmod(0o755 if item.is_dir() else 0o644)
        yield path
    finally:
        shutil.rmtree(holder)


def test_a_read_only_store_can_be_checked_and_exported(readonly_store: Path) -> None:
    checked = dossier("store", "check", "--store", str(readonly_store), prefix=AS_NOBODY)
    assert checked.returncode == 0 and "2 annotations" in checked.stdout, checked.stderr
    exported = dossier("export", "--store", str(readonly_store), prefix=AS_NOBODY)
    assert exported.returncode == 0, exported.stderr
    assert '"dossier-export"' in exported.stdout and "Traceback" not in exported.stderr


def test_a_read_only_store_refuses_imports_with_a_message(readonly_store: Path) -> None:
    new = readonly_store.parent / "new.txt"
    new.write_text("A new article\n\nNothing in the store says this yet.\n")
    new.chmod(0o644)
    done = dossier("import", str(new), "--store", str(readonly_store), prefix=AS_NOBODY)
    assert_clean_failure(done, "Permission denied")
    restored = dossier("store", "restore", "--force", "--store", str(readonly_store), prefix=AS_NOBODY)
    assert_clean_failure(restored, "Permission denied")


@pytest.mark.parametrize(
    "args", [("import", str(SEEDS)), ("export",), ("store", "check"), ("store", "compact"), ("store", "backups")]
)
def test_a_store_path_that_is_a_file_gives_a_message(tmp_path: Path, args: tuple[str, ...]) -> None:
    not_a_folder = tmp_path / "store"
    not_a_folder.write_text("I am a file")
    done = dossier(*args, "--store", str(not_a_folder))
    assert_clean_failure(done, str(not_a_folder))
    assert not_a_folder.read_text() == "I am a file"


WRONG_SHAPES = {
    "doc id not a number": ("articles.json", b'{"articles": {"x": {"id": "a1", "text": "t"}}}'),
    "schema version not a number": ("articles.json", b'{"_meta": {"1": {"schema_version": true}}}'),
    "journal id not a string": ("annotations.json", b'{"_meta": {"1": {"schema_version": 2, "journal_id": 5}}}'),
    "journal change not a triple": ("annotations.journal", b'{"journal_id": "j"}\n[["annotations", "1"]]\n'),
    "journal header id not a string": ("annotations.journal", b'{"journal_id": 7}\n'),
    "journal change of a bad document": ("annotations.journal", b'{"journal_id": "j"}\n[["annotations", "1", 5]]\n'),
}


@pytest.mark.parametrize("shape", list(WRONG_SHAPES))
@pytest.mark.parametrize("command", [("export",), ("import", str(SEEDS)), ("store", "check")])
def test_valid_json_of_the_wrong_shape_gives_a_message(tmp_path: Path, shape: str, command: tuple[str, ...]) -> None:
    path = tmp_path / "store"
    path.mkdir(mode=0o700)
    name, content = WRONG_SHAPES[shape]
    (path / name).write_bytes(content)
    if name == "annotations.journal":
        (path / "annotations.json").write_bytes(b'{"_meta": {"1": {"schema_version": 2, "journal_id": "j"}}}')
    done = dossier(*command, "--store", str(path))
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert name in done.stdout + done.stderr
    assert (path / name).read_bytes() == content


def test_planted_backup_names_do_not_reach_the_terminal_raw(tmp_path: Path) -> None:
    path = seeded_path(tmp_path / "store")
    [newest, *_] = sorted((path / "backups").glob("annotations.*.json"), key=lambda p: p.stat().st_mtime_ns)[::-1]
    planted = path / "backups" / "annotations.\x1b]0;pwned\x07\x1b[2J.json"
    shutil.copy2(newest, planted)
    os.utime(planted, ns=(newest.stat().st_atime_ns, newest.stat().st_mtime_ns + 10**9))
    listed = dossier("store", "backups", "--store", str(path))
    restored = dossier("store", "restore", "--force", "--store", str(path))
    assert listed.returncode == 0 and restored.returncode == 0, restored.stderr
    assert "pwned" in listed.stdout and "pwned" in restored.stdout
    for output in (listed.stdout, listed.stderr, restored.stdout, restored.stderr):
        assert "\x1b" not in output and "\x07" not in output

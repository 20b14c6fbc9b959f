"""A shared store, two real Unix users: a group member must not be able to use it against another.

Mallory (uid 60002) and Alice (uid 60001) are both in the store's group (gid 60000). Mallory
plants symbolic links where Alice's Dossier will write; Alice then works as usual. Her files
outside the store must be untouched, and she gets a message naming the link, not a traceback.
Needs root (to act as two users with ``setpriv``); skipped with the reason elsewhere.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS

GROUP, ALICE, MALLORY = 60000, 60001, 60002

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or shutil.which("setpriv") is None,
    reason="acting as two Unix users needs root and setpriv",
)


def as_user(uid: int, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m tui ARGS`` as ``uid`` in the store's group (no other groups)."""
    command = [
        "setpriv",
        f"--reuid={uid}",
        f"--regid={GROUP}",
        f"--groups={GROUP}",
        sys.executable,
        "-m",
        "tui",
        *args,
    ]
    env = {**os.environ, "HOME": "/nonexistent", "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)


@pytest.fixture
def place() -> Iterator[Path]:
    """A folder both users can reach (pytest's own tmp folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="dossier-team-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def shared(place: Path) -> tuple[Path, Path]:
    """A shared store made by Alice, and Alice's private file that Mallory wants to overwrite."""
    tmp_path = place
    team = tmp_path / "team"
    team.mkdir(mode=0o2770)
    os.chown(team, 0, GROUP)
    team.chmod(0o2770)
    home = tmp_path / "alice"
    home.mkdir(mode=0o700)
    os.chown(home, ALICE, GROUP)
    secret = home / ".bashrc"
    secret.write_text("alice's shell settings\n")
    os.chown(secret, ALICE, GROUP)
    secret.chmod(0o600)
    # Alice's copy of the seeds, readable by her.
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    for path in [articles, *articles.iterdir()]:
        path.chmod(0o755 if path.is_dir() else 0o644)
    store = team / "store"
    done = as_user(ALICE, "import", str(articles), "--store", str(store))
    assert done.returncode == 0, done.stderr
    done = as_user(ALICE, "store", "share", "--store", str(store))
    assert done.returncode == 0, done.stderr
    return store, secret


def _untouched(secret: Path) -> None:
    assert secret.read_text() == "alice's shell settings\n"
    assert secret.stat().st_mode & 0o777 == 0o600 and secret.stat().st_uid == ALICE


def _mallory_replaces(store: Path, name: str, target: Path) -> None:
    """Mallory (a group member) swaps a store file or folder for a link to Alice's file."""
    code = (
        "import os, shutil, sys\n"
        "path, target = sys.argv[1], sys.argv[2]\n"
        "shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.remove(path)\n"
        "os.symlink(target, path)\n"
    )
    command = ["setpriv", f"--reuid={MALLORY}", f"--regid={GROUP}", f"--groups={GROUP}", sys.executable, "-c", code]
    done = subprocess.run([*command, str(store / name), str(target)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name", ["annotations.journal", "annotations.json", "articles.json", "backups"])
def test_a_planted_link_never_reaches_a_members_files(shared: tuple[Path, Path], name: str) -> None:
    store, secret = shared
    (store / "backups").exists() or (store / "backups").mkdir()
    _mallory_replaces(store, name, secret.parent if name == "backups" else secret)
    done = as_user(ALICE, "import", str(SEEDS), "--store", str(store))
    _untouched(secret)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert name in done.stderr and "link" in done.stderr, done.stderr
    assert not any(p.name.startswith("annotations.") for p in secret.parent.iterdir())  # no backup written there


def test_sharing_again_never_opens_a_members_file_to_the_group(shared: tuple[Path, Path]) -> None:
    store, secret = shared
    planted = store / "backups" / "annotations.20991231T000000.000000000.1.json"
    code = f"import os; os.symlink({str(secret)!r}, {str(planted)!r})"
    subprocess.run(
        ["setpriv", f"--reuid={MALLORY}", f"--regid={GROUP}", f"--groups={GROUP}", sys.executable, "-c", code],
        check=True,
    )
    done = as_user(ALICE, "store", "share", "--store", str(store))
    _untouched(secret)
    assert "Traceback" not in done.stderr, done.stderr

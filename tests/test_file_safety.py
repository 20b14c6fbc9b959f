"""Attacks on the files of a store: planted symlinks, predictable names, leftovers of kills.

A store may be shared with a Unix group; any member can create names in its directory. Each
test plants what such a member could plant and checks that the victim's process never writes,
deletes, chmods or reads through it.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store, StoreFileError
from store.journal import Journal, new_journal_id
from store.maintenance import share
from store.storage import atomic_write, is_temp_name
from tests.conftest import ROOT, seeded_path


def victim_file(tmp_path: Path, name: str = "bashrc") -> tuple[Path, bytes]:
    """A file outside the store that an attacker would like overwritten (another user's)."""
    home = tmp_path / "victim-home"
    home.mkdir(exist_ok=True)
    target = home / name
    content = b"# the victim's own file\nexport PATH=$HOME/bin:$PATH\n"
    target.write_bytes(content)
    target.chmod(0o600)
    return target, content


# ------------------------------------------------------------------ 1. temp files and the journal


def test_atomic_write_does_not_follow_a_planted_temp_name(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    target, content = victim_file(tmp_path)
    # Every name the old code could have picked for this process, and a few pids around it.
    for pid in range(os.getpid() - 5, os.getpid() + 5):
        for name in ("articles.json", "annotations.json", "annotations.journal", "articles.journal"):
            (path / f".{name}.{pid}.tmp").symlink_to(target)
    store = Store.open(path)
    store.annotate(store.articles()[0].id, 0, 5, note="a save")
    store.close()  # compaction: snapshots and journals are rewritten through temp files
    assert target.read_bytes() == content
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert len(Store.open(path).annotations()) == 1


def test_atomic_write_temp_names_are_unpredictable_and_exclusive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[str, int]] = []
    real_open = os.open

    def spy(file: str | os.PathLike[str], flags: int, *args: object, **kwargs: object) -> int:
        opened.append((os.fspath(file), flags))
        return real_open(file, flags, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "open", spy)
    for _ in range(2):
        atomic_write(tmp_path / "file.json", b"{}", 0o640)
    temps = [(name, flags) for name, flags in opened if name.endswith(".tmp")]
    assert len(temps) == 2 and temps[0][0] != temps[1][0]
    for name, flags in temps:
        assert flags & os.O_EXCL and flags & os.O_NOFOLLOW and flags & os.O_CREAT, name
        assert is_temp_name(Path(name).name)
    assert stat.S_IMODE((tmp_path / "file.json").stat().st_mode) == 0o640


def test_journal_append_does_not_follow_a_symlink(tmp_path: Path) -> None:
    target, content = victim_file(tmp_path)
    journal = Journal(tmp_path / "annotations.journal")
    journal.start(new_journal_id())
    journal.append([("annotations", "1", {"id": "a1"})])
    journal.path.unlink()
    journal.path.symlink_to(target)  # planted between two saves of the same process
    with pytest.raises(StoreFileError, match="symbolic link"):
        journal.append([("annotations", "2", {"id": "a2"})])
    assert target.read_bytes() == content
    with pytest.raises(StoreFileError, match="symbolic link"):
        journal.read_all()


# ------------------------------------------------------------------ 2. symlinked store files


@pytest.mark.parametrize(
    "name", ["articles.json", "annotations.json", "articles.journal", "annotations.journal", ".lock", "backups"]
)
def test_a_store_with_a_symlinked_file_is_refused(tmp_path: Path, name: str) -> None:
    path = seeded_path(tmp_path)
    planted = path / name
    if name == "backups":
        elsewhere = tmp_path / "attacker-folder"
        elsewhere.mkdir()
        (elsewhere / "precious.txt").write_text("keep me")
        for old in (path / "backups").iterdir():
            old.unlink()
        (path / "backups").rmdir()
        planted.symlink_to(elsewhere, target_is_directory=True)
        before = sorted(p.name for p in elsewhere.iterdir())
    else:
        target, content = victim_file(tmp_path)
        if planted.exists():
            target.write_bytes(planted.read_bytes())
            content = target.read_bytes()
            planted.unlink()
        planted.symlink_to(target)
    with pytest.raises(StoreFileError) as raised:
        store = Store.open(path)
        store.annotate(store.articles()[0].id, 0, 5, note="a save")
        store.close()
    assert name in str(raised.value) and "symbolic link" in str(raised.value)
    if name == "backups":
        assert sorted(p.name for p in elsewhere.iterdir()) == before
    else:
        assert target.read_bytes() == content


def test_a_symlink_among_the_backups_is_refused(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    target, content = victim_file(tmp_path)
    (path / "backups" / "annotations.20000101T000000.000000000.1.json").symlink_to(target)
    with pytest.raises(StoreFileError, match="symbolic link"):
        Store.open(path)
    assert target.read_bytes() == content


# ------------------------------------------------------------------ 3. share never chmods through a link


def test_share_does_not_chmod_through_symlinks(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    key, _ = victim_file(tmp_path, "id_ed25519")
    secrets = tmp_path / "victim-secrets"
    secrets.mkdir(mode=0o700)
    (path / "backups" / "key.json").symlink_to(key)
    (path / "backups" / "folder").symlink_to(secrets, target_is_directory=True)
    lines = share(path)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    assert any("key.json" in line and "symbolic link" in line for line in lines)
    assert stat.S_IMODE((path / "articles.json").stat().st_mode) == 0o660
    assert stat.S_IMODE((path / "backups").stat().st_mode) == 0o2770


# ------------------------------------------------------------------ 4. leftovers of killed compactions


def test_temp_files_of_killed_compactions_are_removed(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    target, content = victim_file(tmp_path)
    leftovers = [
        path / ".articles.json.4242.tmp",  # the old naming
        path / ".annotations.journal.0123456789abcdef.tmp",
        path / "backups" / ".annotations.20240101T000000.000000001.77.json.fedcba9876543210.tmp",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"x" * 100_000)
    link = path / ".annotations.json.aaaaaaaaaaaaaaaa.tmp"
    link.symlink_to(target)
    unrelated = [path / "notes.txt", path / ".articles.json.tmp.keep", path / "backups" / "mine.tmp"]
    for other in unrelated:
        other.write_text("not ours")
    store = Store.open(path)
    store.annotate(store.articles()[0].id, 0, 5, note="a save")
    store.close()
    assert not [p for p in leftovers if p.exists()]
    assert not os.path.lexists(link) and target.read_bytes() == content
    assert all(p.read_text() == "not ours" for p in unrelated)


def test_kills_during_compaction_leave_no_growing_pile_of_temp_files(tmp_path: Path) -> None:
    path = seeded_path(tmp_path)
    code = (
        f"import sys, os; sys.path.insert(0, {str(ROOT)!r})\n"
        "from store import Store\n"
        f"st = Store.open({str(path)!r})\n"
        "st.annotate(st.articles()[0].id, 0, 5, note='x')\n"
        "os.replace = lambda *a, **k: os._exit(9)\n"
        "st.close()\n"
    )
    for _ in range(5):
        subprocess.run([sys.executable, "-c", code], check=False, timeout=60)
    temps = [p for p in path.rglob("*") if is_temp_name(p.name)]
    assert temps, "the kills should have left temp files behind"
    store = Store.open(path)
    store.close()
    assert not [p for p in path.rglob("*") if is_temp_name(p.name)]
    assert len(Store.open(path).annotations()) == 5

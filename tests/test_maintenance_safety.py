"""`store restore` and `store check` on hostile ground: full disks, no inodes, read-only stores.

Restore must be atomic (the live files are as before if anything fails), keep the store's
permissions, and never overwrite what an earlier restore set aside. Check must never write.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import Store, StoreFileError, seed_if_empty
from store.maintenance import check, restore, share
from tests.conftest import ROOT

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
NOBODY = 65534
AS_NOBODY = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def make_store(path: Path) -> Path:
    store = Store.open(path)
    seed_if_empty(store)
    store.annotate(store.articles()[0].id, 0, 5, note="first")
    store.close()
    store = Store.open(path)
    store.annotate(store.articles()[1].id, 0, 5, note="second")
    store.close()
    return path


def live_bytes(path: Path) -> dict[str, bytes | None]:
    names = ("articles.json", "annotations.json", "articles.journal", "annotations.journal")
    return {name: (path / name).read_bytes() if (path / name).exists() else None for name in names}


@pytest.fixture
def small_disk() -> Iterator[Path]:
    """A 3 MB tmpfs with at most 200 inodes: a disk that can really fill up."""
    if not IS_ROOT or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mount_point = Path(tempfile.mkdtemp(prefix="dossier-small-disk-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m,nr_inodes=200", "tmpfs", str(mount_point)], capture_output=True
    )
    if done.returncode != 0:
        mount_point.rmdir()
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)
        mount_point.rmdir()


def fill_blocks(disk: Path) -> None:
    """Use every free block of ``disk``."""
    fd = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def fill_inodes(disk: Path) -> None:
    """Use every free inode of ``disk``."""
    folder = disk / "inodes"
    folder.mkdir()
    for i in range(100_000):
        try:
            (folder / str(i)).touch()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
            return
    raise AssertionError("the disk never ran out of inodes")


@pytest.mark.parametrize("fill", [fill_blocks, fill_inodes])
def test_restore_on_a_full_disk_leaves_the_live_files_as_they_were(small_disk: Path, fill: object) -> None:
    path = make_store(small_disk / "store")
    before = live_bytes(path)
    fill(small_disk)  # type: ignore[operator]
    lines = restore(path, force=True)
    assert live_bytes(path) == before, lines
    assert all("could not restore" in line for line in lines), lines
    assert not [p for p in path.rglob("*.tmp")]
    assert [h.problem for h in check(path)] == [None, None]
    assert len(Store.open(path).annotations()) == 2


def test_restore_with_a_fault_at_any_step_leaves_files_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("link", "replace", "fsync", "unlink", "mkdir"):
        for nth in range(1, 6):
            path = make_store(tmp_path / f"{name}{nth}")
            (path / "annotations.json").write_bytes(b"{damaged")
            before = live_bytes(path)
            real = getattr(os, name)
            seen = [0]

            def faulty(
                *args: object, _real: object = real, _seen: list[int] = seen, _nth: int = nth, **kwargs: object
            ) -> object:
                _seen[0] += 1
                if _seen[0] == _nth:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                return _real(*args, **kwargs)  # type: ignore[operator]

            monkeypatch.setattr(os, name, faulty)
            try:
                restore(path)
            except OSError:
                pass
            finally:
                monkeypatch.setattr(os, name, real)
            after = live_bytes(path)
            restored = after["annotations.json"] != before["annotations.json"]
            if restored:  # done completely: the file loads and holds both saves
                assert check(path)[1].problem is None, (name, nth)
                assert len(Store.open(path).annotations()) == 2, (name, nth)
            else:  # not done at all
                assert after == before, (name, nth)


def test_restore_keeps_a_shared_store_open_to_its_group(tmp_path: Path) -> None:
    path = make_store(tmp_path / "store")
    share(path)
    (path / "annotations.json").write_bytes(b"{damaged")
    assert "restored" in restore(path)[1]
    for item in [path / "annotations.json", *path.rglob("replaced-*")]:
        expected = 0o2770 if item.is_dir() else 0o660
        assert stat.S_IMODE(item.stat().st_mode) == expected, item


def test_two_restores_in_one_second_keep_both_sets_aside(tmp_path: Path) -> None:
    path = make_store(tmp_path / "store")
    store = Store.open(path)
    store.annotate(store.articles()[2].id, 0, 5, note="only in the journal")
    del store
    journal = (path / "annotations.journal").read_bytes()
    restore(path, force=True)
    restore(path, force=True)
    asides = sorted((path / "backups").glob("replaced-*annotations*"))
    assert len(asides) == 2
    kept = [p.read_bytes() for p in (path / "backups").glob("replaced-*/annotations.journal")]
    assert journal in kept


# ------------------------------------------------------------------ 6. check never writes


def tree(path: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry of a store with its inode, size and modification time."""
    entries = {}
    for item in path.rglob("*"):
        status = item.lstat()
        entries[str(item.relative_to(path))] = (status.st_ino, status.st_size, status.st_mtime_ns)
    return entries


def test_check_writes_nothing(tmp_path: Path) -> None:
    path = make_store(tmp_path / "store")
    store = Store.open(path)
    store.annotate(store.articles()[2].id, 0, 5, note="pending in the journal")
    del store
    (path / ".annotations.json.0123456789abcdef.tmp").write_bytes(b"left by a kill")
    before = tree(path)
    done = subprocess.run(
        [sys.executable, "-m", "tui", "store", "check", "--store", str(path)], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    assert "5 articles, 3 annotations" in done.stdout
    assert tree(path) == before


@pytest.mark.skipif(not IS_ROOT or shutil.which("setpriv") is None, reason="needs root and setpriv to become nobody")
def test_check_works_on_a_store_the_user_cannot_write(tmp_path: Path) -> None:
    holder = Path(tempfile.mkdtemp(prefix="dossier-readonly-"))
    try:
        holder.chmod(0o755)
        path = make_store(holder / "store")
        store = Store.open(path)
        store.annotate(store.articles()[2].id, 0, 5, note="pending in the journal")
        del store
        for item in [path, *path.rglob("*")]:
            item.chmod(0o755 if item.is_dir() else 0o644)
        before = tree(path)
        done = subprocess.run(
            [*AS_NOBODY, sys.executable, "-m", "tui", "store", "check", "--store", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr
        assert "articles: ok" in done.stdout and "5 articles, 3 annotations" in done.stdout
        assert "Traceback" not in done.stderr
        assert tree(path) == before
    finally:
        shutil.rmtree(holder)


def test_a_missing_snapshot_with_backups_is_reported_not_an_empty_store(tmp_path: Path) -> None:
    path = make_store(tmp_path / "store")
    (path / "articles.json").unlink()  # as an interrupted restore of the old code left it
    [articles, annotations] = check(path)
    assert articles.problem and "missing" in articles.problem and annotations.problem is None
    with pytest.raises(StoreFileError, match=r"articles\.json: missing"):
        Store.open(path)
    assert "restored" in restore(path)[0]
    assert len(Store.open(path).articles()) == 5

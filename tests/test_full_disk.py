"""A full disk: a save either happens and is reported, or fails, is reported, and changes nothing.

Memory and disk must never disagree. Faults are injected at the exact system call (ENOSPC from
``os.write``), and a real tmpfs is filled to the last byte where the machine lets us mount one.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from store import SaveError, Store, seed_if_empty
from store import journal as journal_module
from store import store_file as store_file_module
from store.export import export_data
from tests.conftest import article_with, span_of


def _seeded(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


class _FailingWrites:
    """``os.write`` that fails with ENOSPC while armed (after ``after`` successful calls)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, module: object, after: int = 0) -> None:
        self.real = os.write
        self.left = after
        self.armed = True
        monkeypatch.setattr(module, "os", _OsProxy(self))

    def write(self, fd: int, data: bytes) -> int:
        if self.armed:
            if self.left <= 0:
                # Like a real full disk: part of the line may land before the error.
                self.real(fd, bytes(data)[: max(len(data) // 2, 1)])
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self.left -= 1
        return self.real(fd, data)


class _OsProxy:
    def __init__(self, owner: _FailingWrites) -> None:
        self._owner = owner

    def __getattr__(self, name: str) -> object:
        return self._owner.write if name == "write" else getattr(os, name)


def test_a_failed_save_leaves_memory_as_it_was_and_is_never_written_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store"
    store = _seeded(path)
    article = article_with(store, "Sergei Shoigu")
    store.annotate(article.id, 0, 5, note="before")  # the journal exists and is current
    fault = _FailingWrites(monkeypatch, journal_module)
    with pytest.raises(SaveError, match="disk is full"):
        store.annotate(article.id, *span_of(article, "Sergei Shoigu"), note="lost")
    assert [a.note for a in store.annotations(article.id)] == ["before"]  # memory agrees with disk
    fault.armed = False
    kept = store.annotate(article.id, 10, 15, note="after")
    store.close()
    reopened = Store.open(path)
    notes = sorted(a.note for a in reopened.annotations(article.id))
    assert "lost" not in notes and kept.id in {a.id for a in reopened.annotations()}
    reopened.close()


def test_a_retried_edit_is_saved_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store"
    store = _seeded(path)
    article = store.articles()[0]
    tag = store.annotate(article.id, 0, 5, note="one")
    fault = _FailingWrites(monkeypatch, journal_module)
    with pytest.raises(SaveError):
        store.update_annotation(tag.id, note="two")
    assert store.annotation(tag.id).note == "one"
    fault.armed = False
    store.update_annotation(tag.id, note="two")  # the same edit again: saved and reported
    store.close()
    assert Store.open(path).annotation(tag.id).note == "two"


def test_a_changeset_across_both_files_is_all_or_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = _seeded(tmp_path / "source")
    article = source.articles()[0]
    source.annotate(article.id, 0, 5, entity="Somebody", entity_type="PERSON")
    data = export_data(source)
    data["articles"][0]["id"] = "new-article"
    data["articles"][0]["text"] += " More text."
    for annotation in data["annotations"]:
        annotation["article_id"], annotation["id"] = "new-article", "new-" + annotation["id"]
    path = tmp_path / "store"
    store = _seeded(path)
    store.annotate(store.articles()[0].id, 0, 4, note="makes both journals current")
    store.set_metadata(store.articles()[0].id, title="Both journals current")
    fault = _FailingWrites(monkeypatch, journal_module, after=1)  # the articles line lands, then ENOSPC
    with pytest.raises(SaveError):
        store.merge_export(data)
    fault.armed = False
    assert "new-article" not in {a.id for a in store.articles()}
    store.close()
    reopened = Store.open(path)
    assert "new-article" not in {a.id for a in reopened.articles()}
    assert not any(a.id.startswith("new-") for a in reopened.annotations())
    reopened.close()


def test_a_failed_compaction_after_a_save_still_reports_the_save(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save is in the journal; a compaction that fails afterwards must not make it look lost."""
    path = tmp_path / "store"
    store = _seeded(path)
    article = store.articles()[0]
    store.annotate(article.id, 0, 5, note="first")
    monkeypatch.setattr(store_file_module, "COMPACT_AFTER_ENTRIES", 1)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_file_module, "atomic_write", full)
    saved = store.annotate(article.id, 10, 15, note="second")  # no exception: it is saved
    assert store.backend.compaction_error is not None
    monkeypatch.undo()
    store.close()
    assert saved.id in {a.id for a in Store.open(path).annotations()}


# ---------------------------------------------------------------------- a real full disk


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root can mount one; elsewhere the test is skipped)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as handle:
        for size in (65536, 4096, 512, 64, 1):
            try:
                while True:
                    handle.write(b"\0" * size)
            except OSError:
                pass
    return filler


def test_a_disk_that_fills_mid_session(small_disk: Path) -> None:
    path = small_disk / "store"
    store = _seeded(path)
    article = store.articles()[0]
    acknowledged = [store.annotate(article.id, i, i + 3, note=f"saved {i}").id for i in range(5)]
    filler = _fill(small_disk)
    failures = 0
    for i in range(5, 40):
        try:
            acknowledged.append(store.annotate(article.id, i, i + 3, note="x" * 2000).id)
        except SaveError as exc:
            assert "disk is full" in str(exc)
            failures += 1
    assert failures > 0
    in_memory = {a.id for a in store.annotations()}
    assert in_memory == set(acknowledged)  # memory holds exactly what was saved
    filler.unlink()
    acknowledged.append(store.annotate(article.id, 50, 55, note="room again").id)
    store.close()
    reopened = Store.open(path)
    assert {a.id for a in reopened.annotations()} == set(acknowledged)
    reopened.close()
    # The journal holds no torn or taken-back line in the middle.
    for line in (path / "annotations.journal").read_bytes().splitlines():
        orjson.loads(line)


def test_an_import_that_fills_the_disk_says_so_in_one_line(small_disk: Path, tmp_path: Path) -> None:
    """It ended in a raw ENOSPC traceback; now one line, exit 2, and what was saved stays."""
    import sys

    from tests.conftest import ROOT

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    words = "The delegation discussed military cooperation and the treaty signed in Tashkent. "
    for i in range(1500):
        (corpus / f"article{i:04}.txt").write_text(f"Article {i}\n\n" + words * 25 + f"Number {i}.\n")
    path = small_disk / "store"
    done = subprocess.run(
        [sys.executable, "-m", "tui", "import", str(corpus), "--store", str(path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2, (done.stdout[-500:], done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.startswith("dossier: "), done.stderr
    assert "disk is full" in done.stderr and done.stderr.count("\n") == 1, done.stderr
    store = Store.open(path)  # opens: the batches saved before the disk filled are there, whole
    assert 0 < len(store) < 1500 and len(store) % 500 == 0
    store.close()


def test_a_full_disk_loses_no_reading_mark_already_kept(small_disk: Path) -> None:
    """The analyst's own marks on a disk that fills: the new mark is refused, the kept ones stay."""
    from store.reading_state import ReadingState

    state = ReadingState("store", small_disk / "reading")
    for n in range(20):
        state.mark_read(f"a{n}")
    kept = state.path.read_bytes()
    _fill(small_disk)
    with pytest.raises(OSError):
        for n in range(20, 400):  # each write needs a new file of the whole state: one must fail
            state.add_bookmark(f"a{n}", n, "x" * 200)
    assert ReadingState("store", small_disk / "reading").read_ids() >= {f"a{n}" for n in range(20)}
    assert json.loads(state.path.read_text())["read"][:20] == json.loads(kept)["read"]  # whole, never torn
    assert not list((small_disk / "reading").glob(".*.tmp"))  # no temporary file left behind

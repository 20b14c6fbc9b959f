"""Large imports read and clean files in worker processes: same results, in order, never stuck."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from store import Store
from store import workers as worker_module
from store.workers import MIN_ITEMS, parallel_map
from tests import worker_probe
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(worker_module.worker_count() == 0, reason="one core: no workers are started")


def test_results_come_back_in_order_from_other_processes() -> None:
    numbers = list(range(MIN_ITEMS + 333))
    results = list(parallel_map(worker_probe.square_in, numbers, [os.getpid()] * len(numbers)))
    assert [square for square, _ in results] == [n * n for n in numbers]
    assert all(elsewhere for _, elsewhere in results)


def test_small_work_stays_in_this_process() -> None:
    numbers = list(range(10))
    assert not any(elsewhere for _, elsewhere in parallel_map(worker_probe.square_in, numbers, [os.getpid()] * 10))


def test_a_worker_that_dies_loses_nothing() -> None:
    numbers = list(range(MIN_ITEMS + 600))
    assert list(parallel_map(worker_probe.die_in_worker, numbers, [os.getpid()] * len(numbers))) == [
        n * n for n in numbers
    ]


def test_stopping_early_stops_the_workers() -> None:
    numbers = list(range(MIN_ITEMS * 20))
    before = _children()  # other helpers of this process (the suggestions' one) are not workers
    results = parallel_map(worker_probe.square_in, numbers, [os.getpid()] * len(numbers))
    next(results)
    children = _children() - before
    assert children, "no worker was started"
    results.close()
    assert not (_children() & children)


def _children() -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid():
                found.add(int(entry.name))
    return found


def _articles(folder: Path, count: int) -> Path:
    folder.mkdir()
    for number in range(count):
        (folder / f"{number:04}.txt").write_text(
            f"Article number {number}\n\nThe minister said on Tuesday that talk {number} went well.\n"
        )
    return folder


def test_a_large_import_is_the_same_as_one_read_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _articles(tmp_path / "articles", MIN_ITEMS + 50)
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    parallel = Store.open(tmp_path / "parallel")
    report = parallel.import_paths([folder])
    monkeypatch.setattr(worker_module, "MIN_ITEMS", 10**9)
    here = Store.open(tmp_path / "here")
    expected = here.import_paths([folder])
    assert report.added == expected.added and report.skipped == expected.skipped
    assert [a.title for a in parallel.articles()] == [a.title for a in here.articles()]
    assert len(report.added) == MIN_ITEMS + 50 and len(report.skipped) == 1


def test_a_script_without_a_main_guard_runs_once(tmp_path: Path) -> None:
    """Workers must not run the caller's script again (multiprocessing's spawn would)."""
    folder = _articles(tmp_path / "articles", MIN_ITEMS + 10)
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            f"""
            from store import Store
            print("script ran")
            report = Store.open({str(tmp_path / "store")!r}).import_paths([{str(folder)!r}])
            print(len(report.added), "added")
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["script ran", f"{MIN_ITEMS + 10} added"]
    assert done.stderr == ""

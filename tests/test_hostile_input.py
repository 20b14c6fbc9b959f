"""Hostile input at the edges of import: files that are not files, files that never end,
encodings that lie, and export files whose ids carry terminal escape codes.

Each test tries to break a promise of the README's Safety section; none reads more than it
must to prove the point.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import store.decoding as decoding
from store.ingest import SkippedFile, parse_file
from store.sanitize import neutralize

OSC52 = "\x1b]52;c;cm0gLXJmIH4K\x07"  # "set the clipboard" (here to `rm -rf ~`)
CLEAR = "\x1b[2J"


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[bytes]:
    """The real ``dossier`` command in a child process; output kept as raw bytes."""
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, timeout=timeout)


def hostile_export(path: Path) -> tuple[str, str]:
    """Write a Dossier export whose article ids and origins carry escape codes; return the ids."""
    first, second = f"id{OSC52}one", f"id{CLEAR}two"
    data = {
        "format": "dossier-export",
        "version": 1,
        "articles": [
            {"id": first, "text": "The first article text.", "origin": f"/tmp/{CLEAR}a.txt", "title": "One"},
            {"id": second, "text": "The second article text.", "origin": f"/tmp/{OSC52}b.txt", "title": "Two"},
        ],
        "entities": [],
        "annotations": [],
    }
    path.write_text(json.dumps(data))
    return first, second


def test_import_of_an_export_prints_ids_and_origins_neutralised(tmp_path: Path) -> None:
    export = tmp_path / f"evil{CLEAR}.json"
    first, second = hostile_export(export)
    store = str(tmp_path / "store")
    added = run_cli("import", str(export), "--store", store)
    assert added.returncode == 0, added.stderr
    again = run_cli("import", str(export), "--store", store)  # now "unchanged" lines
    data = json.loads(export.read_text())
    data["articles"][0]["text"] = "Other text under the same id."
    export.write_text(json.dumps(data))
    conflict = run_cli("import", str(export), "--store", store)  # now a "skipped" line
    for result in (added, again, conflict):
        assert b"\x1b" not in result.stdout + result.stderr
        assert b"\x07" not in result.stdout + result.stderr
    assert f"[{neutralize(first)}]".encode() in added.stdout
    assert f"[{neutralize(second)}]".encode() in added.stdout
    assert f"[{neutralize(second)}]".encode() in again.stdout
    assert f"#{neutralize(first)}: an article with this id".encode() in conflict.stdout
    assert b"2 added" in added.stdout and b"2 unchanged" in again.stdout and b"1 skipped" in conflict.stdout


# ---------------------------------------------------------------- files too large to read

#: Runs a real import (the CLI's entry point) in a fresh interpreter and reports its peak memory.
_IMPORT_AND_MEASURE = """
import resource, sys
from tui.cli import main
code = main(["import", *sys.argv[2:], "--store", sys.argv[1]])
print("maxrss_kb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def import_measuring_memory(store: Path, *paths: Path) -> tuple[str, float]:
    """Import ``paths`` in a child process: its standard output and its peak memory in MB."""
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_AND_MEASURE, str(store), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "maxrss_kb" in result.stderr, result.stderr
    peak = int(result.stderr.split("maxrss_kb")[-1].split()[0]) / 1024
    return result.stdout, peak


@pytest.mark.parametrize("gigabytes", [3, 30])
def test_a_huge_sparse_file_is_refused_before_it_is_read(tmp_path: Path, gigabytes: int) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("A headline\n\nA short article that imports fine.\n")
    with (folder / "huge.txt").open("wb") as huge:
        huge.truncate(gigabytes * 2**30)  # sparse: no disk used, but a read would fill memory
    with (tmp_path / "huge.json").open("wb") as huge:  # named explicitly: read as an export
        huge.truncate(gigabytes * 2**30)
    _, baseline = import_measuring_memory(tmp_path / "baseline", folder / "good.txt")
    out, peak = import_measuring_memory(tmp_path / "store", folder, tmp_path / "huge.json")
    print(f"peak memory: {peak:.0f} MB importing a {gigabytes} GB file (one small file alone: {baseline:.0f} MB)")
    size = f"too large ({gigabytes * 2**30 / 1e6:.0f} MB; the limit is"
    assert f"huge.txt: {size}" in out and f"huge.json: {size}" in out
    assert "1 added, 2 skipped" in out
    assert peak < baseline + 20  # nothing of the big files was read


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_file_longer_than_its_reported_size_is_cut_at_the_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """``/proc`` files say they hold 0 bytes: the size check alone would let them through, and a
    file that grows after it was measured is the same case. Reading must stop at the limit."""
    monkeypatch.setattr(decoding, "MAX_FILE_BYTES", 64)
    reported = Path("/proc/self/status").stat().st_size
    skipped = parse_file(Path("/proc/self/status"))
    assert reported <= 64
    assert isinstance(skipped, SkippedFile) and skipped.reason == "too large (over the 0 MB limit)"


def test_the_size_limit_is_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "MAX_FILE_BYTES", 1_000_000)
    at_limit, over = tmp_path / "at.txt", tmp_path / "over.txt"
    at_limit.write_bytes(b"Headline\n\n" + b"w" * (1_000_000 - 10))
    over.write_bytes(b"Headline\n\n" + b"w" * (1_000_000 - 9))
    assert not isinstance(parse_file(at_limit), SkippedFile)
    refused = parse_file(over)
    assert isinstance(refused, SkippedFile) and refused.reason == "too large (1 MB; the limit is 1 MB)"


# ---------------------------------------------------------------- things that are not files


def make_fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def make_socket(path: Path) -> socket.socket:
    """A listening Unix socket at ``path`` (kept open by the caller)."""
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


def report_lines(out: str) -> dict[str, str]:
    """File name → what the import report says of it (``imported`` or the skip reason)."""
    lines = {}
    for line in out.splitlines():
        if line.startswith("imported"):
            lines[Path(line.split()[1]).name] = "imported"
        elif line.startswith("skipped"):
            origin, _, reason = line.removeprefix("skipped").strip().partition(": ")
            lines[Path(origin).name] = reason
    return lines


def test_special_files_and_links_in_a_folder_are_reported_and_never_hang(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "real.txt").write_text("Real headline\n\nThe real article text, reached through a link.\n")
    make_fifo(folder / "pipe.txt")
    make_fifo(folder / "pipe-without-suffix")
    server = make_socket(folder / "sock.txt")
    (folder / "link.txt").symlink_to(folder / "sub" / "real.txt")
    (folder / "broken.txt").symlink_to(folder / "missing.txt")
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "pipe-link.txt").symlink_to(folder / "pipe.txt")
    (folder / "folder-link").symlink_to(folder / "sub")
    (folder / "tty.txt").symlink_to("/dev/null")
    try:
        result = run_cli("import", str(folder), "--store", str(tmp_path / "store"), timeout=30)
    finally:
        server.close()
    out = result.stdout.decode()
    lines = report_lines(out)
    assert lines["pipe.txt"] == "not a regular file (a named pipe)"
    assert lines["pipe-without-suffix"] == "not a regular file (a named pipe)"
    assert lines["sock.txt"] == "not a regular file (a socket)"
    assert lines["pipe-link.txt"] == "not a regular file (a named pipe)"
    assert lines["tty.txt"] == "not a regular file (a character device)"
    assert lines["broken.txt"].startswith("broken symbolic link")
    assert lines["loop.txt"].startswith("broken symbolic link")
    assert lines["folder-link"] == "link to a folder (not followed)"
    assert lines["real.txt"] == "imported"  # the file itself; the link to it is the same file
    assert "link.txt" not in lines or lines["link.txt"] == "imported"
    assert "1 added" in out and "8 skipped" in out, out


def test_a_named_pipe_named_explicitly_does_not_hang(tmp_path: Path) -> None:
    pipe = make_fifo(tmp_path / "pipe.txt")
    result = run_cli("import", str(pipe), "--store", str(tmp_path / "store"), timeout=30)
    assert report_lines(result.stdout.decode())["pipe.txt"] == "not a regular file (a named pipe)"


def test_a_file_replaced_by_a_pipe_after_discovery_does_not_hang(tmp_path: Path) -> None:
    """Between listing a folder and reading a file, the file can become a pipe: reading must not
    wait for a writer that never comes."""
    pipe = make_fifo(tmp_path / "pipe.txt")
    outcome: list[object] = []
    reader = threading.Thread(target=lambda: outcome.append(parse_file(pipe)), daemon=True)
    reader.start()
    reader.join(timeout=5)
    if reader.is_alive():  # release the stuck reader before failing
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=5)
        pytest.fail("parse_file waited on a named pipe")
    [skipped] = outcome
    assert isinstance(skipped, SkippedFile) and skipped.reason == "not a regular file (a named pipe)"

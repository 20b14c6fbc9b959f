"""Hostile input at the edges of import: files that are not files, files that never end,
encodings that lie, and export files whose ids carry terminal escape codes.

Each test tries to break a promise of the README's Safety section; none reads more than it
must to prove the point.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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

"""Formats through the command line: what a newcomer scripts, and each format's round trip.

The newcomer's script is run by bash with ``set -e``, as a script would be: import a folder,
export CSV, search with --json; then the same script with a bad path and a bad query must stop
with a non-zero exit and one clear line.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store
from tests.conftest import article_with, span_of

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DOSSIER = Path(sys.executable).with_name("dossier")


def dossier(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, timeout=120, cwd=ROOT)


def script(text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``text`` run by bash -e with the installed ``dossier`` first on PATH."""
    env = {**os.environ, "PATH": f"{DOSSIER.parent}:{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "-euo", "pipefail", "-c", text], capture_output=True, text=True, timeout=180, cwd=cwd, env=env
    )


@pytest.mark.skipif(not DOSSIER.exists(), reason=f"needs the installed dossier command ({DOSSIER} is missing)")
def test_a_newcomers_script_import_export_csv_search_json(tmp_path: Path) -> None:
    done = script(
        f"""
        dossier import {SEEDS} --store st > imported.txt
        dossier export --format csv --out tags.csv --store st
        dossier search 'Shoigu' --json --store st > hits.json
        dossier list 'entity:nobody' --store st || echo "list exit $?" > none.txt
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "5 added" in (tmp_path / "imported.txt").read_text()
    assert (tmp_path / "tags.csv").read_text().startswith("article_id,")
    hits = json.loads((tmp_path / "hits.json").read_text())
    assert hits and all("Shoigu" in hit["match"] for hit in hits)
    assert (tmp_path / "none.txt").read_text() == "list exit 1\n"
    bad_path = script("dossier import no/such/folder --store st; echo never", tmp_path)
    assert bad_path.returncode == 2 and "never" not in bad_path.stdout
    assert bad_path.stderr == "dossier: no such file or folder: no/such/folder\n"
    bad_query = script("dossier search 'treaty AND' --json --store st; echo never", tmp_path)
    assert bad_query.returncode == 2 and "never" not in bad_query.stdout
    assert bad_query.stderr.startswith("dossier: search: ") and "Traceback" not in bad_query.stderr
    bad_export = script("dossier export --format brat --store st; echo never", tmp_path)
    assert bad_export.returncode == 2 and "--out FOLDER" in bad_export.stderr


@pytest.fixture
def two_stores(tmp_path: Path) -> tuple[Path, Path]:
    """A tagged store and a second one holding the same articles and no tags."""
    tagged, bare = tmp_path / "tagged", tmp_path / "bare"
    for path in (tagged, bare):
        assert dossier("import", str(SEEDS), "--store", str(path)).returncode == 0
    store = Store.open(tagged)
    article = article_with(store, "Shoigu")
    store.annotate(article.id, *span_of(article, "Shoigu"), entity="Sergei Shoigu", entity_type="PERSON")
    other = article_with(store, "CSTO")
    store.annotate(other.id, *span_of(other, "CSTO"), entity="CSTO", entity_type="ORG", status="suggested")
    store.annotate(other.id, 0, 40, labels=["lead", "to check"], note="two\nlines, a, b")
    store.close()
    return tagged, bare


def tags_of(path: Path) -> set[tuple[object, ...]]:
    store = Store.open(path)
    try:
        names = {e.id: (e.name, e.type) for e in store.entities()}
        return {
            (t.article_id, t.start, t.end, t.quote, names.get(t.entity_id or ""), t.labels, t.note, t.status, t.author)
            for t in store.annotations()
        }
    finally:
        store.close()


@pytest.mark.parametrize(
    ("fmt", "name"), [("json", "out.json"), ("jsonl", "out.jsonl"), ("w3c", "out.jsonld"), ("brat", "brat-folder")]
)
def test_each_format_round_trips_through_the_cli(two_stores: tuple[Path, Path], fmt: str, name: str) -> None:
    tagged, bare = two_stores
    out = tagged.parent / name
    exported = dossier("export", "--format", fmt, "--out", str(out), "--store", str(tagged))
    assert exported.returncode == 0 and "3 annotations" in exported.stderr, exported.stderr
    imported = dossier("import", str(out), "--store", str(bare))
    assert imported.returncode == 0, imported.stderr + imported.stdout
    assert "3 annotations added" in imported.stdout
    assert tags_of(bare) == tags_of(tagged)
    again = dossier("import", str(out), "--store", str(bare))
    assert again.returncode == 0 and "annotations added" not in again.stdout
    assert len(tags_of(bare)) == 3


def test_csv_export_is_one_row_per_tag_and_filters_select(two_stores: tuple[Path, Path]) -> None:
    tagged, _ = two_stores
    table = dossier("export", "--format", "csv", "--store", str(tagged))
    rows = list(csv.DictReader(io.StringIO(table.stdout)))
    assert len(rows) == 3 and {row["status"] for row in rows} == {"accepted", "suggested"}
    assert next(row for row in rows if row["labels"])["note"] == "two\nlines, a, b"
    suggested = list(
        csv.DictReader(
            io.StringIO(dossier("export", "-f", "csv", "--status", "suggested", "--store", str(tagged)).stdout)
        )
    )
    assert [row["entity_name"] for row in suggested] == ["CSTO"]
    by_alias = dossier("export", "-f", "jsonl", "--entity", "sergei SHOIGU", "--store", str(tagged))
    records = [json.loads(line) for line in by_alias.stdout.splitlines()]
    assert [r["quote"] for r in records if r["record"] == "annotation"] == ["Shoigu"]
    nothing = dossier("export", "--entity", "Nobody At All", "--store", str(tagged))
    assert nothing.returncode == 1 and nothing.stderr.startswith("dossier: no entity named")


def test_import_reports_each_tag_that_did_not_anchor(two_stores: tuple[Path, Path], tmp_path: Path) -> None:
    tagged, _ = two_stores
    out = tmp_path / "tags.jsonld"
    assert dossier("export", "-f", "w3c", "--out", str(out), "--store", str(tagged)).returncode == 0
    document = json.loads(out.read_text())
    for item in document["first"]["items"]:
        for selector in item["target"]["selector"]:
            if selector["type"] == "TextQuoteSelector" and selector["exact"] == "CSTO":
                selector["exact"] = "words \x1b[2J that are nowhere"
    out.write_text(json.dumps(document))
    elsewhere = tmp_path / "elsewhere"
    assert dossier("import", str(SEEDS), "--store", str(elsewhere)).returncode == 0
    imported = dossier("import", str(out), "--store", str(elsewhere))
    assert imported.returncode == 0
    orphan = [line for line in imported.stdout.splitlines() if line.startswith("orphaned")]
    assert len(orphan) == 1 and "that are nowhere" in orphan[0] and "\x1b" not in imported.stdout
    assert "1 annotations orphaned" in imported.stdout

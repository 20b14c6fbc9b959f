"""``dossier search``: the query language for scripts: plain text, --json, exit codes that mean something."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store import Store
from tests.conftest import SEEDS
from tests.test_cli import run


@pytest.fixture
def seeded_store(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    assert run("import", str(SEEDS), "--store", str(path)).returncode == 0
    return path


def test_search_lists_the_mi_35_deal_with_its_sentences(seeded_store: Path) -> None:
    done = run("search", "Mi-35", "--store", str(seeded_store))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert sum(line[:1].isdigit() for line in lines) == 4
    assert "»Mi-35M« supplied to Tashkent." in done.stdout and "\x1b" not in done.stdout


def test_search_json_is_what_a_script_reads(seeded_store: Path) -> None:
    done = run("search", "--json", "-n", "2", "csto", "OR", "odkb", "--store", str(seeded_store))
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)
    assert len(hits) == 2
    store = Store.open(seeded_store)
    try:
        for hit in hits:
            text = store.article(hit["article_id"]).text
            assert text[hit["start"] : hit["end"]] == hit["match"] == "CSTO"
            start, end = hit["highlight"]
            assert hit["sentence"][start:end] == "CSTO"
    finally:
        store.close()


def test_nothing_found_exits_1_and_a_bad_query_exits_2_with_a_caret(seeded_store: Path) -> None:
    nothing = run("search", "zzzz", "--store", str(seeded_store))
    assert nothing.returncode == 1 and "No article matches: zzzz" in nothing.stdout
    assert run("search", "--json", "zzzz", "--store", str(seeded_store)).stdout.strip() == "[]"
    bad = run("search", "shoigu (csto OR", "--store", str(seeded_store))
    assert bad.returncode == 2 and bad.stdout == ""
    message, shown, caret = bad.stderr.splitlines()
    assert message == "dossier: search: OR needs a term after it"
    assert shown == "  shoigu (csto OR" and caret.index("^") == shown.index("OR")
    hostile = run("search", "x \x1b[31m colour:red", "--store", str(seeded_store))
    assert hostile.returncode == 2 and "\x1b" not in hostile.stderr and "no filter" in hostile.stderr


def test_a_search_on_a_missing_store_path_says_so(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    done = run("search", "shoigu", "--store", str(blocker / "store"))
    assert done.returncode == 2 and "Traceback" not in done.stderr and done.stderr.startswith("dossier:")

"""The scriptable command line: list, show, entities, stats, --version, --help and exit codes.

Each test runs the real command (``python -m tui``) in a child process on a real store, so what
is checked is what a script sees: standard output, standard error and the exit status.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from store import Store
from store.seeding import seed_if_empty
from tests.conftest import article_with, span_of

ROOT = Path(__file__).resolve().parent.parent


def dossier(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "tui", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def tagged(tmp_path: Path) -> Path:
    """A store with the seeds, two Shoigu mentions (one under an alias), a CSTO mention and a passage."""
    path = tmp_path / "store"
    store = Store.open(path)
    seed_if_empty(store)
    article = article_with(store, "Shoigu")
    store.annotate(article.id, *span_of(article, "Shoigu"), entity="Sergei Shoigu", entity_type="PERSON")
    other = article_with(store, "CSTO")
    store.annotate(other.id, *span_of(other, "CSTO"), entity="CSTO", entity_type="ORG")
    store.annotate(other.id, *span_of(other, "CSTO", 1), entity="CSTO")
    store.annotate(other.id, 0, 20, labels=["lead", "=cmd|' /C calc'!A0"], note="\x1b]0;owned\x07 check this")
    store.close()
    return path


def test_version_and_help_of_every_command() -> None:
    version = dossier("--version")
    assert version.returncode == 0 and version.stdout.startswith("dossier ")
    for command in ("import", "list", "show", "search", "entities", "export", "stats", "store", "open"):
        done = dossier(command, "--help")
        assert done.returncode == 0 and "Usage: dossier " + command in done.stdout, (command, done.stderr)
    assert "import" in dossier("--help").stdout


def test_list_plain_when_piped_json_for_scripts_and_the_query_language(tagged: Path) -> None:
    listed = dossier("list", "--store", str(tagged))
    lines = listed.stdout.splitlines()
    assert listed.returncode == 0 and lines[0] == "id\tdate\tsource\ttags\ttitle" and len(lines) == 6
    assert all(line.count("\t") == 4 for line in lines)
    rows = json.loads(dossier("list", "--json", "--store", str(tagged)).stdout)
    assert len(rows) == 5 and {"id", "title", "published", "source", "author", "tags"} <= set(rows[0])
    assert sum(row["tags"] for row in rows) == 4
    found = json.loads(dossier("list", "entity:Shoigu", "--json", "--store", str(tagged)).stdout)
    assert len(found) == 1 and "Shoigu" in dossier("show", found[0]["id"], "--store", str(tagged)).stdout
    none = dossier("list", "entity:Nobody", "--store", str(tagged))
    assert none.returncode == 1 and none.stdout == "" and "no article matches" in none.stderr
    bad = dossier("list", "(treaty", "--store", str(tagged))
    assert bad.returncode == 2 and bad.stderr.startswith("dossier: list: ") and bad.stderr.count("\n") == 1
    assert len(json.loads(dossier("list", "-n", "2", "--json", "--store", str(tagged)).stdout)) == 2


def test_show_by_id_or_its_start_with_tags_and_hostile_text_kept_as_data(tagged: Path) -> None:
    rows = json.loads(dossier("list", "entity:CSTO", "--json", "--store", str(tagged)).stdout)
    key = rows[0]["id"]
    shown = dossier("show", key[:8], "--store", str(tagged))
    assert shown.returncode == 0 and rows[0]["title"] in shown.stdout and "CSTO (ORG)" in shown.stdout
    assert "\x1b" not in shown.stdout and "\x07" not in shown.stdout  # the planted note is shown, not obeyed
    data = json.loads(dossier("show", key, "--json", "--no-text", "--store", str(tagged)).stdout)
    assert "text" not in data and len(data["tags"]) == rows[0]["tags"]
    assert "CSTO" in {t["entity"]["name"] for t in data["tags"] if t["entity"]}
    assert any(t["note"].endswith(" check this") for t in data["tags"])
    assert "text" in json.loads(dossier("show", key, "--json", "--store", str(tagged)).stdout)
    missing = dossier("show", "nosuchid", "--store", str(tagged))
    assert missing.returncode == 1 and missing.stderr.startswith("dossier: no article nosuchid")


def test_entities_by_mentions_with_type_and_name_filters(tagged: Path) -> None:
    everyone = json.loads(dossier("entities", "--json", "--store", str(tagged)).stdout)
    assert [(e["name"], e["mentions"]) for e in everyone] == [("CSTO", 2), ("Sergei Shoigu", 1)]
    people = json.loads(dossier("entities", "--type", "person", "--json", "--store", str(tagged)).stdout)
    assert [e["name"] for e in people] == ["Sergei Shoigu"]
    assert json.loads(dossier("entities", "shoigu", "--json", "--store", str(tagged)).stdout)[0]["type"] == "PERSON"
    assert dossier("entities", "--type", "EVENT", "--store", str(tagged)).returncode == 1


def test_stats_counts_what_the_store_holds(tagged: Path) -> None:
    figures = json.loads(dossier("stats", "--json", "--store", str(tagged)).stdout)
    assert figures["articles"] == 5 and figures["entities"] == 2 and figures["tags"] == 4
    assert figures["mentions"] == 3 and figures["passages"] == 1
    assert figures["entities_by_type"] == {"ORG": 1, "PERSON": 1} and figures["labels"]["lead"] == 1
    plain = dossier("stats", "--store", str(tagged))
    assert plain.returncode == 0 and "articles\t5" in plain.stdout


def test_options_before_or_after_the_command_and_the_later_wins(tagged: Path, tmp_path: Path) -> None:
    before = dossier("--store", str(tagged), "stats", "--json")
    after = dossier("stats", "--json", "--store", str(tagged))
    assert json.loads(before.stdout)["articles"] == json.loads(after.stdout)["articles"] == 5
    empty = tmp_path / "empty"
    Store.open(empty).close()
    overridden = dossier("--store", str(tagged), "list", "--store", str(empty))
    assert overridden.returncode == 1 and "holds no articles" in overridden.stderr


@pytest.mark.parametrize("command", [("list",), ("show", "x"), ("entities",), ("stats",), ("search", "x"), ("export",)])
def test_a_command_that_reads_does_not_make_a_store_at_a_mistyped_path(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    typo = tmp_path / "stroe"
    done = dossier(*command, "--store", str(typo))
    assert (
        done.returncode == 2 and done.stderr == f"dossier: no store at {typo} (`dossier import PATH` makes one there)\n"
    )
    assert not typo.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--limit", "0"),
        ("frobnicate",),
        ("show",),
        ("export", "--nonsense"),
        ("search",),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(args: tuple[str, ...], tmp_path: Path) -> None:
    done = dossier(*args, "--store", str(tmp_path / "s"))
    assert done.returncode == 2 and done.stderr.startswith("dossier: ") and done.stderr.count("\n") == 1, done.stderr
    assert "--help" in done.stderr and "Traceback" not in done.stderr


def test_author_option_names_who_made_a_tag(tagged: Path, tmp_path: Path) -> None:
    export = tmp_path / "one.json"
    store = Store.open(tagged)
    article = store.article(store.annotations()[0].article_id)
    data = {"format": "dossier-export", "version": 1, "articles": [], "entities": [], "annotations": []}
    store.close()
    data["annotations"] = [
        {"id": "an_by_option", "article_id": article.id, "start": 0, "end": 5, "quote": article.text[:5]},
    ]
    export.write_text(json.dumps(data))
    done = dossier("import", str(export), "--author", "Ada \x1b[31mLovelace", "--store", str(tagged))
    assert done.returncode == 0, done.stderr
    store = Store.open(tagged)
    try:
        assert store.annotation("an_by_option").author == "Ada [31mLovelace"
    finally:
        store.close()


def test_settings_names_an_unknown_binding_id_and_still_lists_the_keys(tmp_path: Path) -> None:
    config = tmp_path / "config" / "dossier"
    config.mkdir(parents=True)
    (config / "settings.toml").write_text('theme = "nord"\n[keys]\n"no.such" = "x"\n')
    (config / "settings.toml").chmod(0o600)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    shown = dossier("settings", env=env)
    assert shown.returncode == 2 and shown.stderr.count("\n") == 1
    assert "settings.toml, line 3: no key binding has the id 'no.such'" in shown.stderr
    assert "dossier settings --keys" in shown.stderr
    keys = dossier("settings", "--keys", env=env)
    assert keys.returncode == 0 and "screen.help" in keys.stdout and "screen.export" in keys.stdout

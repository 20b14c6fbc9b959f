"""Choosing a server store's schema: `Store.open(url, schema=…)`, `--schema`, `$DOSSIER_SCHEMA`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from store import Store
from store.locations import default_schema, schema_name
from tests.conftest import POSTGRES_URL, ROOT

needs_postgres = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")


def dossier(*args: str, schema_env: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DOSSIER_SCHEMA"}
    if schema_env is not None:
        env["DOSSIER_SCHEMA"] = schema_env
    return subprocess.run(
        [sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env
    )


def tables_in(schema: str) -> int:
    assert POSTGRES_URL is not None
    with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = %s", (schema,)).fetchone()
        return int(row[0])  # type: ignore[index]


def test_schema_names_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    assert schema_name("team_a2") == "team_a2"
    for bad in ("Team", "2nd", "a-b", 'x"; DROP SCHEMA dossier; --', "", "a" * 64, "pg_\x1b[2J"):
        with pytest.raises(ValueError, match="not a usable schema name"):
            schema_name(bad)
    monkeypatch.delenv("DOSSIER_SCHEMA", raising=False)
    assert default_schema() == "dossier"
    monkeypatch.setenv("DOSSIER_SCHEMA", "team_b")
    assert default_schema() == "team_b"


@pytest.mark.parametrize(
    ("args", "env", "named"),
    [
        (("--schema", "Bad-Name", "export"), None, "--schema"),
        (("export", "--schema", "x\x1b[2Jy"), None, "--schema"),
        (("export",), "9lives", "$DOSSIER_SCHEMA"),
    ],
)
def test_an_unusable_schema_is_one_line_and_exit_2(tmp_path: Path, args: tuple[str, ...], env, named: str) -> None:
    done = dossier(*args, "--store", str(tmp_path / "s"), schema_env=env)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"dossier: {named}: not a usable schema name") and "\x1b" not in done.stderr
    assert not (tmp_path / "s").exists()


def test_the_app_is_opened_in_the_chosen_schema(monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.app
    import tui.cli.root
    from tui.cli import main

    opened: list[tuple[object, str]] = []

    class Opened:
        """What the CLI opens the store with (it opens it while the interface loads)."""

        @staticmethod
        def open(path: object, *, defer_annotations: bool, schema: str, author: str) -> str:
            opened.append((path, schema))
            return "the store"

    monkeypatch.setattr(tui.cli.root, "Store", Opened)
    monkeypatch.setattr(tui.app, "run_app", lambda path, *, schema, store, settings: 0 if store == "the store" else 1)
    monkeypatch.setenv("DOSSIER_SCHEMA", "from_env")
    url = "postgresql://analyst@dbhost/corpus"
    assert main(["--store", url]) == 0
    assert main(["--store", url, "--schema", "from_option"]) == 0
    assert main(["open", "--store", url, "--schema", "after_command"]) == 0
    assert opened == [(url, "from_env"), (url, "from_option"), (url, "after_command")]


@needs_postgres
def test_store_open_and_every_command_use_the_chosen_schema(pg_schema: str) -> None:
    assert POSTGRES_URL is not None
    store = Store.open(POSTGRES_URL, schema=pg_schema)
    assert store.backend.location("articles").endswith(f"#{pg_schema}.articles")
    store.close()
    assert tables_in(pg_schema) > 0
    assert dossier("import", "seeds", "--store", POSTGRES_URL, schema_env=pg_schema).returncode == 0
    by_env = dossier("export", "--store", POSTGRES_URL, schema_env=pg_schema)
    assert by_env.returncode == 0 and len(json.loads(by_env.stdout)["articles"]) == 5
    # The option wins over the environment: another schema, holding another (empty) store.
    other = f"{pg_schema}_b"
    try:
        by_option = dossier("--schema", other, "export", "--store", POSTGRES_URL, schema_env=pg_schema)
        assert by_option.returncode == 2 and f"no store in schema {other}" in by_option.stderr  # none made
        assert tables_in(other) == 0
        one = next(iter(sorted((ROOT / "seeds").glob("*.txt"))))
        assert dossier("import", str(one), "--store", POSTGRES_URL, "--schema", other).returncode == 0
        by_option = dossier("--schema", other, "export", "--store", POSTGRES_URL, schema_env=pg_schema)
        assert by_option.returncode == 0 and len(json.loads(by_option.stdout)["articles"]) == 1
        assert dossier("store", "check", "--store", POSTGRES_URL, "--schema", other).returncode == 0
    finally:
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {other} CASCADE")  # type: ignore[arg-type]
    checked = dossier("store", "check", "--store", POSTGRES_URL, schema_env=pg_schema)
    assert checked.returncode == 0 and "5 articles" in checked.stdout


def test_the_app_on_a_folder_store_never_loads_the_postgresql_driver() -> None:
    """psycopg takes a fifth of a second to import: a folder store's app starts without it."""
    done = subprocess.run(
        [sys.executable, "-c", "import sys, tui.app, tui.cli; print('psycopg' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0 and done.stdout.strip() == "False", done.stderr


def test_the_app_starts_without_the_name_matching_libraries() -> None:
    """rigour loads its tables (0.13 s, 26 MB) and rapidfuzz its C code: both wait for the first name compared."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tui.app, tui.cli; from store.fuzzy import best_name; best_name('shoi', ('Sergey Shoigu',));"
            " print('rigour' in sys.modules, 'rapidfuzz' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode == 0 and done.stdout.strip() == "False True", done.stderr

"""Who wins: ``--store`` > ``$DOSSIER_STORE`` > settings > default, and the same for the author.

And the author chosen really is the one records are stamped with, in every backend a user
can name (a server records its database role whatever the settings say).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store import Store, seed_if_empty
from store.changes import ENTITIES
from store.locations import STORE_ENV, chosen_store, chosen_store_source, default_store_path
from store.settings import AUTHOR_ENV, MAX_AUTHOR, Settings, chosen_author
from store.settings_text import describe_settings
from tests.conftest import POSTGRES_URL

FILE = Settings(store="~/from-file", author="File Author")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(STORE_ENV, raising=False)
    monkeypatch.delenv(AUTHOR_ENV, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DOSSIER_SETTINGS", raising=False)


def test_store_flag_beats_environment_beats_file_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    home = Path("~").expanduser()
    monkeypatch.setenv(STORE_ENV, "/from/env")
    assert chosen_store("/from/flag", FILE) == Path("/from/flag")
    assert chosen_store_source("/from/flag", FILE) == "--store"
    assert chosen_store(None, FILE) == Path("/from/env")
    assert chosen_store_source(None, FILE) == "$DOSSIER_STORE"
    monkeypatch.delenv(STORE_ENV)
    assert chosen_store(None, FILE) == home / "from-file"
    assert chosen_store_source(None, FILE) == "the settings file"
    assert chosen_store(None, Settings()) == default_store_path()
    assert chosen_store(None, None) == default_store_path()
    assert chosen_store_source(None, Settings()) == "the default"


def test_empty_flag_and_environment_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(STORE_ENV, "")
    assert chosen_store("", FILE) == Path("~/from-file").expanduser()


def test_a_url_in_the_settings_stays_a_url() -> None:
    url = "postgresql://ada:secret@db.example/dossier"
    assert chosen_store(None, Settings(store=url)) == url
    shown = "\n".join(describe_settings(Settings(store=url)))
    assert "secret" not in shown and "postgresql://ada@db.example/dossier" in shown


def test_author_flag_beats_environment_beats_file_beats_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(AUTHOR_ENV, "Env Author")
    assert chosen_author("Flag Author", FILE) == "Flag Author"
    assert chosen_author(None, FILE) == "Env Author"
    monkeypatch.setenv(AUTHOR_ENV, "  \t ")
    assert chosen_author(None, FILE) == "File Author"
    monkeypatch.delenv(AUTHOR_ENV)
    assert chosen_author(None, FILE) == "File Author"
    from store.codec import current_user

    assert chosen_author(None, Settings()) == current_user()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("Ada\x1b[2J Lovelace", "Ada[2J Lovelace"),  # the escape is dropped, the rest is text
        ("Jos\u00e9 \u202eevil", "Jos\u00e9 evil"),
        ("  Ada\n\nLovelace  ", "Ada Lovelace"),
        ("[bold red]Ada[/]", "[bold red]Ada[/]"),  # text, not markup: kept as typed
    ],
)
def test_an_author_from_flag_or_environment_is_cleaned(
    monkeypatch: pytest.MonkeyPatch, given: str, expected: str
) -> None:
    assert chosen_author(given) == expected
    monkeypatch.setenv(AUTHOR_ENV, given)
    assert chosen_author(None) == expected


@pytest.mark.parametrize("given", ["", "   ", "\x1b\x07"])
def test_an_empty_author_flag_is_refused(given: str) -> None:
    with pytest.raises(ValueError, match="--author: an author's name cannot be empty"):
        chosen_author(given)


def test_a_huge_author_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError, match=f"at most {MAX_AUTHOR}"):
        chosen_author("A" * 10_000)
    monkeypatch.setenv(AUTHOR_ENV, "B" * (MAX_AUTHOR + 1))
    with pytest.raises(ValueError, match=r"\$DOSSIER_AUTHOR"):
        chosen_author(None)


def _stamped_author(store: Store) -> str:
    seed_if_empty(store)
    article = store.articles()[0]
    annotation = store.annotate(article.id, 0, 5, entity="Zyxw Qvut", entity_type="PERSON")
    return _updated_by(store, annotation.entity_id or "")


def _updated_by(store: Store, entity_id: str) -> str:
    """Who the entity's record says last changed it, as saved."""
    doc = store.view.doc(ENTITIES, entity_id)
    assert doc is not None
    return str(doc["updated_by"])


@pytest.mark.parametrize("backend", ["tinydb", "memory"])
def test_the_chosen_author_stamps_the_records(tmp_path: Path, backend: str) -> None:
    author = chosen_author("Ada\x1b[31m Lovelace")
    store = Store.open(tmp_path / "store", author=author) if backend == "tinydb" else Store.in_memory(author=author)
    try:
        assert _stamped_author(store) == "Ada[31m Lovelace"
    finally:
        store.close()
    if backend == "tinydb":  # read back by a process that did not choose it
        again = Store.open(tmp_path / "store")
        found = again.find_entity("Zyxw Qvut")
        assert found is not None and _updated_by(again, found.id) == "Ada[31m Lovelace"
        again.close()


def test_callers_that_name_no_author_get_the_os_user(tmp_path: Path) -> None:
    from store.codec import current_user

    store = Store.open(tmp_path / "store")
    try:
        assert _stamped_author(store) == current_user()
    finally:
        store.close()


@pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")
def test_a_server_records_its_role_whatever_the_author_says() -> None:
    import uuid

    from tests.postgres_roles import PostgresStores

    stores = PostgresStores(POSTGRES_URL, f"test_{uuid.uuid4().hex[:12]}")
    try:
        plain = stores.open()
        role = plain.user
        plain.close()
        store = Store.open(POSTGRES_URL, schema=stores.schema, author="Somebody Else")
        try:
            assert store.user == role != "Somebody Else"
        finally:
            store.close()
    finally:
        stores.drop()


def test_describe_settings_says_what_wins_and_never_obeys_its_text(monkeypatch: pytest.MonkeyPatch) -> None:
    hostile = Settings(
        store="/tmp/\x1b]52;c;ZXZpbA==\x07store",
        theme="nord\x1b[2J",
        author="Ada",
        keys={"screen.help": "f2"},
        entity_types=("PERSON", "UNIT\x9b31m"),
    )
    monkeypatch.setenv(AUTHOR_ENV, "Env\x1b[5m Author")
    lines = describe_settings(hostile, store_flag=None)
    text = "\n".join(lines)
    assert all(line.isprintable() for line in lines), text
    assert "\x1b" not in text and "\x9b" not in text and "\x07" not in text
    assert "author: Env[5m Author  (from $DOSSIER_AUTHOR)" in lines
    assert any(line.startswith("store: ") and "(from the settings file)" in line for line in lines)
    assert "  screen.help = f2" in lines

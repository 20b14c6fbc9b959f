"""Access control on a PostgreSQL store, with real roles on the real server.

Each test gets a fresh database (the store in the default schema, as the command line and the
app open it) and roles of its own, dropped afterwards. What a role may do is checked by doing
it as that role: the server, not the app, must be what refuses.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from psycopg import sql

from store import ImportReport, SaveError, Store, StoreConnectionError, seed_if_empty
from store.postgres_access import AccessError, grant, granted_levels, level_of
from store.postgres_backend import DEFAULT_SCHEMA
from store.postgres_connection import connect
from tests.conftest import POSTGRES_URL, ROOT, SEEDS, article_with, span_of

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="set DOSSIER_TEST_POSTGRES to a PostgreSQL URL")

#: A role name made to break careless SQL and terminals: quotes, a semicolon, ESC and BEL.
HOSTILE = "a\"b'c; DROP\x1b[2J\x1b]0;pwned\x07"


@pytest.fixture
def server() -> Iterator:
    """A fresh database holding the seed articles and one tag, made by the superuser."""
    from tests.postgres_roles import PostgresServer

    assert POSTGRES_URL is not None
    server = PostgresServer(POSTGRES_URL)
    try:
        store = Store.open(server.url)
        seed_if_empty(store)
        article = article_with(store, "Sergei Shoigu's visit")
        store.annotate(article.id, *span_of(article, "Sergei Shoigu"), entity="Sergey Shoigu", entity_type="PERSON")
        store.close()
        yield server
    finally:
        server.close()


def dossier(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tui", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def give(server, role: str, level: str) -> None:
    with connect(server.url) as conn:
        grant(conn, DEFAULT_SCHEMA, role, level)  # type: ignore[arg-type]


def level(server, role: str) -> str | None:
    with connect(server.url) as conn:
        return level_of(conn, DEFAULT_SCHEMA, role)


def logged(server) -> list[tuple[str, str]]:
    """(author, label) of every changeset, oldest first."""
    with connect(server.url) as conn:
        return conn.execute("SELECT author, label FROM dossier.changesets ORDER BY seq").fetchall()


def one_line_failure(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert "\x1b" not in done.stderr + done.stdout and "\x07" not in done.stderr + done.stdout
    for words in expected:
        assert words in done.stderr, done.stderr


def an_article_file(tmp_path: Path) -> Path:
    path = tmp_path / "new.txt"
    path.write_text("A new article\n\nNothing in the store says this yet, and it is long enough to keep.\n")
    return path


def refusal_of(change: Callable[[], object]) -> str:
    """Why a change was not saved: its SaveError, or why an import stopped (imports report it)."""
    try:
        outcome = change()
    except SaveError as exc:
        return str(exc)
    assert isinstance(outcome, ImportReport) and outcome.stopped and not outcome.added, outcome
    return outcome.stopped


# ---------------------------------------------------------------------- read


def test_a_reader_reads_everything_and_the_server_refuses_every_change(server, tmp_path: Path) -> None:
    reader = server.role("reader")
    assert dossier("store", "grant", reader, "--read", "--store", server.url).returncode == 0
    before = logged(server)
    store = Store.open(server.url_as(reader))
    try:
        assert store.read_only
        assert len(store) == 5 and len(store.listing()) == 5
        article = article_with(store, "Sergei Shoigu's visit")
        assert store.article(article.id).text == article.text
        assert store.search("Shoigu", limit=5) and store.entities()
        [tag] = store.annotations(article.id)
        changes = [
            lambda: store.annotate(article.id, 0, 4, note="mine"),
            lambda: store.annotate(article.id, 0, 4, entity="A new one", entity_type="PERSON"),
            lambda: store.update_annotation(tag.id, note="changed"),
            lambda: store.remove_annotation(tag.id),
            lambda: store.set_metadata(article.id, title="Another title"),
            lambda: store.import_paths([an_article_file(tmp_path)]),
        ]
        for change in changes:
            refused = refusal_of(change)
            assert "may only read this store" in refused
            assert f"dossier store grant {reader} --annotate" in refused
        assert store.annotations(article.id) == [tag]
    finally:
        store.close()
    assert logged(server) == before
    done = dossier("import", str(an_article_file(tmp_path)), "--store", server.url_as(reader))
    one_line_failure(done, "may only read this store")


# ---------------------------------------------------------------------- annotate


def test_an_annotator_tags_edits_and_deletes_but_may_not_import(server, tmp_path: Path) -> None:
    annotator = server.role("annotator")
    give(server, annotator, "annotate")
    store = Store.open(server.url_as(annotator))
    try:
        assert not store.read_only
        article = article_with(store, "Intensification of military cooperation")
        tag = store.annotate(article.id, *span_of(article, "CSTO"), entity="CSTO", entity_type="ORG")
        assert store.entity(tag.entity_id).name == "CSTO"
        store.update_annotation(tag.id, note="the treaty organisation")
        store.update_annotation(tag.id, entity="Collective Security Treaty Organization", entity_type="ORG")
        passage = store.annotate(article.id, 0, 20, labels=["claim"], note="check")
        store.remove_annotation(passage.id)
        assert store.undo() and store.redo()
        for change in (
            lambda: store.import_paths([an_article_file(tmp_path)]),
            lambda: store.set_metadata(article.id, title="Another title"),
        ):
            message = refusal_of(change)
            assert "may tag but not import or change articles" in message
            assert f"dossier store grant {annotator} --admin" in message
    finally:
        store.close()
    # Authorship is the server's: every changeset this role saved names it.
    assert {author for author, label in logged(server) if label != "import" and "Shoigu" not in label} == {annotator}
    done = dossier("import", str(an_article_file(tmp_path)), "--store", server.url_as(annotator))
    one_line_failure(done, "may tag but not import or change articles")


def test_no_role_can_write_another_author_into_the_log(server) -> None:
    annotator = server.role("annotator")
    give(server, annotator, "annotate")
    with connect(server.url_as(annotator)) as conn:
        with pytest.raises(Exception, match="permission denied"):
            conn.execute("INSERT INTO dossier.changesets (author, label, changes) VALUES ('postgres', 'forged', '[]')")
        with pytest.raises(Exception, match="permission denied"):
            conn.execute("DELETE FROM dossier.changesets")


# ---------------------------------------------------------------------- admin


def test_an_admin_imports_and_merges_exports(server, tmp_path: Path) -> None:
    admin = server.role("admin")
    done = dossier("store", "grant", admin, "--admin", "--store", server.url)
    assert done.returncode == 0 and "import" in done.stdout, done.stderr
    # The store belongs to the superuser: membership would make the admin one, so it is not given.
    assert "not migrate" in done.stderr and "superuser" in done.stderr
    imported = dossier("import", str(an_article_file(tmp_path)), "--store", server.url_as(admin))
    assert imported.returncode == 0 and "1 added" in imported.stdout, imported.stderr
    exported = tmp_path / "export.json"
    source = Store.in_memory()
    source.import_paths([SEEDS])
    first = source.articles()[0]
    source.annotate(first.id, 0, 5, labels=["from elsewhere"])
    from store.export import export_bytes

    exported.write_bytes(export_bytes(source))
    merged = dossier("import", str(exported), "--store", server.url_as(admin))
    assert merged.returncode == 0, merged.stderr
    store = Store.open(server.url_as(admin))
    try:
        assert len(store) == 6 and "from elsewhere" in store.labels()
    finally:
        store.close()


def test_an_admin_of_a_store_owned_by_a_group_role_may_migrate(server) -> None:
    owner = server.role("owners", login=False)
    with connect(server.url) as conn:
        conn.execute(sql.SQL("ALTER SCHEMA dossier OWNER TO {}").format(sql.Identifier(owner)))
        for (table,) in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'dossier'").fetchall():
            statement = sql.SQL("ALTER TABLE {} OWNER TO {}")
            conn.execute(statement.format(sql.Identifier("dossier", table), sql.Identifier(owner)))
    admin, annotator = server.role("admin"), server.role("annotator")
    done = dossier("store", "grant", admin, "--admin", "--store", server.url)
    assert done.returncode == 0 and "may migrate" in done.stdout and not done.stderr, done.stderr
    give(server, annotator, "annotate")

    def alter_as(role: str) -> None:
        with connect(server.url_as(role)) as conn, conn.transaction(force_rollback=True):
            conn.execute("ALTER TABLE dossier.meta RENAME TO meta_v1")  # what a migration step does
            conn.execute("CREATE TABLE dossier.meta (key text PRIMARY KEY, value text NOT NULL)")

    alter_as(admin)
    with connect(server.url) as conn, pytest.raises(AccessError, match="owns the store"):
        grant(conn, DEFAULT_SCHEMA, owner, "read")
    with pytest.raises(Exception, match="must be owner"):
        alter_as(annotator)
    give(server, admin, "annotate")  # levels replace each other: the membership goes too
    with pytest.raises(Exception, match="must be owner"):
        alter_as(admin)


# ---------------------------------------------------------------------- levels and revoke


def test_levels_replace_each_other_and_revoke_leaves_nothing(server) -> None:
    role = server.role("analyst")
    for wanted in ("admin", "read", "annotate", "read"):
        give(server, role, wanted)
        assert level(server, role) == wanted
    with connect(server.url) as conn:
        assert granted_levels(conn, DEFAULT_SCHEMA) == {role: "read"}
    store = Store.open(server.url_as(role))
    assert store.read_only
    store.close()
    done = dossier("store", "revoke", role, "--store", server.url)
    assert done.returncode == 0 and not done.stderr, done.stderr
    assert level(server, role) is None
    with pytest.raises(StoreConnectionError, match=f"has no rights on the store.*grant {role} --read"):
        Store.open(server.url_as(role))
    opened = dossier("export", "--store", server.url_as(role))
    one_line_failure(opened, "has no rights on the store")
    with connect(server.url) as conn:
        assert conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() == (1,)


def test_grant_and_revoke_say_clearly_what_is_wrong(server, tmp_path: Path) -> None:
    missing = dossier("store", "grant", "nobody_of_that_name", "--read", "--store", server.url)
    one_line_failure(missing, "there is no role “nobody_of_that_name”", "CREATE ROLE")
    one_line_failure(dossier("store", "revoke", "nobody_of_that_name", "--store", server.url), "there is no role")
    one_line_failure(dossier("store", "grant", "someone", "--store", server.url), "--read, --annotate or --admin")
    one_line_failure(dossier("store", "grant", "--read", "--store", server.url), "Missing argument 'ROLE'")
    one_line_failure(dossier("store", "grant", "postgres", "--read", "--store", server.url), "superuser")
    folder = dossier("store", "grant", "someone", "--read", "--store", str(tmp_path / "folder"))
    one_line_failure(folder, "is for PostgreSQL stores", "dossier store share")
    one_line_failure(dossier("store", "check", "--read", "--store", str(tmp_path / "f")), "No such option '--read'")
    secret = server.url.replace("postgres@", "postgres:s3cret@")
    hidden = dossier("store", "grant", "nobody_of_that_name", "--read", "--store", secret)
    one_line_failure(hidden, "there is no role")
    assert "s3cret" not in hidden.stderr
    granter = server.role("granter")
    give(server, granter, "admin")
    target = server.role("target")
    refused = dossier("store", "grant", target, "--read", "--store", server.url_as(granter))
    one_line_failure(refused, "given by the owner of its tables or a superuser")
    assert level(server, target) is None


def test_a_hostile_role_name_is_an_identifier_and_is_shown_neutralised(server, tmp_path: Path) -> None:
    with connect(server.url) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(HOSTILE)))
    server.roles.append(HOSTILE)
    done = dossier("store", "grant", HOSTILE, "--read", "--store", server.url)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout + done.stderr and "\x07" not in done.stdout + done.stderr
    assert "a\"b'c; DROP\ufffd[2J\ufffd]0;pwned\ufffd" in done.stdout
    assert level(server, HOSTILE) == "read"
    store = Store.open(server.url_as(HOSTILE))
    try:
        with pytest.raises(SaveError) as refused:
            store.annotate(store.articles()[0].id, 0, 4, note="x")
        assert "\x1b" not in str(refused.value) and "may only read" in str(refused.value)
    finally:
        store.close()
    refused_cli = dossier("import", str(an_article_file(tmp_path)), "--store", server.url_as(HOSTILE))
    one_line_failure(refused_cli, "may only read")
    assert dossier("store", "revoke", HOSTILE, "--store", server.url).returncode == 0
    assert level(server, HOSTILE) is None
    with connect(server.url) as conn:  # nothing was dropped by the name's "DROP"
        assert conn.execute("SELECT count(*) FROM dossier.articles").fetchone() == (5,)
    assert json.loads(dossier("export", "--store", server.url).stdout)["articles"]


# ---------------------------------------------------------------------- the app


async def test_the_app_on_a_reader_role_says_read_only_and_every_change_key_changes_nothing(server) -> None:
    from tests.read_only_app import check_read_only_app

    reader = server.role("reader")
    give(server, reader, "read")
    before = logged(server)
    store = Store.open(server.url_as(reader))
    try:
        await check_read_only_app(store)
    finally:
        store.close()
    assert logged(server) == before


async def test_an_annotator_importing_in_the_app_is_told_which_right_is_missing(server, tmp_path: Path) -> None:
    import asyncio

    from textual.widgets import Header, Input

    from tui.app import make_app
    from tui.main_screen import MainScreen

    annotator = server.role("annotator")
    give(server, annotator, "annotate")
    new = an_article_file(tmp_path)
    store = Store.open(server.url_as(annotator))
    try:
        app = make_app(store)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert not app.screen.query(Header)  # not read-only: tagging is allowed
            await pilot.press("I")
            await pilot.pause()
            app.screen.query_one("#import-path", Input).value = str(new)
            await pilot.press("enter")
            messages: list[str] = []
            for _ in range(100):
                await asyncio.sleep(0.05)
                messages = [str(n.message) for n in app._notifications]
                if any("may tag but not import" in m for m in messages) and isinstance(app.screen, MainScreen):
                    break
            assert any(f"dossier store grant {annotator} --admin" in m for m in messages), messages
            assert isinstance(app.screen, MainScreen)
        assert len(store) == 5
    finally:
        store.close()


def test_grant_works_on_the_schema_named_with_schema(server) -> None:
    other = Store.open(server.url, schema="team_b")
    other.close()
    role = server.role("analyst")
    done = dossier("store", "grant", role, "--annotate", "--schema", "team_b", "--store", server.url)
    assert done.returncode == 0 and "#team_b" in done.stdout, done.stderr
    with connect(server.url) as conn:
        assert level_of(conn, "team_b", role) == "annotate" and level_of(conn, DEFAULT_SCHEMA, role) is None
    late = dossier("store", "grant", "--read", role, "--store", server.url)  # the role after an option
    assert late.returncode == 0 and level(server, role) == "read", late.stderr


def test_the_database_library_never_writes_its_own_log_lines_to_the_terminal() -> None:
    """What psycopg logs instead of raising (an aborted pipeline's ending, with the role name
    as sent) would be a second raw line under the one clear error; CI once saw exactly that."""
    probe = (
        "import logging, store.postgres_connection\n"
        "logging.getLogger('psycopg').warning('error ignored terminating <Pipeline user=\\x1b[2J>')\n"
        "logging.getLogger('psycopg.pq').error('deeper logger')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stderr == "" and done.stdout == ""

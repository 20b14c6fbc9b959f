"""``dossier store ACTION`` on a PostgreSQL store: check, migrate, and where pg_dump takes over.

``store migrate`` also creates a store's tables in a schema that holds none, as the role it runs
as, so that role owns them (``PGOPTIONS="-c role=dossier_owner"`` makes it a group role).

A server store has no files, journals or backups of its own: the server keeps its storage and
``pg_dump``/``pg_restore`` keep its backups. What Dossier still owes it is a check that every
record makes sense (:mod:`store.postgres_check`) and the step from an older version of its
tables to this one (:func:`store.postgres_migrations.migrate`).
"""

from __future__ import annotations

import shlex
import sys
from typing import Any

from store.locations import display_url
from store.sanitize import neutralize

#: What each folder-store action means on a server store, before the pg_dump/pg_restore example.
_NOT_HERE = {
    "backups": "a server store's backups are pg_dump's",
    "restore": "a server store is restored from a pg_dump backup with pg_restore",
    "compact": "a server store needs no compacting (the server tidies its own tables)",
    "share": "a server store is shared with `dossier store grant ROLE --read|--annotate|--admin`, not file modes",
}


def server_maintenance(url: str, action: str, schema: str) -> int:
    """Run a ``dossier store`` action on the store at ``url``; the command's exit code."""
    if action == "check":
        return _check(url, schema)
    if action == "migrate":
        return _migrate(url, schema)
    return _use_pg_tools(url, action, schema)


def _named(url: str, schema: str) -> str:
    return f"{neutralize(display_url(url))}, schema {schema!r}"


def _use_pg_tools(url: str, action: str, schema: str) -> int:
    """Say how pg_dump and pg_restore do what the folder action does (exit 2: nothing was done)."""
    target = shlex.quote(neutralize(display_url(url)))
    print(
        f"dossier: store {action} is for folder stores; {_named(url, schema)} is a PostgreSQL store:"
        f" {_NOT_HERE.get(action, 'use the server tools')}. Back it up and restore it with:\n"
        f"  pg_dump --format=custom --schema={schema} --file=dossier.dump {target}\n"
        f"  pg_restore --clean --if-exists --dbname={target} dossier.dump",
        file=sys.stderr,
    )
    return 2


def _check(url: str, schema: str) -> int:
    """Every record's shape, references, spans and columns; exit 2 when anything is wrong."""
    from store.postgres_check import check
    from store.postgres_schema import SCHEMA_VERSION

    health = check(url, schema)
    if health.version_problem is not None:
        print(f"{_named(url, schema)}: {neutralize(health.version_problem)}")
        print("Nothing else was checked: the tables are not of this Dossier's version.", file=sys.stderr)
        return 2
    print(f"{_named(url, schema)}: version {health.version} (current: {SCHEMA_VERSION})")
    counts: dict[str, int] = {}
    for table in health.tables:
        counts[table.table] = table.count
        found = table.problem_count
        print(f"{table.table}: {table.count} records, {'ok' if not found else f'{found} problems'}")
        for problem in table.problems:
            print(f"  {neutralize(problem)}")
        if table.more:
            print(f"  … and {table.more} more")
    print(
        f"{counts.get('articles', 0)} articles, {counts.get('annotations', 0)} annotations, "
        f"{counts.get('entities', 0)} entities"
    )
    if health.problem_count:
        counts_only = all("its count of articles is" in p for t in health.tables for p in t.problems)
        print(
            f"{health.problem_count} problems: "
            + (
                "`dossier store migrate` counts the entities' articles again."
                if counts_only and not any(t.more for t in health.tables)
                else "correct the records, or restore the store from a pg_dump backup (pg_restore)."
            ),
            file=sys.stderr,
        )
        return 2
    return 0


def _recount(conn: Any, url: str, schema: str) -> int:
    """A store at this version: its derived counts made again from the records (what check compares)."""
    import psycopg

    from store.postgres_migrations import count_entity_articles
    from store.postgres_schema import SCHEMA_VERSION

    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dossier:{schema}",))
            wrong = count_entity_articles(conn, schema)
    except psycopg.Error as exc:
        reason = exc.diag.message_primary or type(exc).__name__
        print(f"dossier: the server refused the recount ({neutralize(reason)}); nothing changed", file=sys.stderr)
        return 2
    said = f"{wrong} corrected" if wrong else "all were right"
    print(
        f"{_named(url, schema)}: already at version {SCHEMA_VERSION}, this Dossier's;"
        f" entities' article counts recounted ({said})"
    )
    return 0


def _migrate(url: str, schema: str) -> int:
    """Bring the store's tables up to this Dossier's version, saying from which to which."""
    import psycopg

    from store.postgres_connection import connect
    from store.postgres_migrations import migrate
    from store.postgres_schema import SCHEMA_VERSION, create, version

    conn = connect(url)
    try:
        found = version(conn, schema)
        if found is None:  # a new store: its tables, made by this role (which then owns them)
            try:
                with conn.transaction():
                    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"dossier:{schema}",))
                    if version(conn, schema) is None:
                        create(conn, schema)
            except psycopg.Error as exc:
                reason = exc.diag.message_primary or type(exc).__name__
                print(f"dossier: the server refused to create the store ({neutralize(reason)})", file=sys.stderr)
                return 2
            print(f"{_named(url, schema)}: created at version {SCHEMA_VERSION}")
            return 0
        if found == SCHEMA_VERSION:
            return _recount(conn, url, schema)

        def step(reached: int, target: int) -> None:
            print(f"  version {reached} of {target} reached", flush=True)

        print(f"{_named(url, schema)}: version {found}; bringing it to version {SCHEMA_VERSION}", flush=True)
        try:
            reached = migrate(conn, schema, step)
        except psycopg.Error as exc:
            reason = exc.diag.message_primary or type(exc).__name__
            print(
                f"dossier: the server refused the migration ({neutralize(reason)}); the step it was on was not"
                " made (each step is one transaction). Run it as a role that owns the schema.",
                file=sys.stderr,
            )
            return 2
        print(f"{_named(url, schema)}: migrated from version {found} to version {reached}")
        return 0
    finally:
        conn.close()

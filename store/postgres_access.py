"""Who may do what in a store on PostgreSQL: the three levels ``dossier store grant`` gives.

On a server the database decides, not the app: a role without the right is refused by the
server whatever a client does, so these levels are plain SQL grants on the store's tables.
Each level is the smallest set of privileges its work needs, given what
:meth:`~store.postgres_backend.PostgresBackend.transaction` does (an advisory lock, the log
read, upserts and deletes of records, one ``changesets`` row):

* **read** — ``USAGE`` on the schema and ``SELECT`` on every table of the store. The advisory
  lock needs no privilege, so a reader opens the store and reads everything, and the first
  write of any change is refused by the server.
* **annotate** — read, plus ``INSERT``/``UPDATE``/``DELETE`` on ``annotations``,
  ``entities`` and ``entity_names`` (an entity's names are deleted and written again with it),
  ``INSERT`` on the log's ``label``, ``changes`` and ``ref`` columns only, and ``USAGE`` on
  the log's sequence. Nothing on ``articles``: importing, merging an export and correcting an
  article's details are an admin's.
* **admin** — annotate, plus ``INSERT``/``UPDATE``/``DELETE`` on ``articles`` and ``CREATE`` on
  the schema (a migration makes the new version's tables). A migration also renames, alters
  and drops the old tables, which PostgreSQL lets only their owner do: an admin is made a
  member of the owning role when that role is a group role (no login, no superuser or other
  server-wide power; best one that owns the store and nothing else, as the admin may act as
  it, ``SET ROLE`` included). When the tables
  belong to a person's login role or to a superuser, membership would let the admin act as
  that person (``SET ROLE``: the log would name them) or as a superuser, so it is not given;
  :attr:`Granted.note` says so, and migrations stay with the owner.

Nobody is granted ``UPDATE``/``DELETE`` on the log nor ``INSERT`` on its ``author`` and ``at``
columns: those are the server's ``current_user`` and ``now()``, so who saved a changeset is
what the server says, and the log is append-only for everyone but the owner.

Levels replace each other: every grant first revokes whatever the role had in the store
(including membership in the owning role), so granting ``read`` to an annotator leaves a
reader. Grants are per table: a migration that makes new tables must give them again
(:func:`granted_levels` says who had what). Every name goes through :mod:`psycopg.sql`.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

import psycopg
from psycopg import sql

from store.changes import ANNOTATIONS, ARTICLES, ENTITIES
from store.postgres_schema import (
    ENTITY_ARTICLES_TABLE,
    LOG_TABLE,
    META_TABLE,
    NAMES_TABLE,
    SCHEMA_VERSION,
    VOCABULARY_TABLE,
    WORDS_TABLE,
    newer_message,
    version,
)
from store.sanitize import neutralize

Level = Literal["read", "annotate", "admin"]
#: The levels, each including the ones before it.
LEVELS: tuple[Level, ...] = ("read", "annotate", "admin")

#: Every table of a store (all readable from ``read`` up).
STORE_TABLES = (
    META_TABLE,
    ARTICLES,
    WORDS_TABLE,
    ANNOTATIONS,
    ENTITIES,
    NAMES_TABLE,
    ENTITY_ARTICLES_TABLE,
    VOCABULARY_TABLE,
    LOG_TABLE,
)
#: Tables an annotator writes: tags, entities, and what comes with them (names, counts).
ANNOTATOR_TABLES = (ANNOTATIONS, ENTITIES, NAMES_TABLE, ENTITY_ARTICLES_TABLE)
#: Tables only an admin writes.
ADMIN_TABLES = (ARTICLES, WORDS_TABLE, VOCABULARY_TABLE)
#: The log's columns a writer gives (``ref`` settles a COMMIT cut off); ``seq``, ``author`` and
#: ``at`` are the server's.
LOG_COLUMNS = ("label", "changes", "ref")


class AccessError(ValueError):
    """A grant or revoke that cannot be done as asked; the message says why, in one line."""


@dataclass(frozen=True)
class Granted:
    """What a grant did: the level given and, for an admin, whether it may migrate."""

    role: str
    level: Level
    #: True when the role was made a member of the tables' owner (admins, where that is safe).
    owner_member: bool = False
    #: Something the one who granted should know (why an admin may not migrate, rights left).
    note: str | None = None


@dataclass(frozen=True)
class OwnRights:
    """What the connected role may do in the store, as the server says (read at opening)."""

    role: str
    annotate: bool
    admin: bool


def shown_role(role: str) -> str:
    """A role name fit for a terminal: every control character replaced, in quotes."""
    return f"“{neutralize(role)}”"


def command_role(role: str) -> str:
    """A role name as a shell argument in a suggested command (quoted, controls replaced)."""
    return shlex.quote(neutralize(role))


# ---------------------------------------------------------------------- asking


def _table(schema: str, name: str) -> sql.Identifier:
    return sql.Identifier(schema, name)


def _tables(schema: str, names: Iterable[str]) -> sql.Composed:
    return sql.SQL(", ").join(_table(schema, name) for name in names)


def own_rights(conn: psycopg.Connection[Any], schema: str) -> OwnRights:
    """The connected role's name and whether it may tag and import (``has_table_privilege``)."""
    row = conn.execute(
        "SELECT current_user::text,"
        " has_table_privilege(format('%%I.%%I', %s::text, %s::text), 'INSERT'),"
        " has_table_privilege(format('%%I.%%I', %s::text, %s::text), 'INSERT')",
        (schema, ANNOTATIONS, schema, ARTICLES),
    ).fetchone()
    assert row is not None
    return OwnRights(row[0], bool(row[1]), bool(row[2]))


def _checks(level: Level) -> list[tuple[str, str, str | None, str]]:
    """(kind, table, column, privilege) that a role of ``level`` holds; cumulative by level."""
    checks: list[tuple[str, str, str | None, str]] = [("schema", "", None, "USAGE")]
    checks += [("table", name, None, "SELECT") for name in STORE_TABLES]
    if level == "read":
        return checks
    checks += [("table", name, None, priv) for name in ANNOTATOR_TABLES for priv in ("INSERT", "UPDATE", "DELETE")]
    checks += [("column", LOG_TABLE, column, "INSERT") for column in LOG_COLUMNS]
    if level == "annotate":
        return checks
    checks += [("table", name, None, priv) for name in ADMIN_TABLES for priv in ("INSERT", "UPDATE", "DELETE")]
    checks.append(("schema", "", None, "CREATE"))
    return checks


def _holds(conn: psycopg.Connection[Any], schema: str, role: str, check: tuple[str, str, str | None, str]) -> bool:
    kind, table, column, privilege = check
    if kind == "schema":
        query = "SELECT has_schema_privilege(%s::text, %s::text, %s::text)"
        params: tuple[Any, ...] = (role, schema, privilege)
    elif kind == "table":
        query = "SELECT has_table_privilege(%s::text, format('%%I.%%I', %s::text, %s::text), %s::text)"
        params = (role, schema, table, privilege)
    else:
        query = "SELECT has_column_privilege(%s::text, format('%%I.%%I', %s::text, %s::text), %s::text, %s::text)"
        params = (role, schema, table, column, privilege)
    row = conn.execute(query, params).fetchone()
    return bool(row and row[0])


def level_of(conn: psycopg.Connection[Any], schema: str, role: str) -> Level | None:
    """The highest level whose every privilege ``role`` holds (directly or through a role)."""
    found: Level | None = None
    for level in LEVELS:
        if not all(_holds(conn, schema, role, check) for check in _checks(level)):
            break
        found = level
    return found


def granted_levels(conn: psycopg.Connection[Any], schema: str) -> dict[str, Level]:
    """Roles granted something on the store's tables, with their level (to grant again later)."""
    rows = conn.execute(
        "SELECT DISTINCT grantee FROM information_schema.role_table_grants"
        " WHERE table_schema = %s AND grantee <> 'PUBLIC'",
        (schema,),
    ).fetchall()
    owner = _owner(conn, schema)
    levels: dict[str, Level] = {}
    for (role,) in rows:
        level = level_of(conn, schema, role) if role != owner else None
        if level is not None:
            levels[role] = level
    return levels


# ---------------------------------------------------------------------- granting


def grant(conn: psycopg.Connection[Any], schema: str, role: str, level: Level) -> Granted:
    """Give ``role`` exactly ``level`` in the store (what it had before is revoked first).

    Runs in one transaction: on any refusal nothing changed.

    Raises:
        AccessError: no such role, no store, the role owns the store or is a superuser, or
            the connected role may not grant (only the owner or a superuser may).
    """
    if level not in LEVELS:
        raise AccessError(f"no level {level!r} (read, annotate or admin)")
    with _refusals(conn):
        owner = _prepare(conn, schema, role)
        _revoke_all(conn, schema, role, owner)
        member = False
        note = None
        for statement in _statements(schema, role, level, _log_sequence(conn, schema)):
            conn.execute(statement)
        if level == "admin":
            problem = _owner_unsafe(conn, owner)
            if problem is None:
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(owner), sql.Identifier(role)))
                member = True
            else:
                note = (
                    f"{shown_role(role)} may import and delete articles but not migrate the store: altering its"
                    f" tables takes their owner {shown_role(owner)}, {problem}, whose powers an admin must not get"
                    " (give the tables to a group role without login to let admins migrate)"
                )
        if note is None and level_of(conn, schema, role) != level:
            note = f"{shown_role(role)} still has more than {level} through a role it belongs to (see \\du in psql)"
    return Granted(role, level, member, note)


def revoke(conn: psycopg.Connection[Any], schema: str, role: str) -> str | None:
    """Take every right in the store from ``role`` (which still exists); a note, if rights remain.

    Raises:
        AccessError: as :func:`grant`.
    """
    with _refusals(conn):
        owner = _prepare(conn, schema, role)
        _revoke_all(conn, schema, role, owner)
        left = level_of(conn, schema, role)
    if left is not None:
        return f"{shown_role(role)} can still {left} the store through a role it belongs to, or PUBLIC"
    return None


def _statements(schema: str, role: str, level: Level, sequence: sql.Identifier) -> list[sql.Composed]:
    """The GRANT statements of one level (cumulative), every name an identifier."""
    who = sql.Identifier(role)
    where = sql.Identifier(schema)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(where, who),
        sql.SQL("GRANT SELECT ON TABLE {} TO {}").format(_tables(schema, STORE_TABLES), who),
    ]
    if level in ("annotate", "admin"):
        statements += [
            sql.SQL("GRANT INSERT, UPDATE, DELETE ON TABLE {} TO {}").format(_tables(schema, ANNOTATOR_TABLES), who),
            sql.SQL("GRANT INSERT ({}) ON TABLE {} TO {}").format(
                sql.SQL(", ").join(map(sql.Identifier, LOG_COLUMNS)), _table(schema, LOG_TABLE), who
            ),
            sql.SQL("GRANT USAGE ON SEQUENCE {} TO {}").format(sequence, who),
        ]
    if level == "admin":
        statements += [
            sql.SQL("GRANT INSERT, UPDATE, DELETE ON TABLE {} TO {}").format(_tables(schema, ADMIN_TABLES), who),
            sql.SQL("GRANT CREATE ON SCHEMA {} TO {}").format(where, who),
        ]
    return statements


def _revoke_all(conn: psycopg.Connection[Any], schema: str, role: str, owner: str) -> None:
    """Every privilege in the schema (column ones go with their tables) and owner membership."""
    who = sql.Identifier(role)
    where = sql.Identifier(schema)
    conn.execute(sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(where, who))
    conn.execute(sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(where, who))
    conn.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM {}").format(where, who))
    direct = conn.execute(
        "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member"
        " WHERE g.rolname = %s AND r.rolname = %s",
        (owner, role),
    ).fetchone()
    if direct is not None:
        conn.execute(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(owner), who))


def _prepare(conn: psycopg.Connection[Any], schema: str, role: str) -> str:
    """Check the store and the role before anything changes; the owner of the store's tables."""
    found = version(conn, schema)
    if found is None:
        raise AccessError(f"there is no Dossier store in schema {schema!r}")
    if found > SCHEMA_VERSION:
        raise AccessError(newer_message(schema, found))
    if found < SCHEMA_VERSION:
        raise AccessError(f"the store is of version {found}: run `dossier store migrate` first, then grant")
    row = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if row is None:
        raise AccessError(
            f"there is no role {shown_role(role)} on the server: create it first (CREATE ROLE … LOGIN), then grant"
        )
    if row[0]:
        raise AccessError(f"{shown_role(role)} is a superuser: the server lets it do everything, whatever is granted")
    owner = _owner(conn, schema)
    if role == owner:
        raise AccessError(f"{shown_role(role)} owns the store's tables: its rights come from owning them, not grants")
    return owner


def _owner(conn: psycopg.Connection[Any], schema: str) -> str:
    """The role owning the store's tables (``annotations`` stands for them all)."""
    row = conn.execute(
        "SELECT pg_get_userbyid(relowner)::text FROM pg_class"
        " WHERE oid = to_regclass(format('%%I.%%I', %s::text, %s::text))",
        (schema, ANNOTATIONS),
    ).fetchone()
    if row is None or row[0] is None:
        raise AccessError(f"there is no Dossier store in schema {schema!r}")
    return str(row[0])


def _log_sequence(conn: psycopg.Connection[Any], schema: str) -> sql.Identifier:
    """The sequence numbering the log (its name depends on the store's history: ask the server)."""
    row = conn.execute(
        "SELECT n.nspname::text, c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.oid = pg_get_serial_sequence(format('%%I.%%I', %s::text, %s::text), 'seq')::regclass",
        (schema, LOG_TABLE),
    ).fetchone()
    if row is None:
        raise AccessError(f"the log of the store in schema {schema!r} has no sequence: is it a Dossier store?")
    return sql.Identifier(row[0], row[1])


def _owner_unsafe(conn: psycopg.Connection[Any], owner: str) -> str | None:
    """Why membership in ``owner`` would give an admin too much; ``None`` when it is a group role."""
    row = conn.execute(
        "SELECT rolsuper, rolcanlogin, rolcreaterole, rolbypassrls, rolreplication FROM pg_roles WHERE rolname = %s",
        (owner,),
    ).fetchone()
    assert row is not None
    superuser, login, createrole, bypassrls, replication = row
    if superuser:
        return "a superuser"
    if createrole or bypassrls or replication:
        return "a role with server-wide powers"
    if login:
        return "a login role (a person)"
    return None


@contextmanager
def _refusals(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """One transaction for a grant or revoke; the server's refusal becomes :class:`AccessError`."""
    try:
        with conn.transaction():
            yield
    except psycopg.errors.InsufficientPrivilege as exc:
        reason = neutralize(exc.diag.message_primary or str(exc))
        raise AccessError(
            f"the server refused it ({reason}): rights in a store are given by the owner of its tables or a superuser"
        ) from exc


# ---------------------------------------------------------------------- saying no


def refusal(rights: OwnRights, tables: Iterable[str]) -> str | None:
    """What to tell a role the server refused a save to, naming the right it lacks.

    ``None`` when the rights read at opening do not explain it (then the server's reason is
    the best there is).
    """
    role = shown_role(rights.role)
    if not rights.annotate:
        return (
            f"your role {role} may only read this store"
            f" (ask an admin: dossier store grant {command_role(rights.role)} --annotate)"
        )
    if not rights.admin and ARTICLES in set(tables):
        return (
            f"your role {role} may tag but not import or change articles"
            f" (ask an admin: dossier store grant {command_role(rights.role)} --admin)"
        )
    return None


def no_access(where: str, schema: str, role: str, exc: psycopg.Error) -> str:
    """What to tell a role the server does not let read the store at all (or create one)."""
    reason = neutralize(exc.diag.message_primary or type(exc).__name__)
    return (
        f"{where}: your role {shown_role(role)} has no rights on the store in schema {schema!r} ({reason});"
        f" ask its owner or an admin: dossier store grant {command_role(role)} --read"
    )

"""``dossier store grant ROLE --read|--annotate|--admin`` and ``dossier store revoke ROLE``.

Who may read, tag or import in a store on PostgreSQL is the server's to enforce, so these
commands only set database grants (:mod:`store.postgres_access` says what each level holds and
why). A folder store's access is its files' permissions (``dossier store share``), so a folder
is refused here with that hint. Every failure is one line and exit code 2; role names are shown
with their control characters replaced, and the URL never with its password.
"""

from __future__ import annotations

import sys
from pathlib import Path

from store.backend import StoreConnectionError
from store.locations import shown

#: The ``store`` actions this module handles.
ACCESS_ACTIONS = ("grant", "revoke")

_WHAT = {
    "read": "read everything and change nothing",
    "annotate": "read, and tag, edit and delete tags and entities",
    "admin": "read, tag, import and delete articles, and merge exports",
}


def _fail(message: str) -> int:
    print(f"dossier: {message}", file=sys.stderr)
    return 2


def run_access(location: Path | str, action: str, role: str | None, level: str | None, schema: str) -> int:
    """Grant a level to ``role``, or revoke its rights, in the store in ``schema`` at ``location``; exit code."""
    import psycopg  # only for server stores: other commands start without it

    from store.postgres_access import LEVELS, AccessError, grant, revoke, shown_role
    from store.postgres_connection import connect
    from store.postgres_schema import SchemaError
    from store.sanitize import neutralize

    if isinstance(location, Path):
        return _fail(
            f"store {action} is for PostgreSQL stores (postgresql://…); {neutralize(str(location))} is a folder"
            " store, whose access is its files' permissions: see `dossier store share`"
        )
    if not role:
        usage = "ROLE --read|--annotate|--admin" if action == "grant" else "ROLE"
        return _fail(f"store {action} needs a role: dossier store {action} {usage}")
    if action == "grant" and level not in LEVELS:
        return _fail("store grant needs a level: --read, --annotate or --admin")
    if action == "revoke" and level is not None:
        return _fail(f"store revoke takes no level (--{level}): it takes every right in the store")
    where = f"{shown(location)}#{schema}"
    try:
        conn = connect(location)
    except StoreConnectionError as exc:
        return _fail(neutralize(str(exc)))
    try:
        with conn:
            if action == "grant":
                done = grant(conn, schema, role, level)  # type: ignore[arg-type]
                print(f"{shown_role(role)} may now {_WHAT[done.level]} in {where}")
                if done.owner_member:
                    print(f"{shown_role(role)} may migrate the store (a member of the role owning its tables)")
                note = done.note
            else:
                note = revoke(conn, schema, role)
                print(f"{shown_role(role)} may no longer use the store in {where}")
    except (AccessError, SchemaError) as exc:
        return _fail(f"{where}: {neutralize(str(exc))}")
    except psycopg.Error as exc:
        reason = exc.diag.message_primary or type(exc).__name__
        return _fail(f"{where}: the server refused it ({neutralize(reason)})")
    if note:
        print(f"dossier: note: {neutralize(note)}", file=sys.stderr)
    return 0

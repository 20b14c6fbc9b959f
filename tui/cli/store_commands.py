"""``dossier store ...``: look after a store (check, compact, backups, restore, share, migrate, copy, grant...).

A folder store is checked and repaired from its files (:mod:`store.maintenance`) without being
opened, since opening a damaged store is what fails; a server store is checked by the server
(:mod:`tui.cli.server_maintenance`). Each action is its own subcommand with its own ``--help``.
"""

from __future__ import annotations

import grp
from pathlib import Path

import click

from store import Store
from store.locations import store_location
from store.sanitize import neutralize
from tui.cli.context import FAILED, NOTHING, OK, CommandFailed, InOrder, place, say, store_options


@click.group("store", cls=InOrder, short_help="Look after a store: check, restore, copy, grant...")
def store_group() -> None:
    """Store maintenance: check, compact, backups, restore, share, migrate, copy, verify, grant, revoke."""


def _folder(action: str) -> Path:
    """The chosen store, which must be a folder that exists (a server store goes elsewhere)."""
    location = place().location
    if isinstance(location, str):
        raise CommandFailed(f"store {action} is for a folder store")
    if not location.is_dir():
        raise CommandFailed(f"no store at {location}")
    return location


def _server_or_none(action: str) -> int | None:
    """Run ``action`` on a server store and give its exit code; ``None`` for a folder store."""
    where = place()
    if isinstance(where.location, str):
        from tui.cli.server_maintenance import server_maintenance

        return server_maintenance(where.location, action, where.schema)
    return None


def _problems(location: Path) -> bool:
    """Print each store file's health; True when one is damaged (with the way out)."""
    from store import maintenance

    health = maintenance.check(location)
    for item in health:
        click.echo(f"{item.name}: {'ok' if item.problem is None else neutralize(item.problem)}")
    broken = any(item.problem for item in health)
    if broken:
        say("Run `dossier store restore` to put the newest good backup in place.")
    return broken


@store_group.command("check")
@store_options
def check_command() -> int:
    """Check every store file (or the server's records) and count what the store holds."""
    from store import maintenance

    server = _server_or_none("check")
    if server is not None:
        return server
    location = _folder("check")
    if _problems(location):
        return FAILED
    # Counted from what was just loaded; opening a Store would compact on close.
    counts: dict[str, int] = {}
    for item in maintenance.check(location):
        counts.update(item.counts)
    click.echo(
        f"{counts.get('articles', 0)} articles, {counts.get('annotations', 0)} annotations, "
        f"{counts.get('entities', 0)} entities"
    )
    return OK


@store_group.command("compact")
@store_options
def compact_command() -> int:
    """Fold the journals into the TinyDB files (a backup of each file is kept)."""
    server = _server_or_none("compact")
    if server is not None:
        return server
    location = _folder("compact")
    if _problems(location):
        return FAILED
    store = Store.open(location)
    done = store.compact()
    store.close()
    click.echo("journals folded into the TinyDB files" if done else "the store is busy (locked); try again")
    return OK if done else NOTHING


@store_group.command("backups")
@store_options
def backups_command() -> int:
    """List the backups kept of each store file."""
    from store import maintenance

    server = _server_or_none("backups")
    if server is not None:
        return server
    for item in maintenance.check(_folder("backups")):
        click.echo(f"{item.name}:")
        for backup in item.backups:
            click.echo(f"  {neutralize(str(backup))}")
        if not item.backups:
            click.echo("  (none yet: a backup is kept each time the journal is folded in)")
    return OK


@store_group.command("restore")
@click.option("--force", is_flag=True, help="Go back to the newest backup even for files that load.")
@store_options
def restore_command(force: bool) -> int:
    """Put the newest good backup in place of each damaged store file."""
    from store import maintenance

    server = _server_or_none("restore")
    if server is not None:
        return server
    location = _folder("restore")
    for line in maintenance.restore(location, force=force):
        click.echo(neutralize(line))
    return OK if all(h.problem is None for h in maintenance.check(location)) else FAILED


def _group_name(gid: int) -> str:
    """The group's name, or its number where the machine has no name for it (no entry, LDAP down)."""
    try:
        return neutralize(grp.getgrgid(gid).gr_name)
    except KeyError:
        return str(gid)


@store_group.command("share")
@click.option("--group", help="The Unix group to share the store with (default: the folder's).")
@store_options
def share_command(group: str | None) -> int:
    """Share a folder store with a Unix group (setgid folders, files 0660)."""
    from store import maintenance

    server = _server_or_none("share")
    if server is not None:
        return server
    location = _folder("share")
    try:
        lines = maintenance.share(location, group)
    except KeyError:
        raise CommandFailed(f"there is no group {group or ''!r} on this machine") from None
    skipped = [line for line in lines if line.startswith("skipped ")]
    group_name = _group_name(location.stat().st_gid)
    click.echo(f"shared with group {group_name}: {len(lines) - len(skipped)} files and folders")
    for line in skipped:
        say(line)
    return OK


@store_group.command("migrate")
@store_options
def migrate_command() -> int:
    """Bring a PostgreSQL store's schema up to this version (a folder store upgrades itself)."""
    server = _server_or_none("migrate")
    if server is not None:
        return server
    click.echo("A folder store needs no migrate: it is upgraded when it is opened (the old files stay in backups/).")
    return OK


@store_group.command("copy")
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@click.option("--force", is_flag=True, help="Replace records the destination holds in another version.")
@store_options
def copy_command(source: str, destination: str, force: bool) -> int:
    """Copy a store between a folder and PostgreSQL (each a folder or a postgresql:// URL)."""
    from tui.cli.copying import run_copy

    return run_copy(store_location(source), store_location(destination), schema=place().schema, force=force)


@store_group.command("verify")
@click.argument("source", metavar="SRC")
@click.argument("destination", metavar="DST")
@store_options
def verify_command(source: str, destination: str) -> int:
    """Check that two stores hold the same records (after a copy)."""
    from tui.cli.copying import run_verify

    return run_verify(store_location(source), store_location(destination), schema=place().schema)


_LEVELS = (
    ("read", "read everything, change nothing"),
    ("annotate", "also tag, edit and delete tags and entities"),
    ("admin", "also import, delete articles, merge exports, migrate"),
)


@store_group.command("grant")
@click.argument("role")
@click.option("--read", "level", flag_value="read", help=_LEVELS[0][1])
@click.option("--annotate", "level", flag_value="annotate", help=_LEVELS[1][1])
@click.option("--admin", "level", flag_value="admin", help=_LEVELS[2][1])
@store_options
def grant_command(role: str, level: str | None) -> int:
    """Give a database role read, annotate or admin rights in a PostgreSQL store."""
    from tui.cli.access import run_access

    where = place()
    return run_access(where.location, "grant", role, level, where.schema)


@store_group.command("revoke")
@click.argument("role")
@store_options
def revoke_command(role: str) -> int:
    """Take a database role's rights in a PostgreSQL store away."""
    from tui.cli.access import run_access

    where = place()
    return run_access(where.location, "revoke", role, None, where.schema)

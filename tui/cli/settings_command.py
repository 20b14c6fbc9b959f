"""``dossier settings``: which settings file is read, what is in effect and why; the keys' ids.

The settings themselves live in :mod:`store.settings`; this command only shows them (and writes
a commented example for a first file), so a user never has to guess why a store or a name was
chosen, or which id to remap a key by.
"""

from __future__ import annotations

import click

from store.sanitize import neutralize
from store.settings_file import SettingsError, settings_path, write_settings_text
from store.settings_text import describe_settings, example_settings
from tui.cli.context import OK, CommandFailed, settings, store_options


@click.command("settings", short_help="Show the settings in effect; list key ids; write an example file.")
@click.option("--keys", is_flag=True, help="List every key binding: its id (for [keys]), its keys, what it does.")
@click.option("--example", is_flag=True, help="Print a commented example settings file.")
@click.option("--write-example", is_flag=True, help="Write that example as your settings file (never over one).")
@store_options
def settings_command(keys: bool, example: bool, write_example: bool) -> int:
    """Show which settings file is read and each setting in effect, with where it came from.

    The file is settings.toml in the XDG config folder (~/.config/dossier/ unless
    $XDG_CONFIG_HOME says otherwise; $DOSSIER_SETTINGS names another file). --store and
    $DOSSIER_STORE win over its store, --author and $DOSSIER_AUTHOR over its author.
    """
    if example:
        click.echo(example_settings(), nl=False)
        return OK
    if write_example:
        path = settings_path()
        if path.exists() or path.is_symlink():
            raise CommandFailed(f"{path} exists already: edit it (`dossier settings --example` prints the example)")
        try:
            write_settings_text(path, example_settings())
        except SettingsError as exc:
            raise CommandFailed(str(exc)) from None
        click.echo(f"wrote {neutralize(str(path))}: every setting is commented out; edit it to choose")
        return OK
    if keys:
        from tui.binding_ids import describe_bindings

        for line in describe_bindings():
            click.echo(neutralize(line))
        return OK
    from tui.binding_ids import binding_ids

    meta = click.get_current_context().find_root().meta
    checked = settings(binding_ids())  # as the app will read it: an unknown binding id is named here too
    try:
        lines = describe_settings(checked, store_flag=meta.get("dossier.store"), author_flag=meta.get("dossier.author"))
    except ValueError as exc:
        raise CommandFailed(str(exc)) from None
    for line in lines:
        click.echo(line)
    return OK

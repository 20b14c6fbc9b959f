"""Settings in the running app: the theme remembered across runs, keys remapped, types offered.

Each test drives the real app (``make_app`` + ``run_test``) on a real store folder, with
settings read from a real file, and presses keys as a user would.
"""

from __future__ import annotations

import ast
import io
from pathlib import Path

from rich.console import Console
from textual.widgets import OptionList, Static

from store import Store, seed_if_empty
from store.settings import Settings, load_settings
from tests.test_app_flow import open_article_titled, option_texts, select_words
from tui.app import make_app
from tui.binding_ids import all_bindings, binding_ids
from tui.dialogs.entity_picker import EntityPicker
from tui.dialogs.help_screen import HelpScreen, binding_rows

TUI = Path(__file__).resolve().parent.parent / "tui"


def seeded(path: Path) -> Store:
    store = Store.open(path)
    seed_if_empty(store)
    return store


def notifications(app) -> list[str]:
    return [str(n.message) for n in app._notifications]  # what the toasts say


async def test_a_theme_picked_in_the_palette_is_used_at_the_next_start(tmp_path: Path) -> None:
    settings_file = tmp_path / "config" / "settings.toml"
    settings_file.parent.mkdir()
    settings_file.write_text('# my settings\nauthor = "Ada"  # me\n')
    store = seeded(tmp_path / "store")
    app = make_app(store, settings=load_settings(settings_file, binding_ids=binding_ids()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+p", *"theme")  # the palette's "Change theme" (Textual's own)
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await pilot.press(*"gruvbox")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.theme == "gruvbox"
        await pilot.press("q")
    text = settings_file.read_text()
    assert 'theme = "gruvbox"' in text and '# my settings\nauthor = "Ada"  # me\n' in text

    again = make_app(store, settings=load_settings(settings_file, binding_ids=binding_ids()))
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.theme == "gruvbox"
    store.close()


async def test_an_app_without_a_settings_file_writes_none(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("DOSSIER_SETTINGS", raising=False)
    store = seeded(tmp_path / "store")
    app = make_app(store)
    async with app.run_test() as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert not (tmp_path / "config").exists()
    store.close()


async def test_an_unknown_theme_is_said_and_the_default_kept(tmp_path: Path) -> None:
    store = seeded(tmp_path / "store")
    hostile = "[bold red]nord[/]\x1b]0;owned\x07\x1b[2J"
    app = make_app(store, settings=Settings(theme=hostile))  # past the file's own check
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark"
        said = [m for m in notifications(app) if "does not have" in m]
        assert len(said) == 1
        assert "[bold red]nord[/]" in said[0]  # shown as typed, not as markup
        assert "\x1b" not in said[0] and "\x07" not in said[0]
    store.close()


async def test_a_remapped_key_fires_and_the_old_one_does_not(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text('[keys]\n"screen.help" = "f2"\nscreen.zoom = "ctrl+t"\n')
    store = seeded(tmp_path / "store")
    app = make_app(store, settings=load_settings(settings_file, binding_ids=binding_ids()))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for old in ("question_mark", "f1"):
            await pilot.press(old)
            await pilot.pause()
            assert not isinstance(app.screen, HelpScreen), old
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {what: keys for _, keys, what in binding_rows(app.screen.sections, app.screen.keymap)}
        assert rows["Help"] == "f2"  # ? shows the keys that work
        console = Console(width=100, file=io.StringIO())
        console.print(app.screen.query_one("#help-rows", Static).content)  # the table as drawn
        help_line = next(line for line in console.file.getvalue().splitlines() if line.split()[-1:] == ["Help"])
        assert "f2" in help_line.split() and "?" not in help_line, help_line
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("z")  # zoom's old key: nothing
        await pilot.pause()
        assert not app.main.has_class("-zoom")
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.main.has_class("-zoom")
    store.close()


async def test_the_first_run_message_names_the_remapped_help_key(tmp_path: Path) -> None:
    from store import Store
    from store.seeding import seed_if_empty

    settings_file = tmp_path / "settings.toml"
    settings_file.write_text('[keys]\n"screen.help" = "f2,f3"\n')
    store = Store.open(tmp_path / "store")
    app = make_app(store, seeded=seed_if_empty(store), settings=load_settings(settings_file, binding_ids=binding_ids()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.main.welcome is not None and app.main.welcome.endswith(" f2 lists every key.")
    store.close()


async def test_a_remapped_reader_key_tags(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text('[keys]\nreader.tag_entity = "ctrl+e"\n')
    store = seeded(tmp_path / "store")
    app = make_app(store, settings=load_settings(settings_file, binding_ids=binding_ids()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, "Russia seizes strategic initiative in Central Asia")
        await select_words(pilot, app.main.reader, "Sergei Shoigu")
        await pilot.press("e")
        await pilot.pause()
        assert not isinstance(app.screen, EntityPicker)
        await pilot.press("ctrl+e")
        await pilot.pause()
        assert isinstance(app.screen, EntityPicker)
    store.close()


async def test_the_settings_types_are_the_types_offered(tmp_path: Path) -> None:
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text('entity_types = ["unit", "Vessel", "OFFICIAL"]\n')
    store = seeded(tmp_path / "store")
    app = make_app(store, settings=load_settings(settings_file))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_article_titled(pilot, "Russia seizes strategic initiative in Central Asia")
        await select_words(pilot, app.main.reader, "Sergei Shoigu")
        await pilot.press("e")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, EntityPicker)
        choices = option_texts(picker.query_one("#entity-choices", OptionList))
        assert any(c.startswith("+ new UNIT ") for c in choices), choices  # no PERSON: the first type
        await pilot.press("ctrl+u", *"Qwxz Unit", "down", "enter")  # "+ new entity … of another type"
        await pilot.pause()
        assert option_texts(picker.query_one("#entity-choices", OptionList)) == ["UNIT", "VESSEL", "OFFICIAL"]
        await pilot.press("down", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, EntityPicker)
    entity = store.find_entity("Qwxz Unit")
    assert entity is not None and entity.type == "VESSEL"
    store.close()


def test_every_binding_has_a_unique_id() -> None:
    """Read from the source, so a Binding added without an id (or with a taken one) fails here."""
    ids: dict[str, str] = {}
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Binding":
                keywords = {k.arg: k.value for k in node.keywords}
                action = node.args[1] if len(node.args) > 1 else keywords.get("action")
                if isinstance(action, ast.Constant) and action.value == "":
                    continue  # a help row (``described``), not a binding
                where = f"{path.relative_to(TUI.parent)}:{node.lineno}"
                assert "id" in keywords, f"Binding without an id at {where}"
                source = ast.unparse(keywords["id"])
                assert source not in ids, f"id {source} at {where} and {ids[source]}"
                ids[source] = where
    assert len(binding_ids()) == len(all_bindings())  # found at run time: each id once
    assert {"app.quit", "screen.help", "reader.tag_entity", "list.down", "picker.cancel"} <= binding_ids()

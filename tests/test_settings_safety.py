"""The settings file as the world leaves it: links, folders, pipes, other owners, bad bytes.

Reading must never hang, never read what is not the user's own plain file, and say clearly
what is wrong; writing (the remembered theme) must keep the user's comments, stay private
and never write through a link.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from pathlib import Path

import pytest

from store.settings import load_settings, remember_theme
from store.settings_file import MAX_SETTINGS_BYTES, SETTINGS_ENV, SettingsError, settings_path

NOBODY = 65534
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give a file to another user")


def refused(path: Path) -> str:
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(str(path))
    return str(caught.value)


def test_the_path_follows_xdg_and_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SETTINGS_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert settings_path() == tmp_path / "config" / "dossier" / "settings.toml"
    monkeypatch.setenv(SETTINGS_ENV, str(tmp_path / "elsewhere.toml"))
    assert settings_path() == tmp_path / "elsewhere.toml"
    (tmp_path / "elsewhere.toml").write_text('theme = "nord"\n')
    assert load_settings().theme == "nord"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").mkdir()
    assert "is a folder" in refused(tmp_path / "settings.toml")


def test_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    """Opening a FIFO for reading blocks until a writer comes: the start must not wait for one."""
    os.mkfifo(tmp_path / "settings.toml")
    assert "not a plain file" in refused(tmp_path / "settings.toml")


def test_a_link_to_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").symlink_to("/dev/zero")
    message = refused(tmp_path / "settings.toml")
    assert "not a plain file" in message or "another user" in message


def test_a_huge_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("# " + "x" * MAX_SETTINGS_BYTES + "\n")
    assert "larger than" in refused(path)


def test_bytes_that_are_not_utf8_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes('theme = "nord"\n# café\nauthor = "Jos\xe9"\n'.encode("latin-1"))
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert caught.value.line == 2 and "not UTF-8" in str(caught.value)


def test_a_users_own_link_is_followed(tmp_path: Path) -> None:
    """Dotfile managers link settings into a repository: the user's own link works."""
    real = tmp_path / "dotfiles" / "dossier.toml"
    real.parent.mkdir()
    real.write_text('theme = "nord"\n')
    (tmp_path / "settings.toml").symlink_to(real)
    assert load_settings(tmp_path / "settings.toml").theme == "nord"


@ROOT_ONLY
def test_a_link_planted_by_another_user_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.toml"
    secret.write_text('theme = "nord"\n')
    link = tmp_path / "settings.toml"
    link.symlink_to(secret)
    os.lchown(link, NOBODY, NOBODY)
    assert "symbolic link made by another user" in refused(link)


@ROOT_ONLY
def test_a_file_of_another_user_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('store = "/tmp/theirs"\n')
    os.chown(path, NOBODY, NOBODY)
    assert "belongs to another user" in refused(path)
    link = tmp_path / "mine.toml"
    link.symlink_to(path)  # my link, their file
    assert "another user owns" in refused(link)


def test_a_file_anyone_may_change_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('store = "/tmp/x"\n')
    path.chmod(0o666)
    assert "anyone may change it" in refused(path)


@ROOT_ONLY
def test_an_unreadable_file_is_a_clear_message(tmp_path: Path) -> None:
    """As a user who may not read it (root reads everything, so the check runs as nobody).

    The folder is one nobody may search (pytest's own are root's, 0700): a folder on the way
    that cannot be searched means no settings (another user's home), a file that cannot be
    read is an error.
    """
    folder = Path(tempfile.mkdtemp(prefix="dossier-settings-"))
    folder.chmod(0o711)
    path = folder / "settings.toml"
    path.write_text('theme = "nord"\n')
    os.chown(folder, NOBODY, NOBODY)
    os.chown(path, NOBODY, NOBODY)
    path.chmod(0o000)
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # the child becomes nobody and tries; the code is already loaded
        try:
            os.setgid(NOBODY)
            os.setuid(NOBODY)
            try:
                load_settings(path)
                said = "read it"
            except SettingsError as exc:
                said = str(exc)
            os.write(write, said.encode())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(child, 0)
    with os.fdopen(read, "rb") as said:
        assert said.read().decode() == f"{path}: cannot be read (Permission denied)"
    shutil.rmtree(folder)


def test_remembering_keeps_comments_and_layout(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    original = (
        "# my settings, keep this\n"
        'theme = "nord"   # dark enough\n'
        'author = "Ada"\n'
        "\n"
        "[keys]\n"
        '# tagging on ctrl\n"reader.tag_entity" = "ctrl+e"\n'
    )
    path.write_text(original)
    remember_theme("gruvbox", path)
    assert path.read_text() == original.replace('"nord"', '"gruvbox"')
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_remembering_adds_the_theme_above_the_tables(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('# mine\n[keys]\n"screen.help" = "f2"\n')
    remember_theme("monokai", path)
    settings = load_settings(path)
    assert settings.theme == "monokai" and settings.keys == {"screen.help": "f2"}
    assert "# mine" in path.read_text()


def test_remembering_makes_a_private_file_and_folder(tmp_path: Path) -> None:
    path = tmp_path / "config" / "dossier" / "settings.toml"
    remember_theme("nord", path)
    assert load_settings(path).theme == "nord"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["settings.toml"]  # no temporary file left


def test_remembering_never_writes_through_a_link(tmp_path: Path) -> None:
    target = tmp_path / "victim"
    target.write_text("precious\n")
    link = tmp_path / "settings.toml"
    link.symlink_to(target)
    with pytest.raises(SettingsError, match="symbolic link"):
        remember_theme("nord", link)
    assert target.read_text() == "precious\n" and link.is_symlink()


def test_a_broken_file_is_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    broken = 'theme = "nord"\nauthr = "typo"\n'
    path.write_text(broken)
    with pytest.raises(SettingsError) as caught:
        remember_theme("gruvbox", path)
    assert caught.value.line == 2
    assert path.read_text() == broken


@pytest.mark.parametrize("name", ["", "nord\x1b[31m", "x" * 65, "two\nlines"])
def test_a_bad_theme_name_is_never_written(tmp_path: Path, name: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('author = "Ada"\n')
    with pytest.raises(SettingsError):
        remember_theme(name, path)
    assert path.read_text() == 'author = "Ada"\n'

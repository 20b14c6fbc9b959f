"""Where the settings file is, and reading and writing it safely.

The file is the user's own: ``settings.toml`` in the XDG config directory
(``$XDG_CONFIG_HOME/dossier``, else ``~/.config/dossier``), or the file ``$DOSSIER_SETTINGS``
names (for tests, servers, and people who keep several). Reading it must never hang, never
read something that is not a plain file of the user's, and never run away with memory:

* a missing file is no error (every setting has a default);
* a folder, a FIFO, a device, a file of more than :data:`MAX_SETTINGS_BYTES`, a file that is
  not UTF-8 or cannot be read is a :class:`SettingsError` naming the file (and, for bad
  UTF-8, the line);
* a symbolic link is followed only if the link and what it points to are the user's own
  (dotfile managers link ``~/.config`` files into a repository); one planted by someone else
  (another owner) is refused, as is a file someone else owns or anyone may write.

Writing (remembering the theme) replaces the file atomically, private (0600), and never
through a symbolic link: a linked settings file is refused for writing with a message saying
what to put in it by hand, so the user's link is not replaced behind their back.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import platformdirs

from store.storage import atomic_write

#: Environment variable naming the settings file to use instead of the XDG one.
SETTINGS_ENV = "DOSSIER_SETTINGS"
#: The settings file's name inside the config directory.
SETTINGS_NAME = "settings.toml"
#: A settings file is a few dozen lines; anything this big is not one.
MAX_SETTINGS_BYTES = 256 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
#: Owners besides the user whose files are trusted: root's (a system-wide install).
_TRUSTED_OWNERS = {0}


class SettingsError(ValueError):
    """The settings file cannot be used; the message names the file, the line when known, and why."""

    def __init__(self, path: Path | None, problem: str, line: int | None = None) -> None:
        where = str(path) if path is not None else "settings"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line
        self.problem = problem


def settings_path() -> Path:
    """``$DOSSIER_SETTINGS`` if set, else ``settings.toml`` in the user's config directory (XDG)."""
    chosen = os.environ.get(SETTINGS_ENV)
    if chosen:
        return Path(chosen).expanduser()
    return Path(platformdirs.user_config_dir("dossier", appauthor=False)) / SETTINGS_NAME


def read_settings_text(path: Path) -> str | None:
    """The text of the settings file at ``path``, or ``None`` when there is none.

    Raises:
        SettingsError: not a plain file of the user's, too big, unreadable or not UTF-8.
    """
    try:
        link = path.lstat()
    except FileNotFoundError:
        return None
    except PermissionError:
        # A folder on the way that this user may not search: another user's home, as under
        # `sudo -u` with HOME kept. No file of this user's can be there, so there are no settings.
        return None
    except OSError as exc:
        raise SettingsError(path, f"cannot be read ({exc.strerror or exc})") from exc
    flags = os.O_RDONLY | _NONBLOCK | _CLOEXEC  # a FIFO must not hang the start
    if stat.S_ISLNK(link.st_mode):
        _check_owner(path, link, "is a symbolic link made by another user")
        try:
            target = path.stat()
        except FileNotFoundError:
            return None  # a dangling link: no settings yet (the user's own link, checked above)
        except OSError as exc:
            raise SettingsError(path, f"cannot be read ({exc.strerror or exc})") from exc
        _check_owner(path, target, "is a symbolic link to a file another user owns")
    else:
        flags |= _NOFOLLOW
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a link between the look and the open
            raise SettingsError(path, "is a symbolic link made by another user") from exc
        if exc.errno == errno.EISDIR:
            raise SettingsError(path, "is a folder, not a settings file") from exc
        raise SettingsError(path, f"cannot be read ({exc.strerror or exc})") from exc
    try:
        found = os.fstat(fd)
        if stat.S_ISDIR(found.st_mode):
            raise SettingsError(path, "is a folder, not a settings file")
        if not stat.S_ISREG(found.st_mode):
            raise SettingsError(path, "is not a plain file (a device, a pipe or a socket)")
        _check_owner(path, found, "belongs to another user")
        if found.st_mode & stat.S_IWOTH:
            raise SettingsError(path, f"anyone may change it (mode {stat.filemode(found.st_mode)}); chmod o-w it")
        data = _read_at_most(fd, MAX_SETTINGS_BYTES + 1)
    except OSError as exc:
        raise SettingsError(path, f"cannot be read ({exc.strerror or exc})") from exc
    finally:
        os.close(fd)
    if len(data) > MAX_SETTINGS_BYTES:
        raise SettingsError(path, f"is larger than {MAX_SETTINGS_BYTES // 1024} KiB: not a settings file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SettingsError(path, "is not UTF-8 text (save it as UTF-8)", line) from exc


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = os.read(fd, min(65536, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _check_owner(path: Path, info: os.stat_result, problem: str) -> None:
    if info.st_uid != os.geteuid() and info.st_uid not in _TRUSTED_OWNERS:
        raise SettingsError(path, f"{problem}; Dossier does not read it (remove it, or make it yours)")


def write_settings_text(path: Path, text: str) -> None:
    """Replace the settings file with ``text``: atomically, mode 0600, never through a link.

    The folder is made (private) when absent.

    Raises:
        SettingsError: the file is a symbolic link or a folder, or it cannot be written.
    """
    if path.is_symlink():
        raise SettingsError(path, "is a symbolic link; Dossier does not write through one (edit it by hand)")
    if path.is_dir():
        raise SettingsError(path, "is a folder, not a settings file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        atomic_write(path, text.encode("utf-8"), 0o600)
    except OSError as exc:
        raise SettingsError(path, f"cannot be written ({exc.strerror or exc})") from exc

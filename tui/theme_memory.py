"""The theme: the settings file's at start, and the one the user picks, written back to it.

Textual offers its themes in the command palette (ctrl+p, "Change theme"); a pick sets
``App.theme``, and Textual announces every change on ``App.theme_changed_signal``. Listening
there (rather than wrapping the palette command) catches a change however it is made. The
file is written only when the theme really differs from the one last remembered, and only
when the settings came from a file (``Settings.path``): the tests' apps, made without one,
never touch the user's settings.

A theme the settings name that Textual does not have is said once the app is up (a toast,
the name shown inert), and the default theme stays: a typo never stops the app.
"""

from __future__ import annotations

from textual.app import App
from textual.theme import Theme

from store.sanitize import neutralize
from store.settings import Settings, remember_theme
from store.settings_file import SettingsError


class ThemeMemory:
    """Applies ``settings.theme`` to ``app`` and remembers the themes the user picks."""

    def __init__(self, app: App, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        #: What to tell the user once the app is up (an unknown theme), if anything.
        self.problem: str | None = None
        if settings.theme:
            if settings.theme in app.available_themes:
                app.theme = settings.theme
            else:
                known = ", ".join(sorted(app.available_themes))
                self.problem = (
                    f"The settings name the theme “{neutralize(settings.theme)}”, which Dossier does not have;"
                    f" the default theme is used. Themes: {known}. (ctrl+p, “Change theme” picks one and"
                    " remembers it.)"
                )
        #: The theme the settings file holds now (nothing to write while it is the app's).
        self.remembered = app.theme if not self.problem else settings.theme

    def start(self) -> None:
        """Listen for theme changes and say any problem (call once the app is mounted)."""
        self.app.theme_changed_signal.subscribe(self.app, self._changed)
        if self.problem:
            self.app.notify(self.problem, title="Settings", severity="warning", markup=False, timeout=15)

    def _changed(self, theme: Theme) -> None:
        if theme.name == self.remembered:
            return
        self.remembered = theme.name
        if self.settings.path is None:
            return
        try:
            remember_theme(theme.name, self.settings.path)
        except SettingsError as exc:
            self.app.notify(
                f"Theme {neutralize(theme.name)} is in use but not remembered: {neutralize(str(exc))}",
                title="Settings",
                severity="warning",
                markup=False,
                timeout=15,
            )

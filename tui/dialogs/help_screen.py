"""The ``?`` screen: every key binding of the app, grouped by where it works.

Built from the widgets' own ``BINDINGS``, so it cannot drift from what the keys really do.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tui.dialogs.dialog import Dialog

KEY_NAMES = {
    "plus": "+",
    "minus": "-",
    "equals_sign": "=",
    "question_mark": "?",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "space": "Space",
    "escape": "Esc",
    "enter": "Enter",
    "delete": "Del",
    "pagedown": "PgDn",
    "pageup": "PgUp",
}


def key_label(keys: str) -> str:
    """Readable form of a binding's keys: ``left,h`` → ``← / h``."""
    shown = []
    for key in keys.split(","):
        key = key.strip()
        shown.append({"left": "←", "right": "→", "up": "↑", "down": "↓"}.get(key, KEY_NAMES.get(key, key)))
    return ", ".join(shown)


def binding_rows(sections: list[tuple[str, list[BindingType]]]) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every binding with a description."""
    rows = []
    for where, bindings in sections:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.description:
                rows.append((where, key_label(binding.key), binding.description))
    return rows


class HelpScreen(Dialog[None]):
    """Modal: the table of key bindings."""

    BINDINGS: list[BindingType] = [
        Binding("escape,q,question_mark", "dismiss", "Close help"),
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog wide tall"):
            yield Static("Dossier keys", id="dialog-title")
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="help-table")
            table.add_columns("Where", "Keys", "Does")
            for where, keys, what in binding_rows(self.sections):
                table.add_row(Text(where, style="dim"), Text(keys, style="bold"), Text(what))
            yield table
            yield Static(
                "In the reader, a motion with a selection active extends it: v w w ) selects words then a "
                "sentence; - shrinks back. ctrl+p opens the command palette. Esc closes this.",
                classes="dialog-help",
                markup=False,
            )

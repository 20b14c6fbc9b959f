"""The ``?`` screen: every key binding of the app, grouped by where it works.

Built from the widgets' own ``BINDINGS``, so it cannot drift from what the keys really do;
a binding the settings file remaps (by its id, see :mod:`tui.binding_ids`) is shown with the
user's keys, the ones that work.
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static

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


#: Keys bound only because a terminal reports another key that way (alt+1 sent as Esc 1 reads
#: as "¡"): the help shows the key the user presses.
UNSHOWN_KEYS = {"inverted_exclamation_mark", "trade_mark_sign", "pound_sign", "cent_sign"}


def key_label(keys: str) -> str:
    """Readable form of a binding's keys: ``left,h`` → ``← / h``."""
    shown = []
    for key in keys.split(","):
        key = key.strip()
        if key in UNSHOWN_KEYS:
            continue
        shown.append({"left": "←", "right": "→", "up": "↑", "down": "↓"}.get(key, KEY_NAMES.get(key, key)))
    return ", ".join(shown)


def binding_rows(
    sections: list[tuple[str, list[BindingType]]], keymap: Mapping[str, str] | None = None
) -> list[tuple[str, str, str]]:
    """(where, keys, what) for every binding with a description; ``keymap`` (id → keys) wins."""
    keymap = keymap or {}
    rows = []
    for where, bindings in sections:
        for binding in bindings:
            if isinstance(binding, Binding) and binding.description:
                keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
                rows.append((where, key_label(keys), binding.description))
    return rows


Sections = list[tuple[str, list[BindingType]]]


def described(key: str, description: str) -> Binding:
    """A row for a key that is not one binding of its own (a range of digits, a list's Enter)."""
    return Binding(key, "", description)


def main_screen_sections(app_bindings: list[BindingType], screen_bindings: list[BindingType]) -> Sections:
    """The main screen's keys: the app's, the screen's, then each pane's, as the user meets them."""
    from tui.bookmarks_screen import BookmarksScreen
    from tui.compare_screen import CompareScreen
    from tui.concordance_screen import ConcordanceScreen
    from tui.timeline_screen import TimelineScreen
    from tui.widgets.document_list import DocumentList
    from tui.widgets.entity_pane import EntityPane
    from tui.widgets.nav_list import NavList
    from tui.widgets.reader import Reader
    from tui.widgets.row_list import RowList

    reader = [b for b in Reader.BINDINGS if not (isinstance(b, Binding) and b.action.startswith("count("))]
    return [
        ("App", [*app_bindings, described("ctrl+p", "Command palette: open article, jump to entity…")]),
        ("Anywhere", list(screen_bindings)),
        ("Lists", list(NavList.BINDINGS)),
        ("Documents", [*DocumentList.BINDINGS, *RowList.BINDINGS]),
        (
            "Reader",
            [
                *reader,
                described("1-9", "Count, as in vim: 3w three words, 2) two sentences, 5n"),
                described("0", "Start of the line (after a count digit: its 0)"),
                described("alt+1-4", "Panes (here digits are counts)"),
            ],
        ),
        ("Entities", [*EntityPane.BINDINGS, described("enter", "Next mention in the article")]),
        ("Cross-refs", [described("enter", "Follow reference (then [ to come back)")]),
        ("Concordance (K)", [*ConcordanceScreen.BINDINGS, described("enter", "Open the place, the match selected")]),
        ("Timeline (Y)", [*TimelineScreen.BINDINGS, described("enter", "Open the place, the date selected")]),
        ("Compare (C)", [*CompareScreen.BINDINGS, described("enter", "Open the passage in the reader")]),
        ("Bookmarks (')", [*BookmarksScreen.BINDINGS, described("enter", "Open the place")]),
    ]


class HelpScreen(Dialog[None]):
    """Modal: the table of key bindings."""

    BINDINGS: list[BindingType] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, sections: Sections, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.sections = sections
        self.keymap = dict(keymap or {})

    def compose(self) -> ComposeResult:
        # A Rich table wraps its last column to the screen: at 80 columns nothing is cut and
        # nothing scrolls sideways; the list scrolls up and down (↑↓, PgUp/PgDn).
        table = Table(box=None, expand=True, show_edge=False, pad_edge=False, header_style="bold")
        table.add_column("Where", style="dim", no_wrap=True)
        table.add_column("Keys", style="bold", no_wrap=True)
        table.add_column("Does", ratio=1, overflow="fold")
        for where, keys, what in binding_rows(self.sections, self.keymap):
            table.add_row(Text(where), Text(keys), Text(what))
        with Vertical(id="dialog", classes="dialog wide tall"):
            yield Static("Dossier keys", id="dialog-title")
            with VerticalScroll(id="help-table"):
                yield Static(table, id="help-rows")
            yield Static(
                "In the reader, digits are counts (3w, 2)) and alt+1-4 are the panes; a motion with a "
                "selection active extends it: v w w ) selects words then a sentence, - shrinks back. "
                "Esc closes this.",
                classes="dialog-help",
                markup=False,
            )

"""Keys shared by the dialogs that pair a text field with a list of choices under it."""

from __future__ import annotations

from textual import events
from textual.screen import Screen
from textual.widgets import Input, OptionList


def steer_list_from_field(event: events.Key, field: Input, choices: OptionList) -> None:
    """Up and down typed in the field move the highlight in the list, as in a command palette.

    The hands never leave the keys being typed.
    """
    if event.key in ("down", "up") and field.has_focus:
        (choices.action_cursor_down if event.key == "down" else choices.action_cursor_up)()
        event.stop()


def focus_first_field(screen: Screen[object], selector: str) -> None:
    """Focus a dialog's field as it mounts, before it is first drawn.

    Textual's own auto-focus waits for the terminal to report that it has focus, which a
    detached tmux or some SSH clients never do; keys typed as the dialog appears would be lost.
    """
    screen.set_focus(screen.query_one(selector, Input))

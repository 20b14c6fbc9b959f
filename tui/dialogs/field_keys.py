"""Keys shared by the dialogs that pair a text field with a list of choices under it."""

from __future__ import annotations

from textual import events
from textual.widgets import Input, OptionList


def steer_list_from_field(event: events.Key, field: Input, choices: OptionList) -> None:
    """Up and down typed in the field move the highlight in the list, as in a command palette.

    The hands never leave the keys being typed.
    """
    if event.key in ("down", "up") and field.has_focus:
        (choices.action_cursor_down if event.key == "down" else choices.action_cursor_up)()
        event.stop()

"""A modal dialog that asks one thing, and how its answer is waited for.

A dialog's answer is applied by the code that opened it after the dialog has closed (a tag is
saved on the store thread, then the panes redrawn). Keys typed right behind the dialog's Enter
must meet the app as it will be once that is done, not as it was a moment before: undo then
undoes the tag just made. So a dialog opened with :func:`answer_of` holds the app's keys
(:class:`tui.keyboard.KeyLine`) from the moment it closes until the answer is applied.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TypeVar

from textual.screen import ModalScreen

if TYPE_CHECKING:
    from textual.app import App

T = TypeVar("T")


def hold_keys(app: App[Any], hold: bool) -> None:
    """Hold (or release) the app's keys, where the app has a key line (a bare test app has none)."""
    key_line = getattr(app, "keys", None)
    if key_line is None:
        return
    if hold:
        key_line.hold()
    else:
        key_line.release()


class Dialog(ModalScreen[T]):
    """A modal screen whose closing can hold the keys behind it (see :func:`answer_of`)."""

    #: Set by :func:`answer_of`: closing holds the keys until the answer is applied.
    holds_keys = False

    def dismiss(self, result: Any = None) -> Any:
        """Close with ``result``; the keys typed after it wait if the opener asked for that."""
        if self.holds_keys:
            self.holds_keys = False  # one hold per answer, however often dismiss is called
            hold_keys(self.app, True)
        return super().dismiss(result)


@contextlib.asynccontextmanager
async def answer_of(app: App[Any], dialog: Dialog[T]) -> AsyncIterator[T]:
    """Open ``dialog`` and give its answer; keys typed after it wait until this block ends.

    The block applies the answer (saves, redraws); whatever it does, keys go on after it.
    """
    dialog.holds_keys = True
    try:
        yield await app.push_screen_wait(dialog)
    finally:
        if not dialog.holds_keys:  # it closed, and so holds them
            hold_keys(app, False)

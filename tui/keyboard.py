"""One keyboard model: every key is text or a command, decided once the previous key is done.

Textual reads a key, hands it to the focused widget's queue and reads the next key at once. Keys
that arrive together (typed fast over ssh, pasted, a terminal's burst) were each sent to the
widget focused when they were read, not when they were handled: after ``/`` moved to the
document filter, ``uzbek`` typed in the same burst still went to the list, where ``u`` is undo
and ``z`` zooms; after Enter closed a dialog, the keys behind it landed in the dialog's field.

Here keys wait in a line of their own. The next key is handed on only when the app has
finished with the previous one: every message the key caused has been handled (no queue of
the app, its screens or their widgets holds one), a dialog it opened has given its field the
focus, and any change it set off that the app asked to finish first (a tag being saved after
the picker closed: :meth:`KeyLine.hold`) is done. Then the usual rules apply, in the state the
user sees:

* a focused text field takes every printable key as text (Textual's ``check_consume_key``);
* any other key goes to the bindings from the focused widget up to the app, then the widget.

Nothing may stall typing: a wait longer than :data:`SETTLE_LIMIT_S` (an animation that keeps
posting messages) hands the key on anyway, and Escape never waits behind a hold (it is how one
cancels a search that is slow to answer after Enter).
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App

#: The longest a key waits for the previous one's effects before it is handed on anyway.
SETTLE_LIMIT_S = 0.3
#: The longest keys wait behind an explicit hold (a save that takes long: the user is told).
HOLD_LIMIT_S = 5.0
#: Rounds of the event loop the app must stay quiet for before the next key goes.
QUIET_ROUNDS = 3


class KeyLine:
    """The keys read and not handed on yet, and the task that hands them on in order."""

    def __init__(self, app: App[object], deliver: Callable[[events.Key | events.Paste], Awaitable[None]]) -> None:
        self.app = app
        self._deliver = deliver
        #: Keys and pastes, in the order they were read (a paste typed after keys lands after them).
        self._keys: deque[events.Key | events.Paste] = deque()
        self._arrived = asyncio.Event()
        self._holds = 0
        self._held_since = 0.0
        self._task: asyncio.Task[None] | None = None

    def take(self, key: events.Key | events.Paste) -> None:
        """A key (or a paste) read from the terminal: it waits its turn."""
        self._keys.append(key)
        self._arrived.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name="dossier-keys")

    def hold(self) -> None:
        """Keys wait until :meth:`release` (the change a key set off is not shown yet)."""
        if not self._holds:
            self._held_since = time.monotonic()
        self._holds += 1

    def release(self) -> None:
        """The change is shown: keys go on (when every hold is released)."""
        self._holds = max(0, self._holds - 1)

    @property
    def waiting(self) -> int:
        """Keys read and not handed on yet."""
        return len(self._keys)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            if not self._keys:
                self._arrived.clear()
                await self._arrived.wait()
            await self._settle()
            key = self._keys.popleft()
            try:
                await self._deliver(key)
            except Exception as error:  # as Textual treats an error in a key's handler
                self.app._handle_exception(error)
                return
            await asyncio.sleep(0)

    async def _settle(self) -> None:
        """Wait until the app has finished with the previous key (or the limits say go on)."""
        started = time.monotonic()
        quiet = 0
        escape = bool(self._keys) and isinstance(self._keys[0], events.Key) and self._keys[0].key == "escape"
        while quiet < QUIET_ROUNDS:
            now = time.monotonic()
            # Escape never waits behind a hold: it is how one cancels what one is waiting for
            # (a search slow to answer after Enter).
            held = self._holds and not escape and now - self._held_since < HOLD_LIMIT_S
            if not held and now - started > SETTLE_LIMIT_S:
                return
            if held or self._busy():
                quiet = 0
                await asyncio.sleep(0.002)
            else:
                quiet += 1
                await asyncio.sleep(0)

    def _busy(self) -> bool:
        """True while a message waits in a queue of the app, a screen or a widget, or a dialog opens."""
        app = self.app
        if app._message_queue.qsize():
            return True
        screen = app.screen
        if not screen.is_mounted or (screen.focused is None and screen.focus_chain):
            return True  # a screen still opening: its field will have the focus
        for each in app.screen_stack:
            if each._message_queue.qsize():
                return True
        return any(widget._message_queue.qsize() for widget in screen.walk_children())

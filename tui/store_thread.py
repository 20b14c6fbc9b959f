"""The app's one thread for store work that may wait: saves, undo, and taking in others' changes.

A save waits for the store's lock, which another analyst's process may hold (an import saving a
batch, a compaction); taking in another process's compaction reads a whole file. None of that
may freeze the keyboard, so the app hands such calls to this thread and awaits them. One thread,
in order: a tag and the undo typed right after it are saved in that order, never reordered or
dropped (the store's indexes have their own short lock, so panes keep reading meanwhile).

The thread is a daemon: when the user chooses to quit while a save still waits for another
process's lock, the app does not hang on it. Abandoning it is safe: a save waiting for the lock
has written nothing, and one cut off mid-write is a torn journal line, never reported saved.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[Callable[[], Any], asyncio.AbstractEventLoop, "asyncio.Future[Any]"]


class StoreThread:
    """Runs store calls one after another on a thread of their own."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name="dossier-store", daemon=True)
        self._thread.start()
        #: Calls handed in and not yet answered (saves waiting, or running).
        self.pending = 0

    async def run(self, call: Callable[[], T]) -> T:
        """Run ``call`` after every call handed in before it; its result, or its exception."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self.pending += 1
        try:
            self._jobs.put((call, loop, future))
            return await future
        finally:
            self.pending -= 1

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            call, loop, future = job
            try:
                outcome: tuple[str, Any] = ("result", call())
            except BaseException as exc:  # handed to the awaiting coroutine, which reports it
                outcome = ("exception", exc)
            with contextlib.suppress(RuntimeError):  # the app's loop closed meanwhile
                loop.call_soon_threadsafe(_settle, future, outcome)

    def shutdown(self) -> None:
        """Stop after the calls already handed in; never wait for them here."""
        self._jobs.put(None)


def _settle(future: asyncio.Future[Any], outcome: tuple[str, Any]) -> None:
    if future.done():
        return
    kind, value = outcome
    if kind == "result":
        future.set_result(value)
    else:
        future.set_exception(value)

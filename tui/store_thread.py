"""The app's one thread for store work that may wait: saves, undo, and taking in others' changes.

A save waits for the store's lock, which another analyst's process may hold (an import saving a
batch, a compaction); taking in another process's compaction reads a whole file. None of that
may freeze the keyboard, so the app hands such calls to this thread and awaits them. One thread,
in order: a tag and the undo typed right after it are saved in that order, never reordered or
dropped (the store's indexes have their own short lock, so panes keep reading meanwhile).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class StoreThread:
    """Runs store calls one after another on a thread of their own."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-store")
        self.pending = 0

    async def run(self, call: Callable[[], T]) -> T:
        """Run ``call`` after every call handed in before it; its result, or its exception."""
        self.pending += 1
        try:
            return await asyncio.wrap_future(self._executor.submit(call))
        finally:
            self.pending -= 1

    def shutdown(self) -> None:
        """Let queued calls finish (they are saves), then stop the thread."""
        self._executor.shutdown(wait=True)

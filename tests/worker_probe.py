"""Functions the worker-process tests hand to :func:`store.workers.parallel_map` (workers import them by name)."""

from __future__ import annotations

import os


def square_in(number: int, parent: int) -> tuple[int, bool]:
    """The square, and whether it was made in another process than ``parent``."""
    return number * number, os.getpid() != parent


def die_in_worker(number: int, parent: int) -> int:
    """A worker given 500 dies (as one killed by the OOM killer); anywhere else, the square."""
    if number == 500 and os.getpid() != parent:
        os._exit(9)
    return number * number

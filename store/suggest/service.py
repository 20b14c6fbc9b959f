"""The text's own suggestions computed in a process of their own, for an interactive program.

The suggesters' tables take seconds to load the first time, and rigour's name tables hold
the interpreter lock all that while (measured: 7 s in which no other thread of the process
ran). In the app that would freeze every key. So the app hands its texts to one long-lived
helper process (``python -m store.suggest.service``) that loads the tables once, at the app's
start, beside it, and answers each text with its candidates. Scripts and tests that call
:func:`store.suggest.suggest` directly keep computing in their own process.

The helper reads pickled texts on its standard input and writes pickled candidate lists on
its standard output; it runs in its own session (Ctrl+C reaches only the app) and exits when
its input closes; the app's exit kills it, even while it loads. If it cannot be started or
dies, the candidates are computed in the calling process, so suggestions never fail for want
of it.
"""

from __future__ import annotations

import atexit
import pickle
import subprocess
import sys
import threading
from typing import IO

from store.suggest.candidates import Candidate
from store.workers import send, start_process, stop_processes


class SuggestionService:
    """One helper process, started on first use (or by :meth:`start`), shared by every caller."""

    def __init__(self) -> None:
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._broken = False

    def start(self) -> None:
        """Start the helper now, so its tables are loaded before the first text comes."""
        with self._lock:
            self._ensure()

    def candidates(self, text: str) -> list[Candidate]:
        """The candidates of ``text`` (:func:`store.suggest.suggest`), from the helper process."""
        with self._lock:
            process = self._ensure()
            if process is not None:
                try:
                    send(process.stdin, text)
                    found: list[Candidate] = pickle.load(process.stdout)  # type: ignore[arg-type]
                    return found
                except (OSError, EOFError, pickle.UnpicklingError):
                    self._stop()
                    self._broken = True  # not restarted: it would die again on the same text
        from store.suggest import suggest

        return suggest(text)

    def close(self) -> None:
        """Stop the helper (its input closes; it exits)."""
        with self._lock:
            self._stop()

    def _ensure(self) -> subprocess.Popen[bytes] | None:
        if self._process is not None and self._process.poll() is None:
            return self._process
        if self._broken:
            return None
        try:
            self._process = start_process("store.suggest.service")
        except OSError:
            self._broken = True
            self._process = None
        return self._process

    def _stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            # Killed, not asked: it saves nothing, and while it loads its tables (seconds in one
            # call of rigour's that holds its interpreter lock) it would not see its input close,
            # so an app quit just after its start would wait for it, or leave it loading.
            process.kill()
            stop_processes([process])


#: The one helper of this process (the app starts it; :func:`atexit` stops it).
SERVICE = SuggestionService()
atexit.register(SERVICE.close)


def _serve(inbox: IO[bytes], outbox: IO[bytes]) -> None:
    """The helper's loop: load the tables, then a text in, its candidates out, until input closes."""
    from store.suggest import suggest, warm

    warm()
    while True:
        try:
            text = pickle.load(inbox)
        except EOFError:
            return
        send(outbox, suggest(text))


if __name__ == "__main__":  # the helper process
    _serve(sys.stdin.buffer, sys.stdout.buffer)

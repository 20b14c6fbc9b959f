"""The suggesters' helper process never outlives the app that started it, even while it loads."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from store.suggest.service import SuggestionService
from tests.conftest import ROOT


def _gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_closing_the_service_while_its_tables_load_ends_the_helper_at_once() -> None:
    service = SuggestionService()
    service.start()
    process = service._process
    assert process is not None
    time.sleep(0.5)  # it is loading its tables now (seconds of it)
    started = time.monotonic()
    service.close()
    assert time.monotonic() - started < 2, "quitting waited for the helper's tables"
    assert process.poll() is not None


def test_a_program_that_ends_just_after_starting_the_helper_leaves_no_helper_behind() -> None:
    program = (
        "import sys, time\n"
        "from store.suggest.service import SERVICE\n"
        "SERVICE.start()\n"
        "print(SERVICE._process.pid, flush=True)\n"
        "time.sleep(0.5)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 5, "the program's exit waited for its helper"
    assert _gone(int(done.stdout.split()[0]), within=2), "the helper kept loading after the program ended"

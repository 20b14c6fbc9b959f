"""Run the installed ``dossier`` in a real pseudo-terminal and keep every byte it writes.

A pty is what SSH gives a remote program: the tests type into it as a user would, read the
exact bytes the program sends to the terminal, and close it to hang up as a dropped connection
does (the kernel sends SIGHUP).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import signal
import struct
import sys
import termios
import threading
import time
from pathlib import Path

DOSSIER = Path(sys.executable).with_name("dossier")


class Terminal:
    """``dossier`` running in a pty of a given size."""

    def __init__(self, *args: str, width: int = 80, height: int = 24, env: dict[str, str] | None = None) -> None:
        environment = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", **(env or {})}
        environment.pop("TEXTUAL", None)
        self.output = bytearray()
        self._lock = threading.Lock()
        pid, fd = pty.fork()
        if pid == 0:  # the child: become dossier
            os.execve(str(DOSSIER), [str(DOSSIER), *args], environment)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", height, width, 0, 0))
        self.status: int | None = None
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.output.extend(chunk)

    def text(self) -> str:
        """Everything written so far, decoded."""
        with self._lock:
            return self.output.decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = 20) -> None:
        """Wait until ``needle`` has been written."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.text():
                return
            time.sleep(0.05)
        raise AssertionError(f"{needle!r} never appeared; last output: {self.text()[-500:]!r}")

    def type(self, *keys: str, pause: float = 0.15) -> None:
        """Send keys (raw bytes as a terminal sends them) one by one."""
        for key in keys:
            os.write(self.fd, key.encode())
            time.sleep(pause)

    def hang_up(self) -> None:
        """Close the terminal, as a dropped SSH connection does (SIGHUP to the program)."""
        os.close(self.fd)
        # Closing the master hangs up the line; the kernel signals the session. Some kernels
        # only do so on the next read by the child, so say it explicitly too, as sshd does.
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGHUP)

    def signal(self, number: int) -> None:
        """Send a signal to the program."""
        os.kill(self.pid, number)

    def wait(self, timeout: float = 20) -> int:
        """Wait for the program to end; its exit code (or -signal if a signal killed it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            time.sleep(0.05)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("dossier did not exit")

"""Standard output that fails as a message: a reader that stopped reading, a full disk, a bad device.

``dossier list | head -1`` closes the pipe after one line; ``dossier export > /dev/full`` meets a
device that takes nothing. Left to themselves, Click turns the first into exit code 1 ("nothing
found", a lie) and the second reaches the caller as a bare ``OSError`` that cannot be told from
the store's own disk failing. So while a command runs, standard output writes through
:class:`GuardedOutput`, which raises :class:`OutputClosed` or :class:`OutputFailed` instead: not
``OSError`` subclasses, so neither Click nor Rich (which both catch a broken pipe and exit 1)
swallows them on the way to :func:`tui.cli.root.main`. After the first failure every later
write is dropped, so the interpreter's last flush at exit cannot print a second complaint.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator

#: Exit status when the reader of standard output went away: 128 + SIGPIPE, as the shell
#: reports for ``cat`` or ``grep`` stopped the same way (as 130 is 128 + SIGINT).
OUTPUT_CLOSED = 141


class OutputClosed(Exception):
    """The program reading standard output closed it (``| head -1``): stop quietly."""


class OutputFailed(Exception):
    """Standard output cannot be written (a full disk, a device that refuses); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class GuardedOutput(io.RawIOBase):
    """File descriptor ``fd``, written with :func:`os.write`; a failure raises one of the above."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self.fd = fd
        #: Set after the first failure: what is written afterwards is dropped.
        self.failed = False

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd

    def isatty(self) -> bool:
        return os.isatty(self.fd)

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        if self.failed:
            return len(data)
        try:
            return os.write(self.fd, data)
        except BrokenPipeError:
            self.failed = True
            raise OutputClosed from None
        except OSError as exc:
            self.failed = True
            raise OutputFailed(exc.strerror or str(exc)) from None


@contextlib.contextmanager
def guarded_stdout() -> Iterator[None]:
    """Run the block with ``sys.stdout`` writing through :class:`GuardedOutput` (same encoding).

    Output that is not a real file descriptor (a test's in-memory capture) is left as it is.
    The stream is flushed before the block ends, so a failure to write the last lines is
    raised here too, and the original ``sys.stdout`` is put back afterwards.
    """
    original = sys.stdout
    try:
        fd = original.fileno()
        original.flush()
    except (AttributeError, OSError, ValueError):
        yield
        return
    raw = GuardedOutput(fd)
    sys.stdout = io.TextIOWrapper(
        io.BufferedWriter(raw),
        encoding=original.encoding,
        errors="backslashreplace",  # a lone surrogate is shown as \\udcff: never a traceback, never a raw byte
        line_buffering=original.line_buffering or raw.isatty(),
    )
    try:
        yield
        sys.stdout.flush()
    finally:
        guarded, sys.stdout = sys.stdout, original
        with contextlib.suppress(OutputClosed, OutputFailed, ValueError):
            guarded.flush()  # lines printed before a failure still reach the reader
        raw.failed = True  # and nothing left over can fail again when the guard is collected

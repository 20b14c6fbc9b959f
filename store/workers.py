"""CPU-bound work of large imports spread over worker processes.

Reading and cleaning a file is pure Python, and Python runs one thread at a time: an import of
thousands of files keeps one core busy while the others (and a database server on the same
machine) wait. Worker processes each take a share. They are started only for work large enough
to repay their start (a fraction of a second each) and stopped when it is done.

The workers are plain ``python -m store.workers`` processes reading pickled chunks on their
standard input and writing the results on their standard output, not ``multiprocessing``'s:
that module's ``spawn`` runs the starting program's main script again in every worker, so a
user's own script that imports a folder without an ``if __name__ == "__main__"`` guard would run
itself once per worker (and ``fork`` is unsafe in a process that holds database connections and
threads). A worker runs in its own session, so Ctrl+C in the terminal reaches only the program
that started it, which stops the work cleanly; a worker whose program dies sees its input close
and exits. Where workers cannot be started or one dies, the rest of the work is done in this
process, in order, so an import never fails for want of them.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import IO, Any, TypeVar

R = TypeVar("R")

#: Below this many items the work is done in this process (starting workers costs more).
MIN_ITEMS = 400
#: Items handed to a worker at once: large enough that passing them costs little.
CHUNK = 32
#: Chunks given to each worker ahead of the one being read back (what they hold is small: the
#: chunks sent are paths, far below what a pipe buffers, so sending never waits on a worker).
IN_FLIGHT_PER_WORKER = 4
#: Never more workers than this, whatever the machine.
MAX_WORKERS = 8


def worker_count() -> int:
    """Workers worth starting: one per core this process may use beyond its own, at least one on two."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return min(MAX_WORKERS, max(cores - 1, 0))


def parallel_map(function: Callable[..., R], *columns: Sequence[Any]) -> Iterator[R]:
    """``map(function, *columns)`` in order, done by worker processes when the work is large.

    ``function`` must be a module's function (a worker imports it by name), its arguments and
    results picklable. Results come back in order; only a few chunks are out at once, so a
    consumer slower than the workers (a database taking the articles in) never holds the whole
    corpus in memory. Closing the iterator early (an import cancelled) stops the workers.
    """
    count = len(columns[0]) if columns else 0
    workers = _start(worker_count()) if count >= MIN_ITEMS else []
    if not workers:
        yield from map(function, *columns)
        return
    name = f"{function.__module__}:{function.__qualname__}"
    starts = deque(range(0, count, CHUNK))
    out: deque[tuple[int, subprocess.Popen[bytes]]] = deque()
    done = 0
    try:
        while starts or out:
            while starts and len(out) < len(workers) * IN_FLIGHT_PER_WORKER:
                start = starts.popleft()
                worker = workers[(start // CHUNK) % len(workers)]
                rows = [tuple(column[i] for column in columns) for i in range(start, min(start + CHUNK, count))]
                send(worker.stdin, (name, rows))
                out.append((start, worker))
            start, worker = out.popleft()
            results: list[R] = pickle.load(worker.stdout)  # type: ignore[arg-type]
            yield from results
            done = start + len(results)
    except (OSError, EOFError, pickle.UnpicklingError):
        # A worker died (killed, out of memory): what was not done yet is done here.
        yield from map(function, *(column[done:] for column in columns))
    finally:
        stop_processes(workers)


def _start(count: int) -> list[subprocess.Popen[bytes]]:
    """``count`` workers, or none when processes cannot be started here."""
    workers: list[subprocess.Popen[bytes]] = []
    try:
        for _ in range(count):
            workers.append(start_process("store.workers"))
    except OSError:
        stop_processes(workers)
        return []
    return workers


def start_process(module: str) -> subprocess.Popen[bytes]:
    """``python -m module`` as a helper: pipes in and out, its own session, this code on its path.

    Raises ``OSError`` when processes cannot be started here.
    """
    return subprocess.Popen(
        [sys.executable, "-m", module],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=worker_environment(),
    )


def worker_environment() -> dict[str, str]:
    """The environment of this process, with the folder that holds the ``store`` package first on the path.

    A worker then imports this very code (and the caller's module, for a function of its own
    beside it), whatever folder the program runs in; it keeps the caller's folder, so relative
    paths mean the same to it.
    """
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    paths = [root, *(p for p in sys.path if p and os.path.isdir(p))]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(dict.fromkeys(paths))}


def send(stream: IO[bytes] | None, message: object) -> None:
    """Pickle ``message`` onto a helper's pipe, at once."""
    assert stream is not None
    pickle.dump(message, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


def stop_processes(workers: list[subprocess.Popen[bytes]]) -> None:
    """Close the helpers' pipes (they exit) and reap them; one that lingers is killed."""
    for worker in workers:
        for stream in (worker.stdin, worker.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
    for worker in workers:
        try:
            worker.wait(timeout=5)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _serve(inbox: IO[bytes], outbox: IO[bytes]) -> None:
    """A worker's loop: a chunk in, its results out, until the input closes."""
    functions: dict[str, Callable[..., Any]] = {}
    while True:
        try:
            name, rows = pickle.load(inbox)
        except EOFError:
            return
        function = functions.get(name)
        if function is None:
            module, _, qualname = name.partition(":")
            function = functions[name] = getattr(importlib.import_module(module), qualname)
        send(outbox, [function(*row) for row in rows])


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)

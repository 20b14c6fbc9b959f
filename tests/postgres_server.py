"""A PostgreSQL server of a test's own, to stop and start under an open store.

The shared test server must keep running for every other test, so the tests of a server that
goes away (a restart, a crash) start their own: a throwaway cluster in a temporary folder, run
as the ``postgres`` Unix user (the server refuses to run as root), on a free local port.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def unavailable_reason() -> str | None:
    """Why a private server cannot be started here, or ``None`` if it can."""
    if _binaries() is None:
        return "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin)"
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        return "starting a private server needs root (to run it as the postgres user) and setpriv"
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres Unix user"
    return None


class PrivateServer:
    """A throwaway cluster: :meth:`start`, :meth:`stop`, :meth:`restart`, :meth:`remove`."""

    def __init__(self) -> None:
        import pwd

        user = pwd.getpwnam("postgres")
        self.uid, self.gid = user.pw_uid, user.pw_gid
        self.bin = _binaries()
        self.root = Path(tempfile.mkdtemp(prefix="dossier-pg-"))
        os.chown(self.root, self.uid, self.gid)
        self.data = self.root / "data"
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _as_postgres(self, program: str, *args: str) -> None:
        assert self.bin is not None
        command = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups", str(self.bin / program)]
        subprocess.run([*command, *args], check=True, capture_output=True, cwd=self.root, timeout=120)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast`` ends every session; ``immediate`` is a crash)."""
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        """Stop it if it runs, and delete the cluster."""
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

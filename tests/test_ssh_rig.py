"""The ssh/tmux rig the end-to-end tests drive (``tests/ssh_tui.py``), run as its usage says:
``python tests/ssh_tui.py ...``. On a machine without its tools it says exactly which are
missing and how to get them; it never stops, or starts over, an sshd it did not start.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests import ssh_tui

RIG_SCRIPT = Path(ssh_tui.__file__)


def rig(*args: str, rig_dir: Path, path: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python tests/ssh_tui.py ARGS`` with its state in ``rig_dir`` (and this PATH, if given)."""
    env = {**os.environ, "RIG": str(rig_dir), **({"PATH": path} if path is not None else {})}
    return subprocess.run([sys.executable, str(RIG_SCRIPT), *args], capture_output=True, text=True, env=env, timeout=60)


def test_without_its_tools_the_rig_names_each_missing_one(tmp_path: Path) -> None:
    """No tmux, no ssh on PATH: one line that names each tool and its package, exit 1."""
    empty = tmp_path / "bin"
    empty.mkdir()
    result = rig("start", "--", "true", rig_dir=tmp_path / "rig", path=str(empty))
    assert result.returncode == 1
    assert "tmux not installed (apt-get install tmux)" in result.stderr
    assert "ssh client not installed (apt-get install openssh-client)" in result.stderr
    assert ("/usr/sbin/sshd not installed (apt-get install openssh-server)" in result.stderr) == (
        not Path("/usr/sbin/sshd").exists()
    )
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "rig").exists()  # nothing half made


@pytest.mark.skipif(bool(ssh_tui.missing_tools()), reason=f"the rig's tools: {'; '.join(ssh_tui.missing_tools())}")
def test_a_port_held_by_another_program_is_left_alone(tmp_path: Path) -> None:
    """Port 2222 taken by something else: the rig refuses to start, and neither stops nor
    disturbs it (``sshd stop`` and ``stop`` touch only an sshd whose pid file is the rig's)."""
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("127.0.0.1", ssh_tui.PORT))
        except OSError:
            pytest.skip(f"port {ssh_tui.PORT} is in use on this machine")
        holder.listen()
        started = rig("sshd", "start", rig_dir=tmp_path)
        assert started.returncode == 1
        assert f"port {ssh_tui.PORT} is taken by a program this rig did not start" in started.stderr
        (tmp_path / "sshd.rig.pid").write_text(str(os.getpid()))  # a pid file pointing at another process
        assert rig("sshd", "stop", rig_dir=tmp_path).returncode == 0
        with socket.create_connection(("127.0.0.1", ssh_tui.PORT), timeout=5):
            pass  # still listening: this test's process was not killed, its port not taken

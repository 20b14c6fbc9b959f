#!/usr/bin/env python3
"""Drive a terminal app over a real SSH session inside tmux, as a user would.

A private sshd listens on 127.0.0.1:2222 with a key made for it; tmux (its own socket, so a
user's sessions are never touched) runs ``ssh -tt`` into it at a fixed size and ``TERM``; keys are
sent with ``tmux send-keys`` and the screen read back with ``capture-pane``. That is the whole
path a remote analyst's keys take: ssh's pty, the terminal type, tmux's key encoding.

Usage::

  ssh_tui.py start [-s NAME] [-W 80] [-H 24] [-t TERM] [-d DIR] [-e K=V]... [--wait TEXT] [--local] -- CMD...
  ssh_tui.py keys  [-s NAME] [-l] KEY...        # tmux key names: Tab Down Enter Escape C-q M-x BTab; -l literal text
  ssh_tui.py wait  [-s NAME] [--timeout S] TEXT  # prints seconds since start; exit 1 on timeout or app exit
  ssh_tui.py screen [-s NAME] [-c] [-a]          # plain text; -c keeps colour escapes; -a adds the scrollback
  ssh_tui.py stop  [-s NAME] [--keep-sshd]       # kill the session; then our sshd if no session is left
  ssh_tui.py sshd start|stop|status

State (keys, configs, the sshd's pid and log) lives in ``$RIG`` (default ``/tmp/rig``). Only an
sshd this rig started is ever stopped: its pid file is checked against the process's command line.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

RIG = Path(os.environ.get("RIG", "/tmp/rig"))
PORT = 2222
SSHD = Path("/usr/sbin/sshd")
CLIENT_KEY = RIG / "client_key"
#: tmux's socket name: the rig's sessions live apart from any the user has.
TMUX_SOCKET = "ssh_tui"
#: The pid of the sshd *this rig* launched, the only one it ever stops.
SSHD_PID = RIG / "sshd.rig.pid"
SSHD_CONFIG = f"""Port {PORT}
ListenAddress 127.0.0.1
HostKey {RIG / "ssh_host_ed25519_key"}
PidFile {RIG / "sshd.pid"}
AuthorizedKeysFile {RIG / "authorized_keys"}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin yes
PrintMotd no
AcceptEnv LANG LC_* NO_COLOR COLORTERM
"""
#: No status line (it would take a row from the app), panes kept after the app exits (so its last
#: screen can be read), no wait after Escape (so Esc then a key is not read as alt+key).
TMUX_CONFIG = "set -g status off\nset -g remain-on-exit on\nset -sg escape-time 0\n"


def missing_tools() -> list[str]:
    """What this machine lacks to run the rig, each said with how to get it; empty if nothing."""
    missing = []
    if shutil.which("tmux") is None:
        missing.append("tmux not installed (apt-get install tmux)")
    if not SSHD.exists():
        missing.append(f"{SSHD} not installed (apt-get install openssh-server)")
    if shutil.which("ssh") is None:
        missing.append("ssh client not installed (apt-get install openssh-client)")
    if shutil.which("ssh-keygen") is None:
        missing.append("ssh-keygen not installed (apt-get install openssh-client)")
    return missing


def tmux(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a tmux command on the rig's own server; exit with tmux's message if it fails."""
    result = subprocess.run(
        ["tmux", "-L", TMUX_SOCKET, "-f", str(RIG / "tmux.conf"), *args], text=True, capture_output=True
    )
    if check and result.returncode:
        sys.exit(f"tmux {args[0]} failed: {result.stderr.strip()}")
    return result


def setup() -> None:
    """Make the rig's keys and configuration files (keys once; configs each time)."""
    RIG.mkdir(parents=True, exist_ok=True)
    Path("/run/sshd").mkdir(mode=0o755, parents=True, exist_ok=True)  # privsep dir, hard-wired in Debian's sshd
    for key, extra in ((RIG / "ssh_host_ed25519_key", []), (CLIENT_KEY, ["-C", "ssh_tui"])):
        if not key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key), *extra], check=True)
    (RIG / "authorized_keys").write_text(CLIENT_KEY.with_suffix(".pub").read_text())
    (RIG / "sshd_config").write_text(SSHD_CONFIG)
    (RIG / "tmux.conf").write_text(TMUX_CONFIG)


def our_sshd() -> int | None:
    """The pid of the sshd this rig started, if it still runs (a reused pid is not ours)."""
    try:
        pid = int(SSHD_PID.read_text())
        command = Path(f"/proc/{pid}/cmdline").read_text()
    except (OSError, ValueError):
        return None
    return pid if "sshd" in command and str(RIG / "sshd_config") in command else None


def port_open() -> bool:
    """Whether something listens on the rig's port."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) == 0


def sshd_start() -> None:
    """Start the rig's sshd unless it runs; refuse if another program holds the port."""
    if our_sshd():
        return
    if port_open():
        sys.exit(f"port {PORT} is taken by a program this rig did not start")
    setup()
    subprocess.run([str(SSHD), "-t", "-f", str(RIG / "sshd_config")], check=True)
    process = subprocess.Popen(
        [str(SSHD), "-D", "-f", str(RIG / "sshd_config"), "-E", str(RIG / "sshd.log")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    SSHD_PID.write_text(str(process.pid))
    for _ in range(100):
        if port_open():
            return
        time.sleep(0.05)
    sys.exit(f"sshd did not come up; see {RIG / 'sshd.log'}")


def sshd_stop() -> None:
    """Stop the rig's sshd (never another) and forget its pid."""
    pid = our_sshd()
    if pid:
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            if not Path(f"/proc/{pid}").exists():
                break
            time.sleep(0.05)
    SSHD_PID.unlink(missing_ok=True)


def screen(session: str, *, colour: bool = False, history: bool = False) -> str:
    """The session's screen as text (with its colour escapes, with its scrollback, if asked)."""
    options = [*(["-e"] if colour else []), *(["-S", "-"] if history else [])]
    return tmux("capture-pane", "-p", *options, "-t", session).stdout


def wait(session: str, text: str, timeout: float) -> float:
    """Seconds from the session's start until ``text`` is on screen; exit 1 if it never is."""
    started = float(tmux("show-options", "-v", "-t", session, "@t0").stdout)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in screen(session):
            return time.time() - started
        if tmux("display", "-p", "-t", session, "#{pane_dead}").stdout.strip() == "1":
            if text in screen(session, history=True):  # tmux scrolls a line off as it marks the pane dead
                return time.time() - started
            break
        time.sleep(0.02)
    sys.stderr.write(f"--- {text!r} not seen; screen:\n{screen(session)}")
    sys.exit(1)


def start(args: argparse.Namespace) -> None:
    """Run the command in a fresh tmux session: over ssh, or directly with ``--local``."""
    setup()
    if not args.local:
        sshd_start()
    exports = " ".join(shlex.quote(pair) for pair in ["LANG=C.UTF-8", *args.env])
    # The command is the caller's shell text, as `ssh host CMD` takes it: the caller quotes it.
    remote = f"cd {shlex.quote(args.dir)} && export {exports} && {' '.join(args.cmd)}"
    if args.local:
        argv = ["env", f"TERM={args.term}", "sh", "-c", remote]
    else:
        argv = [
            *("env", f"TERM={args.term}", "ssh", "-tt", "-F", "/dev/null", "-p", str(PORT), "-i", str(CLIENT_KEY)),
            *("-o", "StrictHostKeyChecking=no", "-o", f"UserKnownHostsFile={RIG / 'known_hosts'}"),
            *("-o", "BatchMode=yes", "-o", "LogLevel=ERROR", "root@127.0.0.1", remote),
        ]
    tmux("kill-session", "-t", args.session, check=False)
    started = time.time()
    tmux("new-session", "-d", "-s", args.session, "-x", str(args.width), "-y", str(args.height), *argv)
    tmux("set-option", "-t", args.session, "@t0", repr(started))
    tmux("set-option", "-w", "-t", args.session, "window-size", "manual")  # the size holds if someone attaches
    if args.wait:
        print(f"first_screen_s={wait(args.session, args.wait, args.timeout):.3f}")


def build_parser() -> argparse.ArgumentParser:
    """The command line described in the module's docstring."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="op", required=True)
    ops = {name: sub.add_parser(name) for name in ("start", "keys", "wait", "screen", "stop", "sshd")}
    for op in ops.values():
        op.add_argument("-s", "--session", default="tui")
    starter = ops["start"]
    starter.add_argument("-W", "--width", type=int, default=80)
    starter.add_argument("-H", "--height", type=int, default=24)
    starter.add_argument("-t", "--term", default="xterm-256color")
    starter.add_argument("-d", "--dir", default=".")
    starter.add_argument("-e", "--env", action="append", default=[], help="K=V for the remote shell (repeatable)")
    starter.add_argument("--wait", help="wait until this text is on screen; print how long it took")
    starter.add_argument("--timeout", type=float, default=30)
    starter.add_argument("--local", action="store_true", help="no ssh: run in tmux directly (a baseline)")
    starter.add_argument("cmd", nargs="+")
    ops["keys"].add_argument("-l", "--literal", action="store_true", help="send the text as it is, not key names")
    ops["keys"].add_argument("keys", nargs="+")
    ops["wait"].add_argument("--timeout", type=float, default=30)
    ops["wait"].add_argument("text")
    ops["screen"].add_argument("-c", "--color", action="store_true", help="keep colour escapes")
    ops["screen"].add_argument("-a", "--all", action="store_true", help="include the scrollback")
    ops["stop"].add_argument("--keep-sshd", action="store_true")
    ops["sshd"].add_argument("action", choices=["start", "stop", "status"])
    return parser


def main(argv: list[str] | None = None) -> None:
    """Run one rig command; a missing tool is said in one line, not a traceback."""
    args = build_parser().parse_args(argv)
    needs_tools = args.op != "sshd" or args.action == "start"
    if needs_tools and (missing := missing_tools()):
        sys.exit("ssh_tui: " + "; ".join(missing))
    if args.op == "start":
        start(args)
    elif args.op == "keys":
        tmux("send-keys", "-t", args.session, *(["-l"] if args.literal else []), *args.keys)
    elif args.op == "wait":
        print(f"seen_after_start_s={wait(args.session, args.text, args.timeout):.3f}")
    elif args.op == "screen":
        sys.stdout.write(screen(args.session, colour=args.color, history=args.all))
    elif args.op == "stop":
        tmux("kill-session", "-t", args.session, check=False)
        if not args.keep_sshd and tmux("ls", check=False).returncode:  # no rig session left
            sshd_stop()
    elif args.action == "start":
        sshd_start()
        print("sshd pid", our_sshd())
    elif args.action == "stop":
        sshd_stop()
    else:
        print("sshd pid", our_sshd(), "port_open", port_open())


if __name__ == "__main__":
    main()

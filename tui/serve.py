"""``dossier serve``: the same app in a web browser, one app process per browser tab.

textual-serve runs a small web server; each browser connection (a websocket) starts the app as
a child process through ``/bin/sh -c COMMAND`` and relays its screen and keys. The command is
built once, here, with every argument quoted (:func:`shlex.join`): a store path holding spaces,
quotes or ``$(...)`` is a path, never shell code.

Who tags in a browser: the page's ``?author=NAME`` parameter. It becomes the ``/ws/as/NAME``
path of that tab's websocket and reaches the tab's own app process as the ``DOSSIER_AUTHOR``
environment variable only: not the command line, not the shell, not any other tab. The name is
a claim, not a login (anyone who reaches the port may type any name); a name that is not one
plain line of text is refused with a page that says why.

A web page in the same browser must not drive the app: the websocket is refused unless the
browser's ``Origin`` is the served address itself (cross-site websocket hijacking), and, bound
to the loopback interface, unless the ``Host`` is a loopback name (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import shlex
import signal
import sys
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from store.locations import DEFAULT_SCHEMA, shown
from store.sanitize import neutralize, sanitize_line

#: The environment variable the app reads its author from (``store``'s author resolution).
AUTHOR_ENV = "DOSSIER_AUTHOR"
#: The page parameter that names the browser user's author.
AUTHOR_PARAMETER = "author"
#: Longer than any name a person signs with; short enough to fit a status line.
MAX_AUTHOR_LENGTH = 80
#: Seconds a tab's app has to quit once its tab or the server closes.
QUIT_GRACE = 10.0
#: Names that reach this machine only through its own loopback interface.
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: Bound to one of these, the server answers on every interface: the Host can be any name.
WILDCARD_HOSTS = frozenset({"0.0.0.0", "::", ""})

log = logging.getLogger("textual-serve")


def author_name(text: str) -> str:
    """``text`` as an author name, or ``ValueError`` saying why it cannot be one.

    A name is one line of visible text: control characters, bidi overrides, invisible
    characters or line breaks would make two names that look the same differ (or a status line
    that lies), so they are refused rather than silently changed.
    """
    if not text.strip():
        raise ValueError("the author name is empty")
    if len(text) > MAX_AUTHOR_LENGTH:
        raise ValueError(f"the author name is longer than {MAX_AUTHOR_LENGTH} characters")
    if sanitize_line(text) != text:
        raise ValueError("the author name must be one line of plain text (no control or invisible characters)")
    return text


def app_command(store_location: Path | str, *, schema: str = DEFAULT_SCHEMA) -> str:
    """The shell command that runs this same app on this same store, every argument quoted.

    ``sys.executable -m tui`` is the interpreter serving, so the app runs with the same
    packages; a relative store path is made absolute, so the app finds it whatever directory
    the shell starts in.
    """
    location = str(store_location.resolve()) if isinstance(store_location, Path) else store_location
    # exec: the shell becomes the app, so ending the tab's process ends the app, not only a shell.
    return "exec " + shlex.join([sys.executable, "-m", "tui", "--store", location, "--schema", schema])


def _host_name(netloc: str) -> str:
    """The host part of a ``Host`` header or an origin's address (``[::1]:8000`` → ``::1``)."""
    return (urlsplit(f"//{netloc}").hostname or "").lower()


class _AuthoredAppService(AppService):
    """The app process of one browser tab, with that tab's author in its environment."""

    def __init__(self, command: str, *, author: str | None, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.author = author

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        if self.author is not None:
            environment[AUTHOR_ENV] = self.author  # the app's author when no --author is given
        return environment

    async def stop(self) -> None:
        """Ask the app to quit; end its process if it has not within :data:`QUIT_GRACE` seconds.

        The app saves as it goes, so a quit that hangs (a store lock held elsewhere) must not
        hold the server, and with it every other tab, forever.
        """
        try:
            await asyncio.wait_for(super().stop(), QUIT_GRACE)
        except TimeoutError:
            if self._process is not None and self._process.returncode is None:
                self._process.kill()
                await self._process.wait()
        await self.release()

    async def release(self) -> None:
        """Close the ended process's pipes now, while the event loop still runs.

        Left to the garbage collector, a pipe may be closed after the server's loop has shut,
        and asyncio then prints a traceback ("Event loop is closed") as the server exits.
        """
        process = self._process
        if process is None:
            return
        if process.returncode is None:
            process.kill()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
        transport = getattr(process, "_transport", None)  # asyncio.subprocess.Process keeps it here
        if transport is not None:
            transport.close()
        await asyncio.sleep(0)  # let the pipes' closing callbacks run in this loop


class DossierServer(Server):
    """textual-serve's server with per-tab authors, an origin check and a one-line banner."""

    def __init__(
        self,
        command: str,
        *,
        host: str,
        port: int,
        author: str | None,
        store_name: str,
        out: TextIO,
        err: TextIO | None = None,
    ) -> None:
        super().__init__(command, host=host, port=port, title="Dossier")
        self.author = author
        self.store_name = store_name
        self.out = out
        self.err = err or sys.stderr
        self.open_tabs: set[web.WebSocketResponse] = set()
        #: Every tab's app service until it is released (see :meth:`on_cleanup`).
        self.services: set[_AuthoredAppService] = set()

    def initialize_logging(self) -> None:
        """Warnings and errors only: no line per request, no logo (textual-serve logs at INFO)."""
        logging.basicConfig(level="WARNING", format="dossier serve: %(message)s", stream=sys.stderr)

    def serve(self, debug: bool = False) -> None:
        """Serve until Ctrl+C or SIGTERM: textual-serve's loop, announced only once listening.

        textual-serve says where it serves from ``on_startup``, which aiohttp runs before it
        binds the port: a port already taken got a banner saying the app was there, then the
        failure. aiohttp's ``print`` hook runs once every socket listens, so the banner (and the
        warning about listening beyond this machine) is only ever said when true.
        """
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signal.SIGINT, self.request_exit)
            loop.add_signal_handler(signal.SIGTERM, self.request_exit)
        web.run_app(
            self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop, print=self.announce
        )

    async def on_startup(self, app: web.Application) -> None:
        """Nothing yet: the port may still turn out to be taken (see :meth:`serve`)."""

    def announce(self, *_: object) -> None:
        """Say where the app is, which store it serves, and how to stop it: nothing else."""
        if self.host not in LOOPBACK_HOSTS:
            print(
                f"dossier: warning: listening on {neutralize(self.host)}, not only this machine: anyone who can"
                f" reach port {self.port} can read and change the store, with no password.",
                file=self.err,
            )
            self.err.flush()
        print(f"dossier serve: {neutralize(self.store_name)} on {self.address()}/", file=self.out)
        print(f"  open {self.address()}/?{AUTHOR_PARAMETER}=NAME to tag as NAME; Ctrl+C stops", file=self.out)
        self.out.flush()

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every tab's websocket, which ends its app: aiohttp would wait a minute for them."""
        await asyncio.gather(
            *(tab.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped") for tab in list(self.open_tabs))
        )

    def address(self) -> str:
        """The address to open in a browser (an IPv6 host in brackets)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{neutralize(host)}:{self.port}"

    async def on_cleanup(self, app: web.Application) -> None:
        """Release what a tab's handler did not get to (cancelled as the server stopped)."""
        for service in list(self.services):
            await service.release()

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.on_cleanup.append(self.on_cleanup)
        app.router.add_get("/ws/as/{author:[\\s\\S]+}", self.handle_websocket, name="authored_websocket")
        return app

    def _host_allowed(self, request: web.Request) -> bool:
        """Whether the request names this server, and comes from its own page if from a browser."""
        host = _host_name(request.host)
        if (
            self.host not in WILDCARD_HOSTS
            and host != self.host.lower()
            and not (self.host in LOOPBACK_HOSTS and host in LOOPBACK_HOSTS)
        ):
            return False
        origin = request.headers.get("Origin")
        return origin is None or urlsplit(origin).netloc.lower() == request.host.lower()

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page; its websocket address carries the tab's author (``?author=``), checked here."""
        if not self._host_allowed(request):
            raise web.HTTPForbidden(text="dossier serve: this address is not the one the server was started on\n")
        websocket_path = "/ws"
        if AUTHOR_PARAMETER in request.query:
            try:
                author = author_name(request.query[AUTHOR_PARAMETER])
            except ValueError as error:
                raise web.HTTPBadRequest(text=f"dossier serve: ?{AUTHOR_PARAMETER}=: {error}\n") from None
            websocket_path = f"/ws/as/{quote(author, safe='')}"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            # From the address the browser used, so a page reached as localhost or [::1] works.
            "app_websocket_url": f"ws://{request.host}{websocket_path}",
            "config": {"static": {"url": "/static/"}},
            "application": {"name": self.title},
        }

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """Start this tab's app process with its author; relay until either side closes."""
        if not self._host_allowed(request):
            raise web.HTTPForbidden(text="dossier serve: a page from another site may not drive the app\n")
        author = self.author
        if "author" in request.match_info:
            try:
                author = author_name(request.match_info["author"])
            except ValueError as error:
                raise web.HTTPBadRequest(text=f"dossier serve: {error}\n") from None
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        try:
            await websocket.prepare(request)
            self.open_tabs.add(websocket)
            app_service = _AuthoredAppService(
                self.command,
                author=author,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.services.add(app_service)
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except Exception as error:  # a browser that sent garbage: that tab ends, the server goes on
            log.warning("a browser connection ended: %s", error)
        finally:
            self.open_tabs.discard(websocket)
            if app_service is not None:
                await app_service.stop()
                self.services.discard(app_service)
        return websocket


def _listen_error(error: OSError, host: str, port: int) -> str:
    """What to tell the user when the server cannot listen (the host as given, shown inert)."""
    host = neutralize(host)
    if error.errno == errno.EADDRINUSE:
        return (
            f"port {port} on {host} is already in use (another program, or another dossier serve);"
            " choose another with --port"
        )
    if error.errno == errno.EACCES:
        return f"not allowed to listen on port {port} (ports below 1024 need privileges); choose another with --port"
    if error.errno == errno.EADDRNOTAVAIL:
        return f"{host} is not an address of this machine"
    return f"cannot listen on {host} port {port}: {error.strerror or error}"


def serve(
    store_location: Path | str,
    *,
    schema: str = DEFAULT_SCHEMA,
    host: str = "127.0.0.1",
    port: int = 8000,
    author: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Serve the app on ``store_location`` at ``http://host:port/`` until Ctrl+C or SIGTERM.

    ``author`` is the name stamped on what a tab opened without ``?author=`` tags (else the
    app's own default). Any host but the loopback one is a choice the caller made: it is warned
    about, since whoever reaches the port can read and change the store. Returns 0 after a
    clean stop, 2 when the server cannot start (the reason on ``err``, no traceback).
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if author is not None:
        try:
            author = author_name(author)
        except ValueError as error:
            print(f"dossier: serve --author: {error}", file=err)
            return 2
    if not 0 < port < 65536:
        print(f"dossier: serve --port {port}: a port is a number from 1 to 65535", file=err)
        return 2
    server = DossierServer(
        app_command(store_location, schema=schema),
        host=host,
        port=port,
        author=author,
        store_name=shown(store_location),
        out=out,
        err=err,
    )
    try:
        server.serve()
    except OSError as error:
        print(f"dossier: serve: {_listen_error(error, host, port)}", file=err)
        return 2
    except KeyboardInterrupt:
        pass
    print("dossier serve: stopped", file=out)
    return 0

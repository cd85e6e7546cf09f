"""Streamlit's server, run in-process on its own thread and asyncio loop.

The app is Streamlit's public ASGI entry point, ``st.App`` (``streamlit.starlette.App``), with our
edge in front of it (``app.desktop.edge``: the launch token at the door, security headers, the
first-paint page), served by uvicorn's ``Server`` on a thread of its own (the native window needs
the main thread; uvicorn installs signal handlers only there). One Streamlit internal is still
used, ``bootstrap.load_config_options`` — what ``App.run`` itself calls to apply our options
(``streamlit_options``), as ``App.run`` would block and take the main thread — and one internal
flag, ``skip_direct_run_warning``; both are why streamlit's minor version is pinned and this
module has its own tests.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.desktop import startup
from store.core import ConfigError, FieldbookError

log = logging.getLogger(__name__)

ADDRESS = "127.0.0.1"
PAGE_LEFT_LINGER_S = 1.0  # the server stays this long after a page left, for its flush to arrive


def streamlit_options(port: int, theme: str | None = None, max_upload_mb: int = 25) -> dict[str, Any]:
    options: dict[str, Any] = {
        # A frozen app is not under site-packages, so streamlit would switch developmentMode on,
        # and then refuse server.port.
        "global.developmentMode": False,
        # The default binds every interface and asks an external service for the public IP.
        "server.address": ADDRESS,
        "server.port": port,
        "server.headless": True,
        "server.fileWatcherType": "none",
        "server.runOnSave": False,
        "server.enableXsrfProtection": True,
        # DNS rebinding: a web page whose host name resolves to 127.0.0.1 would otherwise reach the
        # websocket with its own Host (Streamlit accepts any by default). Ports are not compared.
        "server.allowedHosts": [ADDRESS],
        "browser.gatherUsageStats": False,
        "client.toolbarMode": "minimal",
        "client.showErrorDetails": "none",
        # app/views/ is ours, not Streamlit's multipage folder: no automatic page list.
        "client.showSidebarNavigation": False,
        "logger.level": "warning",
        # Streamlit collects garbage fully after every script run; with the app's modules, store and
        # jobs in memory that walk took 50–90 ms of every rerun, the first page's included. Python's
        # own collector still runs as usual.
        "runner.postScriptGC": False,
        # Up to twice our limit a file reaches our own check (a message in the user's language);
        # beyond that Streamlit's uploader refuses it with its own message.
        "server.maxUploadSize": max_upload_mb * 2,
    }
    if theme in ("light", "dark"):
        options["theme.base"] = theme
    return options


def _probe(port: int) -> socket.socket:
    """A socket bound to ``port`` the way Streamlit binds (SO_REUSEADDR except on Windows, so the
    previous run's TIME_WAIT connections do not count as "in use")."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((ADDRESS, port))
    except BaseException:
        sock.close()
        raise
    return sock


def reserve_port(state_file: Path) -> socket.socket:
    """A socket bound (not listening) to this data folder's port: the one it had last time when
    it is free now, else a new free one, remembered for the next start. Hold it until the server
    binds (``EmbeddedServer(reserved=...)`` closes it right before): meanwhile no other program,
    nor an outgoing connection, can take the port.

    A stable address lets the window reuse what its browser cached last time (Streamlit's
    front-end files are content-hashed and sent as ``immutable`` for a year; a browser's cache is
    keyed by origin, port included). Known before the server starts, it also lets the window open
    while the app is still starting.
    """
    try:
        port = int(state_file.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        port = 0
    if 1024 <= port <= 65535:
        try:
            return _probe(port)
        except OSError:
            pass  # taken now: a new one below
    sock = _probe(0)
    try:
        state_file.parent.mkdir(parents=True, exist_ok=True)
        state_file.write_text(str(sock.getsockname()[1]), encoding="ascii")
    except OSError:
        log.warning("could not remember the app's port in %s", state_file)  # only the next start is slower
    return sock


def check_port_free(port: int) -> None:
    """Fail with a plain sentence if a fixed port is taken (port 0 always works)."""
    if port == 0:
        return
    try:
        _probe(port).close()
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise ConfigError(
                f"Port {port} is already in use by another program. Set FIELDBOOK_PORT=0 to let "
                "Fieldbook pick a free port, or choose another one."
            ) from None
        raise


def skip_direct_run_warning() -> None:
    """Streamlit's first element checks whether it runs in a REPL, to warn `python app.py` users:
    it walks the whole call stack with ``inspect.stack()`` (~70 ms of the first page). Served by
    this server, the warning cannot apply: mark it as given (Streamlit's internal flag)."""
    from streamlit import delta_generator

    delta_generator._use_warning_has_been_displayed = True


class EmbeddedServer:
    """Start with ``start()`` (returns once the server answers its health check), stop with ``stop()``."""

    def __init__(
        self,
        script: Path,
        *,
        token: str,
        port: int = 0,
        theme: str | None = None,
        max_upload_mb: int = 25,
        max_upload_held_mb: int = 200,
        reserved: socket.socket | None = None,
    ) -> None:
        self.script = Path(script)
        self.token = token  # the launch token: the edge lets in only requests that carry it or its cookie
        self.gate: Any = None  # app.desktop.edge.Gate, once the port is bound
        self.port = port
        self._reserved = reserved  # holds ``port`` until the server binds it (see reserve_port)
        self.theme = theme
        self.max_upload_mb = max_upload_mb
        self.max_upload_held_mb = max_upload_held_mb
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"http://{ADDRESS}:{self.port}/"

    def start(self, timeout: float = 30) -> None:
        self.launch()
        self.wait_ready(timeout)

    def launch(self) -> None:
        """Start the server's thread and return at once (``wait_ready`` waits for it)."""
        if self._reserved is None:
            check_port_free(self.port)
        self._thread = threading.Thread(target=self._run, name="streamlit-server", daemon=True)
        self._thread.start()

    def wait_listening(self, timeout: float = 30) -> None:
        """Wait until the server listens (or failed: ``wait_ready`` then says why)."""
        self._ready.wait(timeout)

    def wait_ready(self, timeout: float = 30) -> None:
        """Return once the server answers its health check; raise ``FieldbookError`` if it failed."""
        if not self._ready.wait(timeout):
            raise FieldbookError(f"The app server did not start within {timeout:.0f} seconds.")
        if self._error is not None:
            raise FieldbookError(f"The app server could not start: {self._error}") from self._error
        self._wait_healthy(timeout)

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}_stcore/health?t={self.token}", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise FieldbookError("The app server started but does not answer.")
            time.sleep(0.02)

    def _run(self) -> None:
        import streamlit
        import uvicorn
        from starlette.middleware import Middleware
        from streamlit import config
        from streamlit.starlette import App
        from streamlit.web import bootstrap

        from app.desktop import edge, flush, probes

        startup.mark("streamlit imported")
        skip_direct_run_warning()

        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        sock = self._reserved
        self._reserved = None
        try:
            if sock is None:
                sock = _probe(self.port)
            self.port = int(sock.getsockname()[1])
            self.gate = edge.Gate(self.token, ADDRESS, self.port)
            bootstrap.load_config_options(flag_options=streamlit_options(self.port, self.theme, self.max_upload_mb))
            static = Path(streamlit.__file__).parent / "static"
            held = self.max_upload_held_mb * 1024 * 1024
            uploads = edge.UploadBudget(per_session=held, total=4 * held)
            routes = edge.index_route(static, uploads) + probes.routes() + flush.routes()
            app = App(str(self.script), routes=routes, middleware=[Middleware(edge.Edge, gate=self.gate, uploads=uploads)])
            server = _uvicorn_server(
                uvicorn.Config(
                    app,
                    host=ADDRESS,
                    port=self.port,
                    lifespan="on",
                    log_config=None,  # our logging (store.core.logs) stays as it is
                    log_level="warning",
                    access_log=False,
                    ws="websockets-sansio",
                    ws_max_size=int(config.get_option("server.maxMessageSize")) * 1024 * 1024,
                    ws_ping_interval=30,
                    ws_ping_timeout=30,
                    ws_per_message_deflate=bool(config.get_option("server.enableWebsocketCompression")),
                    timeout_graceful_shutdown=3,
                ),
                on_started=self._listening,
            )
            self._server = server
            loop.run_until_complete(server.serve(sockets=[sock]))
            if not server.started:
                raise FieldbookError("the server stopped before it listened")
        except BaseException as exc:  # SystemExit too: uvicorn exits when the app's start fails
            log.exception("streamlit server stopped with an error")
            self._error = exc
        finally:
            if sock is not None:
                sock.close()
            self._ready.set()
            try:
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                loop.close()

    def _listening(self) -> None:
        startup.mark("server listening")
        self._ready.set()

    @property
    def browser_connected(self) -> bool:
        return bool(self.gate is not None and self.gate.browser_connected)

    def stop(self, timeout: float = 10) -> None:
        server = self._server
        if server is None or self._loop is None or self._loop.is_closed():
            return
        # A page that just went away (its window closed: often why we stop) sent what it had not
        # yet committed by beacon as it went (app/desktop/flush.py); let that arrive before the
        # door closes. Requests in flight then finish within uvicorn's graceful shutdown.
        if self.gate is not None:
            time.sleep(max(0.0, min(PAGE_LEFT_LINGER_S, PAGE_LEFT_LINGER_S - self.gate.since_a_page_left())))
        server.should_exit = True  # uvicorn's main loop looks every 0.1 s, then closes connections and stops Streamlit
        if self._thread is not None:
            self._thread.join(timeout)


def _uvicorn_server(config: Any, on_started: Callable[[], None]) -> Any:
    """uvicorn's ``Server``, telling us the moment it listens (uvicorn is imported here, on the
    server's thread, not at the launcher's start)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                on_started()

    return Server(config)

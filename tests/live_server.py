"""pytest plugin: a ``live_server`` fixture serving the test's app over real HTTP.

The server runs werkzeug's threaded WSGI server on 127.0.0.1 (a free port
chosen by the OS) in a background thread, bound to the same ``app`` and
therefore the same database as the test. Each request gets its own app and
request context (and so its own database session) in its handler thread, so
rows the test creates must be **committed** before a browser asks for a page.

Enable with ``pytest_plugins = ["live_server"]`` in ``tests/conftest.py`` or
``-p live_server`` on the command line.
"""

from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from werkzeug.serving import BaseWSGIServer, make_server

PING_PATH = "/__live_server__/ping"
START_TIMEOUT = 10.0  # seconds to wait for the server to answer
STOP_TIMEOUT = 10.0  # seconds to wait for the serving thread to finish


@dataclass(frozen=True)
class LiveServer:
    """Where the running app answers: ``url`` is ``http://127.0.0.1:<port>``, no trailing slash."""

    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __str__(self) -> str:
        return self.url


class _Ping:
    """WSGI wrapper answering the readiness probe without touching the app or its database."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == PING_PATH:
            start_response("204 No Content", [("Content-Length", "0")])
            return [b""]
        return self.app(environ, start_response)


def _wait_until_answering(url: str, thread: threading.Thread, timeout: float) -> None:
    """Poll ``url`` until the server answers, the thread dies or ``timeout`` runs out."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if not thread.is_alive():
            raise RuntimeError("the live server thread exited before answering")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 204:
                    return
        except (urllib.error.URLError, OSError) as exc:  # not listening or not serving yet
            last_error = exc
        time.sleep(0.02)  # short pause between probes; bounded by the deadline above
    raise RuntimeError(f"the live server did not answer {url} within {timeout:.0f} s: {last_error}")


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """Serve ``app`` on 127.0.0.1 for the duration of one test; yields an object with ``.url``."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, _Ping(app), threaded=True)
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"live-server-{server.server_port}",
        daemon=True,
    )
    thread.start()
    live = LiveServer(host="127.0.0.1", port=server.server_port)
    try:
        _wait_until_answering(live.url + PING_PATH, thread, START_TIMEOUT)
        yield live
    finally:
        server.shutdown()  # stops serve_forever (returns at once if it never started)
        server.server_close()
        thread.join(timeout=STOP_TIMEOUT)
        if thread.is_alive():  # pragma: no cover - only when shutdown hangs
            raise RuntimeError("the live server thread did not stop")

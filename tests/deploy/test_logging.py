"""Production logs: one JSON object per line, each tied to its request by the request id."""

from __future__ import annotations

import io
import json
import logging
import sys

import pytest

from config import Config
from storefront import create_app
from storefront.logging_setup import _ShopHandler


@pytest.fixture
def log_stream():
    """Where the shop's log handler writes instead of stderr once ``follow`` is called;
    the handler is taken off the root logger afterwards."""
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    yield stream
    for handler in [h for h in root.handlers if isinstance(h, _ShopHandler)]:
        root.removeHandler(handler)
    root.setLevel(level)


@pytest.fixture
def production_app(database_url, tmp_path, log_stream):
    """The app as production runs it (neither debug nor testing) on the test database."""
    config = type(
        "LoggedConfig",
        (Config,),
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "SECRET_KEY": "x" * 40,
            "RATELIMIT_ENABLED": False,
        },
    )
    app = create_app(config)
    follow(log_stream)

    @app.get("/_test/note")
    def note():
        logging.getLogger("storefront.test").info("a note about %s", "songket", extra={"n": 3})
        return "noted"

    @app.get("/_test/broken")
    def broken():
        raise RuntimeError("the loom jammed")

    return app


def follow(stream) -> None:
    """Point the handler the app installed on the root logger at ``stream``."""
    (handler,) = [h for h in logging.getLogger().handlers if isinstance(h, _ShopHandler)]
    assert handler.stream is sys.stderr
    handler.setStream(stream)


def lines(stream) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_line_is_json_and_carries_the_request_id(production_app, log_stream):
    response = production_app.test_client().get(
        "/_test/note", headers={"X-Request-ID": "req-songket-0001"}
    )
    assert response.headers["X-Request-ID"] == "req-songket-0001"
    note, access = lines(log_stream)
    assert note["message"] == "a note about songket" and note["n"] == 3
    assert note["logger"] == "storefront.test" and note["level"] == "INFO"
    assert note["request_id"] == "req-songket-0001" and note["time"].endswith("+00:00")
    assert access["logger"] == "storefront.access"
    assert access["request_id"] == "req-songket-0001"
    assert (access["method"], access["path"], access["status"]) == ("GET", "/_test/note", 200)
    assert access["duration_ms"] >= 0


def test_a_made_up_request_id_is_logged_as_it_was_sent_back(production_app, log_stream):
    response = production_app.test_client().get("/healthz")
    access = lines(log_stream)[-1]
    assert access["request_id"] == response.headers["X-Request-ID"]
    assert access["path"] == "/healthz" and access["status"] == 200


def test_a_server_error_is_one_json_line_with_the_traceback(production_app, log_stream):
    response = production_app.test_client().get(
        "/_test/broken", headers={"X-Request-ID": "req-broken-0001"}
    )
    assert response.status_code == 500
    error, access = lines(log_stream)
    assert error["level"] == "ERROR" and error["request_id"] == "req-broken-0001"
    assert "RuntimeError: the loom jammed" in error["exception"]
    assert access["status"] == 500 and access["request_id"] == "req-broken-0001"


def test_development_logs_plain_text_at_info(tmp_path, log_stream):
    config = type(
        "DevelopmentLogged",
        (Config,),
        {"DEBUG": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'dev.db'}"},
    )
    app = create_app(config)
    follow(log_stream)
    with app.app_context():
        logging.getLogger("storefront.outbox").info("e-mail to sari@example.com")
    last = log_stream.getvalue().splitlines()[-1]
    assert last.endswith("INFO storefront.outbox: e-mail to sari@example.com")

"""Where the shop's log lines go, and in what shape.

In production every line is one JSON object (``time``, ``level``, ``logger``,
``message`` and the ``request_id`` of the request it belongs to), so a log
collector can parse it and one id ties a log line to the ``X-Request-ID`` a
buyer reports and to the audit rows the request wrote. Each request also gets
one access line with its method, path, status and duration.

In development lines are plain text at INFO, so the e-mails the outbox prints
instead of sending are visible on the console. Tests leave logging to pytest.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

ACCESS_LOGGER = "storefront.access"
# The fields of a LogRecord itself; anything else on a record came from ``extra=``.
_RECORD_FIELDS = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id is None and has_request_context():
            request_id = g.get("request_id")
        if request_id is not None:
            entry["request_id"] = request_id
        for key, value in record.__dict__.items():
            if key not in _RECORD_FIELDS and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _ShopHandler(logging.StreamHandler):
    """The handler this module installs (recognised, so a second app replaces it)."""


def configure_logging(app: Flask) -> None:
    """JSON lines with access lines in production, plain text in development, nothing in tests."""
    if app.testing:
        return
    json_lines = not app.debug
    handler = _ShopHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _ShopHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    if json_lines:
        # Flask's own handler would print a second, plain copy of every error.
        app.logger.removeHandler(default_handler)
        app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)
        app.after_request(log_access)


def _start_clock() -> None:
    g.request_started = time.perf_counter()


def log_access(response):
    """Write the request's access line: method, path, status, duration in ms."""
    started = g.get("request_started")
    duration_ms = round((time.perf_counter() - started) * 1000, 2) if started else None
    logging.getLogger(ACCESS_LOGGER).info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
        },
    )
    return response

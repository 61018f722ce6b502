"""A request id for every request: taken from a sane ``X-Request-ID`` or made anew.

It is kept on ``g.request_id``, sent back in the ``X-Request-ID`` header and
stored on audit rows, so one id ties a log line, a response and a change together.
"""

from __future__ import annotations

import re
import uuid

from flask import Flask, g, request

_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def start_request_id() -> None:
    """Adopt the proxy's request id when it looks like one, otherwise make one."""
    offered = request.headers.get("X-Request-ID", "")
    g.request_id = offered if _SANE.match(offered) else uuid.uuid4().hex


def send_request_id(response):
    """Echo the request id to the client."""
    request_id = g.get("request_id")
    if request_id:
        response.headers["X-Request-ID"] = request_id
    return response


def init_request_ids(app: Flask) -> None:
    """Give every request an id first thing and return it on every response."""
    app.before_request_funcs.setdefault(None, []).insert(0, start_request_id)
    app.after_request(send_request_id)

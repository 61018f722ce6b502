"""What reaches the shop at all: the proxy hops we trust, the hosts we answer, sane input.

- ``PROXY_HOPS`` proxies (nginx, a load balancer) may tell us the client's
  address and scheme through ``X-Forwarded-For`` and ``X-Forwarded-Proto``;
  with 0, those headers are ignored and the socket's peer is the client, so a
  visitor cannot pick the address rate limits count against.
- The ``Host`` header is checked before Flask sees it: an over-long or
  malformed one, or one outside ``ALLOWED_HOSTS`` when that is set, is a
  plain 400. No link is ever built from it (links come from ``SITE_URL``).
- No NUL character reaches a view: no page means one, and PostgreSQL
  refuses to store or compare text holding it. Query arguments lose theirs;
  a path or form value with one is a 400.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.sansio.utils import host_is_trusted
from werkzeug.wrappers import Response

MAX_HOST_LENGTH = 255
_HOST = re.compile(
    r"(?:(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?"
    r"|\[[0-9A-Fa-f:.]{2,45}\])"
    r"(?::[0-9]{1,5})?"
)


def acceptable_host(host: str, allowed: tuple[str, ...]) -> bool:
    """Whether ``host`` (a Host header, maybe with a port) is well formed and allowed.

    ``allowed`` holds host names, optionally with a port; one starting with
    a dot also takes every subdomain. Empty allows any well-formed host.
    """
    if not host or len(host) > MAX_HOST_LENGTH or not _HOST.fullmatch(host):
        return False
    return not allowed or host_is_trusted(host, list(allowed))


class HostGuard:
    """WSGI middleware: a 400 for a Host this shop does not answer to."""

    def __init__(self, wsgi_app, allowed_hosts: tuple[str, ...]):
        self.wsgi_app = wsgi_app
        self.allowed_hosts = tuple(allowed_hosts)

    def __call__(self, environ, start_response):
        host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        if not acceptable_host(host, self.allowed_hosts):
            refusal = Response("Unknown host.\n", status=400, mimetype="text/plain")
            return refusal(environ, start_response)
        return self.wsgi_app(environ, start_response)


def drop_nul_characters() -> None:
    """Before a request: no NUL character reaches a view or the database.

    Query arguments lose theirs (a listing normalises nonsense as it does any
    other); a path or a form value holding one is refused with a 400.
    """
    if "\x00" in request.path:
        abort(400)
    args = request.args
    if any("\x00" in key or "\x00" in value for key, value in args.items(multi=True)):
        request.args = request.parameter_storage_class(
            (key.replace("\x00", ""), value.replace("\x00", ""))
            for key, value in args.items(multi=True)
        )
    if request.method == "POST" and any(
        "\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)
    ):
        abort(400)


def forget_form_token() -> None:
    """Before a request: a form token belongs to one request's session, never to the
    next request an outliving app context serves (Flask-WTF keeps it on ``g``)."""
    g.pop("csrf_token", None)


def same_origin_request() -> bool:
    """Whether the browser says this request comes from one of the shop's own pages.

    ``Sec-Fetch-Site`` is the browser's own word for it; failing that, the
    ``Origin`` (or, from older browsers, the ``Referer``) must be the public
    site or the host this request was sent to.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site:
        return fetch_site == "same-origin"
    ours = {_origin(current_app.config["SITE_URL"]), f"{request.scheme}://{request.host}"}
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        return origin in ours
    referrer = request.headers.get("Referer")
    return bool(referrer) and _origin(referrer) in ours


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def init_request_guards(app: Flask) -> None:
    """Wrap the app in the proxy and host checks, and keep NUL characters out of input."""
    hops = app.config["PROXY_HOPS"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.wsgi_app = HostGuard(app.wsgi_app, app.config["ALLOWED_HOSTS"])
    app.before_request(drop_nul_characters)
    app.before_request(forget_form_token)

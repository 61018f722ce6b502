"""The shop as tests/deploy/test_nginx.py serves it with gunicorn: ``nginx_app:app``.

Production's behaviour behind a TLS proxy (secure cookies, HTTPS enforced from
X-Forwarded-Proto, CSRF on, no debug), with every setting read from the
environment as in production. It is built on ``Config`` rather than
``ProductionConfig`` only because production refuses to start on what a
loopback test has (SQLite, in-memory rate-limit counters, no mail server).
"""

from __future__ import annotations

from config import Config
from storefront import create_app


class BehindNginx(Config):
    """Production's request handling, without production's checks of the machine."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = True


app = create_app(BehindNginx)

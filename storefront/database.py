"""The app's database connections: per-backend settings, and a clear page when it is busy.

PostgreSQL connections carry ``statement_timeout`` and ``lock_timeout``
(``DB_STATEMENT_TIMEOUT_MS``, ``DB_LOCK_TIMEOUT_MS``), so a runaway query or a
long lock wait ends in a 503 page the buyer can retry instead of a worker
that gunicorn kills. SQLite connections get their pragmas from a listener on
the app's own engine, added once per app.
"""

from __future__ import annotations

import sqlite3

from flask import Flask, render_template
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from storefront.extensions import db

RETRY_AFTER_SECONDS = 5


def configure_sqlite(dbapi_connection, connection_record) -> None:
    """SQLite: WAL so readers never block the writer, a busy wait instead of
    "database is locked", and enforced foreign keys."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def engine_options(config) -> dict:
    """``SQLALCHEMY_ENGINE_OPTIONS`` with the timeouts added for a PostgreSQL URL."""
    options = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if not str(config["SQLALCHEMY_DATABASE_URI"]).startswith("postgresql"):
        return options
    settings = [
        f"-c {name}={int(config[key])}"
        for name, key in (
            ("statement_timeout", "DB_STATEMENT_TIMEOUT_MS"),
            ("lock_timeout", "DB_LOCK_TIMEOUT_MS"),
        )
        if config.get(key)
    ]
    if settings:
        connect_args = dict(options.get("connect_args") or {})
        connect_args["options"] = " ".join(
            filter(None, [connect_args.get("options", ""), *settings])
        )
        options["connect_args"] = connect_args
    return options


def is_timeout(error: OperationalError) -> bool:
    """Whether the database gave up waiting (a timeout or a lock), not failed outright."""
    from psycopg import errors as pg

    original = error.orig
    if isinstance(original, pg.QueryCanceled | pg.LockNotAvailable):
        return True
    return isinstance(original, sqlite3.OperationalError) and "locked" in str(original)


def init_database(app: Flask) -> None:
    """Bind the database to ``app``: engine options first, then the SQLite pragmas."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app.config)
    db.init_app(app)
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", configure_sqlite)


def register_busy_page(app: Flask) -> None:
    """A database timeout is a 503 with Retry-After; other database errors stay 500s."""

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        db.session.rollback()
        if not is_timeout(error):
            raise error
        app.logger.warning("database timeout: %s", error.orig)
        page = render_template("errors/busy.html")
        return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}

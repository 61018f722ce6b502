"""Shared fixtures: a fresh app and database per test, on SQLite and on PostgreSQL.

The schema is built by running the real migrations once per session and
backend; each test then starts from empty tables (a copied SQLite file, or
truncated PostgreSQL tables), so tests never see each other's data.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from config import TestingConfig
from storefront import create_app
from storefront.extensions import db

pytest_plugins = ["stripe_fixtures", "live_server"]

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _pg_url(url: str) -> str:
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _config(database_url: str, media_root: Path) -> type[TestingConfig]:
    return type(
        "TestConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "MEDIA_ROOT": str(media_root)},
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A SQLite file with the migrated, empty schema."""
    path = tmp_path_factory.mktemp("schema") / "template.db"
    app = create_app(_config(f"sqlite:///{path}", path.parent / "media"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema(tmp_path_factory) -> str:
    """The PostgreSQL test database, wiped and migrated once per session."""
    url = _pg_url(POSTGRES_URL)
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    app = create_app(_config(url, tmp_path_factory.mktemp("pgmedia")))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    with engine.begin() as conn:
        _STARTING_RATES[url] = [dict(r) for r in conn.execute(text(RATES_QUERY)).mappings()]
    engine.dispose()
    return url


# The starting prices the migration inserts, put back before each test: a test
# that sets its own rates must not leave them to the tests after it.
RATES_QUERY = "SELECT id, method, zone, first_kg, per_extra_kg FROM shipping_rate"
_STARTING_RATES: dict[str, list[dict]] = {}


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        # shipping_rate holds the starting prices the migration inserts: keep them;
        # the audit chain's head row goes back to the start of an empty chain.
        kept = {"shipping_rate", "audit_head"}
        tables = [t.name for t in reversed(db.metadata.sorted_tables) if t.name not in kept]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        conn.execute(text(f"UPDATE audit_head SET last_id = 0, last_hash = '{'0' * 64}'"))
        conn.execute(text("DELETE FROM shipping_rate"))
        if _STARTING_RATES.get(url):
            conn.execute(
                text(
                    "INSERT INTO shipping_rate (id, method, zone, first_kg, per_extra_kg) "
                    "VALUES (:id, :method, :zone, :first_kg, :per_extra_kg)"
                ),
                _STARTING_RATES[url],
            )
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """An empty, migrated database of each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "shop.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_schema")
    _truncate_all(url)
    return url


@pytest.fixture
def app(database_url, tmp_path):
    """A fresh application bound to an empty database."""
    app = create_app(_config(database_url, tmp_path / "media"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def in_request(app):
    """Services run inside a request: their messages are translated with its language."""
    with app.test_request_context("/"):
        yield


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class QueryCounter:
    """Counts the SQL statements the app sends while active."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as q: ...; q.count``"""
    return lambda: QueryCounter(db.engine)

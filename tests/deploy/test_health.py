"""``/healthz`` as a load balancer sees it: 200 when the host can serve, 503 when not."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import text

from config import TestingConfig
from storefront import create_app
from storefront.extensions import db


@contextmanager
def recorded_revision(revision: str):
    """Pretend the database is at ``revision``; the real one is put back afterwards."""
    real = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    db.session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    db.session.commit()
    try:
        yield
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": real})
        db.session.commit()


def test_a_migrated_database_is_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.get_json()
    assert report["database"] == "ok" and report["migrations"] == "current"
    assert report["status"] == "ok" and report["revision"] == report["head"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_database_not_yet_upgraded_takes_the_host_out_of_rotation(client):
    with recorded_revision("0005_back_office"):
        response = client.get("/healthz")
    assert response.status_code == 503
    report = response.get_json()
    assert report["database"] == "ok" and report["migrations"] == "behind"
    assert report["revision"] == "0005_back_office" and report["status"] == "unavailable"


def test_a_database_migrated_by_newer_code_is_reported_ahead(client):
    with recorded_revision("9999_from_a_newer_release"):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "ahead"


def test_a_never_migrated_database_is_behind(tmp_path):
    config = type(
        "EmptyDatabase",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"},
    )
    response = create_app(config).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["migrations"] == "behind"


def test_an_unreachable_database_answers_503_not_500(tmp_path):
    config = type(
        "NoDatabase",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'missing' / 'dir' / 'shop.db'}"},
    )
    response = create_app(config).test_client().get("/healthz")
    assert response.status_code == 503
    report = response.get_json()
    assert report == {
        "database": "unreachable",
        "migrations": "unknown",
        "head": report["head"],
        "status": "unavailable",
    }

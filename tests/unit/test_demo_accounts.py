"""One demo account per role for ``make run``: seeded once, each can sign in, refused in
production, and the README's table says how to sign in as each."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from factories import make_partner
from sqlalchemy import func, select

from config import ProductionConfig
from storefront import create_app
from storefront.accounts import services as accounts
from storefront.accounts.models import Role, User
from storefront.audit.models import AuditEntry
from storefront.demo import SeedReport, data
from storefront.demo.accounts import DemoRefused, seed_demo_accounts
from storefront.extensions import db

README = Path(__file__).resolve().parents[2] / "README.md"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def dekranasda(app):
    """The demo partner the partner account belongs to (the catalogue seed adds it)."""
    partner = make_partner(slug="dekranasda-sumsel")
    db.session.commit()
    return partner


def test_one_demo_account_per_role_seeded_once(app, dekranasda):
    first = seed_demo_accounts(app.config)
    assert sorted(first.created) == sorted(role.value for role in Role)
    users, audit_rows = count(User), count(AuditEntry)
    assert users == len(Role)

    again = seed_demo_accounts(app.config)
    assert again.created == [] and again.skipped == len(Role)
    assert (count(User), count(AuditEntry)) == (users, audit_rows)
    assert "already there" in again.summary()

    for item in data.DEMO_ACCOUNTS:
        user = accounts.authenticate(email=item.email, password=item.password)
        assert user.role == item.role
        assert user.partner_id == (dekranasda.id if item.role == Role.PARTNER else None)


def test_demo_passwords_follow_the_buyers_rules():
    for item in data.DEMO_ACCOUNTS:
        accounts.check_password_strength(item.password, email=item.email)


def test_seed_demo_adds_the_accounts_after_the_catalogue(app, runner, dekranasda, monkeypatch):
    # The catalogue itself is the demo seed's own test; here only the accounts count.
    monkeypatch.setattr("storefront.demo.seed_demo_catalogue", lambda **_: SeedReport())
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "Demo accounts: created admin" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert "Demo accounts: created none (7 already there)" in second.output
    assert count(User) == len(Role)


@pytest.fixture
def production_app(database_url, tmp_path):
    settings = type(
        "ProductionHere",
        (ProductionConfig,),
        {
            "SECRET_KEY": "9f2c4e1ab7d35806e4c2f1a09b8d7e6c5a4f3b2e1d0c9b8a7f6e5d4c3b2a1908",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "ALLOW_SQLITE": True,
            "MAIL_SERVER": "smtp.example",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
            "MEDIA_ROOT": str(tmp_path / "media"),
        },
    )
    app = create_app(settings)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_seed_demo_is_refused_in_production(production_app):
    result = production_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 1
    assert "development only" in result.output
    assert count(User) == 0
    with pytest.raises(DemoRefused):
        seed_demo_accounts(production_app.config)
    assert count(User) == 0


def test_the_readme_lists_every_demo_account_with_its_password():
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Demo accounts", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| `([^`]+)` \| `([^`]+)` \|", section, flags=re.M)
    assert {(role, email, password) for role, email, password in rows} == {
        (item.role, item.email, item.password) for item in data.DEMO_ACCOUNTS
    }

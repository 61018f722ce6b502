"""Production refuses to start with settings an operator would regret, naming every one."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config import ProductionConfig, UnfitSettings, secret_key_weaknesses
from storefront import create_app

GOOD = {
    "SECRET_KEY": "9f2c4e1ab7d35806e4c2f1a09b8d7e6c5a4f3b2e1d0c9b8a7f6e5d4c3b2a1908",
    "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://cantik@db.internal/cantik",
    "STRIPE_SECRET_KEY": "sk_live_x",
    "STRIPE_WEBHOOK_SECRET": "whsec_x",
    "MAIL_SERVER": "smtp.example",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
    "ALLOW_SQLITE": False,
}


def production(**settings) -> type[ProductionConfig]:
    return type("Settings", (ProductionConfig,), {**GOOD, **settings})


def test_sound_settings_start():
    production().validate()
    app = create_app(production())
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]


def test_every_problem_is_listed_at_once():
    settings = production(
        SECRET_KEY="dev-only-not-secret",
        STRIPE_WEBHOOK_SECRET="",
        MAIL_SERVER="",
        SQLALCHEMY_DATABASE_URI="sqlite:///instance/cantik.db",
        RATELIMIT_STORAGE_URI="memory://",
    )
    with pytest.raises(UnfitSettings) as refused:
        create_app(settings)
    message = str(refused.value)
    for name in (
        "SECRET_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "MAIL_SERVER",
        "DATABASE_URL",
        "RATELIMIT_STORAGE_URI",
    ):
        assert name in message
    assert len(refused.value.problems) == 5


@pytest.mark.parametrize(
    "key",
    [
        "",
        "dev-only-not-secret",
        "testing-secret-key",
        "tooshort-9f2c4e1a",
        "a" * 64,
        "ab" * 32,
        "abcdefghijklmnopqrstuvwxyz0123456789ABCDEF",
        "correcthorsebatterystaplecorrecthorse",
        "OurShopSecretForProduction2024-Palembang!",
        "xK9#mQ2$" * 5,
    ],
)
def test_weak_secret_keys_are_refused(key):
    assert secret_key_weaknesses(key)
    with pytest.raises(UnfitSettings, match="SECRET_KEY"):
        production(SECRET_KEY=key).validate()


@pytest.mark.parametrize(
    "make_key",
    [
        lambda: secrets.token_hex(16),
        lambda: secrets.token_hex(32),
        lambda: secrets.token_urlsafe(32),
    ],
)
def test_random_keys_pass(make_key):
    for _ in range(2000):
        key = make_key()
        assert secret_key_weaknesses(key) == [], key


def test_stripe_keys_without_a_webhook_secret_are_refused():
    assert any(
        "STRIPE_WEBHOOK_SECRET" in p for p in production(STRIPE_WEBHOOK_SECRET="").problems()
    )
    # No Stripe at all (transfer and cash only) needs no webhook secret.
    assert production(STRIPE_SECRET_KEY="", STRIPE_WEBHOOK_SECRET="").problems() == []


def test_sqlite_only_when_asked_for():
    sqlite = "sqlite:////var/lib/cantik/shop.db"
    assert production(SQLALCHEMY_DATABASE_URI=sqlite).problems()
    assert production(SQLALCHEMY_DATABASE_URI=sqlite, ALLOW_SQLITE=True).problems() == []


def production_defaults(**environment) -> dict:
    """ProductionConfig's settings as a fresh process reads them from ``environment``."""
    program = (
        "import json, config; c = config.ProductionConfig; "
        "print(json.dumps({'hosts': c.ALLOWED_HOSTS, 'limits': c.RATELIMIT_STORAGE_URI, "
        "'dev_hosts': config.DevelopmentConfig.ALLOWED_HOSTS}))"
    )
    env = {"PATH": os.environ.get("PATH", ""), **environment}
    out = subprocess.run(
        [sys.executable, "-c", program],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    return json.loads(out)


def test_rate_limits_are_kept_in_redis_by_default():
    assert production_defaults()["limits"].startswith("redis://")
    assert production(RATELIMIT_STORAGE_URI="memory://").problems()


def test_production_answers_only_its_own_host_by_default():
    settings = production(ALLOWED_HOSTS=("toko.example",), SITE_URL="https://toko.example")
    app = create_app(settings)
    client = app.test_client()
    assert client.get("/robots.txt", base_url="https://toko.example").status_code == 200
    refused = client.get("/robots.txt", base_url="https://evil.example")
    assert refused.status_code == 400


def test_the_production_default_host_comes_from_site_url():
    defaults = production_defaults(SITE_URL="https://toko.example:8443/")
    assert defaults["hosts"] == ["toko.example"]
    assert defaults["dev_hosts"] == []  # development and tests answer any host
    listed = production_defaults(ALLOWED_HOSTS="toko.example, .cantik.example")
    assert listed["hosts"] == ["toko.example", ".cantik.example"]

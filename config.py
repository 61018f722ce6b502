"""Application settings, read from the environment.

Every secret and every URL comes from an environment variable; the classes
only choose sensible defaults for development and tests.
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

_INSECURE_KEY = "dev-only-not-secret"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


class Config:
    """Settings shared by every environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", _INSECURE_KEY)
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'cantik.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(INSTANCE_DIR / "media"))
    # An S3-compatible bucket for product images, shared by every app host; empty: MEDIA_ROOT.
    MEDIA_S3_BUCKET = os.environ.get("MEDIA_S3_BUCKET", "")
    MEDIA_S3_ENDPOINT_URL = os.environ.get("MEDIA_S3_ENDPOINT_URL", "")
    MEDIA_S3_REGION = os.environ.get("MEDIA_S3_REGION", "")
    MEDIA_S3_PREFIX = os.environ.get("MEDIA_S3_PREFIX", "")
    MEDIA_S3_ACCESS_KEY_ID = os.environ.get("MEDIA_S3_ACCESS_KEY_ID", "")
    MEDIA_S3_SECRET_ACCESS_KEY = os.environ.get("MEDIA_S3_SECRET_ACCESS_KEY", "")
    SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:5000")

    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")
    LANGUAGE_COOKIE = "lang"

    PRODUCTS_PER_PAGE = 24
    ORDER_EXPIRY_MINUTES = _env_int("ORDER_EXPIRY_MINUTES", 30)
    BANK_TRANSFER_EXPIRY_MINUTES = _env_int("BANK_TRANSFER_EXPIRY_MINUTES", 24 * 60)
    PICKUP_PAYMENT_EXPIRY_MINUTES = _env_int("PICKUP_PAYMENT_EXPIRY_MINUTES", 3 * 24 * 60)
    REFERRAL_COOKIE_DAYS = 30
    BANK_ACCOUNT = os.environ.get(
        "BANK_ACCOUNT", "Bank Sumsel Babel 123-45-67890 a.n. Koperasi Industri Lapas Perempuan"
    )
    SHOP_ADDRESS = os.environ.get(
        "SHOP_ADDRESS", "Jl. Merdeka No. 1, Palembang (Galeri Cantik, buka Senin–Sabtu 08.00–16.00)"
    )
    CATALOG_CACHE_SECONDS = _env_int("CATALOG_CACHE_SECONDS", 60)
    PAGE_CACHE_SECONDS = _env_int("PAGE_CACHE_SECONDS", 10)
    # Keep rendered fragments (header, cards, product bodies) per worker; 0 renders
    # every one afresh (benchmarks of the uncached path, bisecting a display bug).
    KEEP_FRAGMENTS = _env_int("KEEP_FRAGMENTS", 1) != 0

    WTF_CSRF_TIME_LIMIT = 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    FORCE_HTTPS = False

    STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
    STRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "")
    STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "")
    STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "Cantik <toko@cantik.example>")


class DevelopmentConfig(Config):
    """Local development: SQLite under instance/, debug helpers on."""

    DEBUG = True


class TestingConfig(Config):
    """Tests: an isolated database chosen by the fixtures, no rate limits."""

    TESTING = True
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    CATALOG_CACHE_SECONDS = 0
    PAGE_CACHE_SECONDS = 0
    SERVER_NAME = None


class ProductionConfig(Config):
    """Production: PostgreSQL, secure cookies, refuses to start without a real key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "1") == "1"

    @classmethod
    def validate(cls) -> None:
        """Refuse to run with a missing or development secret key."""
        key = os.environ.get("SECRET_KEY", "")
        if not key or key == _INSECURE_KEY or len(key) < 32:
            raise RuntimeError(
                "SECRET_KEY must be set to a random string of at least 32 characters "
                "in production (python -c 'import secrets; print(secrets.token_hex(32))')."
            )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """The config class named by CANTIK_ENV (development by default)."""
    return CONFIGS[os.environ.get("CANTIK_ENV", "development")]

"""Application settings, read from the environment.

Every secret and every URL comes from an environment variable; the classes
only choose sensible defaults for development and tests.
"""

import math
import os
import re
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

_INSECURE_KEY = "dev-only-not-secret"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


def _env_list(name: str) -> tuple[str, ...]:
    """A comma-separated setting as a tuple of its non-empty, trimmed items."""
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


def host_of(url: str) -> str:
    """The host name of ``url`` (no port), lower-cased; empty when it has none."""
    return (urlsplit(url).hostname or "").lower()


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
    # What buyers read about the shop, in each language (``shop_text`` picks one;
    # the two settings above are the older, Indonesian-only forms).
    SHOP_ADDRESS_ID = os.environ.get(
        "SHOP_ADDRESS_ID", "Galeri Cantik, Jl. Merdeka No. 1, Palembang 30111, Sumatera Selatan"
    )
    SHOP_ADDRESS_EN = os.environ.get(
        "SHOP_ADDRESS_EN",
        "Galeri Cantik, Jl. Merdeka No. 1, Palembang 30111, South Sumatra, Indonesia",
    )
    SHOP_HOURS_ID = os.environ.get("SHOP_HOURS_ID", "Senin–Sabtu 08.00–16.00 WIB")
    SHOP_HOURS_EN = os.environ.get("SHOP_HOURS_EN", "Monday to Saturday, 08:00–16:00 WIB")
    BANK_ACCOUNT_ID = os.environ.get(
        "BANK_ACCOUNT_ID",
        "Bank Sumsel Babel, rekening 123-45-67890 a.n. Koperasi Industri Lapas Perempuan",
    )
    BANK_ACCOUNT_EN = os.environ.get(
        "BANK_ACCOUNT_EN",
        "Bank Sumsel Babel, account 123-45-67890, account holder Koperasi Industri Lapas Perempuan",
    )
    SHOP_WHATSAPP = os.environ.get("SHOP_WHATSAPP", "+6281234567890")
    SHOP_EMAIL = os.environ.get("SHOP_EMAIL", "toko@cantik.example")
    SHOP_MAP_URL = os.environ.get(
        "SHOP_MAP_URL", "https://www.openstreetmap.org/search?query=Jl.%20Merdeka%20Palembang"
    )
    # The shop's information pages (templates/pages/<slug>.<lang>.html) may be
    # kept in a folder of their own, so staff can change them without a release.
    PAGES_FOLDER = os.environ.get("PAGES_FOLDER", "")
    CATALOG_CACHE_SECONDS = _env_int("CATALOG_CACHE_SECONDS", 60)
    # Anonymous catalogue pages may be kept this long by browsers, nginx or a CDN.
    PUBLIC_PAGE_MAX_AGE = _env_int("PUBLIC_PAGE_MAX_AGE", 60)
    # Keep rendered fragments (header, cards, product bodies) per worker; 0 renders
    # every one afresh (benchmarks of the uncached path, bisecting a display bug).
    KEEP_FRAGMENTS = _env_int("KEEP_FRAGMENTS", 1) != 0

    # A refund above this many rupiah needs a second finance officer's approval.
    REFUND_APPROVAL_RUPIAH = _env_int("REFUND_APPROVAL_RUPIAH", 1_000_000)
    # Where staff get the e-mail for each paid order and the morning summary.
    STAFF_NOTIFY_ROLES = ("operations",)
    WTF_CSRF_TIME_LIMIT = 3600
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Which config class this is ("development", "testing", "production"): demo
    # accounts with known passwords are refused outside development and tests.
    CANTIK_ENV = "development"
    # A back-office session unused this long ends; the next request goes to the login page.
    STAFF_IDLE_MINUTES = _env_int("STAFF_IDLE_MINUTES", 30)
    # Refunds and role changes ask for the password again when the sign-in is older.
    REAUTH_MINUTES = _env_int("REAUTH_MINUTES", 15)

    # Host names this shop answers to (comma list; ".example.com" takes subdomains too).
    # Empty: any host. Links never come from the Host header, always from SITE_URL.
    ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS")
    # How many proxies in front of the app set X-Forwarded-For and -Proto; 0 trusts none.
    PROXY_HOPS = _env_int("PROXY_HOPS", 0)
    # PostgreSQL only: a statement or a lock wait longer than this is cancelled (0: no limit).
    DB_STATEMENT_TIMEOUT_MS = _env_int("DB_STATEMENT_TIMEOUT_MS", 15_000)
    DB_LOCK_TIMEOUT_MS = _env_int("DB_LOCK_TIMEOUT_MS", 5_000)
    # Uploaded images larger than this many pixels are refused before decoding.
    MAX_IMAGE_PIXELS = _env_int("MAX_IMAGE_PIXELS", 40_000_000)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    SIGN_IN_LIMIT = os.environ.get("SIGN_IN_LIMIT", "10 per minute")
    SIGN_IN_ACCOUNT_LIMIT = os.environ.get("SIGN_IN_ACCOUNT_LIMIT", "5 per minute;20 per hour")
    RESET_EMAIL_LIMIT = os.environ.get("RESET_EMAIL_LIMIT", "3 per hour")
    NEW_CART_LIMIT = os.environ.get("NEW_CART_LIMIT", "30 per hour")
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
    CANTIK_ENV = "testing"
    SECRET_KEY = "testing-secret-key"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    CATALOG_CACHE_SECONDS = 0
    SERVER_NAME = None


class ProductionConfig(Config):
    """Production: PostgreSQL, Redis for rate limits, secure cookies; refuses weak settings."""

    CANTIK_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "1") == "1"
    ALLOWED_HOSTS = Config.ALLOWED_HOSTS or tuple(filter(None, [host_of(Config.SITE_URL)]))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    ALLOW_SQLITE = os.environ.get("ALLOW_SQLITE", "") == "1"

    @classmethod
    def problems(cls) -> list[str]:
        """Every reason these settings are not fit for production (empty when they are)."""
        found = [f"SECRET_KEY {weakness}" for weakness in secret_key_weaknesses(cls.SECRET_KEY)]
        if cls.STRIPE_SECRET_KEY and not cls.STRIPE_WEBHOOK_SECRET:
            found.append(
                "STRIPE_WEBHOOK_SECRET is empty while STRIPE_SECRET_KEY is set: "
                "no card payment could ever be confirmed"
            )
        if not cls.MAIL_SERVER:
            found.append("MAIL_SERVER is empty: order and password e-mails would never leave")
        if cls.SQLALCHEMY_DATABASE_URI.startswith("sqlite") and not cls.ALLOW_SQLITE:
            found.append("DATABASE_URL is SQLite: use PostgreSQL (or set ALLOW_SQLITE=1)")
        if cls.RATELIMIT_STORAGE_URI.startswith("memory://"):
            found.append(
                "RATELIMIT_STORAGE_URI is in-memory: each worker would count on its own "
                "(use redis://...)"
            )
        return found

    @classmethod
    def validate(cls) -> None:
        """Refuse to start with any unfit setting, naming all of them at once."""
        found = cls.problems()
        if found:
            raise UnfitSettings(found)


class UnfitSettings(RuntimeError):
    """Production settings that must be fixed before the shop may start."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        listing = "\n".join(f"  - {problem}" for problem in problems)
        super().__init__(f"Refusing to start in production:\n{listing}")


KNOWN_KEYS = {_INSECURE_KEY, "testing-secret-key"}
MIN_KEY_LENGTH = 32
MIN_KEY_BITS = 80  # estimated from the key's own letter frequencies; 32 random hex digits give ~95
# Words people put into "random" keys; any of them inside a key marks it as chosen, not drawn.
COMMON_WORDS = frozenset(
    """password passwd secret changeme change admin letmein welcome qwerty asdfgh zxcvbn
    dragon monkey master sunshine princess football shadow superman batman iloveyou
    correct horse battery staple example default production development insecure testing
    django flask cantik storefront songket palembang rahasia kunci sandi katasandi""".split()  # noqa: SIM905
)


def secret_key_weaknesses(key: str) -> list[str]:
    """What makes ``key`` unfit to sign production cookies (empty for a random key).

    A key must be long, and must look drawn rather than chosen: not a known
    development value, not a few characters repeated or counted up, no common
    words, and enough entropy judged by how evenly its characters are spread.
    """
    if not key:
        return ["is not set (python -c 'import secrets; print(secrets.token_hex(32))')"]
    if key in KNOWN_KEYS:
        return ["is the development value"]
    found = []
    if len(key) < MIN_KEY_LENGTH:
        found.append(f"is shorter than {MIN_KEY_LENGTH} characters")
    if len(set(key)) < 8 or re.search(r"(.{8,}).*\1", key):
        found.append("repeats characters or a run of characters")
    steps = sum(abs(ord(a) - ord(b)) == 1 for a, b in zip(key, key[1:], strict=False))
    if len(key) > 1 and steps > (len(key) - 1) / 2:
        found.append("counts up or down like a keyboard sequence")
    lowered = key.lower()
    if any(word in lowered for word in COMMON_WORDS):
        found.append("contains a common word")
    counts = Counter(key)
    bits = sum(n * math.log2(len(key) / n) for n in counts.values())
    if bits < MIN_KEY_BITS:
        found.append(f"has too little entropy (about {bits:.0f} bits, at least {MIN_KEY_BITS})")
    return found


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_environment() -> type[Config]:
    """The config class named by CANTIK_ENV (development by default)."""
    return CONFIGS[os.environ.get("CANTIK_ENV", "development")]

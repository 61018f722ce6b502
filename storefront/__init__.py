"""The Cantik storefront: the online shop of the Palembang prison industry centre."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from config import Config, ProductionConfig, config_from_environment
from storefront.logging_setup import configure_logging


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application for ``config_class`` (chosen from CANTIK_ENV by default)."""
    config_class = config_class or config_from_environment()
    if issubclass(config_class, ProductionConfig):
        config_class.validate()
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(config_class)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_template_helpers(app)
    register_commands(app)
    configure_logging(app)
    return app


def register_extensions(app: Flask) -> None:
    """Bind the unbound extension instances to this app."""
    from storefront import models  # noqa: F401  (every table known before migrations run)
    from storefront.accounts.loader import init_login
    from storefront.database import init_database
    from storefront.extensions import babel, csrf, db, limiter, migrate, talisman
    from storefront.http_cache import init_http_cache
    from storefront.i18n import init_languages, select_locale
    from storefront.impact.referral import remember_referral
    from storefront.request_guards import init_request_guards
    from storefront.request_ids import init_request_ids

    init_request_ids(app)
    init_request_guards(app)
    # after_request hooks run last-registered first: the caching headers see every cookie set.
    init_http_cache(app)
    init_database(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config.get("SESSION_COOKIE_SECURE", False),
        strict_transport_security=app.config["FORCE_HTTPS"],
        content_security_policy={
            "default-src": "'self'",
            "img-src": ["'self'", "data:"],
            "script-src": ["'self'", "https://js.stripe.com"],
            "frame-src": ["https://js.stripe.com", "https://hooks.stripe.com"],
            "connect-src": ["'self'", "https://api.stripe.com"],
            "style-src": "'self'",
            "base-uri": "'self'",
            "form-action": "'self'",
        },
        content_security_policy_nonce_in=["script-src"],
        referrer_policy="strict-origin-when-cross-origin",
        frame_options="DENY",
    )
    init_login(app)
    init_languages(app)
    app.after_request(remember_referral)


def register_blueprints(app: Flask) -> None:
    """Attach each area's blueprint."""
    from storefront.accounts.views import accounts
    from storefront.cart.views import cart
    from storefront.catalog.views import catalog
    from storefront.checkout.views import checkout
    from storefront.health import health
    from storefront.impact.views import impact
    from storefront.media.views import media
    from storefront.orders.views import orders
    from storefront.pages.views import init_pages, pages
    from storefront.payments.views import payments
    from storefront.staff.views import staff

    areas = (
        accounts, catalog, impact, pages, media, cart, checkout, orders, payments, health, staff,
    )  # fmt: skip
    for blueprint in areas:
        app.register_blueprint(blueprint)
    init_pages(app)


def register_errorhandlers(app: Flask) -> None:
    """Friendly error pages in the buyer's language."""
    from storefront.database import register_busy_page
    from storefront.errors import register

    register(app)
    register_busy_page(app)


def register_template_helpers(app: Flask) -> None:
    """Filters and globals every template may use."""
    from storefront.static_urls import init_static_versions
    from storefront.templating import register

    init_static_versions(app)
    register(app)


def register_commands(app: Flask) -> None:
    """Add the shop's ``flask`` commands."""
    from storefront.cli import register

    register(app)

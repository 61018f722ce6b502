"""Flask-Login wiring: who is logged in, from the signed session cookie."""

from __future__ import annotations

from flask import Flask, g
from flask_babel import lazy_gettext as _l

from storefront.accounts.models import User
from storefront.extensions import db, login_manager


def init_login(app: Flask) -> None:
    """Bind Flask-Login to ``app`` and teach it to load users by ``id:session_version``."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(_forget_cached_user)


def load_user(user_id: str) -> User | None:
    """The user a session names, or None once the account's session version has
    moved on (password reset, erasure) or the account is no longer active."""
    raw_id, _, raw_version = user_id.partition(":")
    if not (raw_id.isdigit() and raw_version.isdigit()):
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_version != int(raw_version) or not user.is_active:
        return None
    return user


def _forget_cached_user() -> None:
    """Load the user afresh for each request: an app context may outlive one request."""
    g.pop("_login_user", None)

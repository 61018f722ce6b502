"""Flask-Login wiring: who is signed in, from the signed cookie and its server-side session.

The session (and a "remember me") cookie carries ``id:session_version:session``.
A user is signed in only while the account's session version still matches
(password reset, erasure) and the ``UserSession`` row still exists (logout,
role change, deactivation delete it). Staff sessions also end after
``STAFF_IDLE_MINUTES`` without a request.
"""

from __future__ import annotations

from flask import Flask, current_app, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user

from storefront.accounts import navigation, sessions
from storefront.accounts.models import User
from storefront.extensions import db, login_manager
from storefront.timeutil import utcnow


def init_login(app: Flask) -> None:
    """Bind Flask-Login to ``app`` and teach it to load users by ``id:session_version:session``."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    login_manager.user_loader(load_user)
    app.before_request(_forget_cached_user)
    app.before_request(_keep_session_alive)


def load_user(user_id: str) -> User | None:
    """The user a cookie names, or None once its session has ended, the account's
    session version has moved on, or the account is no longer active.

    A staff session found idle past its limit loads nobody and is noted in
    ``g.idle_session_id`` for ``_keep_session_alive`` to end.
    """
    raw_id, raw_version, session_id = (user_id.split(":") + ["", ""])[:3]
    if not (_is_number(raw_id) and _is_number(raw_version)) or not session_id:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_version != int(raw_version) or not user.is_active:
        return None
    row = sessions.find_session(session_id, user_id=user.id)
    if row is None:
        return None
    if sessions.is_idle(row, role=user.role, now=utcnow()):
        g.idle_session_id = row.id
        return None
    user.signed_in_session = row.id
    g.user_session = row
    return user


def _is_number(raw: str) -> bool:
    return raw.isascii() and raw.isdigit() and len(raw) <= 18


def _forget_cached_user() -> None:
    """Load the user afresh for each request: an app context may outlive one request."""
    g.pop("_login_user", None)
    g.pop("user_session", None)
    g.pop("idle_session_id", None)


def _carries_sign_in() -> bool:
    """Whether the request has a cookie that could name a session (no session is read otherwise,
    so anonymous catalogue pages stay cacheable)."""
    config = current_app.config
    cookies = request.cookies
    return (
        config["SESSION_COOKIE_NAME"] in cookies
        or config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    )


def _keep_session_alive():
    """Before each signed-in request: end an idle staff session, else note the activity.

    An idle session is deleted and its cookies cleared, and the user goes to
    the login page with a message (and, for a page, a way back to it).
    """
    if request.endpoint == "static" or not _carries_sign_in():
        return None
    current_user._get_current_object()  # runs load_user
    idle_id = g.pop("idle_session_id", None)
    if idle_id is not None:
        sessions.end_session(idle_id)
        logout_user()
        minutes = current_app.config["STAFF_IDLE_MINUTES"]
        flash(
            _(
                "You were logged out after %(n)s minutes without activity. Please log in again.",
                n=minutes,
            ),
            "info",
        )
        next_page = navigation.this_page() if request.method in ("GET", "HEAD") else None
        return redirect(url_for("accounts.login", next=next_page), code=303)
    row = g.get("user_session")
    if row is not None:
        sessions.note_activity(row)
    return None

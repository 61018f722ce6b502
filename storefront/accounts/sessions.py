"""Signed-in browsers kept on the server: one ``UserSession`` row per sign-in.

The session cookie (and a "remember me" cookie) only names a row. Signing out
deletes the row; a role change, a password reset, erasure or deactivation
delete every row of the account (``services.end_sessions``). Without its row a
copied cookie signs nobody in. Functions here never read Flask's session or
the request: the views and ``accounts.loader`` pass ids in.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from storefront.accounts.models import User, UserSession
from storefront.accounts.permissions import STAFF_ROLES
from storefront.accounts.services import InvalidCredentials, authenticate
from storefront.cart.models import Cart
from storefront.extensions import db
from storefront.timeutil import utcnow

# last_seen_at is written at most this often per session, to keep requests cheap.
SEEN_EVERY = timedelta(minutes=1)
# A buyer's session unused for this long is forgotten at their next sign-in
# (Flask-Login's own "remember me" lifetime, unless REMEMBER_COOKIE_DURATION says otherwise).
BUYER_SESSION_DAYS = 365
SESSION_ID_MAX = 64


def start_session(user: User, *, replacing: str | None = None, now: datetime | None = None) -> str:
    """Record a new sign-in of ``user`` and return the id its cookie will carry; commits.

    The id is 256 random bits. ``replacing`` is the session this browser was
    signed in with before (another account, or the same one again), which ends
    here. The user's sessions that could never be used again (a staff session
    idle past its limit, a buyer's unused for a year) are forgotten in the same
    transaction, so the table does not grow with abandoned browsers.
    """
    now = now or utcnow()
    session_id = secrets.token_urlsafe(32)
    if replacing:
        db.session.execute(delete(UserSession).where(UserSession.id == replacing))
    staff_cutoff = now - idle_limit()
    buyer_cutoff = now - _buyer_session_lifetime()
    stale = (
        UserSession.last_seen_at < staff_cutoff
        if user.role in STAFF_ROLES
        else UserSession.last_seen_at < buyer_cutoff
    )
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id, stale))
    db.session.add(
        UserSession(
            id=session_id,
            user_id=user.id,
            created_at=now,
            authenticated_at=now,
            last_seen_at=now,
        )
    )
    db.session.commit()
    return session_id


def find_session(session_id: str, *, user_id: int) -> UserSession | None:
    """The live session ``session_id`` of ``user_id``, or None once it has ended; reads only."""
    if not session_id or len(session_id) > SESSION_ID_MAX:
        return None
    return db.session.execute(
        select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user_id)
    ).scalar_one_or_none()


def idle_limit() -> timedelta:
    """How long a back-office session may go unused (``STAFF_IDLE_MINUTES``)."""
    return timedelta(minutes=current_app.config["STAFF_IDLE_MINUTES"])


def is_idle(row: UserSession, *, role: str, now: datetime | None = None) -> bool:
    """Whether a staff session has gone unused past ``STAFF_IDLE_MINUTES``.

    ``last_seen_at`` is written at most once a minute, so a session may end up
    to a minute before the limit counted from its very last request, never after.
    Other roles have no idle limit.
    """
    if role not in STAFF_ROLES:
        return False
    return (now or utcnow()) - _aware(row.last_seen_at) >= idle_limit()


def note_activity(row: UserSession, *, now: datetime | None = None) -> None:
    """Move ``last_seen_at`` to now when it is more than a minute old; commits only then."""
    now = now or utcnow()
    if now - _aware(row.last_seen_at) < SEEN_EVERY:
        return
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == row.id)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def signed_in_within(row: UserSession, *, minutes: int, now: datetime | None = None) -> bool:
    """Whether the password was given on this session less than ``minutes`` ago."""
    return (now or utcnow()) - _aware(row.authenticated_at) < timedelta(minutes=minutes)


def confirm_password(*, session_id: str, user: User, password: str) -> None:
    """Take the password again on a live session and restart its sign-in clock; commits.

    Raises ``InvalidCredentials`` (nothing changes) when the password is wrong
    or the account can no longer sign in. The update names the session and its
    user, so an ended session cannot be revived by confirming on it.
    """
    authenticate(email=user.email, password=password)
    now = utcnow()
    moved = db.session.execute(
        update(UserSession)
        .where(UserSession.id == session_id, UserSession.user_id == user.id)
        .values(authenticated_at=now, last_seen_at=now)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.rollback()
        raise InvalidCredentials(_("Your session has ended. Please log in again."))
    db.session.commit()


def end_session(session_id: str | None, *, cart_token: str | None = None) -> None:
    """Sign one browser out: its session row goes, and so do its cart's checkout details.

    One transaction. The cart's lines stay (they come back at the next sign-in);
    only the contact and delivery form kept between checkout steps is
    forgotten, so the next person at a shared browser never sees it.
    """
    if session_id:
        db.session.execute(delete(UserSession).where(UserSession.id == session_id))
    if cart_token:
        db.session.execute(
            update(Cart)
            .where(Cart.token == cart_token)
            .values(checkout=None)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def _buyer_session_lifetime() -> timedelta:
    configured = current_app.config.get("REMEMBER_COOKIE_DURATION")
    if isinstance(configured, timedelta):
        return configured
    if isinstance(configured, int | float):
        return timedelta(seconds=configured)
    return timedelta(days=BUYER_SESSION_DAYS)


def _aware(moment: datetime) -> datetime:
    """``moment`` as aware UTC (SQLite hands back naive values)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment

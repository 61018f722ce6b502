"""User accounts: buyers, staff, admins and partner curators."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.extensions import db
from storefront.timeutil import utcnow


class Role(enum.StrEnum):
    BUYER = "buyer"
    OPERATIONS = "operations"
    PRODUCTION = "production"
    FINANCE = "finance"
    AUDITOR = "auditor"
    ADMIN = "admin"
    PARTNER = "partner"


class User(UserMixin, db.Model):
    """Someone who logs in. Buyers' personal data can be exported and erased."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    role: Mapped[str] = mapped_column(String(20), default=Role.BUYER.value)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id"))
    language: Mapped[str] = mapped_column(String(2), default="id")
    is_active_account: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change and erasure so old sessions and reset links die.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    erased_at: Mapped[datetime | None]

    # The ``UserSession`` id of the browser this request is signed in from (set at
    # sign-in and by the user loader; not a column).
    signed_in_session = None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.is_active_account and self.erased_at is None

    def get_id(self) -> str:
        """What the session and "remember me" cookies carry: ``id:session_version:session``."""
        return f"{self.id}:{self.session_version}:{self.signed_in_session or ''}"

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)


class UserSession(db.Model):
    """One signed-in browser: the session cookie names it, so signing out (or a role
    change, or deactivation) ends it on the server, whatever copies of the cookie exist."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    authenticated_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

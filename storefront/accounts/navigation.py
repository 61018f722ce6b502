"""Where a sign-in goes next: a safe local ``next`` path, else the home of the user's role."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for

from storefront.accounts.models import Role
from storefront.accounts.permissions import STAFF_ROLES

# By path, not by endpoint: the back office and the partner portal are their own
# blueprints, and signing in must not depend on which of them are registered.
STAFF_HOME = "/staff/"
PARTNER_HOME = "/partner/"


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or len(target) > 1000 or not target.startswith("/"):
        return None
    if target.startswith("//") or "\\" in target:
        return None
    # Browsers drop tabs and newlines, which would turn "/\t/evil" into "//evil".
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def landing_path(user) -> str:
    """Where ``user`` lands after signing in with no ``next``: the back office for
    staff, the portal for partner users, the account page for buyers."""
    if user.role in STAFF_ROLES:
        return request.script_root + STAFF_HOME
    if user.role == Role.PARTNER:
        return request.script_root + PARTNER_HOME
    return url_for("accounts.profile")


def this_page() -> str:
    """The path and query of this request, to come back to after a detour."""
    path = request.full_path if request.query_string else request.path
    return request.script_root + path


def page_before() -> str | None:
    """The local page this request was sent from (its Referer), or None."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return None
    return safe_next(parts.path + (f"?{parts.query}" if parts.query else ""))

"""Who may do what: the roles, the permissions they group, the Actor and the one decorator.

Every back-office and portal route declares one permission with
``@permission_required(Permission.X)``; a test walks the URL map and fails on
any route under ``/staff`` or ``/partner`` that does not. Views never compare
role names themselves.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import abort, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from storefront.accounts.models import Role


class Permission(enum.StrEnum):
    STAFF_VIEW = "staff.view"  # open the back office and read its pages and exports
    ORDERS_VIEW = "orders.view"
    ORDERS_FULFIL = "orders.fulfil"
    ORDERS_CANCEL = "orders.cancel"
    PAYMENTS_CONFIRM = "payments.confirm"
    CASH_VIEW = "cash.view"
    REFUNDS_CREATE = "refunds.create"
    REFUNDS_APPROVE = "refunds.approve"
    CATALOG_EDIT = "catalog.edit"
    STOCK_ADJUST = "stock.adjust"
    REPORTS_VIEW = "reports.view"
    FINANCE_EDIT = "finance.edit"
    USERS_MANAGE = "users.manage"
    AUDIT_VIEW = "audit.view"
    COLLECTIONS_REVIEW = "collections.review"
    PORTAL_VIEW = "portal.view"


P = Permission
_READ_BACK_OFFICE = {P.STAFF_VIEW, P.ORDERS_VIEW, P.CASH_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset(set(Permission) - {P.PORTAL_VIEW}),
    Role.OPERATIONS: frozenset(
        _READ_BACK_OFFICE
        | {P.ORDERS_FULFIL, P.ORDERS_CANCEL, P.PAYMENTS_CONFIRM, P.COLLECTIONS_REVIEW}
    ),
    Role.PRODUCTION: frozenset(_READ_BACK_OFFICE | {P.CATALOG_EDIT, P.STOCK_ADJUST}),
    Role.FINANCE: frozenset(
        _READ_BACK_OFFICE
        | {P.REFUNDS_CREATE, P.REFUNDS_APPROVE, P.REPORTS_VIEW, P.FINANCE_EDIT, P.AUDIT_VIEW}
    ),
    # The inspector reads everything and changes nothing: every POST is refused
    # by ``permission_required`` whatever permission the route names.
    Role.AUDITOR: frozenset(_READ_BACK_OFFICE | {P.REPORTS_VIEW, P.AUDIT_VIEW}),
    Role.PARTNER: frozenset({P.PORTAL_VIEW}),
    Role.BUYER: frozenset(),
}
READ_ONLY_ROLES = frozenset({Role.AUDITOR})
STAFF_ROLES = frozenset({Role.ADMIN, Role.OPERATIONS, Role.PRODUCTION, Role.FINANCE, Role.AUDITOR})


def role_allows(role: str | None, permission: Permission) -> bool:
    """Whether ``role`` carries ``permission``."""
    return permission in ROLE_PERMISSIONS.get(role or "", frozenset())


@dataclass(frozen=True)
class Actor:
    """Who is making a change: passed to every service that changes state.

    ``label`` is what the audit log and order history show ("Sari (operations)",
    "stripe", "cron"); ``request_id`` ties the change to the request's log line.
    """

    user_id: int | None
    role: str
    label: str
    partner_id: int | None = None
    request_id: str | None = None

    def can(self, permission: Permission) -> bool:
        """Whether this actor's role carries ``permission``."""
        return role_allows(self.role, permission)

    @classmethod
    def for_user(cls, user, request_id: str | None = None) -> Actor:
        """The actor for a signed-in account. A buyer is named by account number only:
        the audit log keeps no buyer's name or e-mail, which erasure could not reach."""
        staff = user.role in STAFF_ROLES or user.role == Role.PARTNER
        return cls(
            user_id=user.id,
            role=user.role,
            label=(user.name or user.email) if staff else f"buyer #{user.id}",
            partner_id=user.partner_id,
            request_id=request_id,
        )

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """A job or the shop itself (``system``, ``cron``, ``stripe``)."""
        return cls(user_id=None, role=label, label=label)


BUYER = Actor(user_id=None, role=Role.BUYER, label="buyer")
STRIPE = Actor.system("stripe")
CRON = Actor.system("cron")
SYSTEM = Actor.system("system")


def current_actor() -> Actor:
    """The actor of this request: the signed-in user, or an anonymous buyer."""
    request_id = g.get("request_id") if has_request_context() else None
    if has_request_context() and current_user.is_authenticated:
        return Actor.for_user(current_user, request_id=request_id)
    return Actor(user_id=None, role=Role.BUYER, label="buyer", request_id=request_id)


def permission_required(permission: Permission) -> Callable:
    """Let the request through only for a signed-in user whose role carries ``permission``.

    Anonymous visitors go to the login page; others get 403. Read-only roles
    get 403 on every unsafe method, so an inspector can never change anything.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                from storefront.extensions import login_manager

                return login_manager.unauthorized()
            role = current_user.role
            if not role_allows(role, permission):
                abort(403)
            if role in READ_ONLY_ROLES and request.method not in ("GET", "HEAD", "OPTIONS"):
                abort(403)
            return view(*args, **kwargs)

        wrapper.required_permission = permission
        return wrapper

    return decorator


def recent_login_required(minutes: int | Callable | None = None) -> Callable:
    """Let the request through only when the password was given less than ``minutes`` ago.

    ``minutes`` defaults to ``REAUTH_MINUTES`` (15). An older sign-in is sent to
    ``/account/confirm-password?next=...``, which asks for the password again
    and comes back: to this page for a GET, and for a form post to the page the
    form was on (the post itself is not replayed), so the user presses the
    button once more. Anonymous visitors go to the login page. Put it below
    ``permission_required``, so that a role without the permission gets its 403
    without being asked for a password::

        @permission_required(Permission.REFUNDS_CREATE)
        @recent_login_required
        def create_refund(...): ...
    """
    if callable(minutes):  # used bare, as ``@recent_login_required``
        return recent_login_required()(minutes)

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            from storefront.accounts import navigation, sessions
            from storefront.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            limit = minutes if minutes is not None else current_app.config["REAUTH_MINUTES"]
            row = g.get("user_session")
            if row is not None and sessions.signed_in_within(row, minutes=limit):
                return view(*args, **kwargs)
            if request.method in ("GET", "HEAD"):
                back = navigation.this_page()
                code = 302
            else:
                back = navigation.page_before() or navigation.landing_path(current_user)
                code = 303
            flash(_("Please enter your password again to continue."), "info")
            return redirect(url_for("accounts.confirm_password", next=back), code=code)

        wrapper.recent_login_minutes = minutes
        return wrapper

    return decorator

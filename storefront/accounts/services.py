"""Buyer accounts: registration, log-in, password reset, data export and erasure.

Every function here is one transaction and reports what went wrong by raising an
``AccountError`` whose message can be shown to the buyer as it is.
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash, generate_password_hash

from storefront.accounts.models import Role, User
from storefront.accounts.permissions import Actor
from storefront.cart.models import Cart
from storefront.domain import DomainError
from storefront.extensions import db
from storefront.orders.lifecycle import record_step
from storefront.orders.models import Order
from storefront.outbox.models import OutboxMessage
from storefront.outbox.services import absolute, queue_email
from storefront.timeutil import utcnow

MIN_PASSWORD_LENGTH = 10
RESET_LINK_MAX_AGE = 3600
RESET_SALT = "password-reset"
ERASURE_NOTE = "personal data erased at the buyer's request"

_dummy_hash: str | None = None


class AccountError(DomainError):
    """Something the buyer can fix; ``str(error)`` is a message for them."""

    field: str | None = None


class InvalidEmail(AccountError):
    field = "email"


class EmailTaken(AccountError):
    field = "email"


class WeakPassword(AccountError):
    field = "password"


class InvalidCredentials(AccountError):
    """Wrong e-mail or password (deliberately not saying which)."""


class InvalidResetLink(AccountError):
    """The reset link is forged, expired or already used."""


def normalise_email(email: str) -> str:
    """The canonical, lower-cased form of ``email``; raises ``InvalidEmail``."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        raise InvalidEmail(_("Please enter a valid e-mail address.")) from error


def check_password_strength(password: str, *, email: str) -> None:
    """Raise ``WeakPassword`` unless ``password`` is long enough and not guessable from itself."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            _("Choose a password of at least %(n)s characters.", n=MIN_PASSWORD_LENGTH)
        )
    if password.isdigit():
        raise WeakPassword(_("Choose a password that is not only digits."))
    if password.strip().lower() == email.lower():
        raise WeakPassword(_("Choose a password that is not your e-mail address."))


def register_buyer(*, email: str, password: str, name: str, language: str) -> User:
    """Create a buyer account and return it.

    The e-mail address is normalised so that one person gets one account
    whatever the capitalisation; the unique index decides a race between two
    simultaneous sign-ups with the same address, and the loser gets
    ``EmailTaken`` rather than an error page. Nothing is stored if any check fails.
    """
    email = normalise_email(email)
    check_password_strength(password, email=email)
    if _user_by_email(email) is not None:
        raise EmailTaken(_("An account with this e-mail address already exists. Log in instead?"))
    user = User(
        email=email,
        name=name.strip(),
        language=language if language in current_app.config["LANGUAGES"] else "id",
        role=Role.BUYER.value,
    )
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise EmailTaken(
            _("An account with this e-mail address already exists. Log in instead?")
        ) from error
    return user


def authenticate(*, email: str, password: str) -> User:
    """The active user with this e-mail and password, or ``InvalidCredentials``.

    Takes about as long for an unknown address as for a wrong password (a
    dummy hash is checked), so response times do not reveal who has an account.
    Reads only; stores nothing.
    """
    try:
        user = _user_by_email(normalise_email(email))
    except InvalidEmail:
        user = None
    if user is None:
        check_password_hash(_the_dummy_hash(), password)
    if user is None or not user.check_password(password) or not user.is_active:
        raise InvalidCredentials(_("The e-mail address or password is not correct."))
    return user


def request_password_reset(*, email: str, language: str) -> None:
    """Queue an e-mail with a one-hour, single-use reset link, and commit it.

    Does nothing, silently, for an unknown or erased address or an invalid one,
    so the form cannot be used to find out who has an account. The link carries
    the account's ``session_version``, which ``reset_password`` bumps: that makes
    it single-use and kills every older link.
    """
    try:
        user = _user_by_email(normalise_email(email))
    except InvalidEmail:
        user = None
    if user is None or not user.is_active:
        db.session.commit()
        return
    token = _reset_serializer().dumps({"uid": user.id, "sv": user.session_version})
    queue_email(
        kind="password_reset",
        to=user.email,
        language=language,
        template="password_reset",
        user=user,
        reset_url=absolute(reset_path(token)),
    )
    db.session.commit()


def reset_path(token: str) -> str:
    """The site path of the reset form for ``token`` (``accounts.reset_password``)."""
    return f"/account/password-reset/{token}"


def user_for_reset_token(token: str) -> User:
    """The account a reset link is for, or ``InvalidResetLink``; stores nothing."""
    return _load_reset_token(token, lock=False)


def reset_password(*, token: str, new_password: str) -> User:
    """Set a new password from a reset link and return the user.

    The account row is locked while the link is checked and used, and
    ``session_version`` is bumped in the same transaction, so the link works
    exactly once even if it is submitted twice at the same moment, and every
    session and "remember me" cookie from before the reset stops working.
    """
    user = _load_reset_token(token, lock=True)
    try:
        check_password_strength(new_password, email=user.email)
    except WeakPassword:
        db.session.rollback()
        raise
    user.set_password(new_password)
    user.session_version += 1
    end_sessions(user.id)
    db.session.commit()
    return user


def order_history(user: User) -> list[Order]:
    """The user's orders, newest first; reads only."""
    return _orders_of(user.id)


def export_personal_data(user: User) -> dict:
    """Everything the shop holds about the buyer, as a JSON-ready dict.

    Profile and every order with its lines, totals, addresses and status
    history. The password hash and internal ids of other people are left out.
    Reads only, in one transaction, so the export is a consistent snapshot.
    """
    user = db.session.get(User, user.id, populate_existing=True)
    orders = _orders_of(user.id, with_details=True)
    data = {
        "exported_at": utcnow().isoformat(),
        "profile": {
            "email": user.email,
            "name": user.name,
            "phone": user.phone,
            "language": user.language,
            "role": user.role,
            "created_at": _iso(user.created_at),
        },
        "orders": [_order_export(order) for order in orders],
    }
    db.session.commit()
    return data


def erase_account(user: User) -> None:
    """Erase the buyer's personal data while keeping the shop's financial records.

    In one transaction: the account loses its e-mail, name, phone and usable
    password and every session is ended; each of the buyer's orders loses its
    contact and address fields but keeps its money fields, lines and history,
    gaining a history note; e-mails still waiting to go to the buyer are
    dropped and the bodies of sent ones are blanked; the buyer's carts forget
    the checkout form. Reports, attribution and refunds keep adding up.
    """
    user = db.session.get(User, user.id, with_for_update=True, populate_existing=True)
    actor = Actor.for_user(user)
    now = utcnow()
    old_email = user.email
    orders = (
        db.session.execute(select(Order).where(Order.user_id == user.id).with_for_update())
        .scalars()
        .all()
    )
    order_ids = [order.id for order in orders]

    user.email = f"erased-{user.id}@invalid.example"
    user.name = ""
    user.phone = ""
    user.password_hash = ""  # check_password is always False for an empty hash
    user.erased_at = now
    user.session_version += 1
    end_sessions(user.id)

    for order in orders:
        order.contact_name = ""
        order.email = f"erased-{order.id}@invalid.example"
        order.phone = ""
        order.address_line = ""
        order.city = ""
        order.postal_code = ""
        order.tracking_number = None
        order.personal_data_erased_at = now
        record_step(
            order,
            actor,
            action="order.personal_data_erased",
            from_status=order.status,
            to_status=order.status,
            note=ERASURE_NOTE,
            now=now,
        )

    # Only the account's own address and its own orders: an order's e-mail may
    # be someone else's (a gift), whose other messages are not ours to drop.
    to_buyer = OutboxMessage.to_address == old_email
    if order_ids:
        to_buyer = to_buyer | OutboxMessage.order_id.in_(order_ids)
    db.session.execute(
        delete(OutboxMessage)
        .where(to_buyer, OutboxMessage.sent_at.is_(None))
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(OutboxMessage)
        .where(to_buyer, OutboxMessage.sent_at.is_not(None))
        .values(to_address=user.email, subject="", body_text="", body_html="")
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        update(Cart)
        .where(Cart.user_id == user.id)
        .values(checkout=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _orders_of(user_id: int, *, with_details: bool = False) -> list[Order]:
    query = (
        select(Order)
        .where(Order.user_id == user_id)
        .order_by(Order.created_at.desc(), Order.id.desc())
    )
    if with_details:
        query = query.options(selectinload(Order.lines), selectinload(Order.history))
    return list(db.session.execute(query).scalars().all())


def _user_by_email(email: str) -> User | None:
    return db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()


def _the_dummy_hash() -> str:
    """A hash made with the same method and cost as real ones, for unknown users."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash("not a real password, only for timing")
    return _dummy_hash


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _load_reset_token(token: str, *, lock: bool) -> User:
    """The user a valid, unused, unexpired token names; raises ``InvalidResetLink``."""
    invalid = InvalidResetLink(
        _(
            "This password reset link is invalid, has expired or was already used. "
            "Please ask for a new one."
        )
    )
    try:
        payload = _reset_serializer().loads(token, max_age=RESET_LINK_MAX_AGE)
    except (SignatureExpired, BadSignature):
        raise invalid from None
    if not isinstance(payload, dict):
        raise invalid
    uid, version = payload.get("uid"), payload.get("sv")
    if not isinstance(uid, int) or not isinstance(version, int):
        raise invalid
    user = db.session.get(User, uid, with_for_update=lock, populate_existing=True)
    if user is None or not user.is_active or user.session_version != version:
        db.session.rollback()
        raise invalid
    return user


def _iso(moment) -> str | None:
    return moment.isoformat() if moment is not None else None


def _order_export(order: Order) -> dict:
    return {
        "reference": order.reference,
        "created_at": _iso(order.created_at),
        "status": order.status,
        "language": order.language,
        "contact": {"name": order.contact_name, "email": order.email, "phone": order.phone},
        "delivery": {
            "method": order.delivery_method,
            "address_line": order.address_line,
            "city": order.city,
            "province": order.province,
            "postal_code": order.postal_code,
            "tracking_number": order.tracking_number,
        },
        "payment_method": order.payment_method,
        "paid_at": _iso(order.paid_at),
        "subtotal": order.subtotal,
        "shipping_fee": order.shipping_fee,
        "total": order.total,
        "refunded_total": order.refunded_total,
        "currency": "IDR",
        "lines": [
            {
                "sku": line.sku,
                "product_name_id": line.product_name_id,
                "product_name_en": line.product_name_en,
                "variant": line.variant_label,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.line_total,
                "programme_id": line.program_name_id,
                "programme_en": line.program_name_en,
            }
            for line in order.lines
        ],
        "history": [
            {"at": _iso(event.created_at), "from": event.from_status, "to": event.to_status}
            for event in order.history
        ],
        "personal_data_erased_at": _iso(order.personal_data_erased_at),
    }


def create_user(
    actor: Actor,
    *,
    email: str,
    password: str,
    role: str,
    name: str = "",
    partner_slug: str | None = None,
) -> User:
    """Create a staff, partner or buyer account with the buyers' password rules; audited.

    A partner user must name its partner; no other role may. One transaction.
    """
    from storefront.audit.services import record
    from storefront.impact.models import Partner

    if role not in set(Role):
        raise AccountError(_("Unknown role: %(role)s.", role=role))
    email = normalise_email(email)
    check_password_strength(password, email=email)
    partner_id = None
    if role == Role.PARTNER:
        partner_id = db.session.execute(
            select(Partner.id).where(Partner.slug == (partner_slug or ""))
        ).scalar_one_or_none()
        if partner_id is None:
            raise AccountError(_("A partner user needs an existing partner (--partner SLUG)."))
    elif partner_slug:
        raise AccountError(_("Only a partner user belongs to a partner."))
    if _user_by_email(email) is not None:
        raise EmailTaken(_("An account with this e-mail address already exists."))
    user = User(email=email, name=name.strip()[:120], role=role, partner_id=partner_id)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(actor, "user.created", user, {"role": role, "partner_id": partner_id})
    db.session.commit()
    return user


def set_role(actor: Actor, *, email: str, role: str) -> User:
    """Change an account's role; every session of it ends at once. Audited, one transaction."""
    from storefront.audit.services import record

    if role not in set(Role):
        raise AccountError(_("Unknown role: %(role)s.", role=role))
    user = _user_by_email(normalise_email(email))
    if user is None:
        raise AccountError(_("No account has that e-mail address."))
    if role == Role.PARTNER and user.partner_id is None:
        raise AccountError(_("A partner user needs a partner; create it with --partner."))
    before = user.role
    user.role = role
    if role != Role.PARTNER:
        user.partner_id = None
    user.session_version += 1
    end_sessions(user.id)
    record(actor, "user.role_changed", user, {"role": [before, role]})
    db.session.commit()
    return user


def set_account_active(actor: Actor, *, email: str, active: bool) -> User:
    """Close an account for signing in (``active=False``) or open it again; audited.

    Closing ends every session of the account at once, in the same
    transaction: a copied cookie or a "remember me" cookie of it signs nobody
    in. The account and everything it did stay. One transaction.
    """
    from storefront.audit.services import record

    user = _user_by_email(normalise_email(email))
    if user is None:
        raise AccountError(_("No account has that e-mail address."))
    if user.erased_at is not None:
        raise AccountError(_("That account was erased and cannot be opened again."))
    before = user.is_active_account
    user.is_active_account = active
    if not active:
        user.session_version += 1
        end_sessions(user.id)
    action = "user.activated" if active else "user.deactivated"
    record(actor, action, user, {"is_active_account": [before, active]})
    db.session.commit()
    return user


def end_sessions(user_id: int) -> None:
    """Forget every signed-in browser of a user (in the caller's transaction)."""
    from storefront.accounts.models import UserSession

    db.session.execute(delete(UserSession).where(UserSession.user_id == user_id))

"""Account pages: sign up, log in and out, reset a password, see orders, export and erase data."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from storefront.accounts import services, sessions
from storefront.accounts.forms import (
    ConfirmPasswordForm,
    DeleteAccountForm,
    LoginForm,
    RegisterForm,
    ResetForm,
    ResetRequestForm,
)
from storefront.accounts.navigation import landing_path
from storefront.accounts.navigation import safe_next as _safe_next
from storefront.accounts.permissions import STAFF_ROLES
from storefront.cart.identity import current_cart_token, forget_cart, remember_cart
from storefront.cart.models import Cart
from storefront.cart.services import attach_cart_to_user
from storefront.extensions import limiter
from storefront.i18n import current_language
from storefront.rate_limits import (
    failed_sign_in,
    reset_email_limit,
    reset_recipient_key,
    sign_in_account_key,
    sign_in_account_limit,
    sign_in_limit,
)
from storefront.timeutil import shop_today

accounts = Blueprint("accounts", __name__, url_prefix="/account")

ATTEMPTS_LIMIT = "10 per minute"


@accounts.after_request
def _private(response):
    """Account pages show personal data and one-time links: keep them out of caches.

    (The app-wide referrer policy already keeps reset tokens from other sites.)
    """
    response.headers["Cache-Control"] = "no-store"
    return response


@accounts.route("/register", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def register():
    """Create a buyer account and log in."""
    if current_user.is_authenticated:
        return redirect(url_for("accounts.profile"))
    form = RegisterForm(next=request.args.get("next", ""))
    if request.method == "GET":
        return render_template("accounts/register.html", form=form)
    if not form.validate_on_submit():
        return render_template("accounts/register.html", form=form), 400
    try:
        user = services.register_buyer(
            email=form.email.data,
            password=form.password.data,
            name=form.name.data,
            language=current_language(),
        )
    except services.AccountError as error:
        _show_error(form, error)
        return render_template("accounts/register.html", form=form), 400
    cart = _log_in(user, remember=form.remember.data)
    flash(_("Welcome to Cantik! Your account is ready."), "success")
    return _keep_cart(redirect(_safe_next(form.next.data) or url_for("accounts.profile")), cart)


@accounts.route("/login", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
@limiter.limit(
    sign_in_account_limit,
    key_func=sign_in_account_key,
    methods=["POST"],
    deduct_when=failed_sign_in,
)
def login():
    """Log in with e-mail and password, then go back to where the buyer came from."""
    form = LoginForm(next=request.args.get("next", ""))
    if request.method == "GET":
        if current_user.is_authenticated:
            return redirect(_safe_next(form.next.data) or landing_path(current_user))
        return render_template("accounts/login.html", form=form)
    if not form.validate_on_submit():
        return render_template("accounts/login.html", form=form), 400
    try:
        user = services.authenticate(email=form.email.data, password=form.password.data)
    except services.InvalidCredentials as error:
        return render_template("accounts/login.html", form=form, error=str(error)), 401
    cart = _log_in(user, remember=form.remember.data)
    return _keep_cart(redirect(_safe_next(form.next.data) or landing_path(user)), cart)


@accounts.post("/logout")
def logout():
    """Log out (POST only, so a link on another site cannot do it).

    The session ends on the server too, so a copy of the cookie signs nobody
    in; the cart cookie and the cart's checkout details go, so the next person
    at a shared browser starts with an empty cart and an empty form.
    """
    session_id = current_user.signed_in_session if current_user.is_authenticated else None
    sessions.end_session(session_id, cart_token=current_cart_token())
    logout_user()
    flash(_("You have logged out."), "info")
    return forget_cart(redirect(url_for("catalog.home")))


@accounts.route("/confirm-password", methods=["GET", "POST"])
@login_required
@limiter.limit(ATTEMPTS_LIMIT, methods=["POST"])
def confirm_password():
    """Ask for the password again before a sensitive step, then go back to it."""
    form = ConfirmPasswordForm(next=request.args.get("next", ""))
    if request.method == "GET":
        return render_template("accounts/confirm_password.html", form=form)
    if not form.validate_on_submit():
        return render_template("accounts/confirm_password.html", form=form), 400
    user = current_user._get_current_object()
    try:
        sessions.confirm_password(
            session_id=g.user_session.id, user=user, password=form.password.data
        )
    except services.InvalidCredentials:
        form.password.errors.append(_("That password is not correct."))
        return render_template("accounts/confirm_password.html", form=form), 401
    return redirect(_safe_next(form.next.data) or landing_path(user), code=303)


@accounts.get("")
@login_required
def profile():
    """The buyer's details and order history."""
    return render_template(
        "accounts/profile.html",
        user=current_user,
        orders=services.order_history(current_user._get_current_object()),
    )


@accounts.route("/password-reset", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
@limiter.limit(reset_email_limit, key_func=reset_recipient_key, methods=["POST"])
def request_password_reset():
    """Ask for a reset link; the answer is the same whether the account exists or not."""
    form = ResetRequestForm()
    if request.method == "GET":
        return render_template("accounts/reset_request.html", form=form)
    if not form.validate_on_submit():
        return render_template("accounts/reset_request.html", form=form), 400
    services.request_password_reset(email=form.email.data, language=current_language())
    return render_template("accounts/reset_sent.html")


@accounts.route("/password-reset/<token>", methods=["GET", "POST"])
@limiter.limit(sign_in_limit, methods=["POST"])
def reset_password(token: str):
    """Choose a new password from the link in the e-mail."""
    form = ResetForm()
    try:
        if request.method == "GET":
            services.user_for_reset_token(token)
            return render_template("accounts/reset_password.html", form=form)
        if not form.validate_on_submit():
            return render_template("accounts/reset_password.html", form=form), 400
        services.reset_password(token=token, new_password=form.password.data)
    except services.InvalidResetLink as error:
        return render_template("accounts/reset_invalid.html", error=str(error)), 400
    except services.AccountError as error:
        _show_error(form, error)
        return render_template("accounts/reset_password.html", form=form), 400
    logout_user()
    flash(_("Your password has been changed. Please log in with the new one."), "success")
    return redirect(url_for("accounts.login"))


@accounts.get("/export")
@login_required
def export():
    """Download everything the shop holds about the buyer as JSON."""
    data = services.export_personal_data(current_user._get_current_object())
    response = current_app.response_class(
        json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    filename = f"cantik-account-{shop_today().isoformat()}.json"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@accounts.route("/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(ATTEMPTS_LIMIT, methods=["POST"])
def delete():
    """Erase the account after the buyer confirms with the password."""
    form = DeleteAccountForm()
    if request.method == "GET":
        return render_template("accounts/delete.html", form=form)
    if not form.validate_on_submit():
        return render_template("accounts/delete.html", form=form), 400
    user = current_user._get_current_object()
    try:
        services.authenticate(email=user.email, password=form.password.data)
    except services.InvalidCredentials:
        form.password.errors.append(_("That password is not correct."))
        return render_template("accounts/delete.html", form=form), 401
    services.erase_account(user)
    logout_user()
    return render_template("accounts/deleted.html")


def _log_in(user, *, remember: bool) -> Cart | None:
    """Start the session and bring the guest cart along; returns the buyer's cart.

    The session gets its own row on the server, named in the cookie. Staff get
    no "remember me" cookie: their sessions end after a short idle time anyway,
    and back-office computers are shared.
    """
    previous = current_user.signed_in_session if current_user.is_authenticated else None
    user.signed_in_session = sessions.start_session(user, replacing=previous)
    login_user(user, remember=bool(remember) and user.role not in STAFF_ROLES)
    return attach_cart_to_user(cart_token=current_cart_token(), user_id=user.id)


def _keep_cart(response, cart: Cart | None):
    """Point the cart cookie at the cart the guest cart was merged into."""
    if cart is not None and cart.token != current_cart_token():
        remember_cart(response, cart.token)
    return response


def _show_error(form, error: services.AccountError) -> None:
    """Put a service error next to the field it is about, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))

"""Rate limits keyed on more than the client's address.

The limiter (``storefront.extensions.limiter``) counts per client address by
default; behind a proxy that address is the one ``PROXY_HOPS`` lets through.
Sign-in attempts are also counted per account and reset e-mails per
recipient, so spreading guesses over many addresses does not help, and
carts started from one address are limited too. E-mail addresses become
keys as a hash: the limiter's storage (Redis) never holds them.
"""

from __future__ import annotations

import hashlib

from flask import current_app, request


def _email_key(scope: str) -> str:
    email = (request.form.get("email") or "").strip().lower()[:254]
    return f"{scope}:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()[:32]


def sign_in_account_key() -> str:
    """The account a sign-in attempt is for (its e-mail address, hashed)."""
    return _email_key("sign-in")


def reset_recipient_key() -> str:
    """The address a password-reset e-mail would go to (hashed)."""
    return _email_key("reset")


def sign_in_limit() -> str:
    """Sign-in, sign-up and reset attempts from one client address."""
    return current_app.config["SIGN_IN_LIMIT"]


def sign_in_account_limit() -> str:
    """Failed sign-ins for one account, from anywhere."""
    return current_app.config["SIGN_IN_ACCOUNT_LIMIT"]


def reset_email_limit() -> str:
    """Password-reset e-mails to one address."""
    return current_app.config["RESET_EMAIL_LIMIT"]


def new_cart_limit() -> str:
    """Carts one client address may start."""
    return current_app.config["NEW_CART_LIMIT"]


def failed_sign_in(response) -> bool:
    """Count a sign-in against the account only when the password was wrong."""
    return response.status_code == 401

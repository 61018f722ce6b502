"""Account forms: the shape of the input only; the rules live in ``accounts.services``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from storefront.forms import ShopForm

# Long enough for any passphrase, short enough that hashing it is cheap.
PASSWORD_MAX = 200


class RegisterForm(ShopForm):
    name = StringField(
        _l("Your name"),
        validators=[DataRequired(_l("Please enter your name.")), Length(max=120)],
    )
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least 10 characters, not only digits."),
        validators=[DataRequired(_l("Please choose a password.")), Length(max=PASSWORD_MAX)],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(_l("Please repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class LoginForm(ShopForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
    )
    remember = BooleanField(_l("Keep me logged in on this device"))
    next = HiddenField()


class ResetRequestForm(ShopForm):
    email = EmailField(
        _l("E-mail address"),
        validators=[DataRequired(_l("Please enter your e-mail address.")), Length(max=254)],
    )


class ResetForm(ShopForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters, not only digits."),
        validators=[DataRequired(_l("Please choose a password.")), Length(max=PASSWORD_MAX)],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[
            DataRequired(_l("Please repeat the password.")),
            EqualTo("password", _l("The two passwords are not the same.")),
        ],
    )


class DeleteAccountForm(ShopForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
    )
    confirm = BooleanField(
        _l("I understand that my account and my personal data will be erased for good."),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )


class ConfirmPasswordForm(ShopForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=PASSWORD_MAX)],
    )
    next = HiddenField()

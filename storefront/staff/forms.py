"""Back-office forms: Flask-WTF for the CSRF token, with the shop's own parsing of money
and dates so a wrong entry gets a clear message in the person's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from storefront.money import parse_rupiah
from storefront.orders.lifecycle import COURIERS
from storefront.timeutil import shop_today


def _rupiah(form, field) -> None:
    value = parse_rupiah(field.data)
    if value is None or value <= 0 or value > 1_000_000_000:
        raise ValidationError(_l("Enter an amount in whole rupiah, for example 150.000."))
    field.parsed = value


class TransferForm(FlaskForm):
    """A transfer seen on the bank statement."""

    amount = StringField(_l("Amount received"), validators=[DataRequired(), _rupiah])
    received_on = DateField(_l("Date on the statement"), validators=[DataRequired()])
    bank_reference = StringField(_l("Bank reference"), validators=[DataRequired(), Length(max=60)])

    def validate_received_on(self, field) -> None:
        if field.data and field.data > shop_today():
            raise ValidationError(_l("A transfer cannot be dated in the future."))


class HandoverForm(FlaskForm):
    """Cash taken at the counter against the buyer's pickup code."""

    pickup_code = StringField(_l("Pickup code"), validators=[DataRequired(), Length(max=12)])
    cash_received = StringField(_l("Cash received"), validators=[DataRequired(), _rupiah])


class StepForm(FlaskForm):
    """One step along the order's path; shipping also names the courier and tracking number."""

    to_status = HiddenField(validators=[DataRequired(), Length(max=30)])
    courier = SelectField(
        _l("Courier"),
        choices=[("", "—")] + [(c.code, c.name) for c in COURIERS.values()],
        validators=[Optional()],
        validate_choice=False,
    )
    tracking_number = StringField(_l("Tracking number"), validators=[Optional()])


class CancelForm(FlaskForm):
    """Cancel an unpaid order."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=300)])


class RefundForm(FlaskForm):
    """Reason and delivery fee; the per-line quantities are read from ``qty-<line id>``."""

    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=300)])
    delivery_fee = BooleanField(_l("Refund the delivery fee"))
    money_only = StringField(_l("Or an amount alone"), validators=[Optional()])


class SendRefundForm(FlaskForm):
    """Send a recorded refund; transfers and cash need the outgoing reference."""

    outgoing_reference = StringField(
        _l("Reference of the outgoing transfer"), validators=[Optional(), Length(max=100)]
    )


class PlainForm(FlaskForm):
    """A button that only needs its CSRF token."""

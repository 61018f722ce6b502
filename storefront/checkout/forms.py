"""The checkout form: contact, delivery and payment, validated before anything is saved."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from storefront.checkout.shipping import (
    DELIVERY_LABELS,
    PROVINCES,
    is_palembang_postal_code,
    zone_for,
)
from storefront.forms import ShopForm
from storefront.orders.models import DeliveryMethod
from storefront.payments.methods import PAYMENT_OPTIONS


def normalise_phone(raw: str) -> str:
    """An Indonesian phone number in E.164 form (+62...), or ValueError."""
    cleaned = (raw or "").strip()
    if not cleaned or len(cleaned) > 20 or any(c.isalpha() for c in cleaned):
        raise ValueError("not a phone number")
    try:
        number = phonenumbers.parse(cleaned, "ID")
    except phonenumbers.NumberParseException:
        raise ValueError("not a phone number") from None
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        raise ValueError("not an Indonesian phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str:
    """A syntactically valid e-mail address, normalised, or ValueError."""
    try:
        return validate_email((raw or "").strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise ValueError(str(error)) from None


class CheckoutForm(ShopForm):
    """Contact, delivery and payment choices."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = StringField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    phone = StringField(_l("Phone (WhatsApp)"), validators=[DataRequired(), Length(max=20)])
    delivery_method = RadioField(
        _l("Delivery"),
        choices=list(DELIVERY_LABELS.items()),
        validators=[DataRequired()],
    )
    province = SelectField(
        _l("Province"),
        choices=[("", "—")] + [(p, p) for p in PROVINCES],
        validate_choice=True,
        validators=[Optional()],
    )
    city = StringField(_l("City or regency"), validators=[Optional(), Length(max=100)])
    address_line = StringField(_l("Street address"), validators=[Optional(), Length(max=300)])
    postal_code = StringField(
        _l("Postal code"),
        validators=[Optional(), Regexp(r"^\d{5}$", message=_l("A postal code has five digits."))],
    )
    payment_method = RadioField(
        _l("Payment"),
        choices=[(code, option.label) for code, option in PAYMENT_OPTIONS.items()],
        validators=[DataRequired()],
    )

    def validate_email(self, field) -> None:
        try:
            field.data = normalise_email(field.data)
        except ValueError:
            raise ValidationError(_l("Please enter a valid e-mail address.")) from None

    def validate_phone(self, field) -> None:
        try:
            field.data = normalise_phone(field.data)
        except ValueError:
            raise ValidationError(
                _l("Please enter an Indonesian phone number, e.g. 0812 3456 7890.")
            ) from None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.delivery_method.data in (DeliveryMethod.COURIER, DeliveryMethod.SAME_DAY):
            for field in (self.province, self.city, self.address_line, self.postal_code):
                if not (field.data or "").strip():
                    field.errors = list(field.errors) + [_l("Needed for delivery.")]
                    ok = False
        postal_code = (self.postal_code.data or "").strip()
        if (
            self.delivery_method.data != DeliveryMethod.PICKUP
            and self.province.data
            and self.province.data != "Sumatera Selatan"
            and is_palembang_postal_code(postal_code)
        ):
            self.province.errors = list(self.province.errors) + [
                _l("Postal code %(code)s is in Palembang, Sumatera Selatan.", code=postal_code)
            ]
            ok = False
        if (
            self.delivery_method.data == DeliveryMethod.SAME_DAY
            and self.province.data
            and zone_for(self.province.data, self.city.data or "", postal_code) != "palembang"
        ):
            self.city.errors = list(self.city.errors) + [
                _l("Same-day delivery is only available within Palembang.")
            ]
            ok = False
        option = PAYMENT_OPTIONS.get(self.payment_method.data or "")
        if option and not option.available_for(self.delivery_method.data or ""):
            self.payment_method.errors = list(self.payment_method.errors) + [
                _l("Cash payment is only possible when you pick up at the shop.")
            ]
            ok = False
        return ok

    def details(self) -> dict:
        """The validated choices as plain data, to keep on the cart.

        A Palembang address known only by its district or postal code ("Plaju",
        "Bukit Besar" with 30139) gets ", Palembang" added to its city, as the
        courier needs it on the parcel and as the delivery zone is read from it.
        """
        city = (self.city.data or "").strip()
        postal_code = (self.postal_code.data or "").strip()
        if (
            self.province.data == "Sumatera Selatan"
            and city
            and zone_for(self.province.data, city, postal_code) == "palembang"
            and "palembang" not in city.casefold()
        ):
            city = f"{city}, Palembang"
        return {
            "name": self.name.data.strip(),
            "email": self.email.data,
            "phone": self.phone.data,
            "delivery_method": self.delivery_method.data,
            "payment_method": self.payment_method.data,
            "province": self.province.data or "",
            "city": city,
            "address_line": (self.address_line.data or "").strip(),
            "postal_code": postal_code,
        }

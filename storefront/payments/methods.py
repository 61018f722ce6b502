"""The ways a buyer can pay, behind one small interface.

Most Indonesian buyers do not pay by card, so a card payment through Stripe
is one method among three: bank transfer (staff confirm receipt) and cash
when collecting the order at the shop.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from storefront.orders.models import DeliveryMethod, PaymentMethod


@dataclass(frozen=True)
class PaymentOption:
    """How one payment method behaves at checkout."""

    code: str
    label: object
    description: object
    expiry_config_key: str
    pickup_only: bool = False

    def available_for(self, delivery_method: str) -> bool:
        """Whether this method can pay for an order delivered by ``delivery_method``."""
        return not self.pickup_only or delivery_method == DeliveryMethod.PICKUP

    def expiry(self, config) -> timedelta:
        """How long the order's stock stays reserved while this payment is awaited."""
        return timedelta(minutes=int(config[self.expiry_config_key]))


PAYMENT_OPTIONS: dict[str, PaymentOption] = {
    option.code: option
    for option in (
        PaymentOption(
            code=PaymentMethod.CARD.value,
            label=_l("Card or wallet (Stripe)"),
            description=_l("Pay now; card details go straight to Stripe, never to us."),
            expiry_config_key="ORDER_EXPIRY_MINUTES",
        ),
        PaymentOption(
            code=PaymentMethod.BANK_TRANSFER.value,
            label=_l("Bank transfer"),
            description=_l("Transfer to our account with the order reference; we confirm receipt."),
            expiry_config_key="BANK_TRANSFER_EXPIRY_MINUTES",
        ),
        PaymentOption(
            code=PaymentMethod.CASH_ON_PICKUP.value,
            label=_l("Cash at pickup"),
            description=_l("Pay in cash when you collect your order at the shop."),
            expiry_config_key="PICKUP_PAYMENT_EXPIRY_MINUTES",
            pickup_only=True,
        ),
    )
}


_DECLINE_REASONS = {
    "your card was declined.": _l("Your card was declined."),
    "your card has insufficient funds.": _l("Your card has insufficient funds."),
    "your card has expired.": _l("Your card has expired."),
    "your card's security code is incorrect.": _l("Your card's security code is incorrect."),
    "your card number is incorrect.": _l("Your card number is incorrect."),
}


def decline_reason(message: str | None) -> str:
    """A payment provider's refusal in the buyer's language (the provider writes English)."""
    if not message:
        return ""
    text = message.strip()
    known = _DECLINE_REASONS.get(text.casefold())
    if known is not None:
        return str(known)
    if "authenticat" in text.casefold():
        return str(_l("Your bank could not confirm the payment."))
    return text

"""Lost webhooks: ask Stripe about every unpaid card order and apply what it says.

Stripe retries a webhook for days, but a delivery can still be lost (the
endpoint down for longer, a misconfigured secret). ``flask reconcile-payments``
(every 15 minutes from a timer) asks the gateway about each card order still
unpaid with a PaymentIntent, and a succeeded intent is received through the
same service as the webhook, with the same amount and currency checks.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from storefront.accounts.permissions import Actor
from storefront.extensions import db
from storefront.payments import services as payments
from storefront.payments.gateway import GatewayError, StripeGateway

log = logging.getLogger(__name__)
RECONCILER = Actor.system("cron")


@dataclass
class ReconcileReport:
    """What one run found: intents asked about, orders paid, and failures to reach Stripe."""

    asked: int = 0
    paid: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"asked Stripe about {self.asked} intent(s); {len(self.paid)} order(s) paid; "
            f"{len(self.errors)} error(s)"
        )


def reconcile_card_payments(gateway: StripeGateway, *, limit: int = 1000) -> ReconcileReport:
    """Apply every succeeded intent whose webhook never arrived; one transaction per order."""
    report = ReconcileReport()
    for order_id, intent_id in payments.unpaid_card_intents(limit=limit):
        report.asked += 1
        try:
            intent = gateway.retrieve_payment_intent(intent_id)
        except GatewayError as error:
            report.errors.append(f"{intent_id}: {error.message}")
            continue
        if intent.status != "succeeded":
            continue
        outcome = payments.receive_card_payment(
            order_id=order_id,
            intent_id=intent.id,
            amount_minor=intent.amount_minor,
            currency=intent.currency,
            actor=RECONCILER,
        )
        if outcome.result == "paid" and outcome.order is not None:
            report.paid.append(outcome.order.reference)
            log.info("reconciled %s from intent %s", outcome.order.reference, intent_id)
    db.session.commit()
    return report

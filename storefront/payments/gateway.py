"""The shop's door to Stripe: PaymentIntents, refunds and webhook verification.

This is the only module that imports ``stripe``. Everything it hands back is a
plain dataclass, and every Stripe failure leaves it as ``PaymentDeclined`` or
``GatewayError``, so services and views never see a Stripe object or exception.

Money arrives here as whole rupiah and leaves as IDR minor units
(``rupiah * 100``), which is how Stripe counts IDR.

In tests and in local development the gateway talks to localstripe, a small
Stripe imitation, selected by giving an ``api_base``. localstripe differs from
Stripe in a few ways this module works around; each is noted where it matters.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import stripe

from storefront.domain import DomainError
from storefront.money import rupiah_to_minor_units

CURRENCY = "idr"

# Stripe's own default: a signed event older than five minutes is refused, so a
# captured delivery cannot be replayed later.
WEBHOOK_TOLERANCE_SECONDS = stripe.Webhook.DEFAULT_TOLERANCE

# Real Stripe deduplicates retried POSTs by their Idempotency-Key, so a couple of
# automatic retries on network failures are safe. localstripe ignores the key,
# so a retry there could create a second object: no retries against it.
_STRIPE_NETWORK_RETRIES = 2
_LOCALSTRIPE_NETWORK_RETRIES = 0


class GatewayError(DomainError):
    """Stripe could not be reached, refused the request, or answered oddly."""

    status_code = 503

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class PaymentDeclined(GatewayError):
    """The buyer's bank or card refused the payment; the message may be shown to the buyer."""


class InvalidWebhook(Exception):
    """A webhook delivery whose signature, age or body cannot be trusted."""


@dataclass(frozen=True)
class PaymentIntentInfo:
    """What the shop needs to know about one PaymentIntent."""

    id: str
    status: str
    amount_minor: int
    currency: str
    metadata: dict[str, str] = field(default_factory=dict)
    client_secret: str | None = None
    last_error_message: str | None = None
    next_action_type: str | None = None


@dataclass(frozen=True)
class RefundInfo:
    """What the shop needs to know about one refund."""

    id: str
    status: str
    amount_minor: int


@dataclass(frozen=True)
class WebhookEvent:
    """A verified Stripe event: its id (for deduplication), type and object."""

    id: str
    type: str
    created: int
    object: dict[str, Any]


@contextmanager
def _stripe_errors() -> Iterator[None]:
    """Turn any Stripe exception into the shop's own gateway exceptions."""
    try:
        yield
    except stripe.CardError as exc:
        raise PaymentDeclined(
            exc.user_message or "The payment was declined.", code=exc.code
        ) from exc
    except stripe.StripeError as exc:
        code = getattr(exc, "code", None)
        raise GatewayError(exc.user_message or type(exc).__name__, code=code) from exc


def _intent_info(intent: Any) -> PaymentIntentInfo:
    data = intent.to_dict()
    error = data.get("last_payment_error") or {}
    next_action = data.get("next_action") or {}
    return PaymentIntentInfo(
        id=data["id"],
        status=data["status"],
        amount_minor=int(data["amount"]),
        currency=str(data["currency"]).lower(),
        metadata={str(k): str(v) for k, v in (data.get("metadata") or {}).items()},
        client_secret=data.get("client_secret"),
        last_error_message=error.get("message"),
        next_action_type=next_action.get("type"),
    )


def _refund_info(refund: Any) -> RefundInfo:
    data = refund.to_dict()
    return RefundInfo(id=data["id"], status=data["status"], amount_minor=int(data["amount"]))


def _positive_rupiah(amount: int, what: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValueError(f"{what} must be a positive whole number of rupiah")
    return amount


class StripeGateway:
    """A thin, typed client for the few Stripe calls the shop makes.

    ``api_base`` points the client at another server speaking Stripe's API;
    the shop uses it only for localstripe (tests and local development), and
    its presence is how the gateway knows it is not talking to real Stripe.
    """

    def __init__(self, secret_key: str, webhook_secret: str, api_base: str | None = None) -> None:
        if not secret_key:
            raise GatewayError("No Stripe secret key is configured (STRIPE_SECRET_KEY).")
        self._secret_key = secret_key
        self._webhook_secret = webhook_secret
        self.api_base = api_base.rstrip("/") if api_base else None
        if self.api_base is not None:
            self._client = stripe.StripeClient(
                secret_key,
                base_addresses={"api": self.api_base},
                max_network_retries=_LOCALSTRIPE_NETWORK_RETRIES,
            )
        else:
            self._client = stripe.StripeClient(
                secret_key, max_network_retries=_STRIPE_NETWORK_RETRIES
            )

    @property
    def uses_localstripe(self) -> bool:
        """True when requests go to localstripe rather than Stripe."""
        return self.api_base is not None

    def create_payment_intent(
        self,
        *,
        order_id: int,
        order_reference: str,
        amount_rupiah: int,
        idempotency_key: str,
    ) -> PaymentIntentInfo:
        """Create the PaymentIntent that the buyer's browser will confirm.

        The amount goes to Stripe in IDR minor units (rupiah * 100) and the
        order's id and reference ride along as metadata, so the webhook can
        find the order again. Only amount, currency and metadata are sent:
        Stripe enables the payment methods configured in the dashboard by
        default, and localstripe rejects any parameter it does not know.

        ``idempotency_key`` should be derived from the order, so a double
        click or a retried request returns the same intent instead of a
        second one. Stripe honours it; localstripe accepts the header but
        ignores it (the stripe library puts an Idempotency-Key on every POST
        anyway), so against localstripe a repeated call creates a new intent.
        """
        amount = _positive_rupiah(amount_rupiah, "amount_rupiah")
        params = {
            "amount": rupiah_to_minor_units(amount),
            "currency": CURRENCY,
            "metadata": {"order_id": str(order_id), "order_reference": order_reference},
        }
        with _stripe_errors():
            intent = self._client.v1.payment_intents.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        return _intent_info(intent)

    def retrieve_payment_intent(self, intent_id: str) -> PaymentIntentInfo:
        """Fetch a PaymentIntent as Stripe currently sees it.

        Used to re-check an intent's status, amount and currency against the
        order rather than trusting what a browser reports.
        """
        with _stripe_errors():
            intent = self._client.v1.payment_intents.retrieve(intent_id)
        return _intent_info(intent)

    def confirm_test_payment(
        self, intent_id: str, payment_method: str = "pm_card_visa"
    ) -> PaymentIntentInfo:
        """Pay an intent from the server with a test payment method (test mode only).

        In the real checkout the buyer's browser confirms the intent; this is
        for tests and demos. The payment method is attached by an update
        first and the intent confirmed afterwards, because localstripe does
        not implement ``confirm(payment_method=...)``; Stripe accepts the two
        steps just as well. A declined card raises ``PaymentDeclined``; a card
        that needs 3-D Secure leaves the intent in ``requires_action``. Live
        keys are refused so this can never charge a real card.
        """
        if self._secret_key.startswith(("sk_live_", "rk_live_")):
            raise GatewayError("Test payments cannot be made with a live Stripe key.")
        with _stripe_errors():
            self._client.v1.payment_intents.update(
                intent_id, params={"payment_method": payment_method}
            )
            intent = self._client.v1.payment_intents.confirm(intent_id)
        return _intent_info(intent)

    def refund(
        self, *, intent_id: str, amount_rupiah: int | None, idempotency_key: str
    ) -> RefundInfo:
        """Refund a paid intent, in full (``amount_rupiah=None``) or in part.

        A partial amount is converted to IDR minor units like every other
        amount. ``idempotency_key`` should name the shop's own refund record,
        so a retried refund is not paid out twice by Stripe (localstripe
        ignores the key, as with intents). localstripe sends no refund events,
        so callers should record the refund from this answer, not wait for a
        webhook.
        """
        params: dict[str, Any] = {"payment_intent": intent_id}
        if amount_rupiah is not None:
            params["amount"] = rupiah_to_minor_units(
                _positive_rupiah(amount_rupiah, "amount_rupiah")
            )
        with _stripe_errors():
            refund = self._client.v1.refunds.create(
                params=params, options={"idempotency_key": idempotency_key}
            )
        return _refund_info(refund)

    def parse_webhook(self, payload: bytes, signature_header: str | None) -> WebhookEvent:
        """Verify a webhook delivery's signature and return its event.

        The ``Stripe-Signature`` header is checked with Stripe's own verifier
        against the configured webhook secret, and deliveries signed more
        than five minutes ago are refused, as Stripe recommends, so a captured
        request cannot be replayed. The body is parsed only after it is known
        to come from Stripe. Any failure raises ``InvalidWebhook``.
        """
        try:
            stripe.WebhookSignature.verify_header(
                payload, signature_header, self._webhook_secret, WEBHOOK_TOLERANCE_SECONDS
            )
        except stripe.SignatureVerificationError as exc:
            raise InvalidWebhook(exc.user_message or "bad signature") from exc
        except UnicodeDecodeError as exc:
            raise InvalidWebhook("webhook body is not UTF-8") from exc
        try:
            data = json.loads(payload)
        except ValueError as exc:
            raise InvalidWebhook("webhook body is not JSON") from exc
        return _event_from_json(data)


def _event_from_json(data: Any) -> WebhookEvent:
    if not isinstance(data, dict):
        raise InvalidWebhook("webhook body is not an event")
    event_id, event_type, created = data.get("id"), data.get("type"), data.get("created")
    envelope = data.get("data")
    obj = envelope.get("object") if isinstance(envelope, dict) else None
    if not isinstance(event_id, str) or not event_id:
        raise InvalidWebhook("event has no id")
    if not isinstance(event_type, str) or not event_type:
        raise InvalidWebhook("event has no type")
    if isinstance(created, bool) or not isinstance(created, int):
        raise InvalidWebhook("event has no creation time")
    if not isinstance(obj, dict):
        raise InvalidWebhook("event has no object")
    return WebhookEvent(id=event_id, type=event_type, created=created, object=obj)


def sign_test_payload(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A ``Stripe-Signature`` header value for ``payload``, as Stripe would sign it.

    Stripe signs ``f"{t}.{body}"`` with HMAC-SHA256 under the endpoint's
    secret and sends ``t=<unix time>,v1=<hex digest>``. Tests use this to
    send the shop events it must accept (or, with an old timestamp or
    another secret, refuse).
    """
    t = int(time.time()) if timestamp is None else timestamp
    signed = str(t).encode("ascii") + b"." + payload
    digest = hmac.new(secret.encode("utf-8"), signed, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def gateway_from_config(config: Mapping[str, Any]) -> StripeGateway:
    """Build the gateway from app settings.

    Reads ``STRIPE_SECRET_KEY``, ``STRIPE_WEBHOOK_SECRET`` and
    ``STRIPE_API_BASE``; an empty ``STRIPE_API_BASE`` means real Stripe.
    """
    return StripeGateway(
        secret_key=config.get("STRIPE_SECRET_KEY") or "",
        webhook_secret=config.get("STRIPE_WEBHOOK_SECRET") or "",
        api_base=config.get("STRIPE_API_BASE") or None,
    )

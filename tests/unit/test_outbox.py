"""The outbox as an operator sees it: ``flask send-outbox`` against a real SMTP server."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from types import SimpleNamespace

import factories
import pytest
from aiosmtpd.controller import Controller
from factories import make_category, make_product, make_program
from sqlalchemy import select

from storefront.extensions import db
from storefront.orders.models import Order
from storefront.outbox.models import OutboxMessage
from storefront.outbox.services import (
    MAX_ATTEMPTS,
    queue_email,
    queue_order_email,
    send_pending,
)
from storefront.timeutil import utcnow


class Inbox:
    """An aiosmtpd handler that keeps what it receives and refuses one address."""

    refused = "refused@example.com"

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == self.refused:
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=default_policy))
        )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(app):
    """A real SMTP server on loopback, with the app pointed at it."""
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_USE_TLS=False,
        MAIL_USERNAME="",
        MAIL_FROM="Cantik <toko@cantik.example>",
    )
    yield inbox
    controller.stop()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive UTC datetimes; PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def make_order(*, language: str, reference: str = "CTK-0001") -> Order:
    program = make_program(name_id="Tenun Songket", name_en="Songket Weaving")
    product = make_product(
        make_category(),
        program,
        name_id="Kain Songket Lepus",
        name_en="Lepus Songket Cloth",
        prices=(1_250_000,),
    )
    return factories.make_order(product, reference=reference, language=language)


def queue_reset(to: str = "ana@example.com", language: str = "en") -> OutboxMessage:
    """A password-reset e-mail in the outbox (flushed, so it has an id)."""
    message = queue_email(
        kind="password_reset",
        to=to,
        language=language,
        template="password_reset",
        user=SimpleNamespace(name="Ana"),
        reset_url="https://cantik.example/account/password-reset/x",
    )
    db.session.flush()
    return message


def stored(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_send_outbox_delivers_the_order_confirmation(app, runner, smtp):
    order = make_order(language="en")
    message = queue_order_email(order=order, template="order_confirmation")
    db.session.commit()

    result = runner.invoke(args=["send-outbox"])

    assert result.exit_code == 0, result.output
    assert "sent 1, failed 0, pending 0" in result.output
    [(recipients, email)] = smtp.messages
    assert recipients == ["ana@example.com"]
    assert email["To"] == "ana@example.com"
    assert email["From"] == "Cantik <toko@cantik.example>"
    assert email["Subject"] == "Your Cantik order CTK-0001"
    assert email["Message-ID"].endswith("@cantik.example>")
    text = email.get_body(("plain",)).get_content()
    html = email.get_body(("html",)).get_content()
    assert "Lepus Songket Cloth" in text and "Lepus Songket Cloth" in html
    assert "Rp2,525,000" in text
    assert f"{app.config['SITE_URL']}/orders/{order.access_token}" in text
    assert stored(message.id).sent_at is not None


def test_e_mails_are_written_in_the_order_language(smtp):
    indonesian = make_order(language="id", reference="CTK-ID")
    queue_order_email(order=indonesian, template="order_confirmation")
    db.session.commit()
    send_pending()

    [(_, email)] = smtp.messages
    assert email["Subject"] == "Pesanan Cantik Anda CTK-ID"
    text = email.get_body(("plain",)).get_content()
    assert "Kain Songket Lepus" in text and "Lepus Songket Cloth" not in text
    assert "Tenun Songket" in text
    assert "Rp2.525.000" in text  # Indonesian grouping


def test_the_same_template_in_two_languages(app):
    order = make_order(language="en")
    english = queue_order_email(order=order, template="order_paid")
    order.language = "id"
    indonesian = queue_order_email(order=order, template="order_paid")
    assert "Rp2,525,000" in english.body_text
    assert "Rp2.525.000" in indonesian.body_text
    assert 'lang="en"' in english.body_html and 'lang="id"' in indonesian.body_html


def test_queued_e_mail_is_only_stored_with_the_change_it_reports(app):
    order = make_order(language="id")
    queue_order_email(order=order, template="order_confirmation")
    db.session.rollback()  # the order change failed: its e-mail goes too
    assert db.session.execute(select(OutboxMessage)).first() is None


def test_failed_delivery_is_retried_later_without_losing_the_message(app, smtp):
    message_id = queue_reset().id
    db.session.commit()
    live_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    before = utcnow()

    report = send_pending()

    assert (report.sent, report.failed, report.pending) == (0, 1, 1)
    message = stored(message_id)
    assert message.sent_at is None
    assert message.attempts == 1
    assert message.last_error
    first_retry = as_utc(message.next_attempt_at)
    assert first_retry >= before + timedelta(minutes=1)

    # Not due yet: a run right away leaves it alone.
    assert send_pending().failed == 0
    assert stored(message_id).attempts == 1

    # Still down at the retry: the wait doubles.
    report = send_pending(now=first_retry)
    assert report.failed == 1
    assert as_utc(stored(message_id).next_attempt_at) == first_retry + timedelta(minutes=2)

    app.config["MAIL_PORT"] = live_port
    report = send_pending(now=first_retry + timedelta(minutes=2))
    assert (report.sent, report.failed, report.pending) == (1, 0, 0)
    message = stored(message_id)
    assert message.sent_at is not None and message.attempts == 2
    assert len(smtp.messages) == 1


def test_one_bad_message_does_not_hold_up_the_others(app, smtp, runner):
    bad = queue_reset(to=Inbox.refused).id
    good = queue_reset(to="ana@example.com").id
    db.session.commit()

    result = runner.invoke(args=["send-outbox"])

    assert "sent 1, failed 1, pending 1" in result.output
    assert [rcpt for rcpt, _ in smtp.messages] == [["ana@example.com"]]
    assert stored(good).sent_at is not None
    assert "550" in stored(bad).last_error


def test_outbox_gives_up_after_the_last_attempt(app):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    message_id = queue_reset().id
    db.session.commit()
    now = utcnow()
    for _ in range(MAX_ATTEMPTS):
        send_pending(now=now)
        now += timedelta(hours=7)
    report = send_pending(now=now)
    assert (report.sent, report.failed, report.pending, report.gave_up) == (0, 0, 0, 1)
    assert stored(message_id).attempts == MAX_ATTEMPTS
    assert "gave up on 1" in report.summary()


def test_without_a_mail_server_e_mails_are_logged_and_marked_sent(app, runner, caplog, monkeypatch):
    # Running the migrations in this process (the schema fixtures do) calls Alembic's
    # fileConfig, which disables every logger that already exists.
    monkeypatch.setattr(logging.getLogger("storefront.outbox"), "disabled", False)
    app.config["MAIL_SERVER"] = ""
    message_id = queue_reset(to="ana@example.com", language="en").id
    db.session.commit()

    with caplog.at_level(logging.INFO, logger="storefront.outbox"):
        result = runner.invoke(args=["send-outbox"])

    assert "sent 1, failed 0, pending 0" in result.output
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "storefront.outbox")
    assert "To: ana@example.com" in logged
    assert "https://cantik.example/account/password-reset/x" in logged
    assert stored(message_id).sent_at is not None

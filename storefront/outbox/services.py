"""The outbox: e-mails are written in the same transaction as the change they report,
then delivered by ``flask send-outbox`` with retries.

Writing the message next to the order (or account) change means a crash can never
leave a paid order without its e-mail, nor an e-mail about an order that was rolled
back. Delivery is at-least-once: a message is re-sent only if the process dies
between the SMTP server accepting it and the row being marked sent, and it keeps the
same Message-ID so mail clients can fold the duplicate away.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from flask import current_app
from flask_babel import force_locale
from jinja2 import TemplateNotFound
from sqlalchemy import func, select, update

from storefront.extensions import db
from storefront.outbox.models import OutboxMessage
from storefront.timeutil import utcnow

log = logging.getLogger("storefront.outbox")

MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=6)
# A sender claims a message for this long before talking to SMTP, so a second
# sender running at the same time skips it instead of sending it twice.
CLAIM_LEASE = timedelta(minutes=10)


class OutboxError(Exception):
    """A message could not be written to the outbox (a programming error, not a buyer's)."""


@dataclass(frozen=True)
class SendReport:
    """What one ``send_pending`` pass did."""

    sent: int
    failed: int
    pending: int
    gave_up: int = 0

    def summary(self) -> str:
        """One line for the operator, e.g. ``sent 3, failed 1, pending 1``."""
        text = f"sent {self.sent}, failed {self.failed}, pending {self.pending}"
        if self.gave_up:
            text += f", gave up on {self.gave_up} after {MAX_ATTEMPTS} attempts"
        return text


def absolute(path: str) -> str:
    """``path`` on the public site URL: e-mails are rendered outside any request."""
    return current_app.config["SITE_URL"].rstrip("/") + path


def order_status_url(order) -> str:
    """The absolute link to an order's status page, which works without logging in."""
    return absolute(f"/orders/{order.access_token}")


def queue_email(
    *,
    kind: str,
    to: str,
    language: str,
    template: str,
    order_id: int | None = None,
    **context,
) -> OutboxMessage:
    """Render ``templates/email/<template>.txt`` (and ``.html`` if present) in
    ``language`` and add the message to the session without committing.

    The caller commits it together with the change the e-mail reports, so either
    both are stored or neither is. The text template must set ``subject`` at its
    top level (``{% set subject = _('...') %}``). Templates receive ``context``
    plus ``absolute(path)`` and ``order_status_url(order)`` for links.
    """
    languages = current_app.config["LANGUAGES"]
    language = language if language in languages else languages[0]
    context = {"absolute": absolute, "order_status_url": order_status_url, **context}
    env = current_app.jinja_env
    with force_locale(language):
        text_module = env.get_template(f"email/{template}.txt").make_module(context)
        subject = " ".join(str(getattr(text_module, "subject", "")).split())
        if not subject:
            raise OutboxError(f"email/{template}.txt does not set a subject")
        body_text = str(text_module).strip() + "\n"
        try:
            body_html = env.get_template(f"email/{template}.html").render(context)
        except TemplateNotFound:
            body_html = ""
    message = OutboxMessage(
        kind=kind,
        to_address=to,
        subject=subject[:200],
        body_text=body_text,
        body_html=body_html,
        order_id=order_id,
        next_attempt_at=utcnow(),
    )
    db.session.add(message)
    return message


def queue_order_email(*, order, template: str, **context) -> OutboxMessage:
    """Queue ``template`` (order_confirmation, order_paid, order_shipped) to the
    buyer of ``order`` in the order's language; uncommitted, like ``queue_email``."""
    return queue_email(
        kind=template,
        to=order.email,
        language=order.language,
        template=template,
        order_id=order.id,
        order=order,
        **context,
    )


def retry_delay(attempts: int) -> timedelta:
    """Wait before the next try after ``attempts`` failures: 1, 2, 4, ... minutes, at most 6 h."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def send_pending(*, now: datetime | None = None, batch: int = 50) -> SendReport:
    """Deliver up to ``batch`` due messages and report what happened.

    Each message is its own transaction: it is first claimed with a conditional
    update (so two senders running at once never both take it), then sent, then
    marked sent or given a later retry time with the error kept. A failure of one
    message never blocks the others and never loses a message; after
    ``MAX_ATTEMPTS`` failures a message is left unsent for an operator to look at.
    Without ``MAIL_SERVER`` the message is written to the log and counts as sent.
    """
    now = now or utcnow()
    due_ids = (
        db.session.execute(
            select(OutboxMessage.id)
            .where(
                OutboxMessage.sent_at.is_(None),
                OutboxMessage.next_attempt_at <= now,
                OutboxMessage.attempts < MAX_ATTEMPTS,
            )
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(batch)
        )
        .scalars()
        .all()
    )
    db.session.commit()
    sent = failed = 0
    with _Mailer(current_app.config) as mailer:
        for message_id in due_ids:
            message = _claim(message_id, now=now)
            if message is None:
                continue
            try:
                mailer.send(_build_email(message, current_app.config))
            except Exception as error:  # noqa: BLE001  (any failure means: try again later)
                message.attempts += 1
                message.last_error = f"{type(error).__name__}: {error}"[:500]
                message.next_attempt_at = now + retry_delay(message.attempts)
                failed += 1
                log.warning(
                    "outbox message %s failed (attempt %s): %s",
                    message.id,
                    message.attempts,
                    message.last_error,
                )
            else:
                message.sent_at = utcnow()
                message.last_error = None
                sent += 1
            db.session.commit()
    pending, gave_up = _unsent_counts()
    return SendReport(sent=sent, failed=failed, pending=pending, gave_up=gave_up)


def _claim(message_id: int, *, now: datetime) -> OutboxMessage | None:
    """Take ``message_id`` for this sender, or None when another sender took it first."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts < MAX_ATTEMPTS,
        )
        .values(next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return None
    return db.session.get(OutboxMessage, message_id, populate_existing=True)


def _unsent_counts() -> tuple[int, int]:
    """(messages still to send, messages given up on)."""
    waiting = func.count().filter(OutboxMessage.attempts < MAX_ATTEMPTS)
    dead = func.count().filter(OutboxMessage.attempts >= MAX_ATTEMPTS)
    row = db.session.execute(select(waiting, dead).where(OutboxMessage.sent_at.is_(None))).one()
    db.session.commit()
    return int(row[0]), int(row[1])


def _build_email(message: OutboxMessage, config) -> EmailMessage:
    """The MIME message: plain text, with the HTML version as an alternative."""
    sender = config["MAIL_FROM"]
    domain = parseaddr(sender)[1].rpartition("@")[2] or "cantik.invalid"
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = message.to_address
    email["Date"] = format_datetime(utcnow())
    # Stable per outbox row, so a re-send after a crash is recognisably the same e-mail.
    email["Message-ID"] = f"<outbox-{message.id}.{message.kind}@{domain}>"
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def printed_email(email: EmailMessage) -> str:
    """The whole e-mail as a person reads it: its headers, then its text in full.

    What the shop prints instead of sending when no MAIL_SERVER is set (as under
    ``make run``), so every link and figure in it can be checked on the console.
    """
    rule = "-" * 72
    headers = "\n".join(
        f"{name}: {email[name]}" for name in ("Message-ID", "Date", "From", "To", "Subject")
    )
    html = email.get_body(("html",))
    note = f"\n[the same e-mail as HTML: {len(html.get_content())} characters]" if html else ""
    text = email.get_body(("plain",)).get_content().rstrip("\n")
    return (
        f"e-mail (MAIL_SERVER is not set, so it is printed instead of sent)\n{rule}\n"
        f"{headers}\n\n{text}{note}\n{rule}"
    )


class _Mailer:
    """One SMTP connection per pass, reopened after a failure; or the log when no server is set."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> _Mailer:
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def send(self, email: EmailMessage) -> None:
        if not self.config["MAIL_SERVER"]:
            log.info("%s", printed_email(email))
            return
        try:
            if self.connection is None:
                self.connection = self._connect()
            self.connection.send_message(email)
        except Exception:
            self._close()
            raise

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        connection = smtplib.SMTP(
            config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config.get("MAIL_TIMEOUT", 20)
        )
        try:
            if config["MAIL_USE_TLS"]:
                connection.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                connection.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        except Exception:
            connection.close()
            raise
        return connection

    def _close(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()
        self.connection = None

"""``flask send-outbox``: deliver the e-mails waiting in the outbox (run it from cron)."""

from __future__ import annotations

import click
from flask import Flask


@click.command("send-outbox")
@click.option("--batch", default=50, show_default=True, help="At most this many messages.")
def send_outbox(batch: int) -> None:
    """Send due e-mails once and print ``sent N, failed M, pending K``."""
    from storefront.outbox.services import send_pending

    report = send_pending(batch=batch)
    click.echo(report.summary())


def register(app: Flask) -> None:
    """Attach ``send-outbox`` to ``app.cli``."""
    app.cli.add_command(send_outbox)

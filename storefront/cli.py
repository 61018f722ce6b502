"""The shop's ``flask`` commands."""

from __future__ import annotations

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    """Attach every command to ``app.cli``."""
    from storefront.outbox.cli import register as register_outbox

    app.cli.add_command(seed_demo)
    app.cli.add_command(release_expired)
    register_outbox(app)


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill an empty shop with the demo catalogue (running it again changes nothing)."""
    from storefront.demo import seed_demo_catalogue

    report = seed_demo_catalogue(media_root=current_app.config["MEDIA_ROOT"])
    click.echo(report.summary())


@click.command("release-expired")
def release_expired() -> None:
    """Expire unpaid orders past their time and put their stock back."""
    from storefront.orders.services import release_expired_reservations

    count = release_expired_reservations()
    click.echo(f"released {count} expired order(s)")

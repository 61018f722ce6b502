"""The shop's ``flask`` commands."""

from __future__ import annotations

import click
from flask import Flask, current_app


def register(app: Flask) -> None:
    """Attach every command to ``app.cli``."""
    from storefront.outbox.cli import register as register_outbox

    app.cli.add_command(seed_demo)
    app.cli.add_command(release_expired)
    for command in (audit_verify, reconcile_payments, create_user, set_role, staff_summary):
        app.cli.add_command(command)
    app.cli.add_command(deactivate_user)
    app.cli.add_command(reactivate_user)
    register_outbox(app)


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill an empty development shop with the demo catalogue and one demo account per
    role (running it again changes nothing; refused in production)."""
    from storefront.demo import seed_demo_catalogue
    from storefront.demo.accounts import DemoRefused, refuse_outside_development, seed_demo_accounts

    try:
        refuse_outside_development(current_app.config)
    except DemoRefused as refused:
        raise click.ClickException(str(refused)) from None
    report = seed_demo_catalogue(media_root=current_app.config["MEDIA_ROOT"])
    click.echo(report.summary())
    click.echo(seed_demo_accounts(current_app.config).summary())


@click.command("release-expired")
def release_expired() -> None:
    """Expire unpaid orders past their time and put their stock back."""
    from storefront.orders.services import release_expired_reservations

    count = release_expired_reservations()
    click.echo(f"released {count} expired order(s)")


@click.command("audit-verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exits 1 and names each break."""
    from storefront.audit.services import verify_chain

    problems = list(verify_chain())
    for problem in problems:
        click.echo(problem, err=True)
    if problems:
        raise SystemExit(1)
    click.echo("audit log intact")


@click.command("reconcile-payments")
def reconcile_payments() -> None:
    """Ask Stripe about every unpaid card order with an intent and apply what it says."""
    from storefront.payments.gateway import gateway_from_config
    from storefront.payments.reconcile import reconcile_card_payments

    report = reconcile_card_payments(gateway_from_config(current_app.config))
    click.echo(report.summary())
    if report.errors:
        raise SystemExit(1)


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return click.get_text_stream("stdin").readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--role", required=True, help="admin, operations, production, finance, auditor, ...")
@click.option("--partner", "partner_slug", default=None, help="the partner's slug (partner role)")
@click.option("--name", default="")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
def create_user(email, role, partner_slug, name, password_stdin) -> None:
    """Create an account; the password is asked for at a prompt (or read from stdin)."""
    from storefront.accounts import services
    from storefront.accounts.permissions import Actor

    try:
        user = services.create_user(
            Actor.system("cli"),
            email=email,
            password=_read_password(password_stdin),
            role=role,
            name=name,
            partner_slug=partner_slug,
        )
    except services.DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"created {user.email} ({user.role})")


@click.command("set-role")
@click.option("--email", required=True)
@click.option("--role", required=True)
def set_role(email, role) -> None:
    """Change an account's role; its sessions end at once."""
    from storefront.accounts import services
    from storefront.accounts.permissions import Actor

    try:
        user = services.set_role(Actor.system("cli"), email=email, role=role)
    except services.DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{user.email} is now {user.role}")


@click.command("staff-summary")
def staff_summary() -> None:
    """E-mail the operations staff the morning summary of what waits today."""
    from storefront.orders.notifications import queue_morning_summary
    from storefront.timeutil import shop_today

    count = queue_morning_summary(shop_today())
    click.echo(f"queued the morning summary for {count} staff member(s)")


def _set_account_active(email: str, *, active: bool) -> None:
    from storefront.accounts import services
    from storefront.accounts.permissions import Actor

    try:
        user = services.set_account_active(Actor.system("cli"), email=email, active=active)
    except services.DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{user.email} is now {'active' if active else 'closed'}")


@click.command("deactivate-user")
@click.option("--email", required=True)
def deactivate_user(email) -> None:
    """Close an account for signing in; its sessions end at once."""
    _set_account_active(email, active=False)


@click.command("reactivate-user")
@click.option("--email", required=True)
def reactivate_user(email) -> None:
    """Let a closed account sign in again."""
    _set_account_active(email, active=True)

"""One demo account per role for ``flask seed-demo``, with known development passwords.

Accounts are made through ``accounts.services.create_user`` (the buyers'
password rules, an audit row each) and looked up by e-mail, so running the
seed again adds nothing. Known passwords have no place in production: the
seed refuses to run there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from storefront.accounts.models import User
from storefront.accounts.permissions import Actor
from storefront.accounts.services import create_user
from storefront.demo import data
from storefront.extensions import db

DEMO_ENVIRONMENTS = frozenset({"development", "testing"})
SEED_ACTOR = Actor.system("seed-demo")


class DemoRefused(RuntimeError):
    """The demo data would land in a shop that is not a development one."""


def refuse_outside_development(config: Mapping) -> None:
    """Raise ``DemoRefused`` unless ``config`` is a development or test shop."""
    environment = config.get("CANTIK_ENV", "production")
    if environment not in DEMO_ENVIRONMENTS:
        raise DemoRefused(
            f"seed-demo is for development only (CANTIK_ENV={environment}): "
            "it would add demo accounts with known passwords"
        )


@dataclass
class AccountsReport:
    """Which demo accounts one run created, and how many were already there."""

    created: list[str] = field(default_factory=list)
    skipped: int = 0

    def summary(self) -> str:
        """One human line for the console."""
        made = ", ".join(self.created) or "none"
        return f"Demo accounts: created {made} ({self.skipped} already there)."


def seed_demo_accounts(config: Mapping) -> AccountsReport:
    """Add the demo accounts that are missing (one transaction per account).

    Refused outside development; the partner account needs the demo partner,
    which ``seed_demo_catalogue`` adds first.
    """
    refuse_outside_development(config)
    report = AccountsReport()
    emails = [item.email for item in data.DEMO_ACCOUNTS]
    existing = set(db.session.scalars(select(User.email).where(User.email.in_(emails))))
    for item in data.DEMO_ACCOUNTS:
        if item.email in existing:
            report.skipped += 1
            continue
        create_user(
            SEED_ACTOR,
            email=item.email,
            password=item.password,
            role=item.role,
            name=item.name,
            partner_slug=item.partner,
        )
        report.created.append(item.role)
    return report

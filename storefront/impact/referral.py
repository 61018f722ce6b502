"""Partner referral links: ``?ref=<partner-slug>`` is remembered for 30 days."""

from __future__ import annotations

import re

from flask import current_app, request

REFERRAL_COOKIE = "ref"
_SLUG = re.compile(r"^[a-z0-9-]{1,120}$")


def remember_referral(response):
    """Keep a partner's referral slug from the URL in a cookie (the order checks it exists)."""
    slug = request.args.get("ref")
    if slug and _SLUG.match(slug):
        response.set_cookie(
            REFERRAL_COOKIE,
            slug,
            max_age=current_app.config["REFERRAL_COOKIE_DAYS"] * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    return response


def current_referral() -> str | None:
    """The referring partner's slug, if a referral link brought this buyer."""
    slug = request.cookies.get(REFERRAL_COOKIE)
    return slug if slug and _SLUG.match(slug) else None

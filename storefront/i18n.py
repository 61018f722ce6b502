"""Language choice: ``?lang=`` first, then the remembered cookie, then Accept-Language."""

from __future__ import annotations

from flask import current_app, g, has_request_context, request
from flask_babel import get_locale, refresh

LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """The language of this request: Indonesian unless the buyer asked for English."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs: the shop's default language
        return languages[0]
    asked = request.args.get("lang")
    if asked in languages:
        g.remember_language = asked
        return asked
    remembered = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or languages[0]


def start_request_language() -> None:
    """Forget any language cached on ``g``: an app context may outlive one request."""
    g.pop("remember_language", None)
    refresh()


def remember_language(response):
    """Keep the language picked with ``?lang=`` in a cookie for later visits."""
    language = g.get("remember_language")
    if language:
        response.set_cookie(
            current_app.config["LANGUAGE_COOKIE"],
            language,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    if "Accept-Language" not in response.vary:
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
    return response


def current_language() -> str:
    """The active language code, ``id`` or ``en``."""
    return str(get_locale() or "id")


def localized(obj, field: str) -> str:
    """The ``field`` of a bilingual object in the current language, falling back to Indonesian."""
    value = getattr(obj, f"{field}_{current_language()}", None)
    return value or getattr(obj, f"{field}_id")

"""Languages: the URL decides on public pages, a remembered choice everywhere else.

Public pages (catalogue, programmes, partners, the shop's information pages)
exist twice: in Indonesian at ``/products/...`` and in English under ``/en/``
(``/en/products/...``), each its own canonical page. They are registered with
``localized_route``; every ``url_for`` of such a page made while showing an
English page leads to its English URL. A ``?lang=`` link to one of them is
redirected to the URL in that language.

Pages that belong to one buyer (cart, checkout, orders, account) have one
URL; their language is ``?lang=`` first, then the remembered cookie, then
Accept-Language. Browsing public pages in a language remembers it for those.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_request_context, redirect, request, url_for
from flask_babel import get_locale, refresh

LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600
ENGLISH_PREFIX = "/en"

# Endpoints registered in both languages by ``localized_route``.
LOCALIZED_ENDPOINTS: set[str] = set()


def localized_route(blueprint, rule: str, **options):
    """Register a GET page at ``rule`` (Indonesian) and at ``/en`` + ``rule`` (English)."""

    def decorator(view):
        endpoint = options.pop("endpoint", view.__name__)
        english_rule = ENGLISH_PREFIX + rule if rule != "/" else ENGLISH_PREFIX + "/"
        for language, path in (("id", rule), ("en", english_rule)):
            blueprint.add_url_rule(
                path, endpoint, view, methods=["GET"], defaults={"lang": language}, **options
            )
        LOCALIZED_ENDPOINTS.add(f"{blueprint.name}.{endpoint}")
        return view

    return decorator


def is_localized(endpoint: str | None) -> bool:
    """Whether ``endpoint`` is a public page with a URL in each language."""
    return endpoint in LOCALIZED_ENDPOINTS


def url_language() -> str | None:
    """The language this request's URL names, or None for a page with one URL."""
    rule = request.url_rule
    if rule is not None:
        return (rule.defaults or {}).get("lang")
    # No page matched (a 404): an /en/ address still asked for English.
    if request.path == ENGLISH_PREFIX or request.path.startswith(ENGLISH_PREFIX + "/"):
        return "en"
    return None


def preferred_language() -> str:
    """What the visitor chose before: the cookie, else the browser's Accept-Language."""
    languages = current_app.config["LANGUAGES"]
    remembered = request.cookies.get(current_app.config["LANGUAGE_COOKIE"])
    if remembered in languages:
        return remembered
    return request.accept_languages.best_match(languages) or languages[0]


def select_locale() -> str:
    """The language of this request (Flask-Babel's locale selector)."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI commands and jobs: the shop's default language
        return languages[0]
    from_url = url_language()
    if from_url in languages:
        return from_url
    asked = request.args.get("lang")
    if asked in languages:
        g.remember_language = asked
        return asked
    return preferred_language()


def start_request_language() -> None:
    """Forget any language cached on ``g``: an app context may outlive one request."""
    g.pop("remember_language", None)
    refresh()


def drop_language_argument(endpoint: str | None, values: dict | None) -> None:
    """URL value preprocessor: the views of public pages never see the ``lang`` default."""
    if values and is_localized(endpoint):
        values.pop("lang", None)


def link_in_current_language(endpoint: str, values: dict) -> None:
    """URL defaults: a link to a public page leads to it in the language being shown."""
    if "lang" not in values and is_localized(endpoint):
        values["lang"] = current_language()


def redirect_language_links():
    """Before a request: ``/products?lang=en`` moves for good to ``/en/products``."""
    asked = request.args.get("lang")
    if asked not in current_app.config["LANGUAGES"] or not is_localized(request.endpoint):
        return None
    args = {k: v for k, v in request.args.lists() if k != "lang"}
    target = url_for(request.endpoint, **(request.view_args or {}), **args, lang=asked)
    g.remember_language = asked
    return redirect(target, code=301)


def remember_language(response):
    """Keep the buyer's language in a cookie for the pages that have one URL.

    Set when chosen with ``?lang=``, and when a public page is read in another
    language than the one remembered, so cart and checkout follow the
    language the buyer browses in. Most visitors never get the cookie: the
    default language matches what they would be shown anyway.
    """
    language = g.get("remember_language")
    shown = url_language()
    viewed = shown and request.method == "GET" and response.status_code == 200
    if language is None and viewed and shown != preferred_language():
        language = shown
    if language:
        response.set_cookie(
            current_app.config["LANGUAGE_COOKIE"],
            language,
            max_age=LANGUAGE_COOKIE_MAX_AGE,
            samesite="Lax",
            httponly=True,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    response.vary.add("Cookie")
    if not shown:  # a public page's language is its URL's, whatever the browser says
        response.vary.add("Accept-Language")
    return response


def init_languages(app: Flask) -> None:
    """Install the language hooks: URLs per language, the ``?lang=`` redirect, the cookie."""
    app.url_value_preprocessor(drop_language_argument)
    app.url_defaults(link_in_current_language)
    app.before_request(start_request_language)
    app.before_request(redirect_language_links)
    app.after_request(remember_language)


def current_language() -> str:
    """The active language code, ``id`` or ``en``."""
    return str(get_locale() or "id")


def localized(obj, field: str) -> str:
    """The ``field`` of a bilingual object in the current language, falling back to Indonesian."""
    value = getattr(obj, f"{field}_{current_language()}", None)
    return value or getattr(obj, f"{field}_id")

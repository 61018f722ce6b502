"""Pieces of HTML rendered once per worker and reused, keyed by all they show.

A fragment is a Jinja macro whose output depends only on its arguments, the
language and the prefix the shop is mounted under. ``fragment()`` renders it
once for each combination of those and keeps the HTML in a bounded LRU per
worker, so the header, footer and filter form of a catalogue page cost a
dictionary look-up instead of dozens of ``gettext`` and ``url_for`` calls.

Everything a fragment shows is part of its key: a renamed family, another
cart count or another search is another key, so a kept fragment cannot go
stale. The one thing that differs per visitor, a form's CSRF token, is kept
as a placeholder and filled in on every use: the visitor's own token when
the page is theirs anyway (a session or a cart), nothing on a page every
first-time visitor shares, which must stay free of anyone's token.
Arguments must be hashable values (strings, numbers, tuples, frozen
dataclasses), never ORM objects. While templates reload on change
(development), or with ``KEEP_FRAGMENTS`` off, nothing is kept, so an edited
template shows at once.
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache

from flask import Flask, current_app, request
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from storefront.i18n import current_language

CACHED_FRAGMENTS = 4096  # product bodies are the largest, ~5 KB: about 20 MB a worker at most
TOKEN_PLACEHOLDER = "__form-token-placeholder__"


def _placeholder_token() -> str:
    return TOKEN_PLACEHOLDER


def _render(template: str, macro: str, args: tuple) -> Markup:
    source = current_app.jinja_env.get_template(template)
    # The template's macros, made once per loaded template, with csrf_token() a placeholder.
    module = getattr(source, "_fragment_module", None)
    if module is None:
        module = source._fragment_module = source.make_module({"csrf_token": _placeholder_token})
    return Markup(getattr(module, macro)(*args))


def form_token() -> str:
    """The CSRF token for a form inside a fragment, or nothing on a shared page."""
    from storefront.http_cache import is_shared_visitor

    if not current_app.config.get("WTF_CSRF_ENABLED", True) or is_shared_visitor():
        return ""
    return generate_csrf()


@lru_cache(maxsize=CACHED_FRAGMENTS)
def _kept(app_id: int, template: str, macro: str, context: tuple, args: tuple) -> Markup:
    return _render(template, macro, args)


def macro_html(template: str, macro: str, args: tuple, context: tuple = ()) -> Markup:
    """``macro`` of ``template`` called with ``args``, rendered once per distinct key,
    with this visitor's form token in any form it holds.

    ``context`` holds what the output depends on besides ``args`` (such as the
    language its strings are translated into); it is part of the key only.
    """
    app = current_app._get_current_object()
    if keeps_fragments(app):
        html = _kept(id(app), template, macro, context, args)
    else:
        html = _render(template, macro, args)
    if TOKEN_PLACEHOLDER in html:
        html = Markup(html.replace(TOKEN_PLACEHOLDER, form_token()))
    return html


def keeps_fragments(app: Flask) -> bool:
    """Whether ``app`` keeps rendered fragments (not while templates reload)."""
    return app.config["KEEP_FRAGMENTS"] and not app.jinja_env.auto_reload


def fragment(template: str, macro: str, *args: Hashable) -> Markup:
    """A template's fragment in the current language, from the per-worker cache."""
    return macro_html(template, macro, args, (current_language(), request.script_root))

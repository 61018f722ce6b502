"""Error pages in the buyer's language; no request ever ends in a bare stack trace."""

from __future__ import annotations

from types import SimpleNamespace

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from storefront.domain import DomainError


def register(app: Flask) -> None:
    """Render HTTP errors with the shop's layout."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        template = "errors/404.html" if error.code == 404 else "errors/error.html"
        # Werkzeug's stock descriptions are English and technical; show only our own.
        custom = error.description != type(error).description
        message = error.description if custom else None
        return render_template(template, error=error, error_message=message), error.code

    @app.errorhandler(CSRFError)
    def stale_form(error: CSRFError):
        # Flask-WTF's reasons are msgids in the shop's catalogue ("The CSRF token has expired.").
        message = _(error.description)
        return render_template("errors/error.html", error=error, error_message=message), 400

    @app.errorhandler(DomainError)
    def refused(error: DomainError):
        # A rule of the shop said no: the message is written for the person who asked.
        page = SimpleNamespace(code=error.status_code)  # what the template reads of an error
        return (
            render_template("errors/error.html", error=page, error_message=error.message),
            error.status_code,
        )

    @app.errorhandler(500)
    def server_error(error):
        return render_template("errors/error.html", error=None), 500

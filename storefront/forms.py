"""The base of every form: WTForms' own messages in the shop's languages.

WTForms ships no Indonesian catalogue, so its built-in validation messages
are listed here for extraction and translated in the shop's own catalogue.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

# WTForms' built-in messages, named here so pybabel extracts them.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid choice."),
    _l("Invalid input."),
    _l("Field cannot be longer than %(max)d characters."),
    _l("Field must be at least %(min)d characters long."),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Field must be equal to %(other_name)s."),
    _l("The CSRF token is missing."),
    _l("The CSRF token is invalid."),
    _l("The CSRF token has expired."),
    _l("The CSRF tokens do not match."),
    _l("The CSRF session token is missing."),
)


class ShopForm(FlaskForm):
    """A Flask-WTF form whose messages follow the buyer's language."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return get_translations()

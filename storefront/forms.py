"""The base of every form: WTForms' own messages in the shop's languages.

WTForms ships no Indonesian catalogue, so its built-in validation messages
are listed here for extraction and translated in the shop's own catalogue.
Uploaded files reach file fields only: a file posted under a text field's
name leaves that field empty (and its validators say so) instead of handing
a file object to code that expects a string.
"""

from __future__ import annotations

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms import FileField

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

        def wrap_formdata(self, form, formdata):
            data = super().wrap_formdata(form, formdata)
            if not isinstance(data, CombinedMultiDict):
                return data
            file_fields = {
                name for name, field in form._fields.items() if isinstance(field, FileField)
            }
            files, values = data.dicts
            return MultiDict(
                [
                    *values.items(multi=True),
                    *((k, v) for k, v in files.items(multi=True) if k in file_fields),
                ]
            )

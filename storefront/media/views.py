"""Serves stored image renditions with long-lived cache headers."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, send_from_directory

from storefront.media.storage import RENDITION_WIDTHS, rendition_name

media = Blueprint("media", __name__)

_KEY = re.compile(r"^[0-9a-z_-]{4,120}$")
ONE_YEAR = 365 * 24 * 3600


@media.get("/media/<key>-<int:width>.webp")
def rendition(key: str, width: int):
    """One WebP rendition; keys never change content, so caches may keep it a year."""
    if not _KEY.match(key) or width not in RENDITION_WIDTHS:
        abort(404)
    response = send_from_directory(
        current_app.config["MEDIA_ROOT"], rendition_name(key, width), max_age=ONE_YEAR
    )
    response.cache_control.immutable = True
    response.cache_control.public = True
    return response

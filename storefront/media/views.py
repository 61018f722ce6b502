"""Serves stored image renditions with long-lived cache headers.

In production nginx serves renditions from a local MEDIA_ROOT itself and
asks this view only for what it does not find there (every image, when they
live in a bucket), keeping the answers in its own cache.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, abort, current_app, request, send_from_directory

from storefront.media.storage import (
    RENDITION_WIDTHS,
    LocalMediaStore,
    MediaUnavailable,
    media_store,
    rendition_name,
)

media = Blueprint("media", __name__)

_KEY = re.compile(r"^[0-9a-z_-]{4,120}$")
ONE_YEAR = 365 * 24 * 3600


@media.get("/media/<key>-<int:width>.webp")
def rendition(key: str, width: int):
    """One WebP rendition; keys never change content, so caches may keep it a year."""
    if not _KEY.match(key) or width not in RENDITION_WIDTHS:
        abort(404)
    name = rendition_name(key, width)
    store = media_store()
    if isinstance(store, LocalMediaStore):
        response = send_from_directory(store.root, name, max_age=ONE_YEAR)
    else:
        response = Response(mimetype="image/webp")
        # A key names one picture forever: a browser that has it needs nothing from the bucket.
        response.set_etag(f"{key}-{width}")
        if request.if_none_match.contains(f"{key}-{width}"):
            response.status_code = 304
        else:
            try:
                data = store.read(name)
            except MediaUnavailable:
                current_app.logger.exception("media store unavailable for %s", name)
                abort(503)
            if data is None:
                abort(404)
            response.set_data(data)
        response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    response.cache_control.public = True
    return response

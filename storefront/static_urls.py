"""Static file URLs that change when the file does: ``/static/css/shop.css?v=3f2a9c1d``.

nginx (or any cache) may then keep ``static/`` for a year: a deploy that
changes a stylesheet changes its URL, so no buyer keeps an old one.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app


def static_version(filename: str) -> str | None:
    """A short hash of the static file's content (None when there is no such file)."""
    app = current_app
    versions: dict[str, tuple[float, str]] = app.extensions.setdefault("static_versions", {})
    known = versions.get(filename)
    if known is not None and not app.debug:  # files only change with a deploy and a restart
        return known[1]
    path = Path(app.static_folder) / filename
    try:
        mtime = path.stat().st_mtime
    except (OSError, ValueError):
        return None
    if known is None or known[0] != mtime:
        digest = hashlib.blake2s(path.read_bytes(), digest_size=4).hexdigest()
        known = versions[filename] = (mtime, digest)
    return known[1]


def add_static_version(endpoint: str, values: dict) -> None:
    """url_defaults hook: give ``url_for('static', ...)`` its content version."""
    if endpoint == "static" and "v" not in values and "filename" in values:
        version = static_version(values["filename"])
        if version:
            values["v"] = version


def init_static_versions(app: Flask) -> None:
    """Version every static URL the app builds."""
    app.url_defaults(add_static_version)

"""Static URLs carry their file's version, so proxies may keep static/ for a year."""

from __future__ import annotations

import os
import re

from flask import url_for


def test_pages_link_the_stylesheet_by_its_content_version(client):
    html = client.get("/").get_data(as_text=True)
    found = re.search(r'href="(/static/css/shop\.css\?v=([0-9a-f]{8}))"', html)
    assert found, "the stylesheet link has no version"
    response = client.get(found[1])
    assert response.status_code == 200 and b"{" in response.data


def test_the_version_changes_when_the_file_does(app, tmp_path):
    app.static_folder = str(tmp_path)
    app.debug = True  # in development an edited file gets a new URL without a restart
    (tmp_path / "shop.css").write_text("body { color: black }")
    with app.test_request_context("/"):
        before = url_for("static", filename="shop.css")
        (tmp_path / "shop.css").write_text("body { color: maroon }")
        os.utime(tmp_path / "shop.css", (1, 1))
        after = url_for("static", filename="shop.css")
        missing = url_for("static", filename="nothing.css")
    assert before != after and before.startswith("/static/shop.css?v=")
    assert missing == "/static/nothing.css"

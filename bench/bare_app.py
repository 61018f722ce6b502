"""A plain Flask app with only ``/_bench/bare``: ``gunicorn 'bench.bare_app:app'``.

No extensions, no hooks, no database: the ceiling of Flask plus gunicorn on
this machine. Reported for reference; the ratios use the storefront's own
bare route (``bench/app.py``) as their denominator.
"""

from __future__ import annotations

from flask import Flask

BARE_BODY = "bare"

app = Flask(__name__)


@app.get("/_bench/bare")
def bench_bare() -> str:
    """A constant string."""
    return BARE_BODY

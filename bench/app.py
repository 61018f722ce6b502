"""The storefront as the benchmark serves it: ``gunicorn 'bench.app:app'``.

``app`` is the real storefront (``create_app()``, configured from the
environment exactly as in production) with one extra route, ``/_bench/bare``,
returning a constant string. The route is registered on the same app, so it
passes through the same hooks and middleware as a catalogue page (Talisman's
headers and CSP nonce, Flask-Babel's locale refresh, the limiter, the language
cookie hook, the SQLAlchemy session teardown) but runs no SQL and renders no
template. It is the denominator of every "ratio to bare" figure.

``bench/bare_app.py`` serves the same route from a plain ``Flask()`` with no
extensions, for reference only.
"""

from __future__ import annotations

from storefront import create_app

BARE_BODY = "bare"

app = create_app()


@app.get("/_bench/bare")
def bench_bare() -> str:
    """A constant string: the cost of the app's request pipeline alone."""
    return BARE_BODY

"""The storefront as bench/staff.py serves it: ``gunicorn 'bench.staff_app:app'``.

The real storefront configured from the environment as in production
(``create_app()`` with the class ``CANTIK_ENV`` names), plus the benchmark's
``/_bench/bare`` route (see bench/app.py) that the server's readiness is polled
on. One addition: on PostgreSQL, ``BENCH_SEARCH_PATH`` names the schema the
benchmark's shop lives in (bench/make_orders.py keeps each shop in a schema of
its own), passed to every connection the way the statement timeouts are.
"""

from __future__ import annotations

import os

from config import config_from_environment
from storefront import create_app

BARE_BODY = "bare"


def _config():
    base = config_from_environment()
    search_path = os.environ.get("BENCH_SEARCH_PATH", "")
    if not search_path:
        return base
    options = dict(base.SQLALCHEMY_ENGINE_OPTIONS)
    options["connect_args"] = {"options": f"-csearch_path={search_path}"}
    return type(base.__name__, (base,), {"SQLALCHEMY_ENGINE_OPTIONS": options})


app = create_app(_config())


@app.get("/_bench/bare")
def bench_bare() -> str:
    """A constant string: the cost of the app's request pipeline alone."""
    return BARE_BODY

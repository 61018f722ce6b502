"""Where a catalogue page spends its time, measured in-process (no HTTP, no gunicorn).

    .venv/bin/python bench/profile_pages.py                 # both catalogues, every page
    .venv/bin/python bench/profile_pages.py --size 100000 --explain
    .venv/bin/python bench/profile_pages.py --size 100 --page listing --pyinstrument

For each page of the benchmark it serves the same production-configured app
through the WSGI test client, repeatedly, and reports per request:

* the wall time of the whole request (all of Flask's hooks, no network) and the
  CPU time of this process (less sensitive to other load on the machine);
* the time inside SQL statements (SQLAlchemy cursor events) and how many ran;
* the time rendering templates (Flask's render signals);
* a cProfile breakdown of self time by package (Jinja2 and the compiled
  templates, Babel, SQLAlchemy, sqlite3, Werkzeug, Flask, Talisman, ...).

``--explain`` prints SQLite's query plan of every statement slower than 1 ms;
``--pyinstrument`` prints a call tree of one page (``pip install pyinstrument``).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.catalog import BARE_PATH, PAGES  # noqa: E402
from bench.make_catalogue import MEDIA_ROOT, catalogue_path, ensure_catalogue  # noqa: E402

CATEGORIES = [
    # (label, substring of the code's file name); first match wins
    ("templates (compiled Jinja)", "/templates/"),
    ("jinja2", "/jinja2/"),
    ("markupsafe", "/markupsafe/"),
    ("babel", "/babel/"),
    ("flask_babel", "/flask_babel/"),
    ("sqlalchemy", "/sqlalchemy/"),
    ("flask_sqlalchemy", "/flask_sqlalchemy/"),
    ("sqlite3 (C)", "sqlite3.Cursor"),
    ("sqlite3 (C)", "sqlite3.Connection"),
    ("talisman", "/flask_talisman/"),
    ("limiter", "/flask_limiter/"),
    ("limits", "/limits/"),
    ("werkzeug", "/werkzeug/"),
    ("flask", "/flask/"),
    ("storefront", "/storefront/"),
    ("stdlib", "/lib/python3"),
]


def category(filename: str, name: str) -> str:
    where = f"{filename}:{name}"
    for label, needle in CATEGORIES:
        if needle in where:
            return label
    if filename == "~":
        return "builtins (C)"
    return "other"


def configure(n: int) -> dict:
    """Point the environment at the catalogue, then build it if needed.

    In that order: ``config`` reads the environment once, when first imported,
    and building the catalogue imports the storefront.
    """
    os.environ.update(
        CANTIK_ENV="production",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        FORCE_HTTPS="0",
        DATABASE_URL=f"sqlite:///{catalogue_path(n)}",
        MEDIA_ROOT=str(MEDIA_ROOT),
        PAGE_CACHE_SECONDS="0",  # profile the page, not the page cache
    )
    _path, meta = ensure_catalogue(n, log=lambda msg: print(msg, file=sys.stderr))
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--size",
        type=int,
        action="append",
        help="catalogue size (repeatable; default 100 and 100000)",
    )
    parser.add_argument("--page", action="append", help="page name (default: all)")
    parser.add_argument(
        "-n",
        "--requests",
        type=int,
        default=0,
        help="requests per page (default: as many as fit in ~2 s, 5..300)",
    )
    parser.add_argument("--explain", action="store_true", help="query plans of slow statements")
    parser.add_argument("--pyinstrument", action="store_true", help="call tree of each page")
    parser.add_argument("--top", type=int, default=0, help="also print the N top functions")
    args = parser.parse_args()
    sizes = args.size or [100, 100_000]
    if len(sizes) > 1:
        # One process per catalogue: the app reads its database URL once, at import.
        import subprocess

        for n in sizes:
            cmd = [
                sys.executable,
                __file__,
                "--size",
                str(n),
                "-n",
                str(args.requests),
                "--top",
                str(args.top),
            ]
            cmd += [x for p in args.page or [] for x in ("--page", p)]
            cmd += ["--explain"] * args.explain + ["--pyinstrument"] * args.pyinstrument
            subprocess.run(cmd, check=True)
        return
    n = sizes[0]
    meta = configure(n)

    import logging

    from flask import before_render_template, template_rendered
    from sqlalchemy import event

    from bench.app import app
    from storefront.extensions import db

    logging.disable(logging.INFO)
    sql: list[tuple[float, str, tuple]] = []
    render: list[float] = []
    marks: dict[str, float] = {}

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn, cursor, statement, parameters, context, executemany):
        sql.append((time.perf_counter() - conn.info["bench_t0"], statement, parameters))

    def _render_start(sender, template, context, **extra):
        marks.setdefault("render", time.perf_counter())

    def _render_end(sender, template, context, **extra):
        # templates nest (macros imports do not signal); the outermost ends last
        if "render" in marks:
            render.append(time.perf_counter() - marks.pop("render"))

    before_render_template.connect(_render_start, app)
    template_rendered.connect(_render_end, app)

    client = app.test_client()
    pages = [("bare", BARE_PATH), *PAGES]
    if args.page:
        pages = [p for p in pages if p[0] in args.page]
    print(f"\n=== catalogue of {n:,} products ({meta['active_products']:,} active) ===")
    print(
        f"{'page':9} {'reqs':>5} {'total ms':>9} {'cpu ms':>7} {'sql ms':>7} {'stmts':>5} "
        f"{'render ms':>9} {'other ms':>8}  self time by package (cProfile, % of profiled time)"
    )
    for name, template in pages:
        path = template.format(product=meta["product_slug"])
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
        count = args.requests
        if not count:
            t0 = time.perf_counter()
            client.get(path)
            one = time.perf_counter() - t0
            count = max(5, min(300, int(2.0 / max(one, 1e-4))))
        sql.clear()
        render.clear()
        t0, c0 = time.perf_counter(), time.process_time()
        for _ in range(count):
            client.get(path)
        total = (time.perf_counter() - t0) / count
        cpu = (time.process_time() - c0) / count
        sql_ms = sum(s[0] for s in sql) / count * 1e3
        stmts = len(sql) / count
        render_ms = sum(render) / count * 1e3
        by_statement: dict[tuple[str, str], list] = defaultdict(list)
        for seconds, statement, parameters in sql:
            by_statement[(statement, repr(parameters))].append((seconds, statement, parameters))
        slow = []  # statements whose median run took over 1 ms
        for runs in by_statement.values():
            runs.sort(key=lambda r: r[0])
            if runs[len(runs) // 2][0] > 0.001:
                slow.append(runs[len(runs) // 2])
        slow.sort(key=lambda r: -r[0])

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(count):
            client.get(path)
        profile.disable()
        stats = pstats.Stats(profile)
        by_cat: dict[str, float] = defaultdict(float)
        for (filename, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
            by_cat[category(filename, func)] += tottime
        profiled = sum(by_cat.values()) or 1.0
        top = sorted(by_cat.items(), key=lambda kv: -kv[1])[:7]
        breakdown = ", ".join(f"{label} {t / profiled:.0%}" for label, t in top)
        other_ms = total * 1e3 - sql_ms - render_ms
        print(
            f"{name:9} {count:>5} {total * 1e3:>9.2f} {cpu * 1e3:>7.2f} {sql_ms:>7.2f} "
            f"{stmts:>5.1f} {render_ms:>9.2f} {other_ms:>8.2f}  {breakdown}"
        )
        if args.top:
            stats.sort_stats("tottime").print_stats(args.top)
        if args.explain and slow:
            with app.app_context():
                raw = db.engine.raw_connection()
                for seconds, statement, parameters in slow:
                    plan = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
                    text = " ".join(statement.split())[:140]
                    print(f"    median {seconds * 1e3:.1f} ms: {text}...")
                    for row in plan:
                        print(f"        {row[3]}")
                raw.close()
        if args.pyinstrument:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
            for _ in range(count):
                client.get(path)
            profiler.stop()
            print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()

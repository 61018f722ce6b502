"""Back-office benchmark: ``.venv/bin/python bench/staff.py`` (part of ``make bench``).

Builds (or reuses) two shops with bench/make_orders.py, 1,000 and 100,000
orders (three lines each on average, receipts, ledger entries and history),
and prints, in one run:

  * p50/p99 latency of the order list (three filters, a search by a buyer's
    name, a second keyset page) and of an order's page at 4 connections,
    against the app served by gunicorn (sync workers) with the production
    settings, signed in as an operations user through the real login form
    (CSRF on: the token is read from the form); target p99 < 150 ms;
  * SQL statements per page, counted in-process at both shop sizes; target:
    the same number at both (constant in the number of orders);
  * exporting every order through /staff/orders.csv: the time to the last
    byte over HTTP (target < 20 s) and the serving worker's peak memory
    (resident set high-water mark minus its size before; target < 150 MB),
    plus the peak of Python allocations seen by tracemalloc in-process.

Every figure is printed with its target and PASS or FAIL; raw results go to
bench/results/staff-*.json. SQLite by default; ``--database-url`` runs it
all on PostgreSQL (each shop in a schema of its own of that database; never
use the database named ``test``, which the test suite wipes).

    .venv/bin/python bench/staff.py                 # full run: 100,000 orders
    .venv/bin/python bench/staff.py --quick         # smoke run: 5,000 orders, short loads
    .venv/bin/python bench/staff.py --database-url postgresql+psycopg://postgres@127.0.0.1/bench_staff
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import resource
import secrets
import signal
import statistics
import subprocess
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench.catalog import (  # noqa: E402
    _TICK,
    Server,
    _children,
    _cpu_ticks,
    _machine_busy_ticks,
    machine,
    parse_wrk,
)
from bench.make_orders import MEDIA_ROOT, bench_config, ensure_shop  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
TARGET_P99_MS = 150.0
TARGET_CSV_S = 20.0
TARGET_CSV_MB = 150.0
PASSWORD = "bench-" + secrets.token_urlsafe(18)

# (name, path); {name} and {reference} come from the shop, {after} from the list's page 1.
PAGES = [
    ("filtered", "/staff/orders?status=paid&delivery_method=courier"),
    # A common status (half the shop is completed) and a rare payment state (the
    # dashboard's "problems" queue): the two ways a filter can be slow without its index.
    ("completed", "/staff/orders?status=completed&delivery_method=courier"),
    ("problems", "/staff/orders?payment_state=amount_mismatch"),
    ("searched", "/staff/orders?q={name}"),
    ("page 2", "/staff/orders?after={after}"),
    ("order", "/staff/orders/{reference}"),
]
CSV_PATH = "/staff/orders.csv"


# --------------------------------------------------------------------------
# Signing in.
# --------------------------------------------------------------------------


class Browser:
    """A browser on loopback: keeps the cookies it is given and sends them back.

    The production session cookie is marked Secure, which no cookie jar sends
    over plain HTTP, so the cookies are kept by name and sent by hand.
    """

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies: dict[str, str] = {}
        self.http = requests.Session()

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = {"Cookie": self.cookie_header} if self.cookies else {}
        response = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=120, **kwargs
        )
        self.http.cookies.clear()
        for cookie in response.cookies:
            self.cookies[cookie.name] = cookie.value
        return response

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.request("GET", path, **kwargs)


def csrf_token(body: str) -> str:
    """The hidden csrf_token of the first form on a page."""
    for pattern in (
        r'name="csrf_token"[^>]*value="([^"]+)"',
        r'value="([^"]+)"[^>]*name="csrf_token"',
    ):
        found = re.search(pattern, body)
        if found:
            return html.unescape(found[1])
    raise RuntimeError("no csrf_token on the login page")


def create_operations_user(app, label: str) -> str:
    """A new operations account (``create_user``, audited as the system); returns its e-mail."""
    from storefront.accounts.permissions import SYSTEM
    from storefront.accounts.services import create_user

    email = f"bench.ops.{label}.{os.getpid()}.{int(time.time())}@cantik.example"
    with app.app_context():
        create_user(
            SYSTEM, email=email, password=PASSWORD, role="operations", name="Bench Operations"
        )
    return email


def sign_in_over_http(base: str, email: str) -> Browser:
    """POST /account/login as a browser does: GET the form, send its CSRF token back."""
    browser = Browser(base)
    form = browser.get("/account/login")
    form.raise_for_status()
    answer = browser.request(
        "POST",
        "/account/login",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_token(form.text)},
    )
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"sign-in refused: HTTP {answer.status_code}")
    check = browser.get("/staff/orders")
    if check.status_code != 200:
        raise RuntimeError(f"signed in, but /staff/orders answers {check.status_code}")
    return browser


# --------------------------------------------------------------------------
# Pages.
# --------------------------------------------------------------------------


def next_page_key(body: str) -> str:
    """The ``after`` value of the list's "Older orders" link."""
    found = re.search(r'href="([^"]*[?&](?:amp;)?after=([^"&]+))"', body)
    if not found:
        raise RuntimeError("the order list has no next page")
    return html.unescape(found[2])


def page_paths(facts: dict, first_page: str) -> dict[str, str]:
    values = {
        "name": quote(facts["search_name"]),
        "reference": facts["order_reference"],
        "after": next_page_key(first_page),
    }
    return {name: path.format(**values) for name, path in PAGES}


def rows_shown(body: str) -> int:
    """Orders listed on a list page (one checkbox each)."""
    return body.count('name="ref"')


class StatementCounter:
    """Counts the SQL statements an engine sends while active (as tests/conftest.py does)."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(" ".join(statement.split()))

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._record)


def count_statements(url: str, search_path: str | None, facts: dict, label: str) -> dict:
    """SQL statements per page, in-process, on one shop (testing config: no CSRF, no limits)."""
    from storefront import create_app
    from storefront.extensions import db

    app = create_app(bench_config(url, search_path=search_path))
    email = create_operations_user(app, label)
    client = app.test_client()
    answer = client.post("/account/login", data={"email": email, "password": PASSWORD})
    if answer.status_code not in (302, 303):
        raise RuntimeError(f"in-process sign-in refused: HTTP {answer.status_code}")
    first = client.get("/staff/orders")
    paths = page_paths(facts, first.get_data(as_text=True))
    with app.app_context():
        engine = db.engine
    counts = {}
    for name, path in paths.items():
        client.get(path)  # the first request of a page may fill caches; count the second
        with StatementCounter(engine) as counter:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{label} {path}: HTTP {response.status_code}")
        body = response.get_data(as_text=True)
        counts[name] = {
            "path": path,
            "statements": len(counter.statements),
            "distinct": len(set(counter.statements)),
            "rows": rows_shown(body) if name != "order" else None,
            "list": counter.statements,
        }
    return {"app": app, "client": client, "counts": counts, "paths": paths}


def csv_in_process(client, engine) -> dict:
    """The CSV export streamed through the test client, with tracemalloc watching."""
    with StatementCounter(engine) as counter:
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(CSV_PATH, buffered=False)
        size = lines = 0
        for chunk in response.response:
            chunk = chunk if isinstance(chunk, bytes) else chunk.encode()
            size += len(chunk)
            lines += chunk.count(b"\n")
        response.close()
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return {
        "seconds": elapsed,
        "bytes": size,
        "lines": lines,
        "python_peak_mb": peak / 2**20,
        "statements": len(counter.statements),
    }


# --------------------------------------------------------------------------
# Load and memory over HTTP.
# --------------------------------------------------------------------------


def run_wrk(url: str, cookie: str, *, duration: int, connections: int, threads: int) -> dict:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "30s",
        "-H",
        f"Cookie: {cookie}",
        url,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{result.stdout}{result.stderr}")
    parsed = parse_wrk(result.stdout)
    read = re.search(r"requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", result.stdout)
    scale = {"B": 1, "KB": 2**10, "MB": 2**20, "GB": 2**30}
    parsed["bytes_per_request"] = (
        float(read[1]) * scale[read[2]] / max(parsed["requests"], 1) if read else 0.0
    )
    return parsed


def measure(server: Server, url: str, cookie: str, **load) -> dict:
    """One wrk run, with the server's CPU per request and other processes' CPU meanwhile."""
    pids = [server.proc.pid, *_children(server.proc.pid)]
    server_before = sum(_cpu_ticks(p) for p in pids)
    busy_before = _machine_busy_ticks()
    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    result = run_wrk(url, cookie, **load)
    elapsed = time.monotonic() - t0
    own_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_s = (sum(_cpu_ticks(p) for p in pids) - server_before) / _TICK
    busy_s = (_machine_busy_ticks() - busy_before) / _TICK
    wrk_s = (own_after.ru_utime - own.ru_utime) + (own_after.ru_stime - own.ru_stime)
    result.update(
        server_cpu_ms_per_req=server_s * 1e3 / max(result["requests"], 1),
        background_cpus=max(0.0, busy_s - server_s - wrk_s) / elapsed,
    )
    return result


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def csv_over_http(server: Server, browser: Browser) -> dict:
    """Download the whole CSV; the serving worker's peak resident memory above its start."""
    workers = _children(server.proc.pid)
    reset = True
    for pid in workers:
        try:  # "5" resets the peak resident set size (VmHWM) to the current size
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        except OSError:
            reset = False
    before = {pid: _status_kb(pid, "VmRSS") for pid in workers}
    peak_before = {pid: _status_kb(pid, "VmHWM") for pid in workers}
    started = time.perf_counter()
    size = lines = 0
    with browser.get(CSV_PATH, stream=True) as response:
        response.raise_for_status()
        first_byte = time.perf_counter() - started
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    deltas = {}
    for pid in workers:
        peak = _status_kb(pid, "VmHWM")
        # Without a reset, only growth beyond an earlier peak is seen (a lower bound).
        deltas[pid] = (peak - (before[pid] if reset else peak_before[pid])) / 1024
    serving = max(deltas, key=deltas.get)
    return {
        "seconds": elapsed,
        "first_byte_s": first_byte,
        "bytes": size,
        "lines": lines,
        "worker_rss_before_mb": before[serving] / 1024,
        "worker_peak_delta_mb": deltas[serving],
        "peak_reset": reset,
    }


# --------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------


def verdict(passed: bool) -> str:
    return "PASS" if passed else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=100_000, help="the large shop (100,000)")
    parser.add_argument("--small", type=int, default=1_000, help="the small shop (1,000)")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: 5,000 and 500 orders, 1 round of 2 s, no tracemalloc",
    )
    parser.add_argument("--database-url", default="", help="PostgreSQL URL (default: SQLite)")
    parser.add_argument("--rebuild", action="store_true", help="build the shops again")
    parser.add_argument("--rounds", type=int, default=3, help="rounds over the pages (3)")
    parser.add_argument("-d", "--duration", type=int, default=5, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=1, help="seconds of warm-up (1)")
    parser.add_argument("-c", "--connections", type=int, default=4)
    parser.add_argument("-t", "--threads", type=int, default=2)
    parser.add_argument("-w", "--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--no-tracemalloc", action="store_true", help="skip the in-process CSV export"
    )
    parser.add_argument(
        "--max-background",
        type=float,
        default=0.25,
        help="CPUs of other processes' work beyond which a measurement is repeated (0.25)",
    )
    parser.add_argument(
        "--retries", type=int, default=2, help="repeats of a disturbed measurement (2)"
    )
    parser.add_argument(
        "--retry-budget",
        type=float,
        default=60,
        help="seconds all repeats together may take (60)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.orders, args.small = min(args.orders, 5_000), min(args.small, 500)
        args.rounds, args.duration, args.warmup = 1, 2, 1
        args.no_tracemalloc = True

    started = time.monotonic()
    host = machine()
    backend = "PostgreSQL" if args.database_url else "SQLite"
    print(
        f"cantik back-office benchmark on {backend}: {args.orders:,} orders (and {args.small:,} "
        f"for statement counts); {args.rounds} rounds x {args.duration:g} s; wrk "
        f"-t{args.threads} -c{args.connections}; gunicorn -w {args.workers} -k sync"
    )
    print(
        f"code: {host['git_commit'] or 'unknown commit'}"
        + (
            f" plus uncommitted changes to {', '.join(host['uncommitted_changes'])}"
            if host["uncommitted_changes"]
            else ""
        )
    )
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    shops = {}
    for n in (args.small, args.orders):
        t0 = time.monotonic()
        url, search_path, facts = ensure_shop(n, database_url=args.database_url, force=args.rebuild)
        shops[n] = (url, search_path, facts)
        print(
            f"shop {n:>7,}: {facts['lines']:,} lines, {facts['receipts']:,} receipts, "
            f"{facts['events']:,} events, {facts['ledger_entries']:,} ledger entries "
            f"(ready in {time.monotonic() - t0:.1f} s, built in {facts['timings']['total_s']} s)"
        )

    # SQL statements per page, in-process, at both sizes.
    counted = {n: count_statements(*shops[n], label=str(n)) for n in shops}
    large = counted[args.orders]

    # The CSV export in-process, with tracemalloc.
    in_process_csv = None
    if not args.no_tracemalloc:
        from storefront.extensions import db

        with large["app"].app_context():
            engine = db.engine
        in_process_csv = csv_in_process(large["client"], engine)

    # The served app.
    url, search_path, facts = shops[args.orders]
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FLASK_APP", "FLASK_DEBUG", "DATABASE_URL", "SQLALCHEMY_ECHO")
    }
    env.update(
        CANTIK_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        FORCE_HTTPS="0",
        # Production settings on the benchmark's own database and loopback.
        ALLOW_SQLITE="1",
        MAIL_SERVER="127.0.0.1",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=url,
        MEDIA_ROOT=str(MEDIA_ROOT),
    )
    if search_path:
        env["BENCH_SEARCH_PATH"] = search_path
    server = Server(f"staff-{args.orders}", "bench.staff_app:app", env, args.workers)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    runs: list[dict] = []
    discarded: list[dict] = []
    retry_seconds = 0.0
    try:
        server.start()
        server.wait_ready()
        email = create_operations_user(counted[args.orders]["app"], "http")
        browser = sign_in_over_http(server.base, email)
        cookie = browser.cookie_header
        first = browser.get("/staff/orders").text
        paths = page_paths(facts, first)
        smoke = {}
        for name, path in paths.items():
            response = browser.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: HTTP {response.status_code}")
            smoke[name] = {"bytes": len(response.content), "rows": rows_shown(response.text)}
        print(f"server ready: {server.name} :{server.port}, signed in as {email} (CSRF on)")

        for rnd in range(args.rounds):
            names = list(paths)
            shift = rnd % len(names)
            for name in names[shift:] + names[:shift]:
                target = server.base + paths[name]
                load = {
                    "connections": args.connections,
                    "threads": args.threads,
                }
                server.wait_idle()
                if args.warmup > 0:
                    run_wrk(target, cookie, duration=args.warmup, **load)
                    server.wait_idle()
                for attempt in range(args.retries + 1):
                    result = measure(server, target, cookie, duration=args.duration, **load)
                    if (
                        result["background_cpus"] <= args.max_background
                        or attempt == args.retries
                        or retry_seconds >= args.retry_budget
                    ):
                        break
                    # Other processes took CPU meanwhile: measure again, once calmer.
                    retry_started = time.monotonic()
                    discarded.append(result | {"page": name, "round": rnd + 1})
                    print(
                        f"  round {rnd + 1} {name:9} disturbed "
                        f"({result['background_cpus']:.2f} CPUs of other work), again"
                    )
                    time.sleep(2)
                    server.wait_idle()
                    retry_seconds += time.monotonic() - retry_started + args.duration
                # A lost session would answer a redirect to the login page (which wrk
                # counts as a success): the page must still be the page.
                still = browser.get(paths[name])
                if still.status_code != 200:
                    raise RuntimeError(f"{paths[name]} answers {still.status_code} after the load")
                result.update(round=rnd + 1, page=name, path=paths[name])
                runs.append(result)
                print(
                    f"  round {rnd + 1} {name:9} {result['rps']:7.1f} req/s  "
                    f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
                    f"cpu {result['server_cpu_ms_per_req']:6.2f} ms/req  "
                    f"bg {result['background_cpus']:.2f} cpu"
                    + (f"  ({result['non_2xx']} errors)" if result["non_2xx"] else ""),
                    flush=True,
                )
        server.wait_idle()
        http_csv = csv_over_http(server, browser)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping the server", file=sys.stderr)
        return 130
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    # The report.
    checks = []
    print(
        f"\n{'page':9} {'p50 ms':>7} {'p99 ms':>7} {'req/s':>7} {'cpu ms':>7} {'bg':>4} "
        f"{'rows':>4} {'SQL ' + format(args.small, ','):>9} "
        f"{'SQL ' + format(args.orders, ','):>11}  url"
    )
    summary = {}
    for name, path in paths.items():
        mine = [r for r in runs if r["page"] == name]
        row = {
            "p50_ms": statistics.median(r["p50_ms"] for r in mine),
            "p99_ms": statistics.median(r["p99_ms"] for r in mine),
            "rps": statistics.median(r["rps"] for r in mine),
            "cpu_ms_per_req": statistics.median(r["server_cpu_ms_per_req"] for r in mine),
            "background_cpus": statistics.median(r["background_cpus"] for r in mine),
            "errors": sum(r["non_2xx"] + sum(r["socket_errors"].values()) for r in mine),
            "statements_small": counted[args.small]["counts"][name]["statements"],
            "statements_large": large["counts"][name]["statements"],
            "rows": smoke[name]["rows"],
        }
        summary[name] = row
        print(
            f"{name:9} {row['p50_ms']:7.1f} {row['p99_ms']:7.1f} {row['rps']:7.1f} "
            f"{row['cpu_ms_per_req']:7.2f} {row['background_cpus']:4.2f} "
            f"{row['rows'] if name != 'order' else '':>4} "
            f"{row['statements_small']:>9} {row['statements_large']:>11}  {path}"
        )
        checks.append(
            (
                f"{name}: p99 {row['p99_ms']:.1f} ms at {args.connections} connections "
                f"(target < {TARGET_P99_MS:g} ms)",
                row["p99_ms"] < TARGET_P99_MS and row["errors"] == 0,
            )
        )
        checks.append(
            (
                f"{name}: {row['statements_small']} SQL statements at {args.small:,} orders, "
                f"{row['statements_large']} at {args.orders:,} (target: the same)",
                row["statements_small"] == row["statements_large"],
            )
        )
    complete = http_csv["lines"] == args.orders + 1
    checks.append(
        (
            f"CSV of all {args.orders:,} orders over HTTP: {http_csv['seconds']:.1f} s "
            f"(target < {TARGET_CSV_S:g} s; {http_csv['lines'] - 1:,} rows, "
            f"{http_csv['bytes'] / 2**20:.1f} MB, first byte after "
            f"{http_csv['first_byte_s'] * 1000:.0f} ms)",
            http_csv["seconds"] < TARGET_CSV_S and complete,
        )
    )
    checks.append(
        (
            f"CSV export, serving worker's peak memory: +{http_csv['worker_peak_delta_mb']:.1f} MB "
            f"over its {http_csv['worker_rss_before_mb']:.0f} MB before (target < "
            f"{TARGET_CSV_MB:g} MB)" + ("" if http_csv["peak_reset"] else " (peak not reset)"),
            http_csv["worker_peak_delta_mb"] < TARGET_CSV_MB,
        )
    )
    if in_process_csv:
        checks.append(
            (
                f"CSV export in-process: tracemalloc peak {in_process_csv['python_peak_mb']:.1f} "
                f"MB (target < {TARGET_CSV_MB:g} MB); {in_process_csv['seconds']:.1f} s under "
                f"tracemalloc, {in_process_csv['statements']} SQL statements",
                in_process_csv["python_peak_mb"] < TARGET_CSV_MB
                and in_process_csv["lines"] == args.orders + 1,
            )
        )
    print()
    for text, passed in checks:
        print(f"{verdict(passed)}  {text}")
    background = statistics.median(r["background_cpus"] for r in runs)
    disturbed = sum(r["background_cpus"] > args.max_background for r in runs)
    elapsed = time.monotonic() - started
    print(
        f"\n{len(discarded)} disturbed measurements were repeated; {disturbed} of {len(runs)} "
        f"kept were still disturbed (> {args.max_background:g} CPUs of other work)"
    )
    print(
        f"other processes used a median {background:.2f} CPUs of {os.cpu_count()} during the "
        f"measurements (bg); total {elapsed:.0f} s"
    )

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"staff-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "command": " ".join(
                    ["bench/staff.py", *(argv if argv is not None else sys.argv[1:])]
                ),
                "backend": backend,
                "params": {k: v for k, v in vars(args).items() if k != "database_url"},
                "machine": host | {"loadavg_at_end": os.getloadavg()},
                "shops": {str(n): facts for n, (_u, _s, facts) in shops.items()},
                "summary": summary,
                "statements": {
                    str(n): {name: c["list"] for name, c in counted[n]["counts"].items()}
                    for n in counted
                },
                "csv_http": http_csv,
                "csv_in_process": in_process_csv,
                "targets": [{"target": t, "passed": p} for t, p in checks],
                "runs": runs,
                "discarded_runs": discarded,
                "elapsed_s": round(elapsed, 1),
            },
            indent=2,
            default=str,
        )
        + "\n"
    )
    print(f"results: {out.relative_to(ROOT)}")
    if args.strict and not all(p for _t, p in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

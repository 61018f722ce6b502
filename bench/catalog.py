"""Catalogue benchmark: ``make bench`` (or ``.venv/bin/python bench/catalog.py``).

Serves the storefront with gunicorn (sync workers) on 127.0.0.1 over two SQLite
catalogues (100 and 100,000 products by default), drives each page with wrk in
interleaved rounds and prints requests per second and p50/p99 latency per page
and catalogue, each also as a ratio to the app's own bare route
(``/_bench/bare``, a constant string served by the same app and server), and
checks the targets of docs/performance.md:

  * every catalogue page serves at least 0.15 of the bare route's requests/s;
  * every page's p99 latency is under 100 ms at 16 connections;
  * every page at 100,000 products serves at least 0.85 of its rate at 100.

Method: all servers run at once on different ports, but only one is measured
at a time and each measurement waits until the server's processes are idle. A
round asks every (page, catalogue) pair once, in an order rotated from round to
round; the figures are medians over the rounds and the ratios medians of
per-round ratios. The script also reads /proc to report each page's server CPU
per request and how much CPU other processes took; a measurement disturbed by
other work is repeated (within a time budget). Raw results go to bench/results/.

    .venv/bin/python bench/catalog.py                    # the full run (about 5 minutes)
    .venv/bin/python bench/catalog.py --rounds 1 -d 2    # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import secrets
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.make_catalogue import ensure_catalogue  # noqa: E402

RESULTS_DIR = ROOT / "bench" / "results"
LOG_DIR = ROOT / "bench" / ".cache" / "logs"
BARE_PATH = "/_bench/bare"

# (name, path); ``{product}`` is replaced by a product slug of each catalogue.
PAGES = [
    ("home", "/"),
    ("listing", "/products"),
    ("search", "/products?q=songket"),
    ("filtered", "/products?in_stock=1&sort=price_asc"),
    ("family", "/products?category=songket&sort=price_asc&in_stock=1"),
    ("product", "/products/{product}"),
]
# Measured and shown, but not held to the targets: one family's in-stock songket
# shows 10 cards at 100 products and a full page of 24 with a "next" link at
# 100,000, so its "100k/100" compares two different pages, not two catalogue sizes.
# "filtered" (in stock, cheapest first) fills a page at both sizes.
REFERENCE_ONLY = {"family"}

TARGET_RATIO_TO_BARE = 0.15
TARGET_P99_MS = 100.0
TARGET_SCALING = 0.85


# --------------------------------------------------------------------------
# Servers.
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _cpu_ticks(pid: int) -> int:
    """utime + stime of one process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0
    return int(fields[11]) + int(fields[12])


def _children(pid: int) -> list[int]:
    kids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(entry.name))
    return kids


@dataclass
class Server:
    """One gunicorn master (and its workers) that this script started."""

    name: str
    app: str
    env: dict[str, str]
    workers: int
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    log_path: Path | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log_path = LOG_DIR / f"gunicorn-{self.name}.log"
        log = self.log_path.open("w")
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(self.workers),
            "-k",
            "sync",
            "-b",
            f"127.0.0.1:{self.port}",
            "--log-level",
            "warning",
            self.app,
        ]
        # A session of its own: Ctrl-C reaches this script, which then stops the server.
        self.proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll the bare route until it answers 200, the server dies or ``timeout`` passes."""
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} server exited:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + BARE_PATH, timeout=2) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name} server not ready in {timeout:.0f} s:\n{self.log_tail()}"
                )
            time.sleep(0.05)

    def wait_idle(self, timeout: float = 60.0, window: float = 0.2) -> float:
        """Wait until no process of this server uses CPU for ``window`` seconds.

        A sync worker keeps serving requests wrk has already abandoned (they sit
        in the listen backlog), so a slow page can keep a server busy well after
        wrk returns. Measuring anything before that is over would be unfair to it.
        Returns the seconds spent waiting.
        """
        start = time.monotonic()
        pids = [self.proc.pid, *_children(self.proc.pid)]
        before = sum(_cpu_ticks(p) for p in pids)
        while time.monotonic() - start < timeout:
            time.sleep(window)
            after = sum(_cpu_ticks(p) for p in pids)
            if after == before:
                break
            before = after
        return time.monotonic() - start

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # gunicorn: graceful stop of master and workers
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the group we created for it
            self.proc.wait(timeout=5)


# --------------------------------------------------------------------------
# wrk.
# --------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def parse_wrk(output: str) -> dict:
    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in ([\d.]+\w+)", output, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"cannot parse wrk output:\n{output}")
    if int(total[1]) == 0:
        # Nothing finished within the run: every latency exceeds its length (a lower bound).
        p50 = p99 = (None, total[2])
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(rps[1]),
        "p50_ms": _ms(p50[1]),
        "p99_ms": _ms(p99[1]),
        "requests": int(total[1]),
        "non_2xx": int(non2xx[1]) if non2xx else 0,
        "socket_errors": dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
        if errors
        else {},
    }


def run_wrk(url: str, *, duration: int, connections: int, threads: int) -> dict:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "--timeout",
        "30s",
        url,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


_TICK = os.sysconf("SC_CLK_TCK")


def _machine_busy_ticks() -> int:
    """CPU ticks spent not idle, all CPUs together, since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(values) - values[3] - values[4]  # minus idle and iowait


def measure(server: Server, url: str, *, duration: int, connections: int, threads: int) -> dict:
    """One wrk run, plus where the CPU went meanwhile.

    ``server_cpu_ms_per_req`` is the server's own CPU time per completed request
    (master and workers), a figure much less sensitive than req/s to whatever else
    the machine is doing. ``background_cpus`` is how many CPUs' worth of work
    processes other than the server and wrk did during the run: anything much
    above zero means the figures of that run are disturbed.
    """
    pids = [server.proc.pid, *_children(server.proc.pid)]
    server_before = sum(_cpu_ticks(p) for p in pids)
    busy_before = _machine_busy_ticks()
    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    result = run_wrk(url, duration=duration, connections=connections, threads=threads)
    elapsed = time.monotonic() - t0
    own_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_s = (sum(_cpu_ticks(p) for p in pids) - server_before) / _TICK
    busy_s = (_machine_busy_ticks() - busy_before) / _TICK
    wrk_s = (own_after.ru_utime - own.ru_utime) + (own_after.ru_stime - own.ru_stime)
    result.update(
        server_cpu_ms_per_req=server_s * 1e3 / max(result["requests"], 1),
        server_cpus=server_s / elapsed,
        wrk_cpus=wrk_s / elapsed,
        background_cpus=max(0.0, busy_s - server_s - wrk_s) / elapsed,
    )
    return result


# --------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------


def smoke_check(server: Server, page: str, path: str) -> int:
    """GET ``path`` once: it must be a 200, and a listing must list something.

    Returns how many product cards the page shows (listings, home, related products).
    """
    with urllib.request.urlopen(server.base + path, timeout=30) as resp:
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{server.name} {path}: HTTP {resp.status}")
    if page in ("listing", "search", "filtered", "family", "home") and b'class="card"' not in body:
        raise RuntimeError(f"{server.name} {path}: no product cards on the page")
    return body.count(b'class="card"')


def page_cache_state(server: Server, path: str) -> str:
    """``hit`` when a second GET of ``path`` came from the app's page cache, else ``off``."""
    for _ in range(2):
        with urllib.request.urlopen(server.base + path, timeout=30) as resp:
            resp.read()
            state = resp.headers.get("X-Page-Cache", "")
    return "hit" if state == "hit" else "off"


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    except OSError:
        wrk = ""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        # Uncommitted changes to the app: the figures are of the working tree, not of HEAD.
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.splitlines()
        served = ("storefront/", "templates/", "static/", "migrations/", "config.py")
        dirty = [line[3:] for line in status if line[3:].startswith(served)]
    except OSError:
        commit, dirty = "", []
    import gunicorn

    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "gunicorn": gunicorn.__version__,
        "wrk": wrk.splitlines()[0] if wrk else "",
        "git_commit": commit,
        "uncommitted_changes": dirty,
        "loadavg_at_start": os.getloadavg(),
    }


def summarise(runs: list[dict], sizes: list[int]) -> dict:
    """Medians per (server, page) and the ratios the targets are about."""
    by_key: dict[tuple[str, str], list[dict]] = {}
    for run in runs:
        by_key.setdefault((run["server"], run["page"]), []).append(run)
    summary: dict[str, dict[str, dict]] = {}
    for (server, page), items in by_key.items():
        summary.setdefault(server, {})[page] = {
            "rps": statistics.median(r["rps"] for r in items),
            "p50_ms": statistics.median(r["p50_ms"] for r in items),
            "p99_ms": statistics.median(r["p99_ms"] for r in items),
            "cpu_ms_per_req": statistics.median(r["server_cpu_ms_per_req"] for r in items),
            "background_cpus": statistics.median(r["background_cpus"] for r in items),
            "rounds": len(items),
            "errors": sum(r["non_2xx"] + sum(r["socket_errors"].values()) for r in items),
            "all_rps": [r["rps"] for r in items],
        }
    # Ratios are medians of per-round ratios: the two sides of each ratio are measured
    # in the same round (the two catalogues of a page back to back), so slow drifts in
    # the machine's speed cancel out better than in a ratio of medians.
    rps = {(r["round"], r["server"], r["page"]): r["rps"] for r in runs}
    cpu = {(r["round"], r["server"], r["page"]): r["server_cpu_ms_per_req"] for r in runs}
    rounds = sorted({r["round"] for r in runs})

    def paired(numerator, denominator, table=rps):
        ratios = [
            table[(rnd, *numerator)] / table[(rnd, *denominator)]
            for rnd in rounds
            if (rnd, *numerator) in table and table.get((rnd, *denominator))
        ]
        return statistics.median(ratios) if ratios else None

    small, large = str(min(sizes)), str(max(sizes))
    for server in (str(n) for n in sizes):
        for page, row in summary[server].items():
            row["ratio_to_bare"] = paired((server, page), (server, "bare"))
            # The same ratio from server CPU per request: what the req/s ratio would be
            # if the server alone decided throughput. Much less sensitive to other load.
            row["cpu_ratio_to_bare"] = paired((server, "bare"), (server, page), cpu)
            if server == large and small != large:
                row["ratio_to_small"] = paired((large, page), (small, page))
    return summary


def check_targets(summary: dict, sizes: list[int], connections: int) -> list[dict]:
    pages = [name for name, _ in PAGES if name not in REFERENCE_ONLY]
    small, large = str(min(sizes)), str(max(sizes))
    checks = []
    fails = [
        f"{p} @ {int(s):,}: {summary[s][p]['ratio_to_bare']:.3f}"
        for s in map(str, sizes)
        for p in pages
        if summary[s][p]["ratio_to_bare"] < TARGET_RATIO_TO_BARE
    ]
    checks.append(
        {
            "target": f"every page >= {TARGET_RATIO_TO_BARE} of the bare route",
            "passed": not fails,
            "failures": fails,
        }
    )
    fails = [
        f"{p} @ {int(s):,}: {summary[s][p]['p99_ms']:.1f} ms"
        for s in map(str, sizes)
        for p in pages
        if summary[s][p]["p99_ms"] >= TARGET_P99_MS
    ]
    checks.append(
        {
            "target": f"p99 < {TARGET_P99_MS:g} ms at {connections} connections",
            "passed": not fails,
            "failures": fails,
        }
    )
    if small != large:
        fails = [
            f"{p}: {summary[large][p]['ratio_to_small']:.3f}"
            for p in pages
            if summary[large][p]["ratio_to_small"] < TARGET_SCALING
        ]
        checks.append(
            {
                "target": f"every page at {int(large):,} >= {TARGET_SCALING} of "
                f"its rate at {int(small):,}",
                "passed": not fails,
                "failures": fails,
            }
        )
    return checks


def print_table(summary: dict, sizes: list[int], paths: dict, cards: dict, out=sys.stdout):
    large = str(max(sizes))
    header = (
        f"{'page':9} {'products':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'x bare':>6} {'big/sml':>7} {'cpu ms':>7} {'cpu x':>6} {'cards':>5} {'errs':>4}  url"
    )
    print(header, file=out)
    print("-" * (len(header) + 40), file=out)
    for page in ["bare"] + [name for name, _ in PAGES]:
        for server in map(str, sizes):
            row = summary[server][page]
            scaling = row.get("ratio_to_small")
            scaling_text = "" if scaling is None or server != large else f"{scaling:.3f}"
            print(
                f"{page:9} {int(server):>9,} {row['rps']:>8.1f} {row['p50_ms']:>7.1f} "
                f"{row['p99_ms']:>7.1f} {row['ratio_to_bare']:>6.3f} {scaling_text:>7} "
                f"{row['cpu_ms_per_req']:>7.2f} {row['cpu_ratio_to_bare']:>6.3f} "
                f"{cards.get((server, page), 0):>5} {row['errors']:>4}  {paths[(server, page)]}"
                + (" (reference only)" if page in REFERENCE_ONLY else ""),
                file=out,
            )
    if "flask" in summary:
        row = summary["flask"]["bare"]
        print(
            f"{'bare':9} {'flask':>9} {row['rps']:>8.1f} {row['p50_ms']:>7.1f} "
            f"{row['p99_ms']:>7.1f} {'':>6} {'':>7} {row['cpu_ms_per_req']:>7.2f} {'':>6} "
            f"{'':>5} {row['errors']:>4}  {BARE_PATH} on a plain Flask() app (reference only)",
            file=out,
        )
    print(
        "x bare: req/s over the same server's /_bench/bare req/s (the targets' ratio);"
        + (
            f" big/sml: req/s at {int(large):,} over req/s at {min(sizes):,};"
            if len(sizes) > 1
            else ""
        )
        + "\n"
        "cpu ms: server CPU time per request (master and workers); cpu x: the bare "
        "route's cpu ms over the page's (informative: barely moved by other load);\n"
        "cards: product cards on the page (a small catalogue may not fill a listing page)",
        file=out,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes",
        default="100,100000",
        help="catalogue sizes, comma-separated (default 100,100000)",
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument(
        "-d", "--duration", type=int, default=5, help="seconds per measurement (default 5)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=1,
        help="seconds of warm-up before each measurement (default 1)",
    )
    parser.add_argument("-c", "--connections", type=int, default=16)
    parser.add_argument("-t", "--threads", type=int, default=2)
    parser.add_argument("-w", "--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--no-bare-flask", action="store_true", help="skip the plain-Flask reference server"
    )
    parser.add_argument(
        "--page-cache",
        action="store_true",
        help="keep the app's per-worker page cache (PAGE_CACHE_SECONDS) on; by default it "
        "is turned off, since wrk repeating one URL would only measure cache hits",
    )
    parser.add_argument(
        "--no-fragments",
        action="store_true",
        help="render every fragment (header, cards, product body) afresh on every request "
        "(KEEP_FRAGMENTS=0): the cost of a page no visitor of that worker has seen yet",
    )
    parser.add_argument(
        "--max-background",
        type=float,
        default=0.25,
        help="CPUs of other processes' work beyond which a measurement is repeated (default 0.25)",
    )
    parser.add_argument(
        "--retries",
        type=int,
        default=2,
        help="times a disturbed measurement is repeated before it is kept anyway (default 2)",
    )
    parser.add_argument(
        "--retry-budget",
        type=float,
        default=60,
        help="seconds all repetitions together may take, so a busy machine cannot "
        "stretch the run much (default 60)",
    )
    parser.add_argument(
        "--strict", action="store_true", help="exit with status 1 when a target is missed"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})

    started = time.monotonic()
    host = machine()
    print(
        f"cantik catalogue benchmark: sizes {', '.join(f'{n:,}' for n in sizes)}; "
        f"{args.rounds} rounds x {args.duration:g} s (+{args.warmup:g} s warm-up); "
        f"wrk -t{args.threads} -c{args.connections}; gunicorn -w {args.workers} -k sync"
    )
    print(
        f"code: {host['git_commit'] or 'unknown commit'}"
        + (
            f" plus uncommitted changes to {', '.join(host['uncommitted_changes'])}"
            if host["uncommitted_changes"]
            else ""
        )
    )
    print(
        f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
        f"on {os.cpu_count()} CPUs"
    )

    catalogues = {}
    for n in sizes:
        t0 = time.monotonic()
        path, meta = ensure_catalogue(n)
        catalogues[str(n)] = meta
        print(
            f"catalogue {n:>9,}: {path.name} ({meta['active_products']:,} active, "
            f"{meta['songket_matches']:,} match 'songket'; ready in "
            f"{time.monotonic() - t0:.1f} s, first build took {meta['timings']['total_s']} s)"
        )

    base_env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FLASK_APP", "FLASK_DEBUG", "DATABASE_URL", "SQLALCHEMY_ECHO")
    }
    servers: dict[str, Server] = {}
    for n in sizes:
        env = dict(
            base_env,
            CANTIK_ENV="production",
            SECRET_KEY=secrets.token_hex(32),
            FORCE_HTTPS="0",
            # Production settings, but on the benchmark's own SQLite catalogues and
            # loopback: the checks that would refuse those are told so.
            ALLOW_SQLITE="1",
            MAIL_SERVER="127.0.0.1",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            DATABASE_URL=f"sqlite:///{catalogues[str(n)]['path']}",
            MEDIA_ROOT=catalogues[str(n)]["media_root"],
        )
        if args.no_fragments:
            env["KEEP_FRAGMENTS"] = "0"
        if not args.page_cache:
            # wrk asks for one URL over and over: a page cache would answer nearly every
            # request from memory and the benchmark would measure the cache, not the page.
            env["PAGE_CACHE_SECONDS"] = "0"
        servers[str(n)] = Server(f"catalogue-{n}", "bench.app:app", env, args.workers)
    if not args.no_bare_flask:
        servers["flask"] = Server("bare-flask", "bench.bare_app:app", dict(base_env), args.workers)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    # Ctrl-C and a plain kill both end up in the ``finally`` below, which stops every
    # server (installed explicitly: a shell starting us in the background ignores SIGINT).
    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    runs: list[dict] = []
    discarded: list[dict] = []
    retry_seconds = 0.0
    try:
        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait_ready()

        paths: dict[tuple[str, str], str] = {}
        cards: dict[tuple[str, str], int] = {}
        for n in sizes:
            for page, template in [("bare", BARE_PATH), *PAGES]:
                path = template.format(product=catalogues[str(n)]["product_slug"])
                paths[(str(n), page)] = path
                cards[(str(n), page)] = smoke_check(servers[str(n)], page, path)
        if "flask" in servers:
            paths[("flask", "bare")] = BARE_PATH
        cache_state = page_cache_state(servers[str(sizes[0])], paths[(str(sizes[0]), "listing")])
        print("servers ready: " + ", ".join(f"{s.name} :{s.port}" for s in servers.values()))
        print(
            "page cache: "
            + (
                "ON, pages are served from each worker's memory (--page-cache)"
                if cache_state == "hit"
                else "off, every request renders its page"
            )
        )

        # Page-major order with the catalogues alternating: both sizes of a page are
        # measured back to back, and the page order and the size order rotate per round.
        names = ["bare", *[name for name, _ in PAGES], "flask-bare"]
        total = len(paths) * args.rounds
        for rnd in range(args.rounds):
            shift = rnd % len(names)
            size_order = [str(n) for n in (sizes if rnd % 2 == 0 else reversed(sizes))]
            for name in names[shift:] + names[:shift]:
                page = "bare" if name == "flask-bare" else name
                for server_key in ["flask"] if name == "flask-bare" else size_order:
                    if (server_key, page) not in paths:
                        continue
                    server = servers[server_key]
                    path = paths[(server_key, page)]
                    url = server.base + path
                    waited = server.wait_idle()
                    if args.warmup > 0:
                        run_wrk(
                            url,
                            duration=args.warmup,
                            connections=args.connections,
                            threads=args.threads,
                        )
                        waited += server.wait_idle()
                    for attempt in range(args.retries + 1):
                        result = measure(
                            server,
                            url,
                            duration=args.duration,
                            connections=args.connections,
                            threads=args.threads,
                        )
                        if (
                            result["background_cpus"] <= args.max_background
                            or attempt == args.retries
                            or retry_seconds >= args.retry_budget
                        ):
                            break
                        retry_started = time.monotonic()
                        # Other processes took CPU meanwhile: measure again, once calmer.
                        discarded.append(result | {"server": server_key, "page": page})
                        print(
                            f"        {server_key:>7} {page:9} disturbed "
                            f"({result['background_cpus']:.2f} CPUs of other work), again"
                        )
                        time.sleep(2)
                        waited += server.wait_idle()
                        retry_seconds += time.monotonic() - retry_started + args.duration
                    result.update(
                        round=rnd + 1,
                        server=server_key,
                        page=page,
                        path=path,
                        idle_wait_s=round(waited, 2),
                        attempts=attempt + 1,
                    )
                    runs.append(result)
                    errs = result["non_2xx"] + sum(result["socket_errors"].values())
                    print(
                        f"  [{len(runs):>3}/{total}] round {rnd + 1} {server_key:>7} "
                        f"{page:9} {result['rps']:>8.1f} req/s  p50 {result['p50_ms']:>7.1f} ms"
                        f"  p99 {result['p99_ms']:>7.1f} ms"
                        f"  cpu {result['server_cpu_ms_per_req']:>6.2f} ms/req"
                        f"  bg {result['background_cpus']:.2f} cpu"
                        + (f"  ({errs} errors)" if errs else ""),
                        flush=True,
                    )
    except KeyboardInterrupt:
        print("\ninterrupted: stopping servers", file=sys.stderr)
        return 130
    finally:
        for server in servers.values():
            server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    summary = summarise(runs, sizes)
    checks = check_targets(summary, sizes, args.connections)
    print()
    print_table(summary, sizes, paths, cards)
    print()
    for check in checks:
        verdict = "PASS" if check["passed"] else "FAIL"
        print(f"{verdict}  {check['target']}")
        for failure in check["failures"]:
            print(f"        {failure}")
    elapsed = time.monotonic() - started
    background = statistics.median(r["background_cpus"] for r in runs)
    busiest = max(r["background_cpus"] for r in runs)
    disturbed = sum(r["background_cpus"] > args.max_background for r in runs)
    print(
        f"\n{len(discarded)} disturbed measurements were repeated; {disturbed} of "
        f"{len(runs)} kept were still disturbed (> {args.max_background:g} CPUs of other work)"
    )
    print(
        f"other processes used a median {background:.2f} CPUs (at most {busiest:.2f}) "
        f"of {os.cpu_count()} during the measurements"
        + (
            "; the figures are disturbed by other load, rerun on a quiet machine"
            if background > args.max_background
            else ""
        )
    )
    print(
        f"ratios use the storefront's own /_bench/bare (same app, same server) as "
        f"denominator; medians of {args.rounds} rounds; total {elapsed:.0f} s"
    )

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"catalog-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "command": " ".join(
                    ["bench/catalog.py", *(argv if argv is not None else sys.argv[1:])]
                ),
                "params": vars(args) | {"sizes": sizes},
                "machine": host | {"loadavg_at_end": os.getloadavg()},
                "catalogues": catalogues,
                "paths": {f"{s}:{p}": path for (s, p), path in paths.items()},
                "cards": {f"{s}:{p}": count for (s, p), count in cards.items()},
                "summary": summary,
                "targets": checks,
                "page_cache": cache_state,
                "runs": runs,
                "discarded_runs": discarded,
                "elapsed_s": round(elapsed, 1),
            },
            indent=2,
        )
        + "\n"
    )
    print(f"results: {out.relative_to(ROOT)}")
    if args.strict and not all(c["passed"] for c in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

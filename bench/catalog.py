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
at a time and each measurement waits until every worker is idle. A round asks
every (page, catalogue) pair once, in an order rotated from round to round;
the figures are medians over the rounds. Raw results go to bench/results/.

    .venv/bin/python bench/catalog.py                    # the full run (about 5 minutes)
    .venv/bin/python bench/catalog.py --rounds 1 -d 2    # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
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
    ("filtered", "/products?category=songket&sort=price_asc&in_stock=1"),
    ("product", "/products/{product}"),
]

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
            sys.executable, "-m", "gunicorn", "-w", str(self.workers), "-k", "sync",
            "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", self.app,
        ]
        # A session of its own: Ctrl-C reaches this script, which then stops the server.
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
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
                raise RuntimeError(f"{self.name} server not ready in {timeout:.0f} s:\n"
                                   f"{self.log_tail()}")
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
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (rps and p50 and p99 and total):
        raise ValueError(f"cannot parse wrk output:\n{output}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(rps[1]),
        "p50_ms": _ms(p50[1]),
        "p99_ms": _ms(p99[1]),
        "requests": int(total[1]),
        "non_2xx": int(non2xx[1]) if non2xx else 0,
        "socket_errors": dict(zip(("connect", "read", "write", "timeout"),
                                  map(int, errors.groups()), strict=True)) if errors else {},
    }


def run_wrk(url: str, *, duration: int, connections: int, threads: int) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration:g}s", "--latency",
           "--timeout", "30s", url]
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)


# --------------------------------------------------------------------------
# The run.
# --------------------------------------------------------------------------

def smoke_check(server: Server, page: str, path: str) -> int:
    """GET ``path`` once; it must be a 200 (and a listing must list something). Returns bytes."""
    with urllib.request.urlopen(server.base + path, timeout=30) as resp:
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"{server.name} {path}: HTTP {resp.status}")
    if page in ("listing", "search", "filtered", "home") and b'class="card"' not in body:
        raise RuntimeError(f"{server.name} {path}: no product cards on the page")
    return len(body)


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
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
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
            "rounds": len(items),
            "errors": sum(r["non_2xx"] + sum(r["socket_errors"].values()) for r in items),
            "all_rps": [r["rps"] for r in items],
        }
    small, large = str(min(sizes)), str(max(sizes))
    for server in (str(n) for n in sizes):
        bare = summary[server]["bare"]["rps"]
        for page, row in summary[server].items():
            row["ratio_to_bare"] = row["rps"] / bare if bare else None
            if server == large and small != large:
                base = summary[small][page]["rps"]
                row["ratio_to_small"] = row["rps"] / base if base else None
    return summary


def check_targets(summary: dict, sizes: list[int]) -> list[dict]:
    pages = [name for name, _ in PAGES]
    small, large = str(min(sizes)), str(max(sizes))
    checks = []
    fails = [f"{p} @ {int(s):,}: {summary[s][p]['ratio_to_bare']:.3f}"
             for s in map(str, sizes) for p in pages
             if summary[s][p]["ratio_to_bare"] < TARGET_RATIO_TO_BARE]
    checks.append({"target": f"every page >= {TARGET_RATIO_TO_BARE} of the bare route",
                   "passed": not fails, "failures": fails})
    fails = [f"{p} @ {int(s):,}: {summary[s][p]['p99_ms']:.1f} ms"
             for s in map(str, sizes) for p in pages
             if summary[s][p]["p99_ms"] >= TARGET_P99_MS]
    checks.append({"target": f"p99 < {TARGET_P99_MS:g} ms at the bench's connections",
                   "passed": not fails, "failures": fails})
    if small != large:
        fails = [f"{p}: {summary[large][p]['ratio_to_small']:.3f}" for p in pages
                 if summary[large][p]["ratio_to_small"] < TARGET_SCALING]
        checks.append({"target": f"every page at {int(large):,} >= {TARGET_SCALING} of "
                                 f"its rate at {int(small):,}",
                       "passed": not fails, "failures": fails})
    return checks


def print_table(summary: dict, sizes: list[int], paths: dict, out=sys.stdout) -> None:
    large = str(max(sizes))
    header = (f"{'page':9} {'products':>9} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
              f"{'x bare':>7} {'big/small':>9} {'errors':>6}  url")
    print(header, file=out)
    print("-" * len(header), file=out)
    for page in ["bare"] + [name for name, _ in PAGES]:
        for server in map(str, sizes):
            row = summary[server][page]
            scaling = row.get("ratio_to_small")
            print(f"{page:9} {int(server):>9,} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} "
                  f"{row['p99_ms']:>8.1f} {row['ratio_to_bare']:>7.3f} "
                  f"{'' if scaling is None or server != large else f'{scaling:.3f}':>9} "
                  f"{row['errors']:>6}  {paths[(server, page)]}", file=out)
    if "flask" in summary:
        row = summary["flask"]["bare"]
        print(f"{'bare':9} {'flask':>9} {row['rps']:>8.1f} {row['p50_ms']:>8.1f} "
              f"{row['p99_ms']:>8.1f} {'':>7} {'':>9} {row['errors']:>6}  "
              f"{BARE_PATH} on a plain Flask() app, no extensions (reference only)", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,100000",
                        help="catalogue sizes, comma-separated (default 100,100000)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("-d", "--duration", type=int, default=5,
                        help="seconds per measurement (default 5)")
    parser.add_argument("--warmup", type=int, default=1,
                        help="seconds of warm-up before each measurement (default 1)")
    parser.add_argument("-c", "--connections", type=int, default=16)
    parser.add_argument("-t", "--threads", type=int, default=2)
    parser.add_argument("-w", "--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--no-bare-flask", action="store_true",
                        help="skip the plain-Flask reference server")
    parser.add_argument("--strict", action="store_true",
                        help="exit with status 1 when a target is missed")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})

    started = time.monotonic()
    host = machine()
    print(f"cantik catalogue benchmark: sizes {', '.join(f'{n:,}' for n in sizes)}; "
          f"{args.rounds} rounds x {args.duration:g} s (+{args.warmup:g} s warm-up); "
          f"wrk -t{args.threads} -c{args.connections}; gunicorn -w {args.workers} -k sync")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} CPUs")

    catalogues = {}
    for n in sizes:
        t0 = time.monotonic()
        path, meta = ensure_catalogue(n)
        catalogues[str(n)] = meta
        print(f"catalogue {n:>9,}: {path.name} ({meta['active_products']:,} active, "
              f"{meta['songket_matches']:,} match 'songket'; ready in "
              f"{time.monotonic() - t0:.1f} s, first build took {meta['timings']['total_s']} s)")

    base_env = {k: v for k, v in os.environ.items()
                if k not in ("FLASK_APP", "FLASK_DEBUG", "DATABASE_URL", "SQLALCHEMY_ECHO")}
    servers: dict[str, Server] = {}
    for n in sizes:
        env = dict(base_env,
                   CANTIK_ENV="production",
                   SECRET_KEY=secrets.token_hex(32),
                   FORCE_HTTPS="0",
                   DATABASE_URL=f"sqlite:///{catalogues[str(n)]['path']}",
                   MEDIA_ROOT=catalogues[str(n)]["media_root"])
        servers[str(n)] = Server(f"catalogue-{n}", "bench.app:app", env, args.workers)
    if not args.no_bare_flask:
        servers["flask"] = Server("bare-flask", "bench.bare_app:app", dict(base_env),
                                  args.workers)

    def on_sigterm(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    runs: list[dict] = []
    try:
        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait_ready()

        paths: dict[tuple[str, str], str] = {}
        for n in sizes:
            for page, template in [("bare", BARE_PATH), *PAGES]:
                path = template.format(product=catalogues[str(n)]["product_slug"])
                paths[(str(n), page)] = path
                smoke_check(servers[str(n)], page, path)
        if "flask" in servers:
            paths[("flask", "bare")] = BARE_PATH
        print("servers ready: " + ", ".join(f"{s.name} :{s.port}" for s in servers.values()))

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
                        run_wrk(url, duration=args.warmup, connections=args.connections,
                                threads=args.threads)
                        waited += server.wait_idle()
                    result = run_wrk(url, duration=args.duration,
                                     connections=args.connections, threads=args.threads)
                    result.update(round=rnd + 1, server=server_key, page=page, path=path,
                                  idle_wait_s=round(waited, 2))
                    runs.append(result)
                    errs = result["non_2xx"] + sum(result["socket_errors"].values())
                    print(f"  [{len(runs):>3}/{total}] round {rnd + 1} {server_key:>7} "
                          f"{page:9} {result['rps']:>8.1f} req/s  p50 {result['p50_ms']:>7.1f} ms"
                          f"  p99 {result['p99_ms']:>7.1f} ms"
                          + (f"  ({errs} errors)" if errs else ""), flush=True)
    except KeyboardInterrupt:
        print("\ninterrupted: stopping servers", file=sys.stderr)
        return 130
    finally:
        for server in servers.values():
            server.stop()
        signal.signal(signal.SIGTERM, previous)

    summary = summarise(runs, sizes)
    checks = check_targets(summary, sizes)
    print()
    print_table(summary, sizes, paths)
    print()
    for check in checks:
        verdict = "PASS" if check["passed"] else "FAIL"
        print(f"{verdict}  {check['target']}")
        for failure in check["failures"]:
            print(f"        {failure}")
    elapsed = time.monotonic() - started
    print(f"\nratios use the storefront's own /_bench/bare (same app, same server) as "
          f"denominator; medians of {args.rounds} rounds; total {elapsed:.0f} s")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"catalog-{stamp}.json"
    out.write_text(json.dumps({
        "when": stamp,
        "command": " ".join(["bench/catalog.py", *(argv if argv is not None else sys.argv[1:])]),
        "params": vars(args) | {"sizes": sizes},
        "machine": host | {"loadavg_at_end": os.getloadavg()},
        "catalogues": catalogues,
        "paths": {f"{s}:{p}": path for (s, p), path in paths.items()},
        "summary": summary,
        "targets": checks,
        "runs": runs,
        "elapsed_s": round(elapsed, 1),
    }, indent=2) + "\n")
    print(f"results: {out.relative_to(ROOT)}")
    if args.strict and not all(c["passed"] for c in checks):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

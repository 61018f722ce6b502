"""nginx benchmark: ``make bench`` (or ``.venv/bin/python bench/nginx.py``).

The catalogue pages of bench/catalog.py, measured in one run three ways
against the same gunicorn (``-w 2 -k sync``, production settings, SQLite
catalogue of 100,000 products by default):

  * **gunicorn alone**: wrk straight at gunicorn, over plain HTTP;
  * **nginx, cached**: the shipped deploy/nginx/cantik.conf (HTTPS, gzip
    off for wrk, rate limits raised out of the way) with its micro-cache,
    which keeps what the app marks ``public``;
  * **nginx, no cache**: the same configuration rendered with
    ``CANTIK_PAGE_CACHE=off``: TLS and the proxy hop, every request rendered
    by the app.

and checks the targets of docs/performance.md: through nginx with its cache
at least 5 times the requests/s of gunicorn alone, without it at least 0.9.

Method: rounds interleave the three ways per page (the order rotates per
round), each measurement waits until gunicorn is idle, the figures are
medians over the rounds and the ratios medians of per-round ratios. wrk comes
from one address, so the configuration is rendered with a rate limit far
above what wrk can reach; everything else is as shipped. Raw results go to
bench/results/nginx-*.json.

    .venv/bin/python bench/nginx.py                     # about 4 minutes
    .venv/bin/python bench/nginx.py --rounds 1 -d 2     # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import ssl
import statistics
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import resource  # noqa: E402

from bench.catalog import (  # noqa: E402
    _TICK,
    PAGES,
    RESULTS_DIR,
    Server,
    _children,
    _cpu_ticks,
    _machine_busy_ticks,
    machine,
    run_wrk,
)
from bench.make_catalogue import ensure_catalogue  # noqa: E402
from deploy.loopback import LoopbackNginx, nginx_binary  # noqa: E402

TARGET_CACHED = 5.0
TARGET_UNCACHED = 0.9
WAYS = ("gunicorn", "nginx-cached", "nginx-nocache")
# wrk asks from one address at thousands of requests/s; the shipped 20 r/s per
# client would answer nearly all of them with 429.
BENCH_RATE_LIMIT = "1000000r/s"
BENCH_RATE_BURST = "1000000"


def measure(url: str, pids: list[int], **wrk) -> dict:
    """One wrk run, with the servers' CPU per request and other processes' CPU meanwhile."""
    server_before = sum(_cpu_ticks(p) for p in pids)
    busy_before = _machine_busy_ticks()
    own = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    result = run_wrk(url, **wrk)
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


def probe(url: str) -> tuple[int, str, str]:
    """(status, X-Cache-Status, Cache-Control) of two GETs of ``url``: the second's."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the loopback nginx's self-signed certificate
    for _ in range(2):
        with urllib.request.urlopen(url, timeout=30, context=context) as response:
            response.read()
            result = (
                response.status,
                response.headers.get("X-Cache-Status", ""),
                response.headers.get("Cache-Control", ""),
            )
    return result


def summarise(runs: list[dict]) -> dict:
    """Per page: median requests/s and latencies per way, and median per-round ratios."""
    table: dict[str, dict] = {}
    rounds = sorted({r["round"] for r in runs})
    by = {(r["round"], r["page"], r["way"]): r for r in runs}
    for page in dict.fromkeys(r["page"] for r in runs):
        row: dict = {}
        for way in WAYS:
            items = [r for r in runs if r["page"] == page and r["way"] == way]
            row[way] = {
                "rps": statistics.median(r["rps"] for r in items),
                "p50_ms": statistics.median(r["p50_ms"] for r in items),
                "p99_ms": statistics.median(r["p99_ms"] for r in items),
                "cpu_ms_per_req": statistics.median(r["server_cpu_ms_per_req"] for r in items),
                "errors": sum(r["non_2xx"] + sum(r["socket_errors"].values()) for r in items),
            }
        for way in WAYS[1:]:
            ratios = [
                by[(n, page, way)]["rps"] / by[(n, page, "gunicorn")]["rps"]
                for n in rounds
                if (n, page, way) in by and by.get((n, page, "gunicorn"), {}).get("rps")
            ]
            row[f"{way}_ratio"] = statistics.median(ratios) if ratios else 0.0
        # The same comparison from the servers' CPU per request (gunicorn, plus nginx when
        # it is in the path): what the ratio would be if the servers alone set the pace.
        row["nginx-nocache_cpu_ratio"] = row["gunicorn"]["cpu_ms_per_req"] / max(
            row["nginx-nocache"]["cpu_ms_per_req"], 1e-9
        )
        table[page] = row
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=100_000, help="products (default 100,000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-d", "--duration", type=int, default=3, help="seconds per measurement")
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("-c", "--connections", type=int, default=16)
    parser.add_argument("-t", "--threads", type=int, default=2)
    parser.add_argument("-w", "--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--max-background",
        type=float,
        default=0.25,
        help="CPUs of other processes' work beyond which a measurement is repeated",
    )
    parser.add_argument("--retries", type=int, default=2, help="repeats of a disturbed one")
    parser.add_argument(
        "--retry-budget", type=float, default=60, help="seconds all repeats may take together"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    if nginx_binary() is None:
        print("bench/nginx.py: nginx is not installed (apt-get install nginx); skipped")
        return 1 if args.strict else 0
    started = time.monotonic()
    host = machine()
    path, meta = ensure_catalogue(args.size)
    print(
        f"cantik nginx benchmark: {args.size:,} products; {args.rounds} rounds x "
        f"{args.duration} s (+{args.warmup} s warm-up); wrk -t{args.threads} "
        f"-c{args.connections}; gunicorn -w {args.workers} -k sync; {nginx_version()}"
    )

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("FLASK_APP", "FLASK_DEBUG", "DATABASE_URL", "SQLALCHEMY_ECHO")
    }
    env.update(
        CANTIK_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        FORCE_HTTPS="0",  # gunicorn alone is asked over plain HTTP on loopback
        DATABASE_URL=f"sqlite:///{meta['path']}",
        ALLOW_SQLITE="1",
        MEDIA_ROOT=meta["media_root"],
        MAIL_SERVER=env.get("MAIL_SERVER", "127.0.0.1"),  # pages never send mail
        ALLOWED_HOSTS="127.0.0.1,localhost",
        PROXY_HOPS="1",
    )
    gunicorn = Server("nginx-upstream", "bench.app:app", env, args.workers)

    def on_signal(signum, frame):
        raise KeyboardInterrupt

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    runs: list[dict] = []
    retry_seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="cantik-bench-nginx-") as tmp:
        proxies = {
            way: LoopbackNginx(
                Path(tmp) / way,
                upstream=f"127.0.0.1:{gunicorn.port}",
                static_root=ROOT / "static",
                media_root=Path(meta["media_root"]),
                page_cache=way == "nginx-cached",
                rate_limit=BENCH_RATE_LIMIT,
                rate_burst=BENCH_RATE_BURST,
            )
            for way in WAYS[1:]
        }
        try:
            gunicorn.start()
            gunicorn.wait_ready()
            for proxy in proxies.values():
                proxy.start()
            paths = {
                name: template.format(product=meta["product_slug"]) for name, template in PAGES
            }
            bases = {"gunicorn": gunicorn.base, **{w: p.url for w, p in proxies.items()}}
            cache_state = {}
            for name, page_path in paths.items():
                status, cache, control = probe(bases["nginx-cached"] + page_path)
                if status != 200:
                    raise RuntimeError(f"{page_path} through nginx: HTTP {status}")
                cache_state[name] = {"x_cache_status": cache, "cache_control": control}
            ports = ", :".join(str(p.https_port) for p in proxies.values())
            print(f"servers ready: gunicorn :{gunicorn.port}, nginx :{ports}")
            for name, state in cache_state.items():
                print(
                    f"  {name:9} second request through the cache: {state['x_cache_status'] or '-'}"
                    f"  (app: Cache-Control {state['cache_control'] or 'none'})"
                )

            total = len(paths) * len(WAYS) * args.rounds
            for rnd in range(args.rounds):
                names = list(paths)
                shift = rnd % len(names)
                for name in names[shift:] + names[:shift]:
                    ways = WAYS[rnd % 3 :] + WAYS[: rnd % 3]
                    for way in ways:
                        url = bases[way] + paths[name]
                        gunicorn.wait_idle()
                        if args.warmup:
                            run_wrk(
                                url,
                                duration=args.warmup,
                                connections=args.connections,
                                threads=args.threads,
                            )
                            gunicorn.wait_idle()
                        pids = [gunicorn.proc.pid, *_children(gunicorn.proc.pid)]
                        if way in proxies:
                            pids += proxies[way].pids()
                        for attempt in range(args.retries + 1):
                            result = measure(
                                url,
                                pids,
                                duration=args.duration,
                                connections=args.connections,
                                threads=args.threads,
                            )
                            if (
                                result["background_cpus"] <= args.max_background
                                or retry_seconds >= args.retry_budget
                            ):
                                break
                            if attempt < args.retries:
                                retry_seconds += args.duration + 2
                                print(
                                    f"        {name:9} {way:13} disturbed "
                                    f"({result['background_cpus']:.2f} CPUs of other work), again"
                                )
                                time.sleep(2)
                                gunicorn.wait_idle()
                        result.update(round=rnd + 1, page=name, way=way, path=paths[name])
                        runs.append(result)
                        errors = result["non_2xx"] + sum(result["socket_errors"].values())
                        print(
                            f"  [{len(runs):>3}/{total}] round {rnd + 1} {name:9} {way:13} "
                            f"{result['rps']:>9.1f} req/s  p50 {result['p50_ms']:>6.1f} ms  "
                            f"p99 {result['p99_ms']:>6.1f} ms  "
                            f"cpu {result['server_cpu_ms_per_req']:>5.2f} ms/req  "
                            f"bg {result['background_cpus']:.2f} cpu"
                            + (f"  ({errors} errors)" if errors else ""),
                            flush=True,
                        )
        except KeyboardInterrupt:
            print("\ninterrupted: stopping servers", file=sys.stderr)
            return 130
        finally:
            for proxy in proxies.values():
                proxy.stop()
            gunicorn.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    table = summarise(runs)
    print()
    header = (
        f"{'page':9} {'gunicorn':>9} {'nginx+cache':>11} {'x':>6} {'nginx':>9} {'x':>6}"
        f" {'cpu x':>6} {'p99 ms g/c/n':>17}  cache"
    )
    print(header)
    print("-" * (len(header) + 10))
    for name, row in table.items():
        p99 = "/".join(f"{row[w]['p99_ms']:.1f}" for w in WAYS)
        print(
            f"{name:9} {row['gunicorn']['rps']:>9.1f} {row['nginx-cached']['rps']:>11.1f} "
            f"{row['nginx-cached_ratio']:>6.2f} {row['nginx-nocache']['rps']:>9.1f} "
            f"{row['nginx-nocache_ratio']:>6.2f} {row['nginx-nocache_cpu_ratio']:>6.2f} {p99:>17}  "
            f"{cache_state[name]['x_cache_status'] or '-'}"
        )
    print(
        "req/s medians; x: the median of per-round ratios to gunicorn alone; cpu x: gunicorn's\n"
        "CPU per request alone over gunicorn's and nginx's without the cache (barely moved by\n"
        "other load on the machine)"
    )
    checks = [
        {
            "target": f"through nginx with its cache >= {TARGET_CACHED:g}x gunicorn alone",
            "failures": [
                f"{n}: {r['nginx-cached_ratio']:.2f}"
                for n, r in table.items()
                if r["nginx-cached_ratio"] < TARGET_CACHED
            ],
        },
        {
            "target": f"through nginx without its cache >= {TARGET_UNCACHED:g}x gunicorn alone",
            "failures": [
                f"{n}: {r['nginx-nocache_ratio']:.2f}"
                for n, r in table.items()
                if r["nginx-nocache_ratio"] < TARGET_UNCACHED
            ],
        },
    ]
    print()
    for check in checks:
        check["passed"] = not check["failures"]
        print(f"{'PASS' if check['passed'] else 'FAIL'}  {check['target']}")
        for failure in check["failures"]:
            print(f"        {failure}")
    not_cached = [n for n, s in cache_state.items() if s["x_cache_status"] != "HIT"]
    if not_cached:
        print(
            "note: nginx did not keep "
            + ", ".join(not_cached)
            + ": the app did not mark them public (see Cache-Control above)"
        )
    elapsed = time.monotonic() - started
    background = statistics.median(r["background_cpus"] for r in runs)
    disturbed = sum(r["background_cpus"] > args.max_background for r in runs)
    print(
        f"other processes used a median {background:.2f} CPUs during the measurements; "
        f"{disturbed} of {len(runs)} kept were disturbed (> {args.max_background:g} CPUs)"
        + ("; rerun on a quiet machine" if background > args.max_background else "")
    )
    print(f"total {elapsed:.0f} s")

    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS_DIR / f"nginx-{stamp}.json"
    out.write_text(
        json.dumps(
            {
                "when": stamp,
                "params": vars(args),
                "machine": host | {"nginx": nginx_version()},
                "catalogue": meta,
                "cache_state": cache_state,
                "summary": table,
                "targets": checks,
                "runs": runs,
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


def nginx_version() -> str:
    import subprocess

    result = subprocess.run([nginx_binary(), "-v"], capture_output=True, text=True)
    return (result.stderr or result.stdout).strip().replace("nginx version: ", "")


if __name__ == "__main__":
    sys.exit(main())

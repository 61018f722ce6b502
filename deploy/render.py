#!/usr/bin/env python3
"""Write the shop's nginx configuration with this host's names, ports and paths.

    python3 deploy/render.py nginx > /etc/nginx/sites-available/cantik
    CANTIK_SERVER_NAME=toko.example CANTIK_UPSTREAM=10.0.0.11:8000,10.0.0.12:8000 \\
        python3 deploy/render.py nginx
    python3 deploy/render.py nginx --set CANTIK_RATE_LIMIT=50r/s
    python3 deploy/render.py --list        # every setting with its value here

Every ``${CANTIK_...}`` in deploy/nginx/cantik.conf is filled in from, in this
order, ``--set NAME=VALUE``, the environment, and the defaults below (paths of
the layout docs/deployment.md describes). A line holding a list setting is
repeated once per comma-separated item and left out when the list is empty.
Anything unknown or left unfilled is an error, so a typo never reaches nginx.
Only the standard library is used: it runs with the system's python3.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = {"nginx": HERE / "nginx" / "cantik.conf"}
PLACEHOLDER = re.compile(r"\$\{(CANTIK_[A-Z0-9_]+)\}")

DEFAULTS = {
    "CANTIK_SERVER_NAME": "toko.cantik.example",
    # Where plain-HTTP visitors are sent; defaults to https:// and the first server name.
    "CANTIK_SITE_URL": "",
    "CANTIK_HTTP_LISTEN": "80,[::]:80",
    "CANTIK_HTTPS_LISTEN": "443,[::]:443",
    # Empty: Let's Encrypt's paths for the first server name.
    "CANTIK_TLS_CERTIFICATE": "",
    "CANTIK_TLS_CERTIFICATE_KEY": "",
    "CANTIK_UPSTREAM": "127.0.0.1:8000",
    "CANTIK_TRUSTED_PROXIES": "",
    "CANTIK_STATIC_ROOT": "/srv/cantik/app/static",
    "CANTIK_MEDIA_ROOT": "/srv/cantik/media",
    "CANTIK_CACHE_DIR": "/var/cache/nginx/cantik",
    "CANTIK_ACCESS_LOG": "/var/log/nginx/cantik.access.log",
    "CANTIK_ACME_ROOT": "/var/www/letsencrypt",
    "CANTIK_PROXY_PARAMS": "/etc/nginx/cantik_proxy_params",
    "CANTIK_RATE_LIMIT": "20r/s",
    "CANTIK_RATE_BURST": "100",
    # "off" turns the micro-cache off (the benchmark measures both).
    "CANTIK_PAGE_CACHE": "cantik_pages",
}
LISTS = {"CANTIK_HTTP_LISTEN", "CANTIK_HTTPS_LISTEN", "CANTIK_UPSTREAM", "CANTIK_TRUSTED_PROXIES"}


def settings(overrides: dict[str, str] | None = None, environ=os.environ) -> dict[str, str]:
    """Every setting's value: ``overrides``, then ``environ``, then the defaults."""
    overrides = overrides or {}
    unknown = sorted(set(overrides) - set(DEFAULTS))
    if unknown:
        raise SystemExit(f"unknown setting(s): {', '.join(unknown)}")
    values = {
        name: overrides.get(name, environ.get(name, default)) for name, default in DEFAULTS.items()
    }
    first_name = values["CANTIK_SERVER_NAME"].split()[0]
    live = f"/etc/letsencrypt/live/{first_name}"
    values["CANTIK_SITE_URL"] = values["CANTIK_SITE_URL"] or f"https://{first_name}"
    values["CANTIK_TLS_CERTIFICATE"] = values["CANTIK_TLS_CERTIFICATE"] or f"{live}/fullchain.pem"
    values["CANTIK_TLS_CERTIFICATE_KEY"] = (
        values["CANTIK_TLS_CERTIFICATE_KEY"] or f"{live}/privkey.pem"
    )
    values["CANTIK_SITE_URL"] = values["CANTIK_SITE_URL"].rstrip("/")
    return values


def render(template: str, values: dict[str, str]) -> str:
    """``template`` with every placeholder filled in; list lines repeated per item."""
    out = []
    for number, line in enumerate(template.splitlines(), 1):
        names = PLACEHOLDER.findall(line)
        missing = [name for name in names if name not in values]
        if missing:
            raise SystemExit(f"line {number}: no setting {', '.join(missing)}")
        lists = [name for name in names if name in LISTS]
        if len(set(lists)) > 1:
            raise SystemExit(f"line {number}: more than one list setting on a line")
        if lists:
            items = [item.strip() for item in values[lists[0]].split(",") if item.strip()]
            variants = [{**values, lists[0]: item} for item in items]
        else:
            variants = [values]
        for variant in variants:
            out.append(PLACEHOLDER.sub(lambda match, v=variant: v[match[1]], line))
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the rendered configuration (or the settings) on standard output."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=sorted(TEMPLATES), default="nginx")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--list", action="store_true", help="print the settings and stop")
    args = parser.parse_args(argv)
    overrides = {}
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            parser.error(f"--set wants NAME=VALUE, not {item!r}")
        overrides[name] = value
    values = settings(overrides)
    if args.list:
        for name, value in values.items():
            print(f"{name}={value}")
        return 0
    sys.stdout.write(render(TEMPLATES[args.what].read_text(), values))
    return 0


if __name__ == "__main__":
    sys.exit(main())

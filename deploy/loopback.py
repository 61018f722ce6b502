#!/usr/bin/env python3
"""Run the shipped nginx configuration on loopback ports, as an unprivileged trial.

Used by tests/deploy/test_nginx.py and bench/nginx.py, and by hand to try a
change to deploy/nginx/ in front of a running shop:

    python3 deploy/loopback.py --upstream 127.0.0.1:5000 --static static --media instance/media

It renders deploy/nginx/cantik.conf with deploy/render.py (loopback ports,
paths in a temporary directory, a self-signed certificate for the server
name), wraps it in a copy of Debian's /etc/nginx/nginx.conf whose pid file,
logs and temporary directories point into that directory, checks it with
``nginx -t`` and starts nginx in the foreground. Only the standard library is
used.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import render  # noqa: E402  (deploy/render.py, beside this file)

DEBIAN_MAIN_CONF = Path("/etc/nginx/nginx.conf")
# Used when there is no Debian nginx.conf to copy: the http settings Debian's has.
FALLBACK_MAIN_CONF = """\
user www-data;
worker_processes auto;
pid /run/nginx.pid;
error_log /var/log/nginx/error.log;
events {
    worker_connections 768;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log /var/log/nginx/access.log;
    gzip on;
    include /etc/nginx/conf.d/*.conf;
    include /etc/nginx/sites-enabled/*;
}
"""


def nginx_binary() -> str | None:
    """The nginx executable (Debian puts it in /usr/sbin, not always on PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def free_port() -> int:
    """A TCP port nothing listens on at the moment, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(directory: Path, name: str) -> tuple[Path, Path]:
    """A certificate and key for ``name``, valid two days, made with openssl."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={name}",
            "-addext",
            f"subjectAltName=DNS:{name}",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def main_conf(directory: Path, site_conf: Path) -> str:
    """Debian's nginx.conf with its state and logs moved into ``directory``, including only
    ``site_conf`` where it includes conf.d/ and sites-enabled/."""
    text = DEBIAN_MAIN_CONF.read_text() if DEBIAN_MAIN_CONF.is_file() else FALLBACK_MAIN_CONF
    # Workers run as whoever runs this (root may read the temporary directory, www-data not).
    user = "user root;" if os.geteuid() == 0 else ""
    text = re.sub(r"(?m)^\s*user\s+[^;]*;", user, text)
    text = re.sub(r"(?m)^\s*pid\s+[^;]*;", f"pid {directory / 'nginx.pid'};", text)
    text = re.sub(r"(?m)^(\s*)error_log\s+[^;]*;", rf"\1error_log {directory / 'error.log'};", text)
    text = re.sub(
        r"(?m)^(\s*)access_log\s+[^;]*;", rf"\1access_log {directory / 'access.log'};", text
    )
    text = re.sub(r"(?m)^\s*include\s+/etc/nginx/conf\.d/\*\.conf;\n", "", text)
    temp = "".join(
        f"\t{kind}_temp_path {directory / 'temp' / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    text, found = re.subn(
        r"(?m)^(\s*)include\s+/etc/nginx/sites-enabled/\*;",
        lambda m: f"{temp}{m[1]}include {site_conf};",
        text,
    )
    if found != 1:
        raise RuntimeError(f"{DEBIAN_MAIN_CONF} does not include sites-enabled/ once")
    return text


class LoopbackNginx:
    """The shipped configuration served by a private nginx on 127.0.0.1."""

    def __init__(
        self,
        directory: Path,
        *,
        upstream: str,
        static_root: Path,
        media_root: Path,
        server_name: str = "localhost",
        page_cache: bool = True,
        trusted_proxies: str = "",
        rate_limit: str | None = None,
        rate_burst: str | None = None,
    ):
        self.directory = Path(directory)
        self.server_name = server_name
        self.http_port = free_port()
        self.https_port = free_port()
        self.process: subprocess.Popen | None = None
        for sub in ("cache", "temp"):
            (self.directory / sub).mkdir(parents=True, exist_ok=True)
        self.certificate, key = self_signed_certificate(self.directory, server_name)
        params = self.directory / "cantik_proxy_params"
        shutil.copy(HERE / "nginx" / "cantik_proxy_params", params)
        overrides = {
            "CANTIK_SERVER_NAME": server_name,
            "CANTIK_SITE_URL": self.url,
            "CANTIK_HTTP_LISTEN": f"127.0.0.1:{self.http_port}",
            "CANTIK_HTTPS_LISTEN": f"127.0.0.1:{self.https_port}",
            "CANTIK_TLS_CERTIFICATE": str(self.certificate),
            "CANTIK_TLS_CERTIFICATE_KEY": str(key),
            "CANTIK_UPSTREAM": upstream,
            "CANTIK_TRUSTED_PROXIES": trusted_proxies,
            "CANTIK_STATIC_ROOT": str(Path(static_root).resolve()),
            "CANTIK_MEDIA_ROOT": str(Path(media_root).resolve()),
            "CANTIK_CACHE_DIR": str(self.directory / "cache"),
            "CANTIK_ACCESS_LOG": str(self.directory / "cantik.access.log"),
            "CANTIK_ACME_ROOT": str(self.directory / "acme"),
            "CANTIK_PROXY_PARAMS": str(params),
            "CANTIK_PAGE_CACHE": "cantik_pages" if page_cache else "off",
        }
        if rate_limit:
            overrides["CANTIK_RATE_LIMIT"] = rate_limit
        if rate_burst:
            overrides["CANTIK_RATE_BURST"] = rate_burst
        self.site_conf = self.directory / "cantik.conf"
        self.site_conf.write_text(
            render.render(render.TEMPLATES["nginx"].read_text(), render.settings(overrides, {}))
        )
        self.conf = self.directory / "nginx.conf"
        self.conf.write_text(main_conf(self.directory, self.site_conf))

    @property
    def url(self) -> str:
        """The HTTPS base URL, e.g. ``https://localhost:41234``."""
        return f"https://{self.server_name}:{self.https_port}"

    @property
    def http_url(self) -> str:
        return f"http://{self.server_name}:{self.http_port}"

    def _command(self, *extra: str) -> list[str]:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (apt-get install nginx)")
        return [
            binary,
            "-p",
            str(self.directory),
            "-c",
            str(self.conf),
            "-e",
            str(self.directory / "error.log"),
            *extra,
        ]

    def check(self) -> None:
        """``nginx -t``: raise with nginx's own words when the configuration is refused."""
        result = subprocess.run(self._command("-t"), capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"nginx -t refused the configuration:\n{result.stderr}")

    def start(self, timeout: float = 15.0) -> None:
        """Check the configuration, start nginx and wait until both ports accept."""
        self.check()
        self.process = subprocess.Popen(
            self._command("-g", "daemon off;"),
            stdout=subprocess.DEVNULL,
            stderr=(self.directory / "nginx.stderr").open("w"),
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        for port in (self.http_port, self.https_port):
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"nginx exited:\n{self.error_log()}")
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"nginx did not listen on {port} in {timeout:.0f} s")
                time.sleep(0.02)

    def error_log(self) -> str:
        parts = []
        for name in ("nginx.stderr", "error.log"):
            path = self.directory / name
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "\n".join(parts)

    def pids(self) -> list[int]:
        """The master and its workers (for the benchmark's CPU accounting)."""
        if self.process is None:
            return []
        found = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def stop(self) -> None:
        """Stop nginx (SIGTERM: fast shutdown) and wait for it."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)


def main(argv: list[str] | None = None) -> int:
    """Serve the configuration in front of ``--upstream`` until Ctrl-C."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", default="127.0.0.1:5000", help="the shop's host:port")
    parser.add_argument("--static", default=str(HERE.parent / "static"))
    parser.add_argument("--media", default=str(HERE.parent / "instance" / "media"))
    parser.add_argument("--no-cache", action="store_true", help="turn the micro-cache off")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cantik-nginx-") as directory:
        nginx = LoopbackNginx(
            Path(directory),
            upstream=args.upstream,
            static_root=Path(args.static),
            media_root=Path(args.media),
            page_cache=not args.no_cache,
        )
        nginx.start()
        print(f"nginx: {nginx.url} (self-signed) and {nginx.http_url}; Ctrl-C stops it")
        try:
            nginx.process.wait()
        except KeyboardInterrupt:
            pass
        finally:
            nginx.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

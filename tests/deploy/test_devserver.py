"""``make run`` as a developer uses it: its own localstripe, links on its own port,
e-mails printed in full, and nothing left running after SIGTERM."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert

from storefront.outbox.models import OutboxMessage
from storefront.timeutil import utcnow

ROOT = Path(__file__).resolve().parents[2]
DEADLINE = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(condition, what: str, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} within {timeout:.0f} s")


class DevServer:
    """``python -m storefront.devserver`` as ``make run`` starts it, on a SQLite copy."""

    def __init__(self, tmp_path: Path, database: Path, port: int):
        self.port = port
        self.log = tmp_path / f"devserver-{port}.log"
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("STRIPE_", "SITE_URL", "MAIL_", "FLASK_", "CANTIK_"))
        }
        env.update(
            CANTIK_ENV="development",
            DATABASE_URL=f"sqlite:///{database}",
            MEDIA_ROOT=str(tmp_path / "media"),
            PYTHONUNBUFFERED="1",
        )
        with self.log.open("w") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "storefront.devserver", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def localstripe_port(self) -> int:
        found = re.search(r"localstripe on http://127\.0\.0\.1:(\d+)", self.output())
        return int(found[1]) if found else 0

    def wait_serving(self) -> None:
        def up():
            assert self.process.poll() is None, self.output()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return True
            except urllib.error.HTTPError:
                return True
            except OSError:
                return False

        wait_for(up, "the dev server did not answer")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def shop_database(sqlite_template, tmp_path) -> Path:
    path = tmp_path / "dev.db"
    shutil.copy(sqlite_template, path)
    return path


@pytest.fixture
def start_devserver(tmp_path, shop_database):
    servers: list[DevServer] = []

    def start() -> DevServer:
        server = DevServer(tmp_path, shop_database, free_port())
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def test_each_run_has_its_own_localstripe_and_links_on_its_own_port(start_devserver):
    first, second = start_devserver(), start_devserver()
    first.wait_serving()
    second.wait_serving()
    ports = {first.localstripe_port(), second.localstripe_port()}
    assert len(ports) == 2 and 0 not in ports, first.output() + second.output()
    for server in (first, second):
        assert f"Links in pages and e-mails: http://127.0.0.1:{server.port}" in server.output()
        with urllib.request.urlopen(f"http://127.0.0.1:{server.port}/", timeout=10) as page:
            html = page.read().decode()
        assert f'rel="canonical" href="http://127.0.0.1:{server.port}/' in html


def test_sigterm_stops_the_server_and_its_localstripe(start_devserver):
    server = start_devserver()
    server.wait_serving()
    localstripe = server.localstripe_port()
    assert answers(localstripe)
    server.process.send_signal(signal.SIGTERM)
    wait_for(lambda: server.process.poll() is not None, "the dev server did not exit")
    wait_for(lambda: not answers(localstripe), "localstripe was still listening")


def test_an_email_the_shop_writes_is_printed_in_full_on_the_console(start_devserver, shop_database):
    server = start_devserver()
    server.wait_serving()
    body = "Terima kasih, Sari.\n" + "".join(
        f"Baris {n}: Selendang Songket Rp450.000\n" for n in range(200)
    )
    engine = create_engine(f"sqlite:///{shop_database}")
    with engine.begin() as conn:
        conn.execute(
            insert(OutboxMessage.__table__).values(
                kind="order_confirmation",
                to_address="sari@example.com",
                subject="Pesanan CTK-0001 diterima",
                body_text=body,
                body_html="<p>Terima kasih</p>",
                attempts=0,
                next_attempt_at=utcnow() - timedelta(seconds=1),
                created_at=utcnow(),
            )
        )
    engine.dispose()
    wait_for(lambda: "Baris 199:" in server.output(), "the e-mail was not printed")
    printed = server.output()
    assert "To: sari@example.com" in printed
    assert "Subject: Pesanan CTK-0001 diterima" in printed
    assert all(f"Baris {n}: Selendang Songket Rp450.000" in printed for n in range(200))

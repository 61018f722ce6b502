"""The shipped systemd units, timers and cron lines run commands the shop has."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from config import TestingConfig
from storefront import create_app

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
CRON = ROOT / "deploy" / "cron" / "cantik"
DOCS = ROOT / "docs" / "deployment.md"
EXPECTED = {
    "send-outbox",
    "release-expired",
    "reconcile-payments",
    "purge-carts",
    "write-off-expired",
    "staff-summary",
}


def timer_commands() -> dict[str, str]:
    """Each timer's command and the timer's text."""
    found = {}
    for timer in SYSTEMD.glob("cantik-*.timer"):
        text = timer.read_text()
        unit = re.search(r"^Unit=cantik-job@([a-z-]+)\.service$", text, re.M)
        assert unit, f"{timer.name} does not start cantik-job@<command>.service"
        assert timer.name == f"cantik-{unit[1]}.timer"
        found[unit[1]] = text
    return found


def cron_commands() -> dict[str, bool]:
    """Each cron line's command, and whether the line is switched on."""
    found = {}
    for line in CRON.read_text().splitlines():
        match = re.match(
            r"^(#?)\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+cantik\s+\S+/cantik-job ([a-z-]+)$", line
        )
        if match:
            found[match[2]] = not match[1]
    return found


def shop_commands(tmp_path) -> set[str]:
    app = create_app(type("Commands", (TestingConfig,), {"MEDIA_ROOT": str(tmp_path)}))
    return set(app.cli.list_commands(app.cli.make_context("flask", [], resilient_parsing=True)))


def test_every_scheduled_command_has_a_timer_and_a_cron_line():
    assert set(timer_commands()) == EXPECTED
    assert set(cron_commands()) == EXPECTED
    docs = DOCS.read_text()
    for command in EXPECTED:
        assert f"cantik-job {command}" in docs, f"docs/deployment.md has no cron line for {command}"
        assert f"cantik-{command}.timer" in docs


def test_timers_and_cron_lines_wait_for_commands_the_shop_lacks(tmp_path):
    """A schedule for a command this release has not got says so and is off in cron."""
    have = shop_commands(tmp_path)
    assert {"send-outbox", "release-expired", "reconcile-payments", "staff-summary"} <= have
    cron = cron_commands()
    for command, text in timer_commands().items():
        if command not in have:
            assert "Enable once" in text, f"{command} is scheduled but the shop has no such command"
            assert not cron[command], f"cron runs {command}, which the shop has not got"
    assert all(cron[command] for command in have & EXPECTED)


def test_the_gunicorn_unit_runs_the_shipped_gunicorn_settings(tmp_path):
    unit = (SYSTEMD / "cantik.service").read_text()
    assert "--config /srv/cantik/app/deploy/gunicorn.conf.py storefront:create_app()" in unit
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CANTIK_", "FLASK_"))}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'shop.db'}", MEDIA_ROOT=str(tmp_path))
    checked = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--check-config",
            "--config",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "storefront:create_app()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr

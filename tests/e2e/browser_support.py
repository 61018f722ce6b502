"""Shared pieces of the browser tests: the system Chromium, a phone-sized tab, problem tracking.

Importing this module decides whether browser tests can run at all: without
Chromium at /usr/bin/chromium (``apt-get install -y chromium``) or without
playwright, the importing test module is skipped, unless
CANTIK_REQUIRE_BROWSER=1 (as in CI), in which case that is a failure, and so
is a browser that will not launch. Playwright never downloads a browser
here: it drives the system Chromium through ``executable_path``.

Test modules use the fixtures ``browser`` (one Chromium per module),
``phone`` (a fresh 390x844 tab, Indonesian locale, Jakarta time) and
``problems`` (what went wrong in that tab) by importing them::

    from browser_support import browser_fixture, phone_fixture, problems_fixture  # noqa: F401

The fixture functions carry other Python names than their pytest names so
that a test's ``phone`` argument does not shadow an import.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

REQUIRE_BROWSER = os.environ.get("CANTIK_REQUIRE_BROWSER") == "1"


def browser_unavailable(reason: str, *, module_level: bool = False) -> None:
    """Skip (locally) or fail (when CI demands a browser) because no browser can run."""
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (CANTIK_REQUIRE_BROWSER=1 requires browser tests)", pytrace=False)
    pytest.skip(reason, allow_module_level=module_level)


def find_chromium() -> str | None:
    """The system Chromium's executable, if there is one."""
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()
if CHROMIUM is None:
    browser_unavailable(
        "Chromium is not installed (apt-get install -y chromium); skipping browser tests",
        module_level=True,
    )

try:
    from playwright.sync_api import BrowserContext, Page, sync_playwright
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # pragma: no cover - the dev extra installs it
    browser_unavailable(
        "playwright is not installed (pip install -e '.[dev]'); skipping browser tests",
        module_level=True,
    )

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


@pytest.fixture(scope="module", name="browser")
def browser_fixture():
    """One headless system Chromium for the module."""
    with sync_playwright() as playwright:
        failure = None
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=30_000
            )
        except PlaywrightError as exc:
            lines = [line.strip() for line in (exc.message or str(exc)).splitlines()]
            # The first line, then what the browser printed to stderr and how it exited.
            telling = [x for x in lines[1:] if re.search(r"\[err\]|exitCode|error", x, re.I)]
            failure = " | ".join(dict.fromkeys(lines[:1] + telling))[:600]
        if failure is not None:
            browser_unavailable(f"Playwright could not launch {CHROMIUM}: {failure}")
        yield chromium
        chromium.close()


class PageProblems:
    """Console errors, uncaught exceptions, failed requests and HTTP errors seen by a page.

    A test that expects a particular failure says so with ``expect_failed_request``
    or ``expect_http_error``; that one URL (and the console's "Failed to load
    resource" line about it) is then not a problem, and nothing else is excused.
    """

    def __init__(self, page: Page):
        self.messages: list[str] = []
        self._failed_ok: dict[str, str | None] = {}
        self._status_ok: set[tuple[str, int]] = set()
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.messages.append(f"uncaught: {exc}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def expect_failed_request(self, url: str, failure: str | None = None) -> None:
        """A request to exactly ``url`` may fail (an external script offline, say).

        With ``failure`` (e.g. ``"net::ERR_ABORTED"``) only that kind of failure is excused.
        """
        self._failed_ok[url] = failure

    def expect_http_error(self, url: str, status: int) -> None:
        """``url`` is expected to answer with the error ``status`` (a 402 for a decline, say)."""
        self._status_ok.add((url, status))

    def _expected_url(self, url: str) -> bool:
        return url in self._failed_ok or any(url == ok for ok, _status in self._status_ok)

    def _console(self, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url") or ""
        if message.text.startswith("Failed to load resource") and self._expected_url(url):
            return
        self.messages.append(f"console: {message.text} ({url})")

    def _request_failed(self, request) -> None:
        if request.url in self._failed_ok and self._failed_ok[request.url] in (
            None,
            request.failure,
        ):
            return
        self.messages.append(f"failed: {request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400 and (response.url, response.status) not in self._status_ok:
            self.messages.append(f"HTTP {response.status}: {response.url}")


class Offline:
    """Keeps a browser context off the internet: every non-loopback request is aborted.

    ``requested`` lists the external URLs pages asked for, in order, so a test
    can check there were only the ones it expects.
    """

    def __init__(self, context: BrowserContext):
        self.requested: list[str] = []
        context.route(lambda url: urlsplit(url).hostname not in LOCAL_HOSTS, self._abort)

    def _abort(self, route) -> None:
        self.requested.append(route.request.url)
        route.abort("internetdisconnected")


@pytest.fixture(name="phone")
def phone_fixture(browser) -> Iterator[Page]:
    """A fresh phone-sized tab for an Indonesian-speaking buyer in Palembang."""
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        timezone_id="Asia/Jakarta",
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture(name="problems")
def problems_fixture(phone) -> PageProblems:
    """What went wrong in the phone's tab, recorded from before its first page load."""
    return PageProblems(phone)


def snap(page: Page, path: Path) -> Path:
    """Load every image (lazy ones too), check none is broken, save a full-page screenshot."""
    broken = page.evaluate(
        """async () => {
            const images = Array.from(document.images);
            images.forEach((img) => { img.loading = "eager"; });
            await Promise.all(images.map((img) => img.decode().catch(() => null)));
            return images.filter((img) => !img.complete || img.naturalWidth === 0)
                         .map((img) => img.currentSrc || img.src);
        }"""
    )
    assert broken == [], f"broken images on {page.url}: {broken}"
    page.screenshot(path=str(path), full_page=True)
    return path

"""Pytest plugin: a localstripe server on loopback, and helpers for using it.

localstripe imitates Stripe's API well enough for the real ``stripe`` library
to talk to it. One server runs per test session; each test starts from an
empty store and no registered webhooks.

Why localstripe is not started with ``python -m localstripe --port N
--from-scratch``: that command binds ``::`` (every interface, IPv4 and IPv6)
and has no host option, and it pickles its whole store to the shared path
``/tmp/localstripe.pickle`` after every write. So the session runs a few
lines of Python instead (``storefront.payments.localstripe_runner``) that serve localstripe's own
aiohttp app on a socket this process has already bound to 127.0.0.1, keep the
store in memory only (what ``--from-scratch`` plus no dump amounts to), and
add one route, ``DELETE /_config/webhooks``, because ``DELETE /_config/data``
forgets objects but not webhook endpoints.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from storefront.payments.gateway import StripeGateway

TEST_SECRET_KEY = "sk_test_12345"
TEST_PUBLISHABLE_KEY = "pk_test_12345"
TEST_WEBHOOK_SECRET = "whsec_test_secret"

START_TIMEOUT_SECONDS = 20.0
STOP_TIMEOUT_SECONDS = 10.0
HTTP_TIMEOUT_SECONDS = 5.0


def _http(
    method: str, url: str, form: Mapping[str, str] | None = None, *, api_key: str | None = None
) -> bytes:
    """One plain HTTP request to localstripe; raises on any non-2xx answer."""
    data = urllib.parse.urlencode(form).encode("ascii") if form is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if api_key is not None:
        request.add_header("Authorization", f"Bearer {api_key}")
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:
        return response.read()


def _wait_until_answering(base_url: str, process: subprocess.Popen, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while True:
        if process.poll() is not None:
            raise RuntimeError(
                f"localstripe exited with {process.returncode}:\n{log_path.read_text()}"
            )
        try:
            _http("GET", f"{base_url}/v1/payment_intents", api_key=TEST_SECRET_KEY)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            # Not serving yet: connections queue on the bound socket until the
            # child's event loop starts accepting them.
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"localstripe did not answer within {START_TIMEOUT_SECONDS}s:\n"
                f"{log_path.read_text()}"
            )
        time.sleep(0.05)


@pytest.fixture(scope="session")
def localstripe_server(tmp_path_factory) -> Iterator[str]:
    """A localstripe server on 127.0.0.1 for the whole session; yields its base URL.

    The listening socket is bound here and handed to the child, so the port is
    known without a race against other processes grabbing it.
    """
    log_path = tmp_path_factory.mktemp("localstripe") / "localstripe.log"
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    port = listener.getsockname()[1]
    base_url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "storefront.payments.localstripe_runner",
                "--fd",
                str(listener.fileno()),
            ],
            pass_fds=(listener.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    # The child holds its own copy of the socket now.
    listener.close()
    try:
        _wait_until_answering(base_url, process, log_path)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def reset_localstripe(base_url: str) -> None:
    """Forget every object and every webhook endpoint localstripe knows."""
    _http("DELETE", f"{base_url}/_config/data")
    _http("DELETE", f"{base_url}/_config/webhooks")


@pytest.fixture
def localstripe(localstripe_server: str) -> str:
    """The session's localstripe, emptied for this test; returns its base URL.

    localstripe sends each event about a second after it happens, so an event
    from the previous test may still arrive at a webhook this test registers
    quickly: tests that listen for webhooks should match events by object id.
    """
    reset_localstripe(localstripe_server)
    return localstripe_server


@pytest.fixture
def stripe_gateway(localstripe: str) -> StripeGateway:
    """A gateway talking to this test's empty localstripe."""
    return StripeGateway(
        secret_key=TEST_SECRET_KEY, webhook_secret=TEST_WEBHOOK_SECRET, api_base=localstripe
    )


def register_localstripe_webhook(
    base_url: str,
    webhook_id: str,
    url: str,
    secret: str,
    events: list[str] | None = None,
) -> None:
    """Have localstripe deliver events to ``url``, signed with ``secret``.

    ``events`` limits the delivery to those event types; by default all are
    sent. Registering the same ``webhook_id`` again replaces the endpoint.
    """
    form: list[tuple[str, str]] = [("url", url), ("secret", secret)]
    form += [("events[]", event) for event in events or ()]
    data = urllib.parse.urlencode(form).encode("ascii")
    request = urllib.request.Request(
        f"{base_url}/_config/webhooks/{webhook_id}", data=data, method="POST"
    )
    with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS):
        pass


def create_localstripe_card(base_url: str, number: str) -> str:
    """Create a card payment method from a test card number; returns its ``pm_`` id.

    localstripe knows only three named test payment methods (``pm_card_visa``,
    ``pm_card_visa_chargeDeclined``, ``pm_card_chargeCustomerFail``); other
    behaviours, such as 3-D Secure, come from Stripe's test card numbers,
    e.g. ``4000002760003184`` or ``4000000000003220``. Real Stripe refuses raw
    card numbers from a server, which is why this lives here and not in the
    gateway.
    """
    body = _http(
        "POST",
        f"{base_url}/v1/payment_methods",
        {
            "type": "card",
            "card[number]": number,
            "card[exp_month]": "12",
            "card[exp_year]": "2034",
            "card[cvc]": "123",
        },
        api_key=TEST_SECRET_KEY,
    )
    return _json_field(body, "id")


def authenticate_localstripe_intent(
    base_url: str, intent_id: str, client_secret: str, *, success: bool = True
) -> None:
    """Finish (or fail) the 3-D Secure step of an intent in ``requires_action``.

    This is localstripe's stand-in for the bank's challenge page: success
    charges the card, failure returns the intent to ``requires_payment_method``.
    """
    _http(
        "POST",
        f"{base_url}/v1/payment_intents/{intent_id}/_authenticate",
        {
            "key": TEST_PUBLISHABLE_KEY,
            "client_secret": client_secret,
            "success": "true" if success else "false",
        },
    )


def _json_field(body: bytes, name: str) -> str:
    return str(json.loads(body)[name])

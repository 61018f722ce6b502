"""``make run``: serve the shop on loopback, with localstripe when no Stripe keys are set.

With no ``STRIPE_SECRET_KEY`` in the environment, a local localstripe is
started on loopback, the app is pointed at it with test keys, and a webhook
endpoint is registered so test payments reach the shop just as Stripe's would.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

LOCAL_SECRET_KEY = "sk_test_localstripe"
LOCAL_PUBLISHABLE_KEY = "pk_test_localstripe"
LOCAL_WEBHOOK_SECRET = "whsec_localstripe_development"


def start_localstripe(port: int) -> subprocess.Popen:
    """Start localstripe on 127.0.0.1:``port`` and wait until it answers."""
    process = subprocess.Popen(
        [sys.executable, "-m", "storefront.payments.localstripe_runner", "--port", str(port)],
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/v1/customers", timeout=1)
        except urllib.error.HTTPError:
            return process  # it answers (401 without a key): it is up
        except OSError:
            if process.poll() is not None:
                raise SystemExit("localstripe exited before it could serve") from None
            time.sleep(0.2)
        else:
            return process
    process.terminate()
    raise SystemExit("localstripe did not start within 30 s")


def register_webhook(base: str, shop_url: str) -> None:
    """Tell localstripe to deliver signed events to the shop's webhook."""
    data = urllib.parse.urlencode(
        {"url": f"{shop_url}/payments/stripe/webhook", "secret": LOCAL_WEBHOOK_SECRET}
    ).encode()
    urllib.request.urlopen(f"{base}/_config/webhooks/cantik", data=data, timeout=5)


def main() -> None:
    """Parse the port options, start localstripe if needed, and serve."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--localstripe-port", type=int, default=8420)
    args = parser.parse_args()

    localstripe = None
    if not os.environ.get("STRIPE_SECRET_KEY"):
        localstripe = start_localstripe(args.localstripe_port)
        base = f"http://127.0.0.1:{args.localstripe_port}"
        os.environ.update(
            STRIPE_SECRET_KEY=LOCAL_SECRET_KEY,
            STRIPE_PUBLISHABLE_KEY=LOCAL_PUBLISHABLE_KEY,
            STRIPE_WEBHOOK_SECRET=LOCAL_WEBHOOK_SECRET,
            STRIPE_API_BASE=base,
        )
        register_webhook(base, f"http://127.0.0.1:{args.port}")
        print(f" * Payments: localstripe on {base} (test mode, no real money)")

    from storefront import create_app

    app = create_app()
    # config.py read the environment at import, before the keys above were set.
    for name in (
        "STRIPE_SECRET_KEY",
        "STRIPE_PUBLISHABLE_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "STRIPE_API_BASE",
    ):
        app.config[name] = os.environ.get(name, app.config.get(name, ""))
    try:
        app.run(host="127.0.0.1", port=args.port, use_reloader=False)
    finally:
        if localstripe is not None:
            localstripe.terminate()
            localstripe.wait(timeout=10)


if __name__ == "__main__":
    main()

"""``make run``: serve the shop on loopback, with localstripe when no Stripe keys are set.

With no ``STRIPE_SECRET_KEY`` in the environment, a localstripe of this run's
own is started on a free loopback port (or ``--localstripe-port``), the app is
pointed at it with test keys, and a webhook endpoint is registered so test
payments reach the shop just as Stripe's would. localstripe stops with the
server, whether that is stopped by Ctrl-C or by SIGTERM.

``SITE_URL`` follows ``--port`` (``PORT=5001 make run`` gives links to
http://127.0.0.1:5001) unless it is set. E-mails waiting in the outbox are
sent every few seconds while the server runs, so with no ``MAIL_SERVER`` each
one is printed in full on this console as soon as the shop writes it.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

LOCAL_SECRET_KEY = "sk_test_localstripe"
LOCAL_PUBLISHABLE_KEY = "pk_test_localstripe"
LOCAL_WEBHOOK_SECRET = "whsec_localstripe_development"
OUTBOX_INTERVAL_SECONDS = 3
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: be sent SIGTERM when the dev server dies, even by SIGKILL."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: Ctrl-C and SIGTERM still stop it
        pass


def start_localstripe(port: int = 0) -> tuple[subprocess.Popen, int]:
    """Start localstripe on 127.0.0.1:``port`` (0: a free one); wait until it answers.

    The socket is bound here and handed to localstripe already listening, so the
    port is known at once and no other program can take it in between.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    port = sock.getsockname()[1]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "storefront.payments.localstripe_runner",
            "--fd",
            str(sock.fileno()),
        ],
        pass_fds=[sock.fileno()],
        preexec_fn=_die_with_parent if sys.platform == "linux" else None,
    )
    sock.close()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/v1/customers", timeout=1)
        except urllib.error.HTTPError:
            return process, port  # it answers (401 without a key): it is up
        except OSError:
            if process.poll() is not None:
                raise SystemExit("localstripe exited before it could serve") from None
            time.sleep(0.2)
        else:
            return process, port
    stop(process)
    raise SystemExit("localstripe did not start within 30 s")


def stop(process: subprocess.Popen) -> None:
    """Stop a child process: SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


def register_webhook(base: str, shop_url: str) -> None:
    """Tell localstripe to deliver signed events to the shop's webhook."""
    data = urllib.parse.urlencode(
        {"url": f"{shop_url}/payments/stripe/webhook", "secret": LOCAL_WEBHOOK_SECRET}
    ).encode()
    urllib.request.urlopen(f"{base}/_config/webhooks/cantik", data=data, timeout=5)


def send_outbox_while_serving(app, stopped: threading.Event) -> threading.Thread:
    """Send (or, with no MAIL_SERVER, print) waiting e-mails every few seconds."""
    from storefront.outbox.services import send_pending

    def loop() -> None:
        while not stopped.wait(OUTBOX_INTERVAL_SECONDS):
            try:
                with app.app_context():
                    send_pending()
            except Exception:  # noqa: BLE001  (a failed pass is logged; the next one retries)
                app.logger.exception("sending the outbox failed")

    thread = threading.Thread(target=loop, name="outbox", daemon=True)
    thread.start()
    return thread


def _stop_on_sigterm(signum, frame) -> None:
    # Unwinds app.run() like Ctrl-C does, so the ``finally`` below stops localstripe.
    raise KeyboardInterrupt


def main() -> None:
    """Parse the port options, start localstripe if needed, and serve."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument(
        "--localstripe-port", type=int, default=0, help="default: a free port of this run's own"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    site_url = os.environ.get("SITE_URL") or f"http://127.0.0.1:{args.port}"

    localstripe = None
    try:
        if not os.environ.get("STRIPE_SECRET_KEY"):
            localstripe, localstripe_port = start_localstripe(args.localstripe_port)
            base = f"http://127.0.0.1:{localstripe_port}"
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
        # config.py read the environment at import, before the values above were set.
        for name in (
            "STRIPE_SECRET_KEY",
            "STRIPE_PUBLISHABLE_KEY",
            "STRIPE_WEBHOOK_SECRET",
            "STRIPE_API_BASE",
        ):
            app.config[name] = os.environ.get(name, app.config.get(name, ""))
        app.config["SITE_URL"] = site_url
        print(f" * Links in pages and e-mails: {site_url}")
        stopped = threading.Event()
        send_outbox_while_serving(app, stopped)
        try:
            # Tracebacks in the browser, but never the debugger's console: it runs Python.
            app.run(host="127.0.0.1", port=args.port, use_reloader=False, use_evalex=False)
        finally:
            stopped.set()
    except KeyboardInterrupt:
        pass
    finally:
        if localstripe is not None:
            stop(localstripe)


if __name__ == "__main__":
    main()

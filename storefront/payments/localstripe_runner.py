"""Run localstripe (a local imitation of Stripe's API) on loopback only.

``python -m localstripe`` binds every interface and pickles its store to a
shared file in /tmp after every write. This runner serves localstripe's own
aiohttp app on 127.0.0.1 (or on a socket inherited already bound there), keeps
the store in memory, and adds ``DELETE /_config/webhooks`` so tests can forget
registered endpoints, which ``DELETE /_config/data`` does not.

Used by ``make run`` when no Stripe keys are set, and by the test fixtures.
"""

from __future__ import annotations

import argparse
import logging
import socket


def main() -> None:
    """Serve localstripe on ``--port`` of 127.0.0.1, or on the inherited socket ``--fd``."""
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--port", type=int)
    group.add_argument("--fd", type=int)
    args = parser.parse_args()

    from aiohttp import web
    from localstripe import resources, server, webhooks

    resources.Store.dump_to_disk = lambda self: None  # memory only, nothing in /tmp

    async def forget_webhooks(request):
        webhooks._webhooks.clear()
        return web.Response()

    server.app.router.add_delete("/_config/webhooks", forget_webhooks)

    access = logging.getLogger("aiohttp.access")
    access.setLevel(logging.INFO)
    access.addHandler(logging.StreamHandler())

    if args.fd is not None:
        sock = socket.socket(fileno=args.fd)
    else:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", args.port))
        sock.listen(128)
    web.run_app(server.app, sock=sock, access_log=access, print=None)


if __name__ == "__main__":
    main()

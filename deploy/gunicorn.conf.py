"""gunicorn's settings for the shop.

    gunicorn -c deploy/gunicorn.conf.py 'storefront:create_app()'

Read by deploy/systemd/cantik.service. The environment may change the few
that differ between hosts: ``GUNICORN_BIND`` (``127.0.0.1:8000``; a private
address when nginx runs on another host), ``GUNICORN_WORKERS`` (two per CPU
plus one) and ``GUNICORN_TIMEOUT`` (seconds; keep it above the database's
statement timeout so a slow query ends as a 503 page, not a killed worker).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "sync"  # nginx buffers requests and responses, so slow clients hold no worker
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# A worker is replaced after this many requests, so a slow leak never grows for long.
max_requests = 2000
max_requests_jitter = 200
# Only nginx on this host (or the addresses named) may say a request came over HTTPS.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# The app writes one JSON access line per request itself (with its request id), so
# gunicorn keeps no access log; its own messages are JSON lines on stderr as well.
accesslog = None
errorlog = "-"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "storefront.logging_setup.JsonLines"}},
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stderr",
        }
    },
    "loggers": {
        "gunicorn.error": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
    # The app puts its own JSON handler on the root logger when it starts.
    "root": {"handlers": [], "level": "WARNING"},
}

"""gunicorn's settings as deployed (the Dockerfile, docker-compose and `make bench`'s load test
read this file: gunicorn loads ./gunicorn.conf.py from the directory it starts in).

gunicorn's advice: (2 × cores) + 1 worker processes, so that a core never waits while a worker
is blocked on the database. Each worker answers one request at a time (WEB_THREADS, default 1,
gives it more) and takes a connection only when it is free, closing it after the answer: the
requests waiting for a worker wait in one line, the listening socket's, and the first free
worker takes the oldest. With connections kept alive each client stayed with the worker that
first accepted it, and the clients of a busy worker waited several times as long as the others.
Every thread holds its own database connection (CONN_MAX_AGE): workers × threads connections per
web process, well under PostgreSQL's default 100 for a few replicas. WEB_WORKERS and WEB_THREADS
override both (docker-compose gives each of its replicas a share of the host's cores).
"""

import multiprocessing
import os

bind = os.environ.get("WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_WORKERS") or multiprocessing.cpu_count() * 2 + 1)
threads = int(os.environ.get("WEB_THREADS") or 1)
worker_class = "gthread"
worker_connections = threads  # a connection is accepted only by a worker with a thread free
keepalive = 0  # and closed after its answer (deploy/nginx.conf opens one per request)
timeout = 60
graceful_timeout = 30
# A worker is replaced after this many requests (with jitter, not all at once): a slow leak in a
# library cannot grow a worker for ever.
max_requests = 2000
max_requests_jitter = 200
# The app is loaded once, in the master process, and made ready there (renda/core/warmup.py:
# templates compiled, URL patterns and catalogues read); every worker, and every replacement
# after max_requests, is forked ready to serve instead of spending its first seconds importing
# and compiling while its clients wait. Nothing in the master opens a database connection.
preload_app = True
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None


def when_ready(server):
    """In the master, after the app is loaded and before any worker is forked."""
    from renda.core.warmup import warm_up

    server.log.info("Warmed up: %d templates compiled", warm_up())

"""Real processes for fault tests: Celery workers and an app server on the test database.

The tests use `transactional_db`, so what they create is committed and visible to the
subprocesses, which connect to the same test database with DATABASE_URL.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable
CELERY = str(Path(PY).with_name("celery"))
GUNICORN = str(Path(PY).with_name("gunicorn"))


def database_url():
    s = connection.settings_dict
    auth = quote(s["USER"] or "")
    if s.get("PASSWORD"):
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout, interval=0.1, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Proc:
    """A subprocess in its own process group, with its output in a log file."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.popen = subprocess.Popen(
            args, env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True
        )

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def log(self):
        self._log.flush()
        return self.log_path.read_text(errors="replace")

    def kill_group(self, sig=signal.SIGKILL):
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=20)

    def stop(self):
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill_group()
            except ProcessLookupError:
                pass
        self._log.close()


@pytest.fixture
def subprocess_env(transactional_db, tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.server_settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,  # sessions made here must be valid there
        "DEBUG": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "PYTHONPATH": str(ROOT),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CELERY_BROKER_URL", None)
    return env


@pytest.fixture
def procs():
    started = []
    yield started
    for p in started:
        p.stop()


@pytest.fixture
def start_worker(subprocess_env, redis_url, tmp_path, procs):
    """start_worker() -> Proc: a Celery worker (prefork, one child) on the test redis."""

    def start(name="w1"):
        env = {**subprocess_env, "CELERY_BROKER_URL": redis_url}
        p = Proc(
            [
                CELERY,
                "-A",
                "renda",
                "worker",
                "--concurrency=1",
                "--pool=prefork",
                "--include=tests.faults.slow_jobs",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
                "--loglevel=INFO",
            ],
            env,
            tmp_path / f"worker-{name}.log",
        )
        procs.append(p)
        wait_for(lambda: "ready" in p.log() or not p.alive(), 60, what="the worker to be ready")
        assert p.alive(), p.log()
        return p

    return start


@pytest.fixture
def broker(redis_url):
    """Point this process's Celery app at the test redis (the test settings run tasks eagerly)."""
    from renda.celery import app

    yield from _app_with_broker(app, redis_url)


def _reset_pools(app):
    from kombu import pools

    pools.reset()  # closes and forgets every cached broker connection and producer
    app._pool = None
    app.amqp._producer_pool = None


def _app_with_broker(app, url):
    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}
    _reset_pools(app)
    app.conf.update(broker_url=url, task_always_eager=False)
    try:
        yield app
    finally:
        _reset_pools(app)
        app.conf.update(saved)


@pytest.fixture
def app_with_broker():
    """with-able factory: app_with_broker(url) points the Celery app at any broker URL."""
    from contextlib import contextmanager

    from renda.celery import app

    @contextmanager
    def use(url):
        gen = _app_with_broker(app, url)
        next(gen)
        try:
            yield app
        finally:
            gen.close()

    return use


@pytest.fixture
def postgres_cluster():
    """Stop/start the throwaway cluster of `make test` (scripts/test_services.sh exports it)."""
    datadir = os.environ.get("TEST_PG_DATADIR")
    require_service(datadir, "no throwaway PostgreSQL cluster to restart (run through make test)")
    run_as = os.environ.get("TEST_PG_RUN_AS", "").split()
    port = os.environ["TEST_PG_PORT"]
    sockdir = str(Path(datadir).parent)
    opts = f"-p {port} -k {sockdir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"

    class Cluster:
        def stop(self):
            connection.close()
            self.stop_keep_connection()

        def stop_keep_connection(self):
            """Stop the server under this process's open connection (mid-transaction)."""
            subprocess.run(
                [*run_as, "pg_ctl", "-D", datadir, "-m", "fast", "-w", "stop"],
                check=True,
                capture_output=True,
            )

        def start(self):
            subprocess.run(
                [*run_as, "pg_ctl", "-D", datadir, "-o", opts, "-l", f"{sockdir}/pg.log", "-w", "start"],
                check=True,
                capture_output=True,
            )
            connection.close()

        def running(self):
            return (
                subprocess.run([*run_as, "pg_ctl", "-D", datadir, "status"], capture_output=True).returncode
                == 0
            )

    cluster = Cluster()
    yield cluster
    if not cluster.running():
        cluster.start()
    connection.close()


class HttpSession:
    """A tiny HTTP client for a real server on loopback, carrying a session cookie."""

    def __init__(self, base, cookies):
        self.base = base
        self.cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())

    def get(self, path, timeout=15):
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(self.base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            conn.request("GET", path, headers={"Cookie": self.cookie, "Host": "127.0.0.1"})
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", errors="replace")
        finally:
            conn.close()


@pytest.fixture
def start_app_server(subprocess_env, tmp_path, procs):
    """start_app_server(workers=2) -> base URL of gunicorn serving the app on the test database."""

    def start(workers=2, extra_env=None):
        port = free_port()
        env = {**subprocess_env, **(extra_env or {})}
        p = Proc(
            [
                GUNICORN,
                "renda.wsgi:application",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(workers),
                "--timeout",
                "60",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                "-",
            ],
            env,
            tmp_path / f"gunicorn-{port}.log",
        )
        procs.append(p)
        base = f"http://127.0.0.1:{port}"
        session = HttpSession(base, {})

        def up():
            assert p.alive(), p.log()
            try:
                return session.get("/healthz", timeout=2)[0] in (200, 503)
            except OSError:
                return False

        wait_for(up, 60, interval=0.2, what="gunicorn to answer")
        p.base = base
        return p

    return start

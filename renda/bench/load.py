"""A bounded load generator on loopback: N logged-in clients for S seconds on a mix of list,
detail, dashboard and form-submit requests against gunicorn. Reports p50 / p95 / throughput."""

import http.client
import random
import statistics
import threading
import time
from http.cookies import SimpleCookie


class _Client:
    def __init__(self, port, cookies):
        self.port = port
        self.cookies = dict(cookies)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def _cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method, path, body=None):
        headers = {"Cookie": self._cookie_header(), "Host": "127.0.0.1"}
        if method == "POST":
            headers.update(
                {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-CSRFToken": self.cookies.get("csrftoken", ""),
                    "Referer": f"http://127.0.0.1:{self.port}/",
                }
            )
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                resp.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        for header in resp.headers.get_all("Set-Cookie") or []:
            c = SimpleCookie(header)
            for k, morsel in c.items():
                self.cookies[k] = morsel.value
        return resp.status


def run_load(*, port, profiles, clients=50, seconds=60, seed=1):
    """profiles: list of (cookie dict, mix); a mix is a list of (weight, method, path, body).
    Client i uses profile i mod len(profiles). Returns the statistics."""
    rng = random.Random(seed)
    latencies, errors, lock = [], [], threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(i):
        cookies, mix = profiles[i % len(profiles)]
        paths = [m for m in mix for _ in range(m[0])]
        client = _Client(port, cookies)
        local_rng = random.Random(rng.random())
        client.request("GET", "/")  # picks up the csrftoken cookie
        while time.monotonic() < stop_at:
            _w, method, path, body = local_rng.choice(paths)
            t0 = time.perf_counter()
            try:
                status = client.request(method, path, body)
            except Exception as exc:  # a refused or dropped connection is an error to report
                status = f"{exc.__class__.__name__}"
            ms = (time.perf_counter() - t0) * 1000
            with lock:
                latencies.append(ms)
                if status not in (200, 302):
                    errors.append((method, path, status))

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0] * 99
    return {
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": errors[:10],
        "p50_ms": q[49],
        "p95_ms": q[94],
        "throughput_rps": len(latencies) / elapsed if elapsed else 0,
        "clients": clients,
        "seconds": seconds,
    }

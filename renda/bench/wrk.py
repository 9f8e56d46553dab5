"""The load mix driven by wrk (Debian's package `wrk`), when installed.

The Python generator in load.py spends a large share of the two cores on its own 50 threads
(HTTP parsing, cookies, the GIL) that the server under test then lacks. wrk is written in C:
one wrk thread per client, each with a single keep-alive connection and its own Lua state,
plays the same closed loop as load.py (client i takes profile i mod len(profiles), then picks
its requests from the profile's weighted mix) for a few per cent of a core."""

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

_SCRIPT = r"""
local profiles = %(profiles)s
local counter = 0
local threads = {}

function setup(thread)
  thread:set("profile", counter %% #profiles + 1)
  thread:set("seed", counter + 1)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local p = profiles[profile]
  math.randomseed(seed)
  requests = {}
  for _, m in ipairs(p.mix) do
    local headers = {["Cookie"] = p.cookie, ["Host"] = "127.0.0.1"}
    if m.method == "POST" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
      headers["X-CSRFToken"] = p.csrf
      headers["Referer"] = "http://127.0.0.1/"
    end
    local r = wrk.format(m.method, m.path, headers, m.body)
    for _ = 1, m.weight do table.insert(requests, r) end
  end
  bad = 0
  samples = {}
end

function request()
  return requests[math.random(#requests)]
end

function response(status, headers, body)
  if status ~= 200 and status ~= 302 then
    bad = bad + 1
    if #samples < 3 then table.insert(samples, tostring(status)) end
  end
end

function done(summary, latency, requests)
  local bad_total, seen = 0, {}
  for _, t in ipairs(threads) do
    bad_total = bad_total + t:get("bad")
    for _, s in ipairs(t:get("samples")) do table.insert(seen, s) end
  end
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%%d duration_us=%%d p50_us=%%d p95_us=%%d bad=%%d socket=%%d samples=%%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), bad_total,
    e.connect + e.read + e.write + e.timeout, table.concat(seen, ",")))
end
"""


def available():
    return shutil.which("wrk") is not None


def _lua_profiles(profiles, csrf):
    """profiles as a Lua table literal (JSON arrays and objects written in Lua syntax)."""
    out = []
    for cookies, mix in profiles:
        cookie = "; ".join(f"{k}={v}" for k, v in {**cookies, "csrftoken": csrf}.items())
        items = [
            f"{{weight={weight}, method={json.dumps(method)}, path={json.dumps(path)}, "
            f"body={json.dumps(body) if body else 'nil'}}}"
            for weight, method, path, body in mix
        ]
        out.append(f"{{cookie={json.dumps(cookie)}, csrf={json.dumps(csrf)}, mix={{{', '.join(items)}}}}}")
    return "{" + ", ".join(out) + "}"


def run_wrk(*, port, profiles, clients=50, seconds=60):
    """The statistics of load.run_load, measured by wrk (one thread and connection per client)."""
    from django.middleware.csrf import _get_new_csrf_string

    script = _SCRIPT % {"profiles": _lua_profiles(profiles, _get_new_csrf_string())}
    with tempfile.TemporaryDirectory(prefix="renda-wrk-") as tmp:
        path = Path(tmp) / "mix.lua"
        path.write_text(script, encoding="utf-8")
        result = subprocess.run(
            [
                "wrk",
                f"-t{clients}",
                f"-c{clients}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(path),
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 120,
            check=True,
        )
    match = re.search(r"RESULT (.*)", result.stdout)
    if not match:
        raise RuntimeError(f"wrk printed no result: {result.stdout[-500:]} {result.stderr[-500:]}")
    fields = dict(pair.split("=", 1) for pair in match.group(1).split(" "))
    requests, duration = int(fields["requests"]), int(fields["duration_us"]) / 1e6
    errors = int(fields["bad"]) + int(fields["socket"])
    return {
        "requests": requests,
        "errors": errors,
        "error_samples": [s for s in fields["samples"].split(",") if s],
        "p50_ms": int(fields["p50_us"]) / 1000,
        "p95_ms": int(fields["p95_us"]) / 1000,
        "throughput_rps": requests / duration if duration else 0,
        "clients": clients,
        "seconds": seconds,
        "generator": "wrk",
    }

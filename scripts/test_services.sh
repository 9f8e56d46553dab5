#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster (and redis-server, when installed).
# Both are stopped and removed on exit, whatever the command's result.
# With DATABASE_URL already set, no PostgreSQL is started.
set -euo pipefail

tmp=$(mktemp -d -t renda-test-XXXXXX)
pg_started=""
redis_pid=""

cleanup() {
  if [ -n "$pg_started" ]; then
    pg_ctl -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "$redis_pid" ]; then
    kill "$redis_pid" 2>/dev/null || true
    wait "$redis_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

if [ -z "${DATABASE_URL:-}" ]; then
  command -v initdb >/dev/null || { echo "initdb not found: install the PostgreSQL server binaries (or set DATABASE_URL)" >&2; exit 2; }
  pg_user=postgres
  run_as=()
  if [ "$(id -u)" = "0" ]; then
    # PostgreSQL refuses to run as root: run the cluster as an unprivileged user.
    id -u renda-pg >/dev/null 2>&1 || useradd --system --no-create-home renda-pg
    chown -R renda-pg "$tmp"
    chmod 755 "$tmp"
    run_as=(runuser -u renda-pg --)
  fi
  port=$(free_port)
  "${run_as[@]}" initdb -D "$tmp/pg" -U "$pg_user" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  "${run_as[@]}" pg_ctl -D "$tmp/pg" -o "-p $port -k $tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" -l "$tmp/pg.log" -w start >/dev/null
  pg_started=1
  # pg_ctl must stop it as the same user
  if [ ${#run_as[@]} -gt 0 ]; then
    cleanup() {
      runuser -u renda-pg -- pg_ctl -D "$tmp/pg" -m immediate stop >/dev/null 2>&1 || true
      if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; wait "$redis_pid" 2>/dev/null || true; fi
      rm -rf "$tmp"
    }
  fi
  export DATABASE_URL="postgres://$pg_user@127.0.0.1:$port/postgres"
  export TEST_PG_DATADIR="$tmp/pg" TEST_PG_PORT="$port" TEST_PG_RUN_AS="${run_as[*]:-}"
  echo "PostgreSQL $(postgres --version | awk '{print $3}') started on port $port (throwaway cluster)"
fi

if [ -z "${TEST_REDIS_URL:-}" ] && command -v redis-server >/dev/null; then
  rport=$(free_port)
  redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$tmp/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    redis-cli -p "$rport" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  export TEST_REDIS_URL="redis://127.0.0.1:$rport/0" TEST_REDIS_PORT="$rport"
  echo "redis-server started on port $rport"
fi

"$@"

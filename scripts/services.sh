#!/usr/bin/env bash
# Sourced by scripts/test.sh and scripts/bench.sh: starts a private PostgreSQL and Redis on spare ports in a
# temporary directory, exports DATABASE_URL and REDIS_URL for them, and stops both (and removes the directory)
# when the sourcing script exits. Needs PostgreSQL's server binaries and redis-server installed.

PG_BIN=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
RUN_DIR=$(mktemp -d /tmp/portal-test.XXXXXX)
chmod 755 "$RUN_DIR"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PG_PORT=${PG_PORT:-$(free_port)}
REDIS_PORT=${REDIS_PORT:-$(free_port)}

as_pg() {
  # PostgreSQL refuses to run as root; use the postgres account when we are root.
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi
}

cleanup() {
  as_pg "$PG_BIN/pg_ctl -D $RUN_DIR/pg -m immediate stop" >/dev/null 2>&1 || true
  [ -f "$RUN_DIR/redis.pid" ] && kill "$(cat "$RUN_DIR/redis.pid")" 2>/dev/null || true
  rm -rf "$RUN_DIR"
}
trap cleanup EXIT

mkdir -p "$RUN_DIR/pg" "$RUN_DIR/sock"
if [ "$(id -u)" = 0 ]; then chown postgres "$RUN_DIR/pg" "$RUN_DIR/sock"; fi
as_pg "$PG_BIN/initdb -D $RUN_DIR/pg -U portal --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null"
as_pg "$PG_BIN/pg_ctl -D $RUN_DIR/pg -l $RUN_DIR/pg/log -o '-p $PG_PORT -k $RUN_DIR/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_EXTRA_OPTIONS:-}' -w start >/dev/null"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log"

export DATABASE_URL="postgres://portal@127.0.0.1:$PG_PORT/portal"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"

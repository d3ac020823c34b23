#!/usr/bin/env bash
# Runs the whole test suite against a real PostgreSQL and a real Redis, with browser tests in Debian's Chromium.
# Installs what is missing (as root, through apt), starts private servers on spare ports in a temporary
# directory, and stops them again on exit. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v msgfmt >/dev/null || need+=(gettext)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

scripts/bootstrap.sh

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
as_pg "$PG_BIN/pg_ctl -D $RUN_DIR/pg -l $RUN_DIR/pg/log -o '-p $PG_PORT -k $RUN_DIR/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off' -w start >/dev/null"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
  --pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log"

export DATABASE_URL="postgres://portal@127.0.0.1:$PG_PORT/portal"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
export SECRET_KEY="test-only-secret-key-not-for-production-use-0123456789"
export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS="localhost,127.0.0.1,testserver"
export STATIC_ROOT="$RUN_DIR/static"
export CHROMIUM_PATH=/usr/bin/chromium
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # Playwright's sync API runs an event loop in the test thread.

.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python -m pytest "$@"

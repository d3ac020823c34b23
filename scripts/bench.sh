#!/usr/bin/env bash
# Runs the benchmarks in tests/bench against a private PostgreSQL (and Redis) started like the test runner does.
# Extra arguments go to each benchmark script (e.g. --repeat 5); BENCH=<name> runs only tests/bench/bench_<name>.py.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
scripts/bootstrap.sh

# A production-like server for timing: durable writes stay off (as in the test runner), memory for a 1M-row table.
export PG_EXTRA_OPTIONS="-c shared_buffers=512MB -c work_mem=64MB -c maintenance_work_mem=256MB"
source scripts/services.sh
export SECRET_KEY="bench-only-secret-key-not-for-production-use-0123456789"
export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS="localhost,127.0.0.1"
export LOG_LEVEL=WARNING

as_pg "$PG_BIN/createdb -h 127.0.0.1 -p $PG_PORT -U portal portal"
.venv/bin/python manage.py migrate --noinput -v0
# BENCH=command_centre (a glob) runs only the matching benchmarks; BENCH=restore only the restore drill.
if [ "${BENCH:-}" != restore ]; then
  for bench in tests/bench/bench_${BENCH:-*}.py; do
    echo "== $bench"
    .venv/bin/python "$bench" "$@"
  done
fi
# The restore drill (docs/operations.md) on a demo city in the private server: dump, base backup, uploads.
if [ -z "${BENCH:-}" ] || [ "$BENCH" = restore ]; then
  echo "== scripts/restore_drill.sh"
  as_pg "$PG_BIN/dropdb -h 127.0.0.1 -p $PG_PORT -U portal portal" && as_pg "$PG_BIN/createdb -h 127.0.0.1 -p $PG_PORT -U portal portal"
  .venv/bin/python manage.py migrate --noinput -v0
  VAR_DIR="$RUN_DIR/var" DEMO_CASES_SCALE=${DEMO_CASES_SCALE:-0.1} .venv/bin/python manage.py seed_demo >/dev/null
  VAR_DIR="$RUN_DIR/var" PG_BIN=$PG_BIN scripts/restore_drill.sh
fi

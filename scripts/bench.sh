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
# BENCH=command_centre (a glob) runs only the matching benchmarks.
for bench in tests/bench/bench_${BENCH:-*}.py; do
  echo "== $bench"
  .venv/bin/python "$bench" "$@"
done

#!/usr/bin/env bash
# Runs the whole test suite against a real PostgreSQL and a real Redis, with browser tests in Debian's Chromium.
# Installs what is missing (as root, through apt), starts private servers on spare ports in a temporary
# directory, and stops them again on exit. Extra arguments go to pytest, which runs on PYTEST_WORKERS (2) workers.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v redis-server >/dev/null || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v msgfmt >/dev/null || need+=(gettext)
# grep reads to the end: with -q it would stop early, fc-list would die of SIGPIPE and pipefail call the font missing.
fc-list 2>/dev/null | grep -i "noto sans cjk" >/dev/null || need+=(fonts-noto-cjk)
command -v npm >/dev/null || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} ..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

scripts/bootstrap.sh

# axe-core, the accessibility engine of the browser tests (tests/e2e/test_accessibility.py), from the npm registry
# at the version pinned in tests/e2e/axe/package-lock.json (checked against its integrity hash); once per version.
axe_dir=tests/e2e/axe
axe_wanted=$(node -p "require('./$axe_dir/package-lock.json').packages['node_modules/axe-core'].version")
axe_have=$(node -p "try { require('./$axe_dir/node_modules/axe-core/package.json').version } catch (e) { '' }")
if [ "$axe_wanted" != "$axe_have" ]; then
  echo "Installing axe-core $axe_wanted for the accessibility check ..."
  npm ci --prefix "$axe_dir" --no-audit --no-fund --loglevel=error >/dev/null
fi

# Private PostgreSQL and Redis on spare ports (shared with scripts/bench.sh); exports DATABASE_URL, REDIS_URL.
source scripts/services.sh
# The main database, so that makemigrations can check the migration history (pytest makes its own test database).
as_pg "$PG_BIN/createdb -h 127.0.0.1 -p $PG_PORT -U portal portal"
export SECRET_KEY="test-only-secret-key-not-for-production-use-0123456789"
export DEBUG=0 SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS="localhost,127.0.0.1,testserver"
export STATIC_ROOT="$RUN_DIR/static"
export CHROMIUM_PATH=/usr/bin/chromium
export DJANGO_ALLOW_ASYNC_UNSAFE=true  # Playwright's sync API runs an event loop in the test thread.

.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null
.venv/bin/python manage.py collectstatic --noinput -v0
# The English pages need the compiled catalogues; a fresh clone has only the .po sources.
if compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
  .venv/bin/python manage.py compilemessages --ignore=.venv -v0
fi
# Two workers by default (PYTEST_WORKERS=0 runs in one process); each has its own test database, cache and live
# server. loadgroup keeps a group (the tests sharing the seeded demo city) on one worker. A -n among the arguments wins.
workers=${PYTEST_WORKERS:-2}
if [ "$workers" = 0 ]; then
  .venv/bin/python -m pytest "$@"
else
  .venv/bin/python -m pytest -n "$workers" --dist loadgroup "$@"
fi

#!/usr/bin/env bash
# Sets up and runs the portal with demo data on the embedded default: SQLite under var/, Celery on kombu's
# filesystem broker under var/, the web server (gunicorn, static files through WhiteNoise), one Celery worker and
# one beat, kept running by scripts/supervise.py. Ctrl-C (or SIGTERM) stops all three. DEBUG=0 runs with the
# production settings (collected static files, a SECRET_KEY kept in var/secret_key) over plain http.
#
# Environment: PORT (default 8000), HOST (default 0.0.0.0), WEB_WORKERS (default 2), VAR_DIR (default var/).
# DATABASE_URL and REDIS_URL are honoured when set; without them nothing but Python is needed.
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-8000}
HOST=${HOST:-0.0.0.0}
WEB_WORKERS=${WEB_WORKERS:-2}

scripts/bootstrap.sh

# A local demonstration: DEBUG keeps cookies usable over plain http and serves static files from the source tree.
export DEBUG=${DEBUG:-1}
if [ "$DEBUG" = 0 ]; then
  # Production settings over plain http on a local machine: a key kept under var/ (stable across runs), cookies
  # and redirects without HTTPS, static files collected for WhiteNoise's manifest.
  mkdir -p "${VAR_DIR:-var}"
  key_file="${VAR_DIR:-var}/secret_key"
  [ -s "$key_file" ] || (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' >"$key_file")
  export SECRET_KEY=${SECRET_KEY:-$(cat "$key_file")}
  export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-0} SECURE_HSTS_SECONDS=${SECURE_HSTS_SECONDS:-0}
  export SESSION_COOKIE_SECURE=${SESSION_COOKIE_SECURE:-0} CSRF_COOKIE_SECURE=${CSRF_COOKIE_SECURE:-0}
fi
# The server listens on every interface, so the portal answers to whatever name or address reaches it.
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-*}
export PYTHONUNBUFFERED=1
VAR=${VAR_DIR:-var}
mkdir -p "$VAR/log"
PY=.venv/bin/python

if ! $PY -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((sys.argv[1], int(sys.argv[2])))' "$HOST" "$PORT" 2>/dev/null; then
  echo "Port $PORT is already in use; choose another one: PORT=8080 scripts/run.sh" >&2
  exit 1
fi

# Translations: compile the catalogues when they are newer than their compiled form (needs gettext's msgfmt).
if compgen -G "locale/*/LC_MESSAGES/*.po" >/dev/null; then
  if ! command -v msgfmt >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing gettext (to compile the translations) ..."
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext >/dev/null
  fi
  if command -v msgfmt >/dev/null; then
    $PY manage.py compilemessages --ignore=.venv --ignore=var -v0
  else
    echo "msgfmt not found: the English translation stays uncompiled (apt-get install gettext)." >&2
  fi
fi

$PY manage.py migrate --noinput -v0
# Always, so that DEBUG=0 finds WhiteNoise's manifest; quick when nothing changed.
$PY manage.py collectstatic --noinput -v0
seed_log="$VAR/log/seed_demo.log"
$PY manage.py seed_demo | tee "$seed_log"

# The supervisor (scripts/supervise.py) runs the web server, one Celery worker and one beat, starts again whichever
# dies (the web server stays up while the worker is replaced), stops a beat left over by an earlier run, and takes
# all three down with it, even when it is killed itself. The solo pool keeps one worker process on SQLite.
worker_log="$VAR/log/worker.log"
$PY scripts/supervise.py --var "$VAR" \
  --web ".venv/bin/gunicorn efficiency_portal.wsgi:application --bind $HOST:$PORT --workers $WEB_WORKERS --threads 4 --access-logfile - --error-logfile - --log-level warning" \
  --worker ".venv/bin/celery -A efficiency_portal worker --pool=solo --loglevel=${CELERY_LOG_LEVEL:-INFO} --hostname=portal@%h" \
  --beat ".venv/bin/celery -A efficiency_portal beat --loglevel=${CELERY_LOG_LEVEL:-INFO}" &
supervisor_pid=$!
stop() {
  trap - INT TERM EXIT
  echo
  kill -TERM "$supervisor_pid" 2>/dev/null || true
  wait "$supervisor_pid" 2>/dev/null || true
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

announce() {
  local base="http://$probe_host:$PORT/"
  [ "$HOST" = 0.0.0.0 ] && base="http://localhost:$PORT/"
  local addresses=$base
  if [ "$HOST" = 0.0.0.0 ]; then
    for ip in $(hostname -I 2>/dev/null || true); do
      case $ip in *:*) ;; *) addresses="$addresses  http://$ip:$PORT/" ;; esac
    done
  fi
  echo
  echo "================================================================================"
  echo " Efficiency Portal 机关效能监督平台 is running."
  echo " Open: $addresses"
  echo " Admin site: ${base}admin/   API docs: ${base}api/docs/"
  if grep -q "Demo logins" "$seed_log"; then
    sed -n '/Demo logins/,/every other staff/p' "$seed_log" | sed 's/^/ /'
  else
    echo " Demo logins: admin, supervisor (password Demo!2026pass)"
  fi
  echo " Worker and beat logs (deadline sweep every minute, notification outbox every few seconds):"
  echo "   $worker_log  $VAR/log/beat.log"
  echo " Press Ctrl-C to stop."
  echo "================================================================================"
  echo
}

# Announce the address once the server answers.
probe_host=$HOST
[ "$HOST" = 0.0.0.0 ] && probe_host=127.0.0.1
for _ in $(seq 1 150); do
  if $PY - "$probe_host" "$PORT" <<'EOF' 2>/dev/null; then
import sys, urllib.request
urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}/", timeout=1)
EOF
    announce
    break
  fi
  kill -0 "$supervisor_pid" 2>/dev/null || break
  sleep 0.2
done

# The supervisor restarts what dies; the run ends with Ctrl-C (or SIGTERM).
wait "$supervisor_pid"

#!/usr/bin/env bash
# Sets up and runs the portal with demo data on the embedded default: SQLite under var/, Celery on kombu's
# filesystem broker under var/, the web server (gunicorn, static files through WhiteNoise) and one Celery worker
# with the beat scheduler embedded, together. Ctrl-C (or SIGTERM) stops both.
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
seed_log="$VAR/log/seed_demo.log"
$PY manage.py seed_demo | tee "$seed_log"

web_pid="" worker_pid=""
stop() {
  trap - INT TERM EXIT
  echo
  echo "Stopping the web server and the worker ..."
  for pid in $web_pid $worker_pid; do kill -TERM "$pid" 2>/dev/null || true; done
  wait $web_pid $worker_pid 2>/dev/null || true
  echo "Stopped."
}
trap 'stop; exit 0' INT TERM
trap stop EXIT

# The worker runs the beat scheduler embedded (-B); the solo pool keeps one worker process on SQLite.
# Everything it says goes to its log, so the terminal shows the web requests.
worker_log="$VAR/log/worker.log"
.venv/bin/celery -A efficiency_portal worker -B --pool=solo --loglevel="${CELERY_LOG_LEVEL:-INFO}" \
  --hostname="portal@%h" --logfile="$worker_log" >>"$worker_log" 2>&1 &
worker_pid=$!

.venv/bin/gunicorn efficiency_portal.wsgi:application --bind "$HOST:$PORT" --workers "$WEB_WORKERS" \
  --threads 4 --access-logfile - --error-logfile - --log-level warning &
web_pid=$!

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
  echo " Worker and beat log (deadline sweep every minute, notification outbox every few seconds):"
  echo "   $worker_log"
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
  kill -0 "$web_pid" 2>/dev/null || break
  sleep 0.2
done

# Whichever stops first (or a signal) ends the run; the EXIT trap stops the other.
set +e
wait -n "$web_pid" "$worker_pid"
status=$?
if ! kill -0 "$worker_pid" 2>/dev/null; then
  echo "The Celery worker stopped (exit $status); the end of $worker_log:" >&2
  tail -n 20 "$worker_log" >&2
else
  echo "The web server stopped (exit $status)." >&2
fi
exit "$status"

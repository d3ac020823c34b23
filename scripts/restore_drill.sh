#!/usr/bin/env bash
# Restore drill: backs up the portal's PostgreSQL database and private uploads the two documented ways, restores
# each into something fresh, and checks that nothing is missing (docs/operations.md).
#
#   1. pg_dump (custom format) -> pg_restore into a new database -> the row count of every table compared.
#   2. pg_basebackup (tar, WAL streamed) -> a second server started on it on a spare port -> the counts compared.
#   3. PRIVATE_MEDIA_ROOT as a tar -> unpacked elsewhere -> every file's SHA-256 compared.
#   4. The audit chain checked with `manage.py verify_audit` on the restored database where the command exists.
#
# Needs DATABASE_URL (the source) and PostgreSQL's client and server binaries; run by scripts/bench.sh
# (BENCH=restore) against its private server, or by hand against a copy. Prints the figures; exits non-zero on any
# difference.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?DATABASE_URL must name the database to back up}"
PG_BIN=${PG_BIN:-$(dirname "$(ls /usr/lib/postgresql/*/bin/pg_dump | sort -V | tail -n 1)")}
WORK=$(mktemp -d /tmp/restore-drill.XXXXXX)
chmod 755 "$WORK"
second_pid=""
cleanup() {
  [ -n "$second_pid" ] && as_pg "$PG_BIN/pg_ctl -D $WORK/base -m immediate stop" >/dev/null 2>&1 || true
  [ -n "${KEEP_DRILL:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }

# postgres://user[:password]@host:port/name
read -r DB_USER DB_HOST DB_PORT DB_NAME < <(.venv/bin/python - <<'EOF'
import os
from urllib.parse import urlsplit
u = urlsplit(os.environ["DATABASE_URL"])
print(u.username or "postgres", u.hostname or "127.0.0.1", u.port or 5432, u.path.lstrip("/"))
EOF
)
export PGPASSWORD=${PGPASSWORD:-$(.venv/bin/python -c 'import os; from urllib.parse import urlsplit; print(urlsplit(os.environ["DATABASE_URL"]).password or "")')}
PSQL="$PG_BIN/psql -X -q -At -h $DB_HOST -p $DB_PORT -U $DB_USER"
RESTORED=${DB_NAME}_restore_drill
now() { date +%s.%N; }
took() { .venv/bin/python -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f} s')" "$1" "$(now)"; }

# Exact row counts of every table of the public schema, as "table count" lines.
counts() {  # $1 = psql command line (server), $2 = database
  local tables
  tables=$($1 -d "$2" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
  for table in $tables; do echo "$table $($1 -d "$2" -c "SELECT count(*) FROM \"$table\"")"; done
}

echo "== source: $DB_NAME on $DB_HOST:$DB_PORT"
counts "$PSQL" "$DB_NAME" >"$WORK/source.counts"
echo "   $(wc -l <"$WORK/source.counts") tables, $(awk '{s += $2} END {print s}' "$WORK/source.counts") rows"

echo "== 1. pg_dump -Fc and pg_restore into a fresh database"
start=$(now)
$PG_BIN/pg_dump -Fc -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$DB_NAME" -f "$WORK/portal.dump"
echo "   dump: $(du -h "$WORK/portal.dump" | cut -f1) in $(took "$start")"
$PSQL -d postgres -c "DROP DATABASE IF EXISTS \"$RESTORED\""
$PSQL -d postgres -c "CREATE DATABASE \"$RESTORED\""
start=$(now)
$PG_BIN/pg_restore --no-owner --exit-on-error -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d "$RESTORED" "$WORK/portal.dump"
echo "   restore: $(took "$start")"
counts "$PSQL" "$RESTORED" >"$WORK/restored.counts"
if ! diff -u "$WORK/source.counts" "$WORK/restored.counts"; then echo "   ROW COUNTS DIFFER" >&2; exit 1; fi
echo "   row counts of all $(wc -l <"$WORK/restored.counts") tables equal"
restored_url=$(.venv/bin/python -c 'import os, sys; from urllib.parse import urlsplit; u = urlsplit(os.environ["DATABASE_URL"]); print(u._replace(path="/" + sys.argv[1]).geturl())' "$RESTORED")
if DATABASE_URL="$restored_url" .venv/bin/python manage.py help verify_audit >/dev/null 2>&1; then
  DATABASE_URL="$restored_url" .venv/bin/python manage.py verify_audit
  echo "   audit chain verified on the restored database"
else
  echo "   (no verify_audit command in this version: the audit table's row count was compared above)"
fi
$PSQL -d postgres -c "DROP DATABASE \"$RESTORED\""

echo "== 2. pg_basebackup (WAL streamed) and a server started on it"
mkdir -p "$WORK/base" && chmod 700 "$WORK/base"
if [ "$(id -u)" = 0 ]; then chown postgres "$WORK/base"; fi
start=$(now)
as_pg "PGPASSWORD='$PGPASSWORD' $PG_BIN/pg_basebackup -h $DB_HOST -p $DB_PORT -U $DB_USER -D $WORK/base -X stream -c fast"
echo "   base backup: $(du -sh "$WORK/base" | cut -f1) in $(took "$start")"
second_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$WORK/sock"
if [ "$(id -u)" = 0 ]; then chown postgres "$WORK/sock"; fi
start=$(now)
as_pg "$PG_BIN/pg_ctl -D $WORK/base -l $WORK/sock/base.log -o '-p $second_port -k $WORK/sock -c listen_addresses=127.0.0.1 -c archive_mode=off' -w start" >/dev/null
second_pid=started
echo "   recovered and open in $(took "$start")"
counts "$PG_BIN/psql -X -q -At -h 127.0.0.1 -p $second_port -U $DB_USER" "$DB_NAME" >"$WORK/base.counts"
if ! diff -u "$WORK/source.counts" "$WORK/base.counts"; then echo "   ROW COUNTS DIFFER" >&2; exit 1; fi
echo "   row counts of all $(wc -l <"$WORK/base.counts") tables equal"

echo "== 3. private uploads"
media=$(.venv/bin/python -c 'import django, os; os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficiency_portal.settings"); django.setup(); from django.conf import settings; print(settings.PRIVATE_MEDIA_ROOT)')
mkdir -p "$media" "$WORK/media"
(cd "$media" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$WORK/media.sums"
tar -C "$media" -cf "$WORK/media.tar" .
tar -C "$WORK/media" -xf "$WORK/media.tar"
(cd "$WORK/media" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$WORK/media.restored.sums"
if ! diff -q "$WORK/media.sums" "$WORK/media.restored.sums" >/dev/null; then echo "   FILES DIFFER" >&2; exit 1; fi
echo "   $(wc -l <"$WORK/media.sums") files, $(du -h "$WORK/media.tar" | cut -f1), every SHA-256 equal"
echo "== restore drill passed"

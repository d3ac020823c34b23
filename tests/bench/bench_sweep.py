"""Benchmark: ``sweep_deadlines()`` against hand-written SQL doing the same transitions on the same data.

Not a test (pytest does not collect ``bench_*.py``). Needs PostgreSQL: run ``scripts/bench.sh``, or point
DATABASE_URL at a migrated database you can fill and empty (it writes 1,000,000 deadlines and removes them).

Data: 1,000,000 open deadlines spread over 100 departments (each with a head and a leader in charge) and 1,000
handlers with e-mail and phone; every 100th row crosses a threshold at the benchmark's moment — half green rows
whose yellow moment has passed, half yellow rows that are overdue — so 5,000 turn yellow and 5,000 red. Each
repetition restores exactly that state (the changed rows are put back, warnings, events, recipients,
notifications and deliveries emptied, then VACUUM ANALYZE), so both contenders start from an identical copy.
The two alternate which goes first.

Hand-written contender: per transition one statement, ``WITH changed AS (UPDATE ... RETURNING ...)`` feeding
INSERTs of the events, warnings (ON CONFLICT DO NOTHING RETURNING), recipients, notifications and their
deliveries, in one transaction — what a DBA would write without an ORM.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficiency_portal.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

ROWS = 1_000_000
DEPARTMENTS = 100
HANDLERS = 1_000
CROSSING_EVERY = 100  # every 100th row crosses: 10,000 of 1,000,000
NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)

TABLES_TO_EMPTY = [
    "notifications_delivery",
    "notifications_notification",
    "supervision_warningrecipient",
    "supervision_warning",
    "supervision_deadlineevent",
]


def execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def create_people() -> None:
    """100 departments, each with a head and a leader in charge (staff), and 1,000 handlers."""
    from efficiency_portal.accounts.models import User
    from efficiency_portal.org.models import Department, Staff

    users = User.objects.bulk_create(
        User(
            username=f"bench{n}",
            password="!",
            email=f"bench{n}@bench.example",
            phone=f"137{n:08d}",
            kind=User.Kind.STAFF,
            display_name=f"基准用户{n}",
        )
        for n in range(1, HANDLERS + 2 * DEPARTMENTS + 1)
    )
    departments = Department.objects.bulk_create(
        Department(name=f"基准部门{n}", code=f"bench-{n}", sort_order=n) for n in range(1, DEPARTMENTS + 1)
    )
    staff = Staff.objects.bulk_create(
        Staff(user=user, department=departments[n % DEPARTMENTS], name=user.display_name, employee_no=f"BENCH{n}")
        for n, user in enumerate(users)
    )
    for n, department in enumerate(departments):
        department.head = staff[HANDLERS + n]
        department.leader_in_charge = staff[HANDLERS + DEPARTMENTS + n]
    Department.objects.bulk_update(departments, ["head", "leader_in_charge"])


def create_deadlines() -> None:
    from django.contrib.contenttypes.models import ContentType

    from efficiency_portal.org.models import Department

    content_type = ContentType.objects.get_for_model(Department).pk
    execute(
        """
        WITH departments AS (SELECT array_agg(id ORDER BY id) AS ids FROM org_department WHERE code LIKE 'bench-%%'),
             handlers AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_user
                          WHERE username LIKE 'bench%%' AND substring(username from 6)::int <= %(handlers)s)
        INSERT INTO supervision_deadline (
            content_type_id, object_id, kind, title, department_id, responsible_id, started_at, limit_days,
            paused_days, extension_days, yellow_days, due_at, due_provisional, yellow_from, light, previous_light,
            status, paused_since, finished_at, outcome, extended_at, extension_reason, sweep_token, created_at,
            updated_at)
        SELECT %(ct)s, g, 'bench', '基准事项' || g,
               departments.ids[1 + (g %% %(departments)s)], handlers.ids[1 + (g %% %(handlers)s)],
               %(now)s - interval '3 days', 20, 0, 0, NULL,
               CASE WHEN g %% %(every)s <> 0 THEN %(now)s + interval '20 days' + (g %% 5000) * interval '1 minute'
                    WHEN g %% (2 * %(every)s) = 0 THEN %(now)s - interval '1 hour'
                    ELSE %(now)s + interval '1 day' END,
               false,
               CASE WHEN g %% %(every)s <> 0 THEN %(now)s + interval '19 days' + (g %% 5000) * interval '1 minute'
                    WHEN g %% (2 * %(every)s) = 0 THEN %(now)s - interval '2 days'
                    ELSE %(now)s - interval '1 hour' END,
               CASE WHEN g %% (2 * %(every)s) = 0 THEN 'yellow' ELSE 'green' END,
               '', 'open', NULL, NULL, '', NULL, '', NULL, %(now)s, %(now)s
        FROM generate_series(1, %(rows)s) g, departments, handlers
        """,
        {
            "ct": content_type,
            "rows": ROWS,
            "departments": DEPARTMENTS,
            "handlers": HANDLERS,
            "every": CROSSING_EVERY,
            "now": NOW,
        },
    )


def reset() -> None:
    """Put every row the last run changed back, empty what it wrote, and refresh the planner's statistics."""
    execute(
        """
        UPDATE supervision_deadline SET
            light = CASE WHEN due_at <= %(now)s THEN 'yellow' ELSE 'green' END, previous_light = '',
            sweep_token = NULL
        WHERE id IN (SELECT deadline_id FROM supervision_warning)
        """,
        {"now": NOW},
    )
    execute("TRUNCATE " + ", ".join(TABLES_TO_EMPTY))
    vacuum()


def vacuum() -> None:
    connection.ensure_connection()
    autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    try:
        for table in ["supervision_deadline", *TABLES_TO_EMPTY]:
            execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.set_autocommit(autocommit)


def tally() -> dict[str, int]:
    counts = {}
    for key, sql in (
        ("yellow", "SELECT count(*) FROM supervision_deadline WHERE status = 'open' AND light = 'yellow'"),
        ("red", "SELECT count(*) FROM supervision_deadline WHERE status = 'open' AND light = 'red'"),
        ("events", "SELECT count(*) FROM supervision_deadlineevent"),
        ("warnings", "SELECT count(*) FROM supervision_warning"),
        ("recipients", "SELECT count(*) FROM supervision_warningrecipient"),
        ("notifications", "SELECT count(*) FROM notifications_notification"),
        ("deliveries", "SELECT count(*) FROM notifications_delivery"),
    ):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            counts[key] = cursor.fetchone()[0]
    return counts


# --- the hand-written contender ------------------------------------------------------------------------------

DUE_TEXT = "to_char(c.due_at AT TIME ZONE %(tz)s, 'YYYY-MM-DD HH24:MI')"

TRANSITION_SQL = """
WITH changed AS (
    UPDATE supervision_deadline SET light = %(to)s, previous_light = light
    WHERE {condition}
    RETURNING id, light, previous_light, responsible_id, department_id, title, due_at, limit_days
), events AS (
    INSERT INTO supervision_deadlineevent (deadline_id, action, actor_id, from_status, to_status, from_light,
                                           to_light, at, reason)
    SELECT c.id, 'light', NULL, 'open', 'open', c.previous_light, c.light, %(now)s, '' FROM changed c
), warnings AS (
    INSERT INTO supervision_warning (deadline_id, level, raised_at)
    SELECT c.id, %(to)s, %(now)s FROM changed c
    ON CONFLICT DO NOTHING
    RETURNING id, deadline_id
), told AS (
    INSERT INTO supervision_warningrecipient (warning_id, user_id, role, told_at)
    SELECT DISTINCT ON (w.id, who.user_id) w.id, who.user_id, who.role, %(now)s
    FROM warnings w
    JOIN changed c ON c.id = w.deadline_id
    JOIN org_department d ON d.id = c.department_id
    LEFT JOIN org_staff head ON head.id = d.head_id AND %(red)s
    LEFT JOIN org_staff leader ON leader.id = d.leader_in_charge_id AND %(red)s
    CROSS JOIN LATERAL (VALUES (c.responsible_id, 'responsible', 1), (head.user_id, 'head', 2),
                               (leader.user_id, 'leader', 3)) AS who(user_id, role, rank)
    WHERE who.user_id IS NOT NULL
    ORDER BY w.id, who.user_id, who.rank
    ON CONFLICT DO NOTHING
    RETURNING warning_id, user_id
), notes AS (
    INSERT INTO notifications_notification (recipient_id, kind, title, body, link, urgent, dedupe_key)
    SELECT t.user_id, %(kind)s,
           left(replace(replace(%(title)s, '{{title}}', c.title), '{{due}}', {due}), 200),
           replace(replace(replace(replace(%(body)s, '{{title}}', c.title), '{{due}}', {due}),
                   '{{department}}', d.name), '{{limit}}', c.limit_days::text),
           %(link_before)s || t.warning_id || %(link_after)s, %(red)s,
           'warning:' || %(to)s || ':' || t.warning_id || ':' || t.user_id
    FROM told t
    JOIN warnings w ON w.id = t.warning_id
    JOIN changed c ON c.id = w.deadline_id
    JOIN org_department d ON d.id = c.department_id
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id, recipient_id
)
INSERT INTO notifications_delivery (notification_id, channel, status, attempts, next_attempt_at, lease_token,
                                    last_error)
SELECT n.id, channel.name, 'pending', 0, %(now)s, '', ''
FROM notes n
JOIN accounts_user u ON u.id = n.recipient_id
CROSS JOIN LATERAL (VALUES ('email', u.email <> ''), ('sms', u.phone <> '')) AS channel(name, wanted)
WHERE channel.wanted
"""

YELLOW_CONDITION = "status = 'open' AND light = 'green' AND yellow_from <= %(now)s AND due_at > %(now)s"
RED_CONDITION = "status = 'open' AND light IN ('green', 'yellow') AND due_at <= %(now)s"


def hand_written_sweep() -> None:
    from django.urls import reverse
    from django.utils import translation

    from efficiency_portal.supervision import sweep

    before, after = reverse("supervision:warning_detail", args=[987654321]).split("987654321")
    for level, condition in (("yellow", YELLOW_CONDITION), ("red", RED_CONDITION)):
        title, body = (
            (sweep.YELLOW_TITLE, sweep.YELLOW_BODY) if level == "yellow" else (sweep.RED_TITLE, sweep.RED_BODY)
        )
        with translation.override(settings.LANGUAGE_CODE):
            title, body = str(title), str(body)
        sql = TRANSITION_SQL.format(condition=condition, due=DUE_TEXT)
        with transaction.atomic():
            execute(
                sql,
                {
                    "to": level,
                    "now": NOW,
                    "tz": settings.TIME_ZONE,
                    "red": level == "red",
                    "kind": sweep.NOTIFICATION_KIND[level],
                    "title": title,
                    "body": body,
                    "link_before": before,
                    "link_after": after,
                },
            )


def orm_sweep() -> None:
    from efficiency_portal.supervision.services import sweep_deadlines

    sweep_deadlines(now=NOW)


def timed(run) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    run()
    elapsed = time.perf_counter() - started
    return elapsed, tally()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="leave the data in the database afterwards")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL (scripts/bench.sh does).")
    execute("SET TIME ZONE 'UTC'")
    print(f"Creating {ROWS:,} open deadlines ({ROWS // CROSSING_EVERY:,} cross a threshold) ...", flush=True)
    started = time.perf_counter()
    with transaction.atomic():
        create_people()
        create_deadlines()
    vacuum()
    print(f"  created in {time.perf_counter() - started:.1f}s", flush=True)
    orm_times, sql_times = [], []
    try:
        for repetition in range(args.repeat):
            order = [("orm", orm_sweep), ("sql", hand_written_sweep)]
            if repetition % 2:
                order.reverse()
            for name, run in order:
                reset()
                elapsed, counts = timed(run)
                (orm_times if name == "orm" else sql_times).append(elapsed)
                print(f"  run {repetition + 1} {name}: {elapsed * 1000:8.1f} ms  {counts}", flush=True)
                expected = {
                    "yellow": ROWS // CROSSING_EVERY // 2,
                    "red": ROWS // CROSSING_EVERY // 2,
                    "warnings": ROWS // CROSSING_EVERY,
                    "recipients": ROWS // CROSSING_EVERY // 2 * 4,
                    "notifications": ROWS // CROSSING_EVERY // 2 * 4,
                }
                wrong = {key: counts[key] for key in expected if counts[key] != expected[key]}
                if wrong:
                    sys.exit(f"{name} produced {wrong}, expected {expected}")
            # The sweep is idempotent: a second run right after changes nothing.
            elapsed, again = timed(orm_sweep)
            if again != counts:
                sys.exit(f"a second sweep changed something: {counts} -> {again}")
    finally:
        if not args.keep:
            reset()
            with transaction.atomic():
                execute("DELETE FROM supervision_deadline WHERE kind = 'bench'")
                execute(
                    "UPDATE org_department SET head_id = NULL, leader_in_charge_id = NULL WHERE code LIKE 'bench-%%'"
                )
                execute("DELETE FROM org_staff WHERE employee_no LIKE 'BENCH%%'")
                execute("DELETE FROM org_department WHERE code LIKE 'bench-%%'")
                execute("DELETE FROM accounts_user WHERE username LIKE 'bench%%'")
    orm, sql = statistics.median(orm_times), statistics.median(sql_times)
    print(
        f"sweep over {ROWS:,} open deadlines, {ROWS // CROSSING_EVERY:,} crossing: "
        f"ORM sweep_deadlines() median {orm * 1000:.1f} ms, hand-written SQL median {sql * 1000:.1f} ms, "
        f"ratio {orm / sql:.2f} (goal <= 1.5); at {timezone.now():%Y-%m-%d %H:%M}"
    )


if __name__ == "__main__":
    main()

"""Benchmark: the command centre at 10,000 and at 10,000,000 cases (goal: the larger no more than twice as slow).

Not a test (pytest does not collect ``bench_*.py``). Needs PostgreSQL: run ``scripts/bench.sh``, or point
DATABASE_URL at a migrated database you can fill and empty.

Data, for each size in one run, written set-based with generate_series: 40 departments with 60 items each; the
cases' clocks (supervision Deadline of kind ``case``) started evenly over the five years up to now, 8 working days
taken as 12 calendar days. A clock started in the last 12 days is still running (green, yellow from day 10, red
after day 12), as is every 5,000th older one (red); all others finished early, on time or late. Every 20th clock
was warned yellow and every 100th red. The daily figures (DailyCaseStat, per day, department and item) are summed
from the same series and the monthly ones from the daily. The case rows themselves are not written: the command
centre never reads them (its figures come from the clocks, the warnings and the pre-aggregated rows), and leaving
them out keeps the 10M setup to minutes.

The page is fetched with Django's test client as a supervisor (median of ``--repeat`` after three warm-ups), with
its query count; the same for the red drill-down list and the live JSON. The command centre and the live JSON are
timed twice per size: with the case figures kept in the cache (as between approvals' rebuilds) and read afresh on
every request (``DASHBOARD_CASE_FIGURES_SECONDS=0``); the kept figures are forgotten before each size and each mode.
The data is removed afterwards.
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
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

SIZES = [10_000, 10_000_000]
DEPARTMENTS = 40
ITEMS_PER_DEPARTMENT = 60
DAYS = 1826
PREFIX = "ccbench"


def execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def create_world():
    from django.contrib.auth.models import Group

    from approvals.models import Item
    from efficiency_portal.accounts.models import User
    from efficiency_portal.org.models import Department, Role, Staff

    departments = Department.objects.bulk_create(
        Department(name=f"看板基准部门{n}", code=f"{PREFIX}-{n}", sort_order=1000 + n) for n in range(DEPARTMENTS)
    )
    Item.objects.bulk_create(
        Item(
            department=department,
            code=f"{PREFIX}-{d}-{n}",
            name=f"看板基准事项{d}-{n}",
            legal_basis="-",
            procedure="-",
            conditions="-",
            fee_standard="不收费",
            fee_amount=0,
            statutory_limit_days=20,
            promised_limit_days=8,
            complaint_channel="12345",
            is_published=True,
        )
        for d, department in enumerate(departments)
        for n in range(ITEMS_PER_DEPARTMENT)
    )
    clerk = User.objects.create(username=f"{PREFIX}-clerk", password="!", kind=User.Kind.STAFF)
    Staff.objects.create(user=clerk, department=departments[0], name="基准承办人", employee_no=f"{PREFIX.upper()}-1")
    supervisor, _created = User.objects.get_or_create(
        username=f"{PREFIX}-supervisor", defaults={"password": "!", "kind": User.Kind.STAFF}
    )
    supervisor.groups.add(Group.objects.get_or_create(name=Role.SUPERVISOR)[0])
    return supervisor


# One row of the series: item, department, start; shared by the clocks and the daily figures.
SERIES = """
    WITH items AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(department_id ORDER BY id) AS depts
                   FROM approvals_item WHERE code LIKE 'ccbench-%%'),
    rows AS (
        SELECT g, items.ids[1 + g %% cardinality(items.ids)] AS item_id,
               items.depts[1 + g %% cardinality(items.ids)] AS department_id,
               %(first)s::timestamptz + ((g::bigint * %(seconds)s) / %(rows)s) * interval '1 second' AS started
        FROM generate_series(1, %(rows)s) g, items)
"""


def create_cases(rows: int, now: dt.datetime) -> None:
    from django.contrib.contenttypes.models import ContentType

    from approvals.models import Case

    first = now - dt.timedelta(days=DAYS)
    params = {
        "rows": rows,
        "first": first,
        "seconds": DAYS * 86400,
        "now": now,
        "ct": ContentType.objects.get_for_model(Case).pk,
    }
    execute(
        SERIES
        + """,
        clerk AS (SELECT id FROM accounts_user WHERE username = 'ccbench-clerk'),
        shaped AS (
            SELECT r.*, (r.started > %(now)s - interval '12 days' OR r.g %% 5000 = 0) AS running
            FROM rows r)
        INSERT INTO supervision_deadline (
            content_type_id, object_id, kind, title, department_id, responsible_id, started_at, limit_days,
            paused_days, extension_days, yellow_days, due_at, due_provisional, yellow_from, light, previous_light,
            status, paused_since, finished_at, outcome, extended_at, extension_reason, sweep_token, created_at,
            updated_at)
        SELECT %(ct)s, 100000000 + s.g, 'case', 'CC' || lpad(s.g::text, 10, '0'), s.department_id, clerk.id,
               s.started, 8, 0, 0, NULL, s.started + interval '12 days', false, s.started + interval '10 days',
               CASE WHEN NOT s.running THEN 'green'
                    WHEN s.started + interval '12 days' < %(now)s THEN 'red'
                    WHEN s.started + interval '10 days' < %(now)s THEN 'yellow' ELSE 'green' END,
               '',
               CASE WHEN s.running THEN 'open' ELSE 'finished' END, NULL,
               CASE WHEN s.running THEN NULL ELSE s.started + (3 + s.g %% 14) * interval '1 day' END,
               CASE WHEN s.running THEN ''
                    WHEN 3 + s.g %% 14 < 12 THEN 'early' WHEN 3 + s.g %% 14 = 12 THEN 'on_time' ELSE 'late' END,
               NULL, '', NULL, s.started, s.started
        FROM shaped s, clerk
        """,
        params,
    )
    execute(
        """
        INSERT INTO supervision_warning (deadline_id, level, raised_at, acknowledged_at, acknowledged_by_id)
        SELECT d.id, 'yellow', d.yellow_from, NULL::timestamptz, NULL::bigint FROM supervision_deadline d
        WHERE d.kind = 'case' AND d.title LIKE 'CC%%' AND d.object_id %% 20 = 0 AND d.yellow_from < %(now)s
        UNION ALL
        SELECT d.id, 'red', d.due_at, NULL::timestamptz, NULL::bigint FROM supervision_deadline d
        WHERE d.kind = 'case' AND d.title LIKE 'CC%%' AND d.object_id %% 100 = 0 AND d.due_at < %(now)s
        """,
        params,
    )
    execute(
        SERIES
        + """
        INSERT INTO approvals_dailycasestat (
            day, department_id, item_id, received, accepted, refused, supplement_notices, finished,
            finished_on_time, finished_early, finished_late, warned, working_days_total)
        SELECT (r.started AT TIME ZONE 'Asia/Shanghai')::date, r.department_id, r.item_id, count(*), count(*), 0,
               count(*) FILTER (WHERE r.g %% 10 = 7), count(*) FILTER (WHERE 3 + r.g %% 14 <= 16),
               count(*) FILTER (WHERE 3 + r.g %% 14 = 12), count(*) FILTER (WHERE 3 + r.g %% 14 < 12),
               count(*) FILTER (WHERE 3 + r.g %% 14 > 12), count(*) FILTER (WHERE r.g %% 20 = 0),
               sum(3 + r.g %% 14)
        FROM rows r GROUP BY 1, 2, 3
        """,
        params,
    )
    execute(
        """
        INSERT INTO approvals_monthlycasestat (
            month, department_id, item_id, received, accepted, refused, supplement_notices, finished,
            finished_on_time, finished_early, finished_late, warned, working_days_total)
        SELECT date_trunc('month', day)::date, department_id, item_id, sum(received), sum(accepted), sum(refused),
               sum(supplement_notices), sum(finished), sum(finished_on_time), sum(finished_early), sum(finished_late),
               sum(warned), sum(working_days_total)
        FROM approvals_dailycasestat WHERE item_id IN (SELECT id FROM approvals_item WHERE code LIKE 'ccbench-%%')
        GROUP BY 1, 2, 3
        """
    )


def remove_cases() -> None:
    execute(
        "DELETE FROM supervision_warning WHERE deadline_id IN "
        "(SELECT id FROM supervision_deadline WHERE kind = 'case' AND title LIKE 'CC%%')"
    )
    execute("DELETE FROM supervision_deadline WHERE kind = 'case' AND title LIKE 'CC%%'")
    for table in ["approvals_dailycasestat", "approvals_monthlycasestat"]:
        execute(f"DELETE FROM {table} WHERE item_id IN (SELECT id FROM approvals_item WHERE code LIKE 'ccbench-%%')")


def remove_world() -> None:
    remove_cases()
    execute("DELETE FROM approvals_item WHERE code LIKE 'ccbench-%%'")
    execute("DELETE FROM org_staff WHERE employee_no LIKE 'CCBENCH-%%'")
    execute("DELETE FROM org_department WHERE code LIKE 'ccbench-%%'")
    execute(
        "DELETE FROM accounts_user WHERE username LIKE 'ccbench-%%' AND id NOT IN "
        "(SELECT actor_id FROM audit_auditevent WHERE actor_id IS NOT NULL)"
    )


def vacuum() -> None:
    connection.ensure_connection()
    autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    try:
        for table in [
            "supervision_deadline",
            "supervision_warning",
            "approvals_dailycasestat",
            "approvals_monthlycasestat",
        ]:
            execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.set_autocommit(autocommit)


def time_url(client: Client, url: str, repeat: int, slowest: int = 0) -> tuple[float, int]:
    for _ in range(3):  # warm-up: templates, translations, the planner's caches
        client.get(url, HTTP_HOST="localhost")
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, HTTP_HOST="localhost")
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            sys.exit(f"{url} answered {response.status_code}")
    if slowest:
        spent = sum(float(query["time"]) for query in queries.captured_queries)
        print(f"    in the database: {spent * 1000:.1f} ms; slowest queries of the last request:")
        for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:slowest]:
            print(f"      {float(query['time']) * 1000:6.1f} ms  {query['sql'][:110]}")
    return statistics.median(times), len(queries)


# (label, url, case figures kept?): the command centre and its live JSON are timed both with their case figures
# kept in the cache (DASHBOARD_CASE_FIGURES_SECONDS, the usual minute-by-minute view) and read afresh every time
# (the setting at 0: the first view after the kept figures expire).
PAGES = [
    ("command centre, case figures kept", lambda: reverse("dashboards:command_centre"), True),
    ("command centre, case figures read", lambda: reverse("dashboards:command_centre"), False),
    ("live figures (JSON), kept", lambda: reverse("dashboards:live", args=["city"]), True),
    ("live figures (JSON), read", lambda: reverse("dashboards:live", args=["city"]), False),
    ("red cases list", lambda: reverse("dashboards:drill", args=["city", "cases_red"]), True),
]


def forget_case_figures() -> None:
    """Drop the city's kept case figures, so no size or mode is timed with figures summed for another."""
    from django.core.cache import cache

    from efficiency_portal.dashboards.selectors.figures import case_figures_key, today

    cache.delete(case_figures_key(None, today()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--sizes", type=int, nargs="*", default=SIZES)
    parser.add_argument("--slowest", type=int, default=0, help="print the N slowest queries of each page")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL (scripts/bench.sh does).")
    now = timezone.now()
    results: dict[int, dict[str, tuple[float, int]]] = {}
    remove_world()
    with transaction.atomic():
        supervisor = create_world()
    client = Client()
    client.force_login(supervisor)
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    kept_seconds = settings.DASHBOARD_CASE_FIGURES_SECONDS or 300
    try:
        for size in args.sizes:
            print(f"{size:,} cases: creating ...", flush=True)
            started = time.perf_counter()
            with transaction.atomic():
                create_cases(size, now)
            vacuum()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FILTER (WHERE status = 'open'), count(*) FROM supervision_deadline "
                    "WHERE kind = 'case' AND title LIKE 'CC%%'"
                )
                running, clocks = cursor.fetchone()
            created = time.perf_counter() - started
            print(f"  created in {created:.1f}s: {clocks:,} clocks, {running:,} running", flush=True)
            results[size] = {"creating": (created, 0)}
            for label, url, kept in PAGES:
                forget_case_figures()
                with override_settings(DASHBOARD_CASE_FIGURES_SECONDS=kept_seconds if kept else 0):
                    elapsed, queries = time_url(client, url(), args.repeat, args.slowest)
                results[size][label] = (elapsed, queries)
                print(f"  {label}: {elapsed * 1000:.1f} ms, {queries} queries", flush=True)
            forget_case_figures()
            with transaction.atomic():
                remove_cases()
            vacuum()
    finally:
        forget_case_figures()
        with transaction.atomic():
            remove_world()
    if len(args.sizes) >= 2:
        small, large = args.sizes[0], args.sizes[-1]
        print(f"\n| | {small:,} cases | {large:,} cases | ratio |\n|---|---|---|---|")
        made_small, made_large = results[small]["creating"][0], results[large]["creating"][0]
        print(f"| creating the data | {made_small:.1f} s | {made_large:.0f} s | |")
        for label, _url, _kept in PAGES:
            (t_small, q_small), (t_large, q_large) = results[small][label], results[large][label]
            print(
                f"| {label} | {t_small * 1000:.1f} ms, {q_small} queries | {t_large * 1000:.1f} ms, {q_large} queries "
                f"| {t_large / t_small:.2f} |"
            )


if __name__ == "__main__":
    main()

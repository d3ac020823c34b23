"""Benchmark: the statistics page at 10,000 and at 1,000,000 cases (goal: the larger no more than twice as slow).

Not a test (pytest does not collect ``bench_*.py``). Needs PostgreSQL: run ``scripts/bench.sh``, or point
DATABASE_URL at a migrated database you can fill and empty.

Data, for each size in one run: 40 departments with 60 items each; cases submitted evenly over two years
(2024-03-01 to 2026-02-28), written with generate_series: 5 % not accepted, the rest accepted the next day and
given a case clock (supervision Deadline of kind ``case``) of 8 working days; 85 % of all cases finished, early, on
time or late; a tenth had a notice of missing materials; every twentieth clock was warned. Then
``refresh_daily_stats`` rebuilds DailyCaseStat and its monthly sums for every day of the two years (timed), and the
statistics page is fetched with Django's test client as a supervisor, for the last month and for the last year
(median of 9 after three warm-ups), with its query count. The data is removed afterwards.
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

SIZES = [10_000, 1_000_000]
DEPARTMENTS = 40
ITEMS_PER_DEPARTMENT = 60
FIRST_DAY = dt.date(2024, 3, 1)
DAYS = 730
START = dt.datetime(2024, 3, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai
PERIODS = {
    "last month": {"start": "2026-02-01", "end": "2026-02-28"},
    "last year": {"start": "2025-03-01", "end": "2026-02-28"},
}


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
        Department(name=f"统计基准部门{n}", code=f"sbench-{n}", sort_order=n) for n in range(DEPARTMENTS)
    )
    Item.objects.bulk_create(
        Item(
            department=department,
            code=f"sbench-{d}-{n}",
            name=f"统计基准事项{d}-{n}",
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
    clerk = User.objects.create(username="sbench-clerk", password="!", kind=User.Kind.STAFF)
    Staff.objects.create(user=clerk, department=departments[0], name="基准承办人", employee_no="SBENCH-1")
    supervisor, _created = User.objects.get_or_create(
        username="sbench-supervisor", defaults={"password": "!", "kind": User.Kind.STAFF}
    )
    supervisor.groups.add(Group.objects.get_or_create(name=Role.SUPERVISOR)[0])
    return supervisor


def create_cases(rows: int) -> None:
    from django.contrib.contenttypes.models import ContentType

    from approvals.models import Case

    seconds = DAYS * 86400
    params = {"rows": rows, "start": START, "seconds": seconds}
    execute(
        """
        WITH items AS (SELECT array_agg(id ORDER BY id) AS ids, array_agg(department_id ORDER BY id) AS depts
                       FROM approvals_item WHERE code LIKE 'sbench-%%'),
             clerk AS (SELECT id FROM accounts_user WHERE username = 'sbench-clerk')
        INSERT INTO approvals_case (
            item_id, department_id, tracking_code, tracking_secret_hash, applicant_id, applicant_name,
            applicant_phone, applicant_email, enterprise_name, channel, first_receiver_id, handler_id, status,
            submitted_at, materials_complete_at, accepted_at, auto_accepted, decided_at, decision_reason,
            licence_number, result_document, delivered_at, delivery_method, fee_charged, is_joint, updated_at)
        SELECT items.ids[1 + g %% cardinality(items.ids)], items.depts[1 + g %% cardinality(items.ids)],
               'SB' || lpad(g::text, 10, '0'), '!', NULL, '申请人' || g, '13800000000', '', '', 'online', NULL,
               clerk.id,
               CASE WHEN g %% 20 = 0 THEN 'refused' WHEN g %% 20 IN (1, 2) THEN 'processing' ELSE 'delivered' END,
               submitted, submitted,
               CASE WHEN g %% 20 = 0 THEN NULL ELSE submitted + interval '1 day' END, false,
               CASE WHEN g %% 20 = 0 THEN submitted + interval '2 days' END, '', '', '', NULL, '', NULL, false,
               submitted
        FROM generate_series(1, %(rows)s) g, items, clerk,
             LATERAL (SELECT %(start)s::timestamptz + ((g::bigint * %(seconds)s) / %(rows)s) * interval '1 second'
                      AS submitted) s
        """,
        params,
    )
    # Case clocks: 8 working days taken as 12 calendar days; finished ones end 3 to 16 days after the start.
    execute(
        """
        INSERT INTO supervision_deadline (
            content_type_id, object_id, kind, title, department_id, responsible_id, started_at, limit_days,
            paused_days, extension_days, yellow_days, due_at, due_provisional, yellow_from, light, previous_light,
            status, paused_since, finished_at, outcome, extended_at, extension_reason, sweep_token, created_at,
            updated_at)
        SELECT %(ct)s, c.id, 'case', c.tracking_code, c.department_id, c.handler_id, c.accepted_at, 8, 0, 0, NULL,
               c.accepted_at + interval '12 days', false, c.accepted_at + interval '10 days',
               CASE WHEN c.id %% 20 = 3 THEN 'yellow' ELSE 'green' END, '',
               CASE WHEN c.status = 'delivered' THEN 'finished' ELSE 'open' END, NULL,
               CASE WHEN c.status = 'delivered' THEN c.accepted_at + (3 + c.id %% 14) * interval '1 day' END,
               CASE WHEN c.status <> 'delivered' THEN ''
                    WHEN 3 + c.id %% 14 < 12 THEN 'early' WHEN 3 + c.id %% 14 = 12 THEN 'on_time' ELSE 'late' END,
               NULL, '', NULL, c.accepted_at, c.accepted_at
        FROM approvals_case c WHERE c.tracking_code LIKE 'SB%%' AND c.accepted_at IS NOT NULL
        """,
        {"ct": ContentType.objects.get_for_model(Case).pk},
    )
    execute(
        """
        INSERT INTO supervision_warning (deadline_id, level, raised_at, acknowledged_at, acknowledged_by_id)
        SELECT d.id, 'yellow', d.yellow_from, NULL, NULL FROM supervision_deadline d
        WHERE d.kind = 'case' AND d.title LIKE 'SB%%' AND d.object_id %% 20 = 3
        """
    )
    execute(
        """
        INSERT INTO approvals_supplementnotice (case_id, note, issued_by_id, issued_at, supplemented_at)
        SELECT c.id, '缺材料', c.handler_id, c.submitted_at + interval '2 hours', NULL
        FROM approvals_case c WHERE c.tracking_code LIKE 'SB%%' AND c.id %% 10 = 7
        """
    )


def remove_cases() -> None:
    execute(
        "DELETE FROM supervision_warning WHERE deadline_id IN "
        "(SELECT id FROM supervision_deadline WHERE kind = 'case' AND title LIKE 'SB%%')"
    )
    execute("DELETE FROM supervision_deadline WHERE kind = 'case' AND title LIKE 'SB%%'")
    execute(
        "DELETE FROM approvals_supplementnotice WHERE case_id IN "
        "(SELECT id FROM approvals_case WHERE tracking_code LIKE 'SB%%')"
    )
    execute("DELETE FROM approvals_case WHERE tracking_code LIKE 'SB%%'")
    for table in ["approvals_dailycasestat", "approvals_monthlycasestat"]:
        execute(f"DELETE FROM {table} WHERE item_id IN (SELECT id FROM approvals_item WHERE code LIKE 'sbench-%%')")


def remove_world() -> None:
    remove_cases()
    execute("DELETE FROM approvals_item WHERE code LIKE 'sbench-%%'")
    execute("DELETE FROM org_staff WHERE employee_no LIKE 'SBENCH-%%'")
    execute("DELETE FROM org_department WHERE code LIKE 'sbench-%%'")
    # The sign-in of the benchmark's supervisor is in the append-only audit log: that user stays (and is reused).
    execute(
        "DELETE FROM accounts_user WHERE username LIKE 'sbench-%%' AND id NOT IN "
        "(SELECT actor_id FROM audit_auditevent WHERE actor_id IS NOT NULL)"
    )


def vacuum() -> None:
    connection.ensure_connection()
    autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    try:
        for table in ["approvals_case", "supervision_deadline", "supervision_warning", "approvals_dailycasestat"]:
            execute(f"VACUUM ANALYZE {table}")
    finally:
        connection.set_autocommit(autocommit)


def time_page(client: Client, params: dict, repeat: int) -> tuple[float, int, int]:
    url = reverse("approvals:statistics")
    for _ in range(3):  # warm-up: templates, translations, the planner's caches
        client.get(url, params, HTTP_HOST="localhost")
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params, HTTP_HOST="localhost")
            times.append(time.perf_counter() - started)
        if response.status_code != 200:
            sys.exit(f"statistics page answered {response.status_code}")
    return statistics.median(times), len(queries), response.content.decode().count("sbench-")


def main() -> None:
    from approvals.models import DailyCaseStat
    from approvals.services.stats import refresh_daily_stats

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL (scripts/bench.sh does).")
    all_days = [FIRST_DAY + dt.timedelta(days=n) for n in range(DAYS + 20)]
    results: dict[int, dict[str, tuple[float, int, int]]] = {}
    remove_world()
    with transaction.atomic():
        supervisor = create_world()
    client = Client()
    client.force_login(supervisor)
    # Static files are not collected for the benchmark: plain storage instead of the hashed manifest.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    override_settings(STORAGES=storages).enable()
    try:
        for size in SIZES:
            print(f"{size:,} cases: creating ...", flush=True)
            started = time.perf_counter()
            with transaction.atomic():
                create_cases(size)
            vacuum()
            print(f"  created in {time.perf_counter() - started:.1f}s", flush=True)
            started = time.perf_counter()
            written = refresh_daily_stats(all_days)
            vacuum()
            stat_rows = DailyCaseStat.objects.filter(item__code__startswith="sbench-").count()
            print(
                f"  refresh_daily_stats over {len(all_days)} days: {time.perf_counter() - started:.1f}s, "
                f"{written:,} rows written ({stat_rows:,} DailyCaseStat rows)",
                flush=True,
            )
            # What the beat runs every 10 minutes: yesterday and today (here the last two days of the data).
            started = time.perf_counter()
            refresh_daily_stats(all_days[DAYS - 2 : DAYS])
            print(f"  refresh_daily_stats of two days: {(time.perf_counter() - started) * 1000:.0f} ms", flush=True)
            results[size] = {}
            for label, params in PERIODS.items():
                elapsed, queries, links = time_page(client, params, args.repeat)
                results[size][label] = (elapsed, queries, links)
                print(f"  statistics page, {label}: {elapsed * 1000:.1f} ms, {queries} queries", flush=True)
            with transaction.atomic():
                remove_cases()
    finally:
        with transaction.atomic():
            remove_world()
    small, large = SIZES
    for label in PERIODS:
        (t_small, q_small, _), (t_large, q_large, _) = results[small][label], results[large][label]
        print(
            f"statistics page ({label}): {small:,} cases {t_small * 1000:.1f} ms ({q_small} queries), "
            f"{large:,} cases {t_large * 1000:.1f} ms ({q_large} queries), ratio {t_large / t_small:.2f} (goal <= 2)"
        )


if __name__ == "__main__":
    main()

"""Benchmark: an annual run over 5,000 civil servants and a run over 200 departments, with a year of facts.

Not a test (pytest does not collect ``bench_*.py``). Needs a migrated PostgreSQL in DATABASE_URL; everything is
written inside one transaction that is rolled back at the end, so the database is left as it was.

Facts of 2025: 200 departments with one item each; 5,000 staff; 200,000 finished case clocks (40 per person,
outcomes spread early/on time/late); 73,000 daily case figures (one per department and day); 5,000 cases with 1,000
red cards; 20,000 service ratings; 1,000 democratic-evaluation forms scoring 25 colleagues each (25,000 scores);
2,000 add/deduct entries. Timed: the staff run (6 indicators, rules), a re-run of it, the department run.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "efficiency_portal.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

STAFF = 5_000
DEPARTMENTS = 200
YEAR = 2025


class Rollback(Exception):
    pass


def execute(sql: str, params: dict | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        return cursor.rowcount


def create_facts():
    from django.contrib.contenttypes.models import ContentType

    from approvals.models import Case, Item
    from assessment.models import (
        EvaluationEntry,
        EvaluationForm,
        EvaluatorRole,
        FormStatus,
        Indicator,
        IndicatorKind,
        Period,
        PeriodKind,
        Scheme,
        SubjectKind,
    )
    from efficiency_portal.accounts.models import User
    from efficiency_portal.org.models import Department, Staff

    departments = Department.objects.bulk_create(
        Department(name=f"考核基准部门{n}", code=f"abench-{n}", sort_order=n) for n in range(DEPARTMENTS)
    )
    items = Item.objects.bulk_create(
        Item(department=d, code=f"abench-{n}", name=f"考核基准事项{n}", legal_basis="-", procedure="-", conditions="-",
             statutory_limit_days=20, promised_limit_days=8, complaint_channel="12345", is_published=True)
        for n, d in enumerate(departments)
    )  # fmt: skip
    users = User.objects.bulk_create(
        User(username=f"abench-{n}", password="!", kind=User.Kind.STAFF) for n in range(STAFF)
    )
    staff = Staff.objects.bulk_create(
        Staff(user=u, department=departments[n % DEPARTMENTS], name=f"基准{n}", employee_no=f"ABENCH-{n}")
        for n, u in enumerate(users)
    )
    start = dt.datetime(YEAR, 1, 2, 1, 0, tzinfo=dt.UTC)
    execute(
        """
        INSERT INTO supervision_deadline (
            content_type_id, object_id, kind, title, department_id, responsible_id, started_at, limit_days,
            paused_days, extension_days, yellow_days, due_at, due_provisional, yellow_from, light, previous_light,
            status, paused_since, finished_at, outcome, extended_at, extension_reason, sweep_token, created_at,
            updated_at)
        SELECT %(ct)s, 900000000 + g, 'case', 'AB' || g, s.department_id, s.user_id, t, 8, 0, 0, NULL,
               t + interval '12 days', false, t + interval '10 days', 'green', '', 'finished', NULL,
               t + (3 + g %% 14) * interval '1 day',
               CASE WHEN 3 + g %% 14 < 12 THEN 'early' WHEN 3 + g %% 14 = 12 THEN 'on_time' ELSE 'late' END,
               NULL, '', NULL, t, t
        FROM generate_series(0, %(rows)s - 1) g
        JOIN org_staff s ON s.employee_no = 'ABENCH-' || (g %% %(staff)s)
        CROSS JOIN LATERAL (SELECT %(start)s::timestamptz + (g %% 340) * interval '1 day' AS t) x
        """,
        {"ct": ContentType.objects.get_for_model(Department).pk, "rows": STAFF * 40, "staff": STAFF, "start": start},
    )
    execute(
        """
        INSERT INTO approvals_dailycasestat (day, department_id, item_id, received, accepted, refused,
            supplement_notices, finished, finished_on_time, finished_early, finished_late, warned, working_days_total)
        SELECT %(first)s::date + d, i.department_id, i.id, 10, 9, 1, 1, 8, 3, 4, 1, 1, 40
        FROM approvals_item i CROSS JOIN generate_series(0, 364) d WHERE i.code LIKE 'abench-%%'
        """,
        {"first": dt.date(YEAR, 1, 1)},
    )
    cases = Case.objects.bulk_create(
        Case(item=items[n % DEPARTMENTS], department=departments[n % DEPARTMENTS], tracking_code=f"AB{n:08d}",
             tracking_secret_hash="!", applicant_name="申请人", applicant_phone="13800000000",
             handler=users[n], status="delivered", submitted_at=start, accepted_at=start)
        for n in range(STAFF)
    )  # fmt: skip
    from approvals.models.cards import Card

    Card.objects.bulk_create(
        Card(case=c, department_id=c.department_id, handler_id=c.handler_id, level="red", trigger="overdue",
             raised_at=start + dt.timedelta(days=n % 300))
        for n, c in enumerate(cases[::5])
    )  # fmt: skip
    from complaints.models.ratings import ServiceRating

    ServiceRating.objects.bulk_create(
        ServiceRating(subject="window", department_id=staff[n % STAFF].department_id, handler=staff[n % STAFF],
                      level=1 + n % 5, rated_at=start + dt.timedelta(days=n % 340))
        for n in range(20_000)
    )  # fmt: skip

    def scheme(name, kind, specs):
        s = Scheme.objects.create(name=name, subject_kind=kind)
        for order, (label, ind_kind, source, weight) in enumerate(specs):
            Indicator.objects.create(scheme=s, name=label, kind=ind_kind, weight=weight, sort_order=order,
                                     provider=source if ind_kind == IndicatorKind.COMPUTED else "",
                                     evaluator_role=source if ind_kind == IndicatorKind.EVALUATED else "")  # fmt: skip
        return s

    C, E = IndicatorKind.COMPUTED, IndicatorKind.EVALUATED
    staff_scheme = scheme("基准公务员方案", SubjectKind.STAFF, [
        ("按时", C, "on_time_rate", 25), ("红牌", C, "red_cards", 15), ("投诉", C, "complaints_upheld", 10),
        ("满意度", C, "satisfaction", 15), ("信用", C, "credit_score", 10),
        ("民主测评", E, EvaluatorRole.DEMOCRATIC, 25),
    ])  # fmt: skip
    dept_scheme = scheme("基准部门方案", SubjectKind.DEPARTMENT, [
        ("按时", C, "on_time_rate", 40), ("提前", C, "early_rate", 10), ("红牌", C, "red_cards", 20),
        ("满意度", C, "satisfaction", 20), ("信用", C, "credit_score", 10),
    ])  # fmt: skip
    from assessment.models import AdjustmentEntry, AdjustmentRule

    late = AdjustmentRule.objects.create(scheme=staff_scheme, code="late", name="迟到", points=-5)
    close = dt.datetime(YEAR + 1, 1, 10, tzinfo=dt.UTC)
    year = {"kind": PeriodKind.YEAR, "name": f"{YEAR}", "forms_close_at": close,
            "start": dt.date(YEAR, 1, 1), "end": dt.date(YEAR, 12, 31)}  # fmt: skip
    staff_period = Period.objects.create(scheme=staff_scheme, **year)
    dept_period = Period.objects.create(scheme=dept_scheme, **year)
    democratic = staff_scheme.indicators.get(kind=E)
    forms = EvaluationForm.objects.bulk_create(
        EvaluationForm(period=staff_period, indicator=democratic, evaluator=staff[n * 5], status=FormStatus.SUBMITTED)
        for n in range(STAFF // 5)
    )
    EvaluationEntry.objects.bulk_create(
        EvaluationEntry(form=f, subject_id=staff[(n * 5 + k + 1) % STAFF].pk, subject_name="x", score=1 + (n + k) % 5)
        for n, f in enumerate(forms)
        for k in range(25)
    )
    AdjustmentEntry.objects.bulk_create(
        AdjustmentEntry(period=staff_period, rule=late, subject_id=staff[n * 2].pk, quantity=1 + n % 3,
                        fact_date=dt.date(YEAR, 1 + n % 12, 5))
        for n in range(2_000)
    )  # fmt: skip
    return staff_period, dept_period


def timed(label: str, function, *args) -> None:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        run = function(*args)
        elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.2f} s, {len(queries.captured_queries)} queries, "
          f"{run.subjects} assessed, {run.lines} lines, {run.changed} changed")  # fmt: skip


def main() -> None:
    from assessment.services.runs import run_period

    try:
        with transaction.atomic():
            started = time.perf_counter()
            staff_period, dept_period = create_facts()
            execute("ANALYZE")
            print(f"facts written in {time.perf_counter() - started:.1f} s")
            timed("staff run (5,000)", run_period, staff_period)
            timed("staff re-run", run_period, staff_period)
            timed("department run (200)", run_period, dept_period)
            raise Rollback
    except Rollback:
        print("rolled back")


if __name__ == "__main__":
    main()

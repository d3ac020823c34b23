"""Benchmark: an annual run over 5,000 civil servants and a run over 200 departments, with a year of facts.

Not a test (pytest does not collect ``bench_*.py``). Needs a migrated PostgreSQL in DATABASE_URL; everything is
written inside one transaction that is rolled back at the end, so the database is left as it was.

Facts of 2025: 200 departments with one item each; 5,000 staff; 200,000 finished case clocks (40 per person,
outcomes spread early/on time/late); 73,000 daily case figures (one per department and day); 5,000 cases with 1,000
red cards; 20,000 service ratings; 2,000 complaints found upheld (1,500 about a person, 500 about a department), 300
of them with an efficiency caution (效能告诫, 50 people twice); 3,000 confirmed credit entries (2,500 of people, 500 of
departments); 1,000 democratic-evaluation forms scoring 25 colleagues each (25,000 scores); leaders' evaluation: 200
heads scoring their 24 people (4,800 scores) and 20 leaders scoring 10 departments each; 2,000 add/deduct entries;
60 vetoes (50 people, 10 departments). Timed: the staff run (7 indicators, rules, vetoes, blocks), a re-run of it,
the department run (7 indicators, vetoes). Each timed run prints its query count.
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
        ("按时", C, "on_time_rate", 25), ("红牌", C, "red_cards", 10), ("投诉", C, "complaints_upheld", 10),
        ("满意度", C, "satisfaction", 10), ("信用", C, "credit_score", 10),
        ("民主测评", E, EvaluatorRole.DEMOCRATIC, 20), ("领导评价", E, EvaluatorRole.LEADER, 15),
    ])  # fmt: skip
    dept_scheme = scheme("基准部门方案", SubjectKind.DEPARTMENT, [
        ("按时", C, "on_time_rate", 30), ("提前", C, "early_rate", 10), ("红牌", C, "red_cards", 15),
        ("投诉", C, "complaints_upheld", 10), ("满意度", C, "satisfaction", 10), ("信用", C, "credit_score", 10),
        ("领导评价", E, EvaluatorRole.LEADER, 15),
    ])  # fmt: skip
    from assessment.models import AdjustmentEntry, AdjustmentRule

    late = AdjustmentRule.objects.create(scheme=staff_scheme, code="late", name="迟到", points=-5)
    close = dt.datetime(YEAR + 1, 1, 10, tzinfo=dt.UTC)
    year = {"kind": PeriodKind.YEAR, "name": f"{YEAR}", "forms_close_at": close,
            "start": dt.date(YEAR, 1, 1), "end": dt.date(YEAR, 12, 31)}  # fmt: skip
    staff_period = Period.objects.create(scheme=staff_scheme, **year)
    dept_period = Period.objects.create(scheme=dept_scheme, **year)
    democratic = staff_scheme.indicators.get(evaluator_role=EvaluatorRole.DEMOCRATIC)
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
    # Leaders' evaluation: the first person of each department scores the other 24; 20 leaders score 10 departments.
    leader_staff = staff_scheme.indicators.get(evaluator_role=EvaluatorRole.LEADER)
    heads = EvaluationForm.objects.bulk_create(
        EvaluationForm(period=staff_period, indicator=leader_staff, evaluator=staff[d], status=FormStatus.SUBMITTED)
        for d in range(DEPARTMENTS)
    )
    EvaluationEntry.objects.bulk_create(
        EvaluationEntry(form=f, subject_id=staff[d + DEPARTMENTS * k].pk, subject_name="x", score=2 + (d + k) % 4)
        for d, f in enumerate(heads)
        for k in range(1, STAFF // DEPARTMENTS)
    )
    leader_dept = dept_scheme.indicators.get(evaluator_role=EvaluatorRole.LEADER)
    leaders = EvaluationForm.objects.bulk_create(
        EvaluationForm(period=dept_period, indicator=leader_dept, evaluator=staff[DEPARTMENTS + n],
                       status=FormStatus.SUBMITTED)
        for n in range(20)
    )  # fmt: skip
    EvaluationEntry.objects.bulk_create(
        EvaluationEntry(form=f, subject_id=departments[n * 10 + k].pk, subject_name="x", score=1 + (n + k) % 5)
        for n, f in enumerate(leaders)
        for k in range(10)
    )
    create_complaints_credit_and_vetoes(departments, staff, staff_period, dept_period)
    return staff_period, dept_period


def create_complaints_credit_and_vetoes(departments, staff, staff_period, dept_period) -> None:
    from assessment.models import VetoEntry, VetoRule
    from complaints.models import Complaint, ComplaintSanction
    from credit.models import CreditEntry, CreditRule

    start = dt.datetime(YEAR, 1, 3, 2, 0, tzinfo=dt.UTC)
    # 1,500 upheld complaints about a person (every 10th person, three each), 500 about a department alone.
    about = [(staff[(n % 500) * 10], None) for n in range(1_500)] + [(None, departments[n % DEPARTMENTS])
                                                                      for n in range(500)]  # fmt: skip
    complaints = Complaint.objects.bulk_create(
        Complaint(tracking_code=f"ABC{n:07d}", tracking_secret_hash="!", category="buck_passing",
                  department_id=person.department_id if person else department.pk, staff=person,
                  description="基准投诉", status="concluded", finding="upheld" if n % 3 else "partly",
                  finding_text="属实", received_at=start + dt.timedelta(days=n % 330),
                  concluded_at=start + dt.timedelta(days=n % 330 + 10))
        for n, (person, department) in enumerate(about)
    )  # fmt: skip
    # 效能告诫: 300 decided on people, 50 of them twice in the year (incompetent proposed), 200 once (not excellent).
    cautioned = [staff[(n % 250) * 20] for n in range(300)]
    ComplaintSanction.objects.bulk_create(
        ComplaintSanction(complaint=complaints[n], staff=person, sanction="efficiency_caution",
                          decided_at=start + dt.timedelta(days=20 + n))
        for n, person in enumerate(cautioned)
    )  # fmt: skip
    rule = CreditRule.objects.get(code="talk_reminder")
    recorded = dt.datetime(YEAR, 6, 1, tzinfo=dt.UTC)
    CreditEntry.objects.bulk_create(
        CreditEntry(staff=staff[n * 2] if n < 2_500 else None,
                    department=departments[n % DEPARTMENTS] if n >= 2_500 else None, rule=rule,
                    base_points=rule.points, points=rule.points, source="manual", detail="基准",
                    fact_date=dt.date(YEAR, 1 + n % 12, 10), recorded_at=recorded, confirmed_at=recorded,
                    valid_until=dt.date(YEAR + 1, 1 + n % 12, 10), status="confirmed")
        for n in range(3_000)
    )  # fmt: skip
    staff_veto = VetoRule.objects.create(scheme=staff_period.scheme, name="违反廉政纪律", cap_grade="fail")
    dept_veto = VetoRule.objects.create(scheme=dept_period.scheme, name="重大责任事故", cap_grade="pass")
    VetoEntry.objects.bulk_create(
        [VetoEntry(period=staff_period, rule=staff_veto, subject_id=staff[n * 97].pk, reason="基准")
         for n in range(50)]
        + [VetoEntry(period=dept_period, rule=dept_veto, subject_id=departments[n * 19].pk, reason="基准")
           for n in range(10)]
    )  # fmt: skip


def timed(label: str, function, *args) -> None:
    # Wall time, and the CPU time of this process (the rest is the database, or waiting for a busy machine).
    with CaptureQueriesContext(connection) as queries:
        started, cpu = time.perf_counter(), time.process_time()
        run = function(*args)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{label}: {elapsed:.2f} s ({cpu:.2f} s CPU in Python), {len(queries.captured_queries)} queries, "
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

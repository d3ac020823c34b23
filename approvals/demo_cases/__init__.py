"""Demo cases: about two thousand applications over the last twelve months, in every state, some yellow and red.

Every case goes through the intake and processing services with explicit past moments, so its clocks, steps,
events and cards are what real work would have left. The run ends with the deadline sweep, the cards from its
warnings and the daily statistics of every day covered.

Safe to run again: when demo cases exist (their applicants' phones carry the marker digits "0000" in the middle)
nothing is loaded. The random choices come from a fixed seed; the moments are relative to now.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from typing import TextIO

from django.db import transaction
from django.db.models import Count
from django.test.utils import override_settings
from django.utils import timezone

from approvals.demo import DEFAULT_WINDOW, ITEMS, WINDOW_OF
from approvals.demo_cases.runner import CaseRun, City
from approvals.models import Case, Item, StepCode
from approvals.services.cards import sync_cards_from_warnings
from approvals.services.stats import refresh_daily_stats
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.supervision.services import sweep_deadlines
from efficiency_portal.workdays.calendar import is_working_day

SEED = 20260301
DEMO_PHONE_REGEX = r"^1[358][0-9]0000[0-9]{4}$"
HISTORY_WORKING_DAYS = 245  # about a year, so that the twelve-month trends have something in every month
# A smaller city for a quick look: DEMO_CASES_SCALE=0.1 loads about 200 cases.
SCALE = float(os.environ.get("DEMO_CASES_SCALE", "1"))

# Cases per final state at scale 1 (2,010 in all). Open work is what a steady intake of about 140 a month leaves
# open at any time, so that the current month does not tower over the eleven before it in the trends.
PLAN: dict[str, int] = {
    "submitted": 60,
    "supplement": 50,
    "refused": 130,
    "accepted": 40,
    "processing": 260,
    "paused": 40,
    "approved": 60,
    "denied": 60,
    "delivered": 1310,
}

# Items of these topics are often handled jointly (并联审批) by several agencies.
JOINT_TOPICS = {"gcjs", "sthj"}
JOINT_PARTNERS = ("zrzyj", "zjj", "sthjj", "fgw", "jtj")


def _working_days_before_today() -> list[dt.date]:
    today = timezone.localdate()
    days = []
    day = today - dt.timedelta(days=1)
    while len(days) < HISTORY_WORKING_DAYS + 40:
        if is_working_day(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    return days[::-1]


def _city() -> City:
    codes = [spec.code for spec in ITEMS]
    items = list(
        Item.objects.filter(code__in=codes, is_published=True)
        .select_related("department", "department__leader_in_charge__user", "topic")
        .prefetch_related("materials", "steps")
        .order_by("code")
    )
    staff: dict[int, list[Staff]] = {}
    for person in Staff.objects.filter(is_active=True).select_related("user", "department").order_by("pk"):
        staff.setdefault(person.department_id, []).append(person)
    for department in Department.objects.filter(head__isnull=False):
        people = staff.get(department.pk, [])
        people.sort(key=lambda p: p.pk != department.head_id)
    items = [i for i in items if staff.get(i.department_id) and i.department.leader_in_charge_id]
    window_codes = {i.pk: WINDOW_OF.get(i.department.code, DEFAULT_WINDOW) for i in items}
    window_ids = dict(Department.objects.filter(code__in=set(window_codes.values())).values_list("code", "pk"))
    windows = {
        i.department_id: staff.get(window_ids.get(window_codes[i.pk]), []) or staff[i.department_id] for i in items
    }
    partners = [d for d in Department.objects.filter(code__in=JOINT_PARTNERS) if staff.get(d.pk)]
    return City(items, staff, windows, partners, _working_days_before_today())


# --- plans per final state ------------------------------------------------------------------------------------------


# Variants are taken in turn (not drawn), so that even a small run has every one of them.
OPEN_VARIANTS = ("review", "decide", "extension", "review", "joint", "decide", "extension_pending", "review")
OUTCOMES = ("early", "on_time", "early", "late", "early", "on_time", "early", "early", "on_time", "early")
JOINT_EVERY = 12  # one decided case in so many is a joint approval
NOTICE_EVERY = 8  # one accepted case in so many had a notice of missing materials first


def _pick_item(rng: random.Random, city: City, state: str, variant: str) -> Item:
    pool = city.items
    if state in ("processing", "paused", "accepted"):
        pool = [i for i in pool if i.promised_limit_days >= 3]
    if state == "supplement":
        pool = [i for i in pool if any(m.required for m in i.materials.all())]
    if variant == "joint":
        pool = [i for i in pool if i.topic and i.topic.code in JOINT_TOPICS and i.promised_limit_days >= 5]
    return rng.choice(pool or city.items)


def _run_case(rng: random.Random, city: City, state: str) -> None:
    turn = city.counter[f"turn:{state}"]
    city.counter[f"turn:{state}"] += 1
    variant = ""
    if state in ("processing", "paused"):
        variant = OPEN_VARIANTS[turn % len(OPEN_VARIANTS)]
    elif state in ("approved", "denied", "delivered") and turn % JOINT_EVERY == 0:
        variant = "joint"
    item = _pick_item(rng, city, state, variant)
    run = CaseRun(rng, city, item)
    last = run.last
    promised = item.promised_limit_days
    history = min(HISTORY_WORKING_DAYS, last)

    if state == "submitted":
        run.submit(last - rng.randint(0, 3))
        return
    if state == "supplement":
        day = last - rng.randint(1, 15)
        run.submit(day)
        run.notice(min(last, day + rng.randint(0, 1)))
        return
    if state == "refused":
        day = last - rng.randint(0, history)
        run.submit(day)
        if turn % 3 == 0:
            run.notice(min(last, day + 1))  # the applicant never brought what was missing
        run.refuse(min(last, day + rng.randint(0, 2)))
        return

    # Accepted from here on. ``span`` is how many working days after acceptance the plan needs.
    outcome = OUTCOMES[turn % len(OUTCOMES)]
    if state == "delivered":
        if promised == 0 and outcome == "early":
            outcome = "on_time"
        end = {"early": rng.randint(0, max(promised - 1, 0)), "on_time": promised, "late": promised + rng.randint(1, 4)}
        span = end[outcome]
        accept_day = last - span - rng.randint(0, max(history - span - 3, 0))
    elif state in ("approved", "denied"):
        # Decided within the limit, waiting for delivery for a day or two.
        span = rng.randint(0, promised)
        accept_day = last - span - rng.randint(0, 1)
    elif state == "accepted":
        span = 0
        accept_day = last - rng.randint(0, 2)
    else:
        # Open work: mostly within the limit (some on its last days, yellow), one in eight past it (red).
        span = 0
        overdue = rng.random() < 0.125
        # While the review still runs, the case is young enough for the review's own limit.
        within = promised if variant == "decide" else run.step_limit(StepCode.REVIEW) + 1
        accept_day = last - (promised + rng.randint(0, 3) if overdue else rng.randint(0, max(within - 1, 0)))
    submit_day = max(0, accept_day - rng.choice((0, 0, 1, 1, 2)))
    run.submit(submit_day)
    if turn % NOTICE_EVERY == 1 and submit_day < accept_day:
        run.notice(submit_day)
        run.supplement(accept_day)
    run.accept(accept_day)
    if state == "accepted":
        return
    run.assign(accept_day)

    if state in ("processing", "paused"):
        if variant == "joint":
            run.joint(accept_day, opinions=False)
        if variant == "decide" and accept_day < last and StepCode.REVIEW in run.steps():
            run.review(run.review_day(accept_day, last))
        if state == "paused":
            run.pause(rng.randint(min(accept_day + 1, last), last))
        elif variant.startswith("extension"):
            run.extend(rng.randint(accept_day, last), decide=variant == "extension")
        return

    decide_day = accept_day + span if state != "delivered" else accept_day + max(0, span - rng.choice((0, 0, 1)))
    if variant == "joint":
        run.joint(accept_day, opinions=True)
    if StepCode.REVIEW in run.steps():
        run.review(run.review_day(accept_day, decide_day))
    approve = state == "approved" or (state == "delivered" and turn % 15 != 7)
    run.decide(decide_day, approve=approve)
    if state == "delivered":
        # An on-time delivery happens on the due day itself, before the office closes.
        run.deliver(accept_day + span, latest=(15, 30) if outcome == "on_time" else (16, 45))


# --- entry point ----------------------------------------------------------------------------------------------------


def demo_cases_exist() -> bool:
    return Case.objects.filter(applicant_phone__regex=DEMO_PHONE_REGEX).exists()


def load(stdout: TextIO, scale: float | None = None) -> dict[str, int]:
    """Load the demo cases; ``scale`` (default ``SCALE``) multiplies the number per state, at least two of each."""
    scale = SCALE if scale is None else scale
    if demo_cases_exist():
        stdout.write("Approvals cases: demo cases already loaded, nothing to do\n")
        return {}
    rng = random.Random(SEED)
    with transaction.atomic():
        city = _city()
        if not city.items:
            stdout.write("Approvals cases: no demo items, skipped (load the catalogue first)\n")
            return {}
        plan = [state for state, count in PLAN.items() for _ in range(max(2, round(count * scale)))]
        rng.shuffle(plan)
        # Demo tracking secrets are thrown away at once, so the cheapest hasher only saves time here; a real
        # application's secret is hashed with the project's hashers.
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            for state in plan:
                _run_case(rng, city, state)
        now = timezone.now()
        sweep = sweep_deadlines(now)
        cards = sync_cards_from_warnings(now)
        first = city.days[max(0, len(city.days) - HISTORY_WORKING_DAYS - 10)]
        today = timezone.localdate()
        days = [first + dt.timedelta(days=n) for n in range((today - first).days + 1)]
        stats = refresh_daily_stats(days=days)
    counts = dict(
        Case.objects.filter(applicant_phone__regex=DEMO_PHONE_REGEX)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stdout.write(
        f"Approvals cases: {sum(counts.values())} demo cases "
        + ", ".join(f"{status} {n}" for status, n in sorted(counts.items()))
        + f"; {city.counter['joint']} joint, {city.counter['extension']} extensions; "
        + f"sweep {sweep.counts}, {cards} cards, {stats} daily statistics rows\n"
    )
    sample = Case.objects.filter(applicant_phone__regex=DEMO_PHONE_REGEX, status="processing").order_by("pk").first()
    if sample is not None:
        stdout.write(f"  track one: code {sample.tracking_code} with the phone {sample.applicant_phone}\n")
    return counts

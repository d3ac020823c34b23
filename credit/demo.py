"""Demo credit records: entries across departments and staff, some expired, some disputed, a few on the blacklist.

Safe to run again: every demo entry carries the marker below in its description, and a second run that finds one
adds nothing. Runs on SQLite as well as PostgreSQL (only the services are used).

Red-card entries link to the red cards the approvals demo raised when there are any (it loads first); without them
they stay unlinked. Complaint entries stay unlinked: the complaints demo loads after this one, and its findings
record their own entries, linked to their complaints.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import TextIO

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from credit import services
from credit.models import CreditEntry, ObjectionOutcome, Source
from efficiency_portal.org.models import Department, Staff

MARKER = "（演示）"

STAFF_FACTS = [
    ("buck_passing", Source.COMPLAINT, "群众反映窗口推诿，经核查属实"),
    ("commitment_broken", Source.COMPLAINT, "承诺件超出承诺时限办结"),
    ("talk_reminder", Source.MANUAL, "上班时间离岗，效能办谈话提醒"),
    ("written_check", Source.MANUAL, "未执行一次性告知，作书面检查"),
    ("red_card_case", Source.RED_CARD, "办件超期亮红牌"),
    ("bad_rating", Source.BAD_RATING, "差评经核实属实"),
    ("kickbacks", Source.COMPLAINT, "办事过程中吃拿卡要，经查属实"),
    ("public_criticism_1", Source.MANUAL, "效能督查暗访发现问题，通报批评"),
    ("commendation", Source.MANUAL, "年度服务之星，予以嘉奖"),
    ("third_class_merit", Source.MANUAL, "疫情防控工作突出，记三等功"),
]
DEPARTMENT_FACTS = [
    ("public_criticism_2", Source.AUDIT, "审计发现收费不规范"),
    ("buck_passing", Source.COMPLAINT, "多部门间推诿扯皮，经查属实"),
    ("efficiency_caution", Source.MANUAL, "效能考核排名靠后，给予效能告诫"),
    ("commendation", Source.MANUAL, "营商环境评价优秀，予以嘉奖"),
]


def _red_cards(since: dt.date, limit: int) -> list:
    """Recent red cards with a civil servant as handler, if the approvals app and its demo data are there. Read
    through the app registry: credit itself never depends on approvals."""
    try:
        card_model = apps.get_model("approvals", "Card")
    except LookupError:
        return []
    rows = card_model.objects.filter(level="red", handler__staff__isnull=False, raised_at__date__gte=since)
    return list(rows.select_related("handler__staff", "case").order_by("-raised_at", "-pk")[:limit])


def _case_link(card) -> str:
    try:
        return reverse("approvals:case_work", args=[card.case_id])
    except NoReverseMatch:
        return ""


def _moment(day: dt.date, now: dt.datetime) -> dt.datetime:
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
    return min(moment, now)


def load(stdout: TextIO | None = None) -> dict[str, int]:
    def say(text: str) -> None:
        if stdout is not None:
            stdout.write(text)

    if CreditEntry.objects.filter(detail__endswith=MARKER).exists():
        say("Credit: demo entries already loaded.")
        return {"entries": 0}
    staff = list(Staff.objects.filter(is_active=True).select_related("department").order_by("employee_no"))
    departments = list(
        Department.objects.filter(is_active=True, kind=Department.Kind.DEPARTMENT).order_by("code")
    ) or list(Department.objects.filter(is_active=True).order_by("code"))
    if not staff:
        say("Credit: no staff to give records to (load the organisation first).")
        return {"entries": 0}
    supervisor = get_user_model().objects.filter(username="supervisor").first()
    rng = random.Random(4)
    now = timezone.now()
    today = timezone.localdate(now)
    counts = {"entries": 0, "pending": 0, "disputed": 0, "expired": 0, "linked": 0}

    def record(subject: dict, code: str, source: str, text: str, fact: dt.date, **link) -> CreditEntry:
        counts["entries"] += 1
        return services.record_entry(
            rule_code=code,
            fact_date=fact,
            source=source,
            detail=text + MARKER,
            actor=supervisor,
            at=_moment(fact + dt.timedelta(days=3), now),
            **subject,
            **link,
        )

    cards = _red_cards(today - dt.timedelta(days=300), limit=12)
    # With real red cards, every red-card entry is one of theirs; otherwise the ordinary facts include unlinked ones.
    staff_facts = [fact for fact in STAFF_FACTS if not (cards and fact[0] == "red_card_case")]
    with transaction.atomic():
        for card in cards:
            record(
                {"staff": card.handler.staff},
                "red_card_case",
                Source.RED_CARD,
                f"{card.case.tracking_code} · {card.get_trigger_display()}",
                min(timezone.localdate(card.raised_at), today),
                source_object=card,
                source_link=_case_link(card),
            )
            counts["linked"] += 1
        # Ordinary records: most people have none, some one to three, spread over the last three years.
        for person in staff:
            for _ in range(rng.choice((0, 0, 0, 1, 1, 2, 3))):
                code, source, text = rng.choice(staff_facts)
                record({"staff": person}, code, source, text, today - dt.timedelta(days=rng.randint(5, 1000)))
        for department in departments:
            for _ in range(rng.choice((0, 1, 1, 2))):
                code, source, text = rng.choice(DEPARTMENT_FACTS)
                record({"department": department}, code, source, text, today - dt.timedelta(days=rng.randint(5, 900)))
        # A few on the blacklist: a proposal of dismissal, a transfer, repeated public criticism (doubled).
        blacklisted = staff[5 % len(staff)], staff[11 % len(staff)], staff[17 % len(staff)]
        record(
            {"staff": blacklisted[0]},
            "dismissal_proposal",
            Source.PROCURATORATE,
            "检察机关通报违纪问题",
            today - dt.timedelta(days=200),
        )
        record(
            {"staff": blacklisted[1]}, "transfer", Source.POLICE, "公安机关通报违法行为", today - dt.timedelta(days=120)
        )
        for days in (300, 200, 100):
            record(
                {"staff": blacklisted[2]},
                "public_criticism_4",
                Source.MANUAL,
                "多次严重违反工作纪律，通报批评",
                today - dt.timedelta(days=days),
            )
        if departments:
            # Doubled while the first is valid: 1000 - 50 - 100 - 100 = 750, grade C, on the blacklist.
            for days in (250, 150, 60):
                record(
                    {"department": departments[-1]},
                    "public_criticism_4",
                    Source.AUDIT,
                    "审计发现重大违规问题，通报批评",
                    today - dt.timedelta(days=days),
                )
        # Waiting for a supervisor: proposals from automatic sources.
        for n, person in enumerate(staff[20:26]):
            code, source, text = (
                ("bad_rating", Source.BAD_RATING, "差评待核实"),
                ("commitment_broken", Source.AUDIT, "审计抽查发现超时办结"),
            )[n % 2]
            services.propose_entry(
                rule_code=code,
                fact_date=today - dt.timedelta(days=n + 1),
                source=source,
                staff=person,
                detail=text + MARKER,
                at=now,
            )
            counts["pending"] += 1
        # Disputed: recent entries the civil servant objected to; one accepted for review, one already decided.
        for n, person in enumerate(staff[30:34]):
            fact = today - dt.timedelta(days=6 + n)
            entry = record({"staff": person}, "buck_passing", Source.COMPLAINT, "群众反映推诿，经核查属实", fact)
            objection = services.file_objection(
                entry,
                person.user,
                "当日系统故障，已按规定告知群众改日办理，不属推诿。",
                at=_moment(fact + dt.timedelta(days=4), now),
            )
            counts["disputed"] += 1
            if n == 1 and supervisor is not None:
                services.accept_objection(objection, supervisor, at=_moment(fact + dt.timedelta(days=5), now))
            if n == 2 and supervisor is not None:
                services.decide_objection(
                    objection,
                    supervisor,
                    outcome=ObjectionOutcome.WITHDRAWN,
                    reason="系统日志证实当日故障，撤销该记录。",
                    at=_moment(fact + dt.timedelta(days=5), now),
                )
        counts["expired"] = services.expire_entries(today, at=now)
    say(
        f"Credit: {counts['entries']} entries recorded ({counts['linked']} linked to red cards), "
        f"{counts['pending']} waiting for confirmation, {counts['disputed']} objected to, {counts['expired']} expired."
    )
    return counts

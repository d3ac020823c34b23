"""Demo complaints and service ratings. Safe to run again.

Every demo complaint is filed with the submission key ``demo-<n>``, so a second run finds it and leaves it as it
is; case ratings are one per case, window ratings are loaded only when there are none. The complaints are walked
through the services (with past moments), so their clocks, events and credit entries are the real ones.
"""

from __future__ import annotations

import datetime as dt
import os
import random
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from complaints.models import (
    Category,
    Complaint,
    ComplaintChannel,
    Finding,
    RatingSubject,
    RectificationOrder,
    RectificationStatus,
    ResponseTemplate,
    Sanction,
    ServiceRating,
)
from complaints.services import handling, ratings
from complaints.services.common import duty_supervisor
from complaints.services.filing import file_complaint
from efficiency_portal.org.models import Department, Staff

COUNT = int(float(os.environ.get("DEMO_COMPLAINTS", "240")))
CASE_RATING_SHARE = 0.4  # of finished cases, rated by their applicant
WINDOW_RATINGS = 60

STORIES = {
    Category.BUCK_PASSING: [
        "窗口说要去另一个科室办，另一个科室又让我回窗口，来回跑了三趟。",
        "两个部门互相推，谁都不肯出具证明。",
    ],
    Category.KICKBACKS: ["工作人员暗示要请吃饭才能加快办理。", "经办人要求购买指定的材料才肯受理。"],
    Category.RUDENESS: ["咨询时工作人员态度生硬，不耐烦地打断我说话。", "窗口人员大声呵斥老人，态度恶劣。"],
    Category.ABSENT: ["上午十点窗口无人，等了四十分钟也没人来。", "工作时间多个窗口空岗，只有一个人在办。"],
    Category.DELAY: ["承诺五个工作日办结，已经过去三周没有结果。", "材料交齐一个月了，一直说在审核。"],
    Category.ILLEGAL_FEES: ["收取了没有依据的工本费，也不给收据。", "要求另交加急费，公示里没有这项收费。"],
    Category.NOT_TOLD_AT_ONCE: [
        "第一次只说缺身份证复印件，第二次又说缺证明，跑了三次。",
        "每次去都告知新的材料要求，没有一次性说清。",
    ],
    Category.OTHER: ["网上预约成功，到现场却说系统没有记录。", "办事指南与现场要求不一致。"],
}
NAMES = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴芳"]
PLACES = ["市民中心二楼综合窗口", "不动产登记大厅", "社保服务窗口", "出入境接待大厅", "企业开办专区"]
TEMPLATES = (
    ("属实答复", "", "您好！经调查，您反映的问题属实。我办已责成相关单位整改，并对责任人作出处理。感谢您的监督。"),
    ("部分属实答复", "", "您好！经调查，您反映的问题部分属实。已要求相关单位改进工作作风。感谢您的监督。"),
    ("不属实答复", "", "您好！经调查核实，未发现您反映的情况。如有新的线索，欢迎继续反映。"),
)
# The state each demo complaint is walked to, by its number.
TARGETS = (
    "submitted",
    "accepted",
    "declined",
    "transferred",
    "investigating",
    "with_department",
    "concluded",
    "replied",
    "closed",
    "closed",
    "reopened",
    "closed_not_upheld",
)
SANCTION_CYCLE = (
    Sanction.REMINDER,
    Sanction.REMINDER,
    Sanction.ADMONITION,
    Sanction.EFFICIENCY_CAUTION,
    Sanction.PUBLIC_CRITICISM,
    Sanction.BONUS_WITHHELD,
)


def _departments() -> list[Department]:
    return list(
        Department.objects.filter(is_active=True, head__isnull=False, kind__in=["department", "window"])
        .select_related("head__user")
        .order_by("code")
    )


def _walk(complaint: Complaint, target: str, supervisor, rng: random.Random, start: dt.datetime) -> None:
    def at(days: float) -> dt.datetime:
        return start + dt.timedelta(days=days, hours=rng.randint(0, 6))

    if target == "submitted":
        return
    if target in ("declined", "transferred"):
        handling.decline(
            complaint,
            supervisor,
            reason="不属于机关效能投诉受理范围。",
            transfer_to="市信访局" if target == "transferred" else "",
            at=at(1),
        )
        return
    complaint = handling.accept(complaint, supervisor, at=at(1))
    if target == "accepted":
        return
    department = complaint.department
    # Who investigates for the department: never the person complained about (then the head above, or the office).
    head = handling.investigating_head(department, complaint.staff)
    if head is not None and (target == "with_department" or rng.random() < 0.5):
        complaint = handling.hand_to_department(
            complaint, supervisor, department=department, instructions="请核实情况并报送调查结果。", at=at(2)
        )
        if target == "with_department":
            return
        complaint = handling.department_report(complaint, head.user, text="经核查，已约谈相关工作人员。", at=at(5))
    else:
        complaint = handling.handle_self(complaint, supervisor, at=at(2))
    if target == "investigating":
        if rng.random() < 0.5:
            # Some ask for more time: the queue of extension requests another supervisor decides.
            handling.request_extension(complaint, supervisor, days=5, reason="需要调取监控录像核实。", at=at(3))
        return
    upheld = target != "closed_not_upheld" and rng.random() < 0.6
    sanctions = []
    if upheld:
        culprit = complaint.staff or Staff.objects.filter(department=department).order_by("pk").first()
        if culprit is not None:
            sanctions.append(handling.SanctionInput(rng.choice(SANCTION_CYCLE), staff=culprit))
        else:
            sanctions.append(handling.SanctionInput(Sanction.REMINDER, department=department))
    complaint = handling.record_finding(
        complaint,
        supervisor,
        finding=(rng.choice([Finding.UPHELD, Finding.PARTLY]) if upheld else Finding.NOT_UPHELD),
        text="经调阅记录、询问当事人，情况如上。",
        sanctions=sanctions,
        at=at(8),
    )
    if target == "concluded":
        return
    complaint = handling.reply(complaint, supervisor, text=TEMPLATES[0 if upheld else 2][2], at=at(9))
    if target == "replied":
        return
    if target == "reopened":
        complaint = handling.rate_handling(complaint, level=2, comment="处理结果不满意", at=at(10))
        handling.reopen(complaint, reason="问题没有真正解决，请重新调查。", at=at(11))
        return
    handling.rate_handling(complaint, level=rng.choice([3, 4, 5, 5]), at=at(10))


def _count() -> int:
    """COUNT, scaled with the demo cases (DEMO_CASES_SCALE) so that a small city gets fewer complaints, but every
    state at least twice."""
    from approvals import demo_cases

    return max(2 * len(TARGETS), round(COUNT * min(1.0, demo_cases.SCALE)))


def _load_complaints(stdout: TextIO) -> int:
    supervisor = duty_supervisor()
    departments = _departments()
    if supervisor is None or not departments:
        stdout.write("complaints: no supervisor or departments yet, skipped\n")
        return 0
    now = timezone.now()
    staff_by_department: dict[int, list[Staff]] = {}
    for staff in Staff.objects.filter(department__in=departments, is_active=True).order_by("pk"):
        staff_by_department.setdefault(staff.department_id, []).append(staff)
    made = 0
    existing = set(
        Complaint.objects.filter(submission_key__startswith="demo-").values_list("submission_key", flat=True)
    )
    for n in range(_count()):
        key = f"demo-{n}"
        if key in existing:
            continue
        rng = random.Random(n)
        department = departments[n % len(departments)]
        category = list(Category)[n % len(Category)]
        target = TARGETS[n % len(TARGETS)]
        # Open ones are recent, finished ones older; some old open ones have run red.
        age = rng.randint(0, 6) if target in ("submitted", "accepted") else rng.randint(12, 330)
        start = (now - dt.timedelta(days=age)).replace(hour=9, minute=0, second=0, microsecond=0)
        people = staff_by_department.get(department.pk, [])
        anonymous = n % 4 == 0
        with transaction.atomic():
            filed = file_complaint(
                category=category,
                description=rng.choice(STORIES[category]),
                department=department,
                staff=rng.choice(people) if people and rng.random() < 0.6 else None,
                happened_on=(start - dt.timedelta(days=rng.randint(0, 5))).date(),
                place=rng.choice(PLACES),
                anonymous=anonymous,
                name="" if anonymous else rng.choice(NAMES),
                phone="" if anonymous else f"139{n:08d}",
                channel=[ComplaintChannel.ONLINE, ComplaintChannel.HOTLINE, ComplaintChannel.WALK_IN][n % 3],
                received_by=supervisor if n % 3 else None,
                submission_key=key,
                at=start,
            )
            if not filed.duplicate:
                _walk(filed.complaint, target, supervisor, rng, start)
                made += 1
    return made


def _load_ratings(stdout: TextIO) -> int:
    from approvals.selectors.finished import finished_cases

    now = timezone.now()
    made = 0
    rng = random.Random(2026)
    # About two in five applicants rate their case within two days of its end, from its tracking page (most have
    # no account); bad ratings are rare, as in the published 好差评 figures. The others count as 基本满意 seven days
    # after the end (the default-rating sweep).
    levels = [5] * 60 + [4] * 25 + [3] * 10 + [2] * 2 + [1]
    cases = list(
        finished_cases()
        .filter(service_rating__isnull=True, ended_at__lt=now)
        .select_related("department", "handler")
        .order_by("pk")
    )
    for case in cases:
        # Each case draws from its own seed: a second run leaves alone the cases the first chose not to rate.
        draw = random.Random(f"rating-{case.pk}")
        if draw.random() >= CASE_RATING_SHARE:
            continue
        ratings.rate_case(
            case,
            rater=case.applicant,
            applicant_proven=case.applicant_id is None,
            level=draw.choice(levels),
            tags=draw.sample(["办事快", "态度好", "一次办好", "材料说明清楚", "等待久"], draw.randint(0, 2)),
            comment=draw.choice(["", "", "", "办事效率高，点赞", "窗口人员很耐心", "排队时间有点长"]),
            at=min(now, case.ended_at + dt.timedelta(hours=draw.randint(1, 48))),
        )
        made += 1
    if not ServiceRating.objects.filter(subject=RatingSubject.WINDOW).exists():
        windows = list(Department.objects.filter(is_active=True, kind="window").order_by("code"))
        for n in range(WINDOW_RATINGS if windows else 0):
            window = windows[n % len(windows)]
            handler = Staff.objects.filter(department=window).order_by("pk").first()
            # The first few are recent bad ratings, so that rectification shows every step.
            recent_bad = n < 4
            ratings.rate_window_visit(
                window,
                level=(2, 1)[n % 2] if recent_bad else rng.choice(levels),
                handler=handler,
                comment="排队太久，窗口人员态度冷淡" if recent_bad else rng.choice(["", "服务热情", "一次就办好了"]),
                at=now - dt.timedelta(days=n + 1 if recent_bad else rng.randint(0, 60)),
            )
            made += 1
    made += ratings.default_ratings(now)
    _move_rectifications(now)
    return made


def _move_rectifications(now: dt.datetime) -> None:
    """Orders of older bad ratings were worked through in time; the recent ones show every step. Only once: a
    second run would otherwise move on the recent orders the first one left open on purpose."""
    if RectificationOrder.objects.filter(contacted_at__isnull=False).exists():
        return
    supervisor = duty_supervisor()
    open_orders = RectificationOrder.objects.filter(status=RectificationStatus.OPEN).select_related(
        "rating", "department__head__user"
    )
    recent = 0
    for order in open_orders.order_by("pk"):
        head = order.department.head.user if order.department.head_id else supervisor
        if head is None:
            continue
        rated = order.rating.rated_at
        if now - rated > dt.timedelta(days=30) and supervisor is not None:
            order = ratings.record_contact(
                order, head, note="已电话联系群众，致歉并说明情况。", at=rated + dt.timedelta(hours=3)
            )
            order = ratings.record_rectification(
                order, head, note="已组织窗口人员学习服务规范。", at=rated + dt.timedelta(days=3)
            )
            ratings.record_follow_up(order, supervisor, note="回访群众，表示认可。", at=rated + dt.timedelta(days=5))
            continue
        step, recent = recent % 4, recent + 1
        if step == 0:
            continue
        order = ratings.record_contact(order, head, note="已电话联系群众，致歉并说明情况。")
        if step >= 2:
            order = ratings.record_rectification(order, head, note="已组织窗口人员学习服务规范。")
        if step == 3 and supervisor is not None:
            ratings.record_follow_up(order, supervisor, note="回访群众，表示认可。")


def _load_appeals(now: dt.datetime) -> int:
    """Three bad window ratings appealed by the department: one appeal pending, one upheld (the rating and its
    rectification order set aside), one rejected (the rating stands and proposes its credit entry). Only once."""
    supervisor = duty_supervisor()
    if supervisor is None or ServiceRating.objects.exclude(appeal_status="").exists():
        return 0
    windows = list(
        Department.objects.filter(is_active=True, head__isnull=False)
        .order_by("-kind", "code")  # service windows first
        .select_related("head__user")[:3]
    )
    made = 0
    for index, (decision, level, comment) in enumerate(
        (
            (None, 1, "办事员推三阻四，非常不满意！"),
            (True, 1, "没给我违规办理，差评！"),
            (False, 2, "等了一个多小时才叫号。"),
        )
    ):
        if not windows:
            break
        window = windows[index % len(windows)]
        rating = ratings.rate_window_visit(
            window, level=level, comment=comment, at=now - dt.timedelta(days=3 + index, hours=2)
        )
        rating = ratings.appeal_rating(rating, window.head.user, reason="该评价与事实不符，申请复核。")
        if decision is not None:
            ratings.decide_appeal(
                rating,
                supervisor,
                uphold=decision,
                decision="经核实属恶意差评，予以撤销。" if decision else "经核实评价属实，维持差评。",
            )
        made += 1
    return made


def load(stdout: TextIO) -> dict[str, int]:
    for title, category, body in TEMPLATES:
        ResponseTemplate.objects.get_or_create(title=title, defaults={"category": category, "body": body})
    complaints = _load_complaints(stdout)
    rated = _load_ratings(stdout)
    rated += _load_appeals(timezone.now())
    stdout.write(f"complaints: {complaints} complaints, {rated} ratings added\n")
    return {"complaints": complaints, "ratings": rated}

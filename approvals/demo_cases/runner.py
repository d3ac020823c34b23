"""One demo case from application to its planned state through the intake and processing services, at
explicit past moments, with made-up applicants, enterprises and wording."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals.models import Case, CaseDepartment, Channel, Item, SpecialProcedure, StepCode
from approvals.services import intake, processing
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.org.selectors import route_to_available

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红娥玲芬建国文斌志鹏辉婷雪"
    "梅琳欣怡子涵宇轩浩然思远晨阳佳颖雨欣俊杰海燕晓东春生秋菊立新"
)
PLACES = ("甬城", "四明", "江北", "海曙", "鄞州", "北仑", "镇海", "奉化", "余姚", "慈溪", "东钱湖", "三江口")
TRADES = (
    ("科技", "有限公司"),
    ("贸易", "有限公司"),
    ("餐饮管理", "有限公司"),
    ("建设工程", "有限公司"),
    ("物流", "有限公司"),
    ("食品", "有限公司"),
    ("医疗器械", "有限公司"),
    ("环保科技", "股份有限公司"),
    ("置业", "有限公司"),
    ("人力资源服务", "有限公司"),
    ("汽车运输", "有限公司"),
    ("电子商务", "有限公司"),
)
MARKS = ("恒达", "新源", "华泰", "鼎盛", "瑞丰", "宏远", "启明", "润通", "嘉禾", "众诚", "天和", "博远", "安康", "聚力")
SHOP_TOPICS = {"qykb", "scjg", "gcjs", "sthj", "nsfw", "jtcx"}

REFUSAL_REASONS = (
    "申请事项依法不需要取得行政许可。",
    "申请事项不属于本机关职权范围，请向属地区县主管部门申请。",
    "申请人不具备申请资格：营业执照经营范围不含该项目。",
    "逾期未按一次性告知补正材料，视为放弃申请。",
)
DENIAL_REASONS = (
    "现场核查发现经营场所与申请材料不符，不符合许可条件。",
    "专家评审认为技术方案不满足相关标准要求。",
    "申请人提供的检测报告已超过有效期，经告知后未能提供有效报告。",
    "项目选址与国土空间规划不符。",
)
NOTICE_NOTES = (
    "请补正后重新上传清晰的扫描件（PDF），复印件需加盖公章。",
    "所附材料签字页缺失，请补充法定代表人签字并盖章的版本。",
    "材料已过有效期，请提供近三个月内出具的版本。",
)
REVIEW_OPINIONS = ("材料齐全，符合法定形式，建议进入决定环节。", "经审查符合条件。", "现场核查情况与材料一致。")
PAUSE_REASONS = {
    SpecialProcedure.EXPERT_REVIEW: "组织专家对技术方案进行评审",
    SpecialProcedure.INSPECTION: "委托第三方机构对设备进行检验",
    SpecialProcedure.TESTING: "样品送检，等待检测报告",
    SpecialProcedure.HEARING: "涉及相邻权利人重大利益，依申请举行听证",
    SpecialProcedure.APPRAISAL: "委托司法鉴定机构进行鉴定",
}
DELIVERY_METHODS = ("窗口领取", "邮寄送达", "电子证照推送", "短信通知自取")
EXTENSION_REASONS = ("需补充现场核查，情况复杂", "涉及多个部门意见征询，需延长办理时限")


@dataclass
class City:
    """What the run needs to know of the organisation, read once."""

    items: list[Item]
    staff: dict[int, list[Staff]]  # department id → active staff (head first)
    windows: dict[int, list[Staff]]  # item department id → staff of its service window
    partners: list[Department]
    days: list[dt.date]  # working days, oldest first, ending with the last one before today
    counter: Counter = field(default_factory=Counter)
    intake: dict[int, Staff] = field(default_factory=dict)  # department id → its intake clerk (A post)


class Moments:
    """Moments of one case in order: each a working-day time, never before the previous one."""

    def __init__(self, rng: random.Random, days: list[dt.date]) -> None:
        self.rng = rng
        self.days = days
        self.cursor: dt.datetime | None = None
        self.tz = ZoneInfo(settings.TIME_ZONE)

    def at(self, index: int, *, latest: tuple[int, int] = (16, 45)) -> dt.datetime:
        index = max(0, min(index, len(self.days) - 1))
        start, end = 8 * 60 + 40, latest[0] * 60 + latest[1]
        minute = self.rng.randint(start, end)
        moment = dt.datetime.combine(self.days[index], dt.time(minute // 60, minute % 60), tzinfo=self.tz)
        if self.cursor is not None and moment <= self.cursor:
            moment = self.cursor + dt.timedelta(minutes=self.rng.randint(3, 25))
        self.cursor = moment
        return moment


# --- people ---------------------------------------------------------------------------------------------------------


def _person(rng: random.Random, city: City) -> dict[str, str]:
    city.counter["phone"] += 1
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
    prefix = rng.choice(("13", "15", "18")) + str(rng.randint(0, 9))
    return {"applicant_name": name, "applicant_phone": f"{prefix}0000{city.counter['phone'] % 10000:04d}"}


def _enterprise(rng: random.Random, item: Item) -> str:
    if item.topic is None or item.topic.code not in SHOP_TOPICS or rng.random() < 0.25:
        return ""
    trade, form = rng.choice(TRADES)
    return f"宁波{rng.choice(PLACES)}{rng.choice(MARKS)}{trade}{form}"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", PDF_BYTES, content_type="application/pdf")


# --- one case -------------------------------------------------------------------------------------------------------


class CaseRun:
    """Takes one case from application to its planned state through the services."""

    def __init__(self, rng: random.Random, city: City, item: Item) -> None:
        self.rng = rng
        self.city = city
        self.item = item
        self.when = Moments(rng, city.days)
        self.people = city.staff[item.department_id]
        self.last = len(city.days) - 1  # index of the last working day before today
        self.case: Case | None = None
        self.is_joint = False
        self._handler = None
        self.missing: list = []

    # Each method moves the case one step on; the caller chooses the day (an index into city.days).

    def submit(self, day: int, *, online: bool | None = None) -> None:
        rng, item = self.rng, self.item
        online = item.online and rng.random() < 0.4 if online is None else online
        files = {}
        received_by = None
        if online:
            files = {m.pk: [_pdf(m.name)] for m in item.materials.all() if m.required}
        else:
            received_by = rng.choice(self.city.windows[item.department_id]).user
        self.case, _secret = intake.submit_application(
            item,
            **_person(rng, self.city),
            enterprise_name=_enterprise(rng, item),
            channel=Channel.ONLINE if online else rng.choice((Channel.WINDOW, Channel.WINDOW, Channel.MAIL)),
            received_by=received_by,
            files=files,
            at=self.when.at(day),
        )

    def notice(self, day: int) -> None:
        required = [m for m in self.item.materials.all() if m.required] or list(self.item.materials.all())
        missing = self.rng.sample(required, k=min(len(required), self.rng.choice((1, 1, 2))))
        intake.issue_supplement_notice(
            self.case, self._clerk().user, missing=missing, note=self.rng.choice(NOTICE_NOTES), at=self.when.at(day)
        )
        self.missing = missing

    def supplement(self, day: int) -> None:
        files = {m.pk: [_pdf(m.name)] for m in self.missing}
        self.case = intake.supplement_materials(self.case, files=files, at=self.when.at(day))

    def refuse(self, day: int) -> None:
        self.case = intake.refuse_case(
            self.case, self._clerk().user, self.rng.choice(REFUSAL_REASONS), self.when.at(day)
        )

    def accept(self, day: int) -> None:
        # Any clerk of the department may accept; the one who does usually takes the case on (see assign).
        clerk = self.rng.choice(self.people[1:] or self.people)
        self.case = intake.accept_case(self.case, clerk.user, at=self.when.at(day))

    def assign(self, day: int) -> None:
        actor = self.case.handler or self.people[0].user
        # Mostly the accepting clerk takes the case on; now and then it is handed to a colleague.
        colleague = self.rng.random() < 0.2
        handler = self.rng.choice(self.people[1:] or self.people) if colleague else actor.staff
        self.case = processing.assign_case(self.case, handler, actor, at=self.when.at(day))

    def review(self, day: int) -> None:
        self.case = processing.complete_step(
            self.case, self._actor(), opinion=self.rng.choice(REVIEW_OPINIONS), at=self.when.at(day)
        )

    def joint(self, day: int, *, opinions: bool) -> None:
        partners = [d for d in self.city.partners if d.pk != self.item.department.parent_id]
        partners = [d for d in partners if d.pk != self.item.department_id]
        chosen = self.rng.sample(partners, k=min(len(partners), self.rng.choice((1, 2))))
        at = self.when.at(day)
        remaining = processing.remaining_working_days(self.case, at)
        if not chosen or remaining < 2:
            return
        parts = processing.start_joint(
            self.case,
            self._actor(),
            lead=self.item.department,
            co_departments=[(d, self.rng.randint(1, max(1, remaining - 1))) for d in chosen],
            at=at,
        )
        self.is_joint = True
        self.city.counter["joint"] += 1
        for part in parts:
            if not opinions and (part.is_lead or self.rng.random() < 0.5):
                continue
            person = part.handler if part.is_lead else self.city.staff[part.department_id][0].user
            processing.give_joint_opinion(
                part,
                person,
                agreed=True,
                opinion="同意。" if not part.is_lead else "牵头部门审查意见：符合条件。",
                at=self.when.at(day + self.rng.randint(0, 1)),
            )

    def pause(self, day: int) -> None:
        procedure = self.rng.choice(list(PAUSE_REASONS))
        self.case = processing.pause_case(
            self.case,
            self._actor(),
            procedure=procedure,
            reason=PAUSE_REASONS[procedure],
            expected_days=self.rng.choice((5, 10, 15, 20)),
            at=self.when.at(day),
        )

    def extend(self, day: int, *, decide: bool) -> bool:
        clock = processing.case_clock(self.case)
        at = self.when.at(day)
        if clock is None or at >= clock.due_at:
            return False
        days = min(self.rng.choice((3, 5, 10)), processing.extension_cap(self.case) - clock.limit_days)
        if days < 1:
            return False
        request = processing.request_extension(self.case, self._actor(), days, self.rng.choice(EXTENSION_REASONS), at)
        if decide:
            leader = self.item.department.leader_in_charge.user
            processing.decide_extension(request, leader, True, "同意延期。", at=self.when.at(day))
        self.city.counter["extension"] += 1
        return True

    def decide(self, day: int, *, approve: bool) -> None:
        if self.is_joint:
            for part in CaseDepartment.objects.filter(case=self.case, finished_at__isnull=True).select_related(
                "handler"
            ):
                person = part.handler if part.is_lead else self.city.staff[part.department_id][0].user
                processing.give_joint_opinion(part, person, agreed=True, opinion="同意。", at=self.when.at(day))
        reason = "" if approve else self.rng.choice(DENIAL_REASONS)
        self.case = processing.decide_case(
            self.case, self._actor(), approve=approve, reason=reason, at=self.when.at(day)
        )
        if approve:
            self.city.counter["licence"] += 1
            number = f"{self.item.code[:4].upper()}{self.case.decided_at:%Y}{self.city.counter['licence']:06d}"
            self.case = processing.record_result(self.case, self._actor(), licence_number=number, at=self.when.at(day))

    def deliver(self, day: int, *, latest: tuple[int, int] = (16, 45)) -> None:
        fee = self.item.fee_amount
        if self.rng.random() < 0.01:
            fee += Decimal("20.00")  # 多收费: a red card for the wrong fee
        self.case = processing.deliver_case(
            self.case,
            self._actor(),
            method=self.rng.choice(DELIVERY_METHODS),
            fee_charged=fee,
            at=self.when.at(day, latest=latest),
        )

    def _clerk(self) -> Staff:
        department = self.item.department
        if department.pk not in self.city.intake:
            self.city.intake[department.pk] = intake.intake_clerk(department)
        return route_to_available(self.city.intake[department.pk], self.when.cursor)

    def _actor(self):
        if self.case.handler_id is None:
            return self.people[0].user
        if self._handler is None or self._handler.pk != self.case.handler_id:
            self._handler = self.case.handler
        return self._handler

    def steps(self) -> list[str]:
        return [s.code for s in self.item.steps.all()]

    def step_limit(self, code: str) -> int:
        return next((s.limit_days for s in self.item.steps.all() if s.code == code), 0)

    def review_day(self, start: int, latest: int) -> int:
        """The review is mostly finished within its own limit; now and then it runs over."""
        limit = self.step_limit(StepCode.REVIEW)
        if self.rng.random() < 0.15:
            return self.rng.randint(start, latest)
        return min(start + self.rng.randint(0, limit), latest)

"""Demo data for the organisation: a city's agencies, their units and service windows, staff, A/B posts and
away notices. Safe to run again: every row is found by its natural key (department code, username, post name,
the person and kind of absence) and updated, never added twice. Away notices in force are moved to "now".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from efficiency_portal.accounts.models import User

from . import services
from .models import AwayNotice, AwayNoticeEvent, Department, Role, Staff

DEMO_PASSWORD = "Demo!2026pass"

AGENCY, DEPARTMENT, WINDOW = Department.Kind.AGENCY, Department.Kind.DEPARTMENT, Department.Kind.WINDOW


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short_name: str
    kind: str
    parent: str | None
    staff: int
    posts: tuple[str, ...]
    address: str = ""
    head_title: str = "局长"
    leader: str = ""  # code of the vice mayor in charge; units below an agency are led by the agency's head


# Vice mayors sit in the general office (市政府办公室) and are the leaders in charge of the agencies.
LEADERS = (
    ("wangjianguo", "王建国", "常务副市长"),
    ("lihongmei", "李红梅", "副市长"),
    ("chenzhiqiang", "陈志强", "副市长"),
)
W, L, C = (code for code, _, _ in LEADERS)

CENTRE = "市民中心"
UNITS: tuple[Unit, ...] = (
    Unit("szfb", "市政府办公室", "市府办", AGENCY, None, 3, ("文电处理岗", "督查督办岗"), "市府路1号", "秘书长", W),
    Unit(
        "xiaonengban",
        "市机关效能建设办公室",
        "效能办",
        AGENCY,
        None,
        4,
        ("效能投诉受理岗", "电子监察岗", "明察暗访岗"),
        "市府路1号3号楼",
        "主任",
        W,
    ),
    Unit(
        "fgw",
        "市发展和改革委员会",
        "市发改委",
        AGENCY,
        None,
        4,
        ("项目审批岗", "价格监督岗"),
        "市府路1号2号楼",
        "主任",
        W,
    ),
    Unit("fgw-tzc", "固定资产投资处", "投资处", DEPARTMENT, "fgw", 3, ("企业投资项目核准岗", "政府投资项目审批岗")),
    Unit(
        "scjgj", "市市场监督管理局", "市场监管局", AGENCY, None, 4, ("行政许可岗", "投诉举报岗"), "解放路88号", leader=L
    ),
    Unit("scjgj-djk", "登记注册科", "登记注册科", DEPARTMENT, "scjgj", 3, ("企业登记岗", "个体工商户登记岗")),
    Unit("scjgj-spk", "食品经营许可科", "食品许可科", DEPARTMENT, "scjgj", 2, ("食品经营许可岗",)),
    Unit(
        "zrzyj",
        "市自然资源和规划局",
        "自然资源局",
        AGENCY,
        None,
        4,
        ("规划许可岗", "用地审批岗"),
        "人民路56号",
        leader=C,
    ),
    Unit("zrzyj-bdc", "不动产登记中心", "不动产中心", DEPARTMENT, "zrzyj", 3, ("不动产登记岗", "档案查询岗")),
    Unit(
        "zjj", "市住房和城乡建设局", "住建局", AGENCY, None, 4, ("施工许可岗", "建筑市场监管岗"), "人民路60号", leader=C
    ),
    Unit("zjj-jzy", "建筑业管理处", "建管处", DEPARTMENT, "zjj", 2, ("资质审批岗",)),
    Unit(
        "rsj", "市人力资源和社会保障局", "人社局", AGENCY, None, 4, ("就业服务岗", "劳动监察岗"), "中山路12号", leader=L
    ),
    Unit("rsj-sbk", "社会保险经办科", "社保经办科", DEPARTMENT, "rsj", 3, ("社保登记岗", "待遇核定岗")),
    Unit("gaj", "市公安局", "市公安局", AGENCY, None, 3, ("户政管理岗",), "公安路2号", leader=W),
    Unit(
        "gaj-crj",
        "市公安局出入境管理支队",
        "出入境支队",
        DEPARTMENT,
        "gaj",
        4,
        ("证件受理岗", "签证审批岗"),
        "",
        "支队长",
    ),
    Unit(
        "wjw",
        "市卫生健康委员会",
        "卫健委",
        AGENCY,
        None,
        3,
        ("医疗机构执业许可岗", "公共卫生许可岗"),
        "健康路9号",
        "主任",
        L,
    ),
    Unit("jtj", "市交通运输局", "交通局", AGENCY, None, 3, ("道路运输许可岗", "公路路政岗"), "交通路18号", leader=C),
    Unit("sthjj", "市生态环境局", "生态环境局", AGENCY, None, 3, ("环评审批岗", "排污许可岗"), "绿园路6号", leader=C),
    Unit("swj", "市税务局", "市税务局", AGENCY, None, 3, ("税务登记岗",), "财富路3号", leader=W),
    Unit("swj-nsfw", "纳税服务科", "纳税服务科", DEPARTMENT, "swj", 3, ("发票领用岗", "申报辅导岗")),
    Unit("ybj", "市医疗保障局", "医保局", AGENCY, None, 3, ("医保待遇岗", "基金监管岗"), "中山路30号", leader=L),
    Unit("mzj", "市民政局", "民政局", AGENCY, None, 3, ("婚姻登记岗", "社会救助岗"), "民生路5号", leader=L),
    Unit("jyj", "市教育局", "教育局", AGENCY, None, 3, ("办学许可岗", "学籍管理岗"), "文教路21号", leader=L),
    Unit("swuj", "市商务局", "商务局", AGENCY, None, 3, ("外贸经营备案岗", "市场运行岗"), "解放路120号", leader=W),
    Unit("czj", "市财政局", "财政局", AGENCY, None, 3, ("国库支付岗", "政府采购岗"), "财富路1号", leader=W),
    Unit(
        "spj",
        "市行政审批服务局",
        "审批局",
        AGENCY,
        None,
        4,
        ("审批协调岗", "首问负责岗"),
        f"{CENTRE}A座",
        leader=W,
    ),
    Unit(
        "zwzx",
        "市政务服务中心",
        "政务服务中心",
        DEPARTMENT,
        "spj",
        3,
        ("大厅值班岗", "帮办代办岗"),
        f"{CENTRE}1楼",
        "中心主任",
    ),
    Unit(
        "zwzx-zhsl",
        "综合受理窗口",
        "综合受理",
        WINDOW,
        "zwzx",
        3,
        ("综合受理岗", "出件岗"),
        f"{CENTRE}1楼1–6号窗口",
        "窗口负责人",
    ),
    Unit(
        "zwzx-qykb",
        "企业开办窗口",
        "企业开办",
        WINDOW,
        "zwzx",
        3,
        ("企业开办受理岗",),
        f"{CENTRE}1楼7–10号窗口",
        "窗口负责人",
    ),
    Unit(
        "zwzx-bdc",
        "不动产登记窗口",
        "不动产窗口",
        WINDOW,
        "zwzx",
        3,
        ("不动产受理岗",),
        f"{CENTRE}2楼11–16号窗口",
        "窗口负责人",
    ),
    Unit(
        "zwzx-sbyb",
        "社保医保窗口",
        "社保医保",
        WINDOW,
        "zwzx",
        2,
        ("社保医保受理岗",),
        f"{CENTRE}2楼17–20号窗口",
        "窗口负责人",
    ),
    Unit(
        "zwzx-crj",
        "出入境窗口",
        "出入境窗口",
        WINDOW,
        "zwzx",
        2,
        ("出入境证件受理岗",),
        f"{CENTRE}3楼21–24号窗口",
        "窗口负责人",
    ),
)

# fmt: off
SURNAMES = (
    ("张", "zhang"), ("王", "wang"), ("李", "li"), ("刘", "liu"), ("陈", "chen"), ("杨", "yang"), ("黄", "huang"),
    ("赵", "zhao"), ("吴", "wu"), ("周", "zhou"), ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"),
    ("胡", "hu"), ("郭", "guo"), ("何", "he"), ("林", "lin"), ("罗", "luo"), ("高", "gao"), ("郑", "zheng"),
    ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"),
    ("曹", "cao"), ("彭", "peng"), ("曾", "zeng"), ("肖", "xiao"), ("田", "tian"), ("董", "dong"), ("潘", "pan"),
    ("袁", "yuan"), ("蒋", "jiang"), ("蔡", "cai"), ("余", "yu"), ("叶", "ye"),
)
GIVEN_NAMES = (
    ("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"), ("强", "qiang"),
    ("磊", "lei"), ("军", "jun"), ("洋", "yang"), ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("涛", "tao"),
    ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"), ("霞", "xia"), ("平", "ping"), ("刚", "gang"),
    ("桂英", "guiying"), ("建华", "jianhua"), ("晓东", "xiaodong"), ("海燕", "haiyan"), ("志刚", "zhigang"),
    ("丹", "dan"), ("鹏", "peng"), ("华", "hua"), ("文博", "wenbo"), ("雪", "xue"), ("宇", "yu"), ("浩", "hao"),
    ("婷", "ting"), ("晨", "chen"), ("悦", "yue"), ("欣怡", "xinyi"), ("子涵", "zihan"), ("佳琪", "jiaqi"),
    ("国强", "guoqiang"), ("建军", "jianjun"), ("玉兰", "yulan"), ("立新", "lixin"), ("春燕", "chunyan"),
    ("振华", "zhenhua"), ("慧", "hui"),
)
# fmt: on
CLERK_TITLES = ("一级主任科员", "二级主任科员", "科员", "四级主任科员")
WINDOW_TITLE = "窗口工作人员"


def person(index: int) -> tuple[str, str]:
    """The ``index``-th demo name and its pinyin; distinct for the first 360 indices."""
    surname, surname_pinyin = SURNAMES[index % len(SURNAMES)]
    given, given_pinyin = GIVEN_NAMES[(index * 11) % len(GIVEN_NAMES)]
    return surname + given, surname_pinyin + given_pinyin


@dataclass(frozen=True)
class AbsenceSpec:
    username_of: tuple[str, int]  # (department code, index of the staff member in it)
    reason: str
    destination: str
    starts_in_minutes: int
    lasts_minutes: int
    note: str = ""


R = AwayNotice.Reason
DAY = 24 * 60
ABSENCES: tuple[AbsenceSpec, ...] = (
    # In force now: A away, B stands in.
    AbsenceSpec(("scjgj-djk", 1), R.MEETING, "市政府三楼会议室", -40, 150, "全市营商环境推进会"),
    AbsenceSpec(("zwzx-zhsl", 1), R.TRAINING, "市委党校", -60, 4 * 60),
    AbsenceSpec(("fgw", 0), R.TRIP, "省发展改革委", -DAY, 2 * DAY, "项目对接"),
    # In force now: both A and B of the same post are away, so nobody stands in.
    AbsenceSpec(("gaj-crj", 1), R.TRAINING, "省公安厅出入境培训班", -2 * 60, 2 * DAY),
    AbsenceSpec(("gaj-crj", 2), R.BUSINESS, "口岸查验现场", -30, 3 * 60),
    AbsenceSpec(("rsj-sbk", 0), R.SICK, "", -3 * 60, DAY),
    # Planned.
    AbsenceSpec(("zrzyj-bdc", 1), R.MEETING, "不动产登记业务协调会", 2 * DAY, 2 * 60),
    AbsenceSpec(("mzj", 2), R.LEAVE, "", 5 * DAY, 3 * DAY, "年休假"),
    # Past.
    AbsenceSpec(("scjgj", 1), R.BUSINESS, "企业现场核查", -3 * DAY, 3 * 60),
    AbsenceSpec(("zwzx-qykb", 0), R.MEETING, "市民中心会议室", -6 * DAY, 90),
    AbsenceSpec(("jtj", 2), R.TRIP, "省交通运输厅", -10 * DAY, 2 * DAY),
    AbsenceSpec(("xiaonengban", 2), R.BUSINESS, "明察暗访", -2 * DAY, 4 * 60),
)


class DemoOrg:
    def __init__(self, stdout: TextIO | None) -> None:
        self.stdout = stdout
        self.password = make_password(DEMO_PASSWORD)
        self.groups = {role: Group.objects.get_or_create(name=role)[0] for role in Role.values}
        self.used_usernames: set[str] = {"admin", "supervisor"}
        self.index = 0
        self.serial = 0
        self.staff_by_unit: dict[str, list[Staff]] = {}
        self.departments: dict[str, Department] = {}

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text + "\n")

    def user(self, username: str, display_name: str, *, kind: str = User.Kind.STAFF, **extra) -> User:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "display_name": display_name,
                "kind": kind,
                "password": self.password,
                "email": f"{username}@demo.gov.cn",
                "is_active": True,
                **extra,
            },
        )
        return user

    def staff(self, unit_code: str, username: str, name: str, title: str, roles: tuple[str, ...]) -> Staff:
        user = self.user(username, name)
        user.groups.add(*(self.groups[role] for role in roles))
        self.serial += 1
        staff, _ = Staff.objects.update_or_create(
            user=user,
            defaults={
                "department": self.departments[unit_code],
                "name": name,
                "employee_no": f"D{self.serial:04d}",
                "title": title,
                "phone": f"0574-8{8000000 + self.serial * 137:07d}",
                "is_active": True,
            },
        )
        return staff

    def next_person(self) -> tuple[str, str]:
        name, username = person(self.index)
        self.index += 1
        candidate, n = username, 2
        while candidate in self.used_usernames:
            candidate, n = f"{username}{n}", n + 1
        self.used_usernames.add(candidate)
        return name, candidate

    def load(self) -> dict[str, int]:
        for order, unit in enumerate(UNITS):
            self.departments[unit.code], _ = Department.objects.update_or_create(
                code=unit.code,
                defaults={
                    "name": unit.name,
                    "short_name": unit.short_name,
                    "kind": unit.kind,
                    "parent": self.departments[unit.parent] if unit.parent else None,
                    "address": unit.address,
                    "phone": f"0574-8{7000000 + order * 11:07d}",
                    "sort_order": (order + 1) * 10,
                    "is_active": True,
                },
            )
        leaders = {
            username: self.staff("szfb", username, name, title, (Role.LEADER,)) for username, name, title in LEADERS
        }
        for unit in UNITS:
            people: list[Staff] = []
            for position in range(unit.staff):
                name, username = self.next_person()
                if unit.code == "xiaonengban" and position == 1:
                    # The demo supervisor signs in as "supervisor".
                    self.used_usernames.discard(username)
                    username, name = "supervisor", "周敏"
                if position == 0:
                    title = unit.head_title
                    roles: tuple[str, ...] = (Role.DEPARTMENT_HEAD,)
                    if unit.kind == AGENCY:
                        roles += (Role.LEADER,)
                else:
                    title = WINDOW_TITLE if unit.kind == WINDOW else CLERK_TITLES[position % len(CLERK_TITLES)]
                    roles = (Role.CLERK,)
                if unit.code == "xiaonengban":
                    roles += (Role.SUPERVISOR,)
                people.append(self.staff(unit.code, username, name, title, roles))
            self.staff_by_unit[unit.code] = people
        for unit in UNITS:
            department = self.departments[unit.code]
            people = self.staff_by_unit[unit.code]
            department.head = people[0]
            if unit.leader:
                department.leader_in_charge = leaders[unit.leader]
            else:
                department.leader_in_charge = self.staff_by_unit[unit.parent or unit.code][0]
            department.save(update_fields=["head", "leader_in_charge"])
            for k, post_name in enumerate(unit.posts):
                # Post k is held by the (k+1)-th member and backed by the next one, wrapping round.
                holder = people[(k + 1) % len(people)]
                backup = people[(k + 2) % len(people)]
                if backup.pk == holder.pk:
                    backup = people[(k + 3) % len(people)]
                services.assign_post(department, post_name, holder, backup, duties=f"{unit.short_name}{post_name}职责")
        self.absences()
        admin = self.user(
            "admin", "系统管理员", kind=User.Kind.STAFF, is_superuser=True, is_staff=True, first_name="管理员"
        )
        admin.groups.add(self.groups[Role.ADMINISTRATOR])
        return {
            "departments": len(self.departments),
            "staff": sum(len(p) for p in self.staff_by_unit.values()) + len(leaders),
            "posts": sum(len(u.posts) for u in UNITS),
            "away_notices": len(ABSENCES),
        }

    def absences(self) -> None:
        now = timezone.now().replace(second=0, microsecond=0)
        for spec in ABSENCES:
            code, position = spec.username_of
            staff = self.staff_by_unit[code][position]
            starts_at = now + dt.timedelta(minutes=spec.starts_in_minutes)
            ends_at = starts_at + dt.timedelta(minutes=spec.lasts_minutes)
            notice, _created = AwayNotice.objects.update_or_create(
                staff=staff,
                reason=spec.reason,
                destination=spec.destination,
                defaults={
                    "note": spec.note,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "cancelled_at": None,
                    "created_by": staff.user,
                },
            )
            AwayNoticeEvent.objects.update_or_create(
                notice=notice,
                action=AwayNoticeEvent.Action.REGISTERED,
                defaults={"actor": staff.user, "at": min(starts_at, now), "ends_at_after": ends_at},
            )

    def logins(self) -> list[tuple[str, str]]:
        first = {code: people[0] for code, people in self.staff_by_unit.items()}
        return [
            ("admin", "administrator (系统管理员)"),
            ("supervisor", "supervisor (效能办)"),
            (LEADERS[0][0], f"leader in charge ({LEADERS[0][1]}, {LEADERS[0][2]})"),
            (first["scjgj-djk"].user.username, f"department head ({first['scjgj-djk'].name}, 登记注册科)"),
            (self.staff_by_unit["scjgj-djk"][2].user.username, "clerk (登记注册科)"),
            (first["zwzx-zhsl"].user.username, f"window head ({first['zwzx-zhsl'].name}, 综合受理窗口)"),
            (self.staff_by_unit["zwzx-zhsl"][2].user.username, "window clerk (综合受理窗口)"),
        ]


def load(stdout: TextIO | None = None) -> dict[str, int]:
    with transaction.atomic():
        demo = DemoOrg(stdout)
        counts = demo.load()
    demo.say(
        "org: {departments} departments, {staff} staff, {posts} A/B posts, {away_notices} away notices".format(**counts)
    )
    demo.say(f"Demo logins (password {DEMO_PASSWORD}):")
    for username, what in demo.logins():
        demo.say(f"  {username:<16} {what}")
    demo.say("  every other staff member signs in with the pinyin of their name (see the staff directory)")
    return counts

"""axe-core on the portal's main pages, in the standard and the elder mode (长辈版): no serious or critical violation.

The engine is the npm package axe-core, pinned in tests/e2e/axe/package.json and installed by scripts/test.sh
(``npm ci``). It is put into every page as an init script of the browser context, which the page's
Content-Security-Policy does not apply to, so the pages are checked exactly as they are served. The rules are
axe's defaults (WCAG 2.0/2.1 A and AA and axe's best practices); a violation of impact "serious" or "critical"
fails the test, the others are reported. ``AXE_REPORT=<file>`` also writes every violation found as JSON.

Desktop (1280 px) in Chinese checks every page of ``PAGES``; a phone (390 px) in English a sample of them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals.services.stats import refresh_daily_stats
from efficiency_portal.org.models import Role
from efficiency_portal.supervised_tasks import services as task_services
from efficiency_portal.supervised_tasks.models import TaskKind
from efficiency_portal.supervision.models import Deadline
from efficiency_portal.supervision.services import finish_deadline, sweep_deadlines
from efficiency_portal.workdays.calendar import local_date
from tests.complaints.factories import file
from tests.e2e.conftest import PHONE, _unavailable, log_in
from tests.factories import (
    CitizenFactory,
    DepartmentFactory,
    ItemFactory,
    StaffFactory,
    ensure_official_calendar,
    make_accepted_case,
    make_head,
)

pytestmark = [pytest.mark.e2e]

AXE_PATH = Path(
    os.environ.get("AXE_CORE_PATH")
    or Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
)
DESKTOP = {"width": 1280, "height": 900}
BLOCKING = ("serious", "critical")
ELDER_COOKIE = {"name": "portal_display", "value": "elder"}


def build_city() -> dict:
    """A department with its people, cases on time and late, a complaint, a public commitment and the figures."""
    ensure_official_calendar()
    bureau = DepartmentFactory(name="市市场监督管理局", code="scjgj-a11y")
    head = make_head(bureau, name="陈科长")
    leader = StaffFactory(name="王分管", roles=[Role.LEADER])
    bureau.leader_in_charge = leader
    bureau.save(update_fields=["leader_in_charge"])
    clerk = StaffFactory(department=bureau, name="赵磊", roles=[Role.CLERK])
    office = DepartmentFactory(name="效能办", code="xnb-a11y")
    supervisor = StaffFactory(department=office, name="周敏", roles=[Role.SUPERVISOR])
    item = ItemFactory(department=bureau, name="食品经营许可（无障碍检查）", code="food-a11y")
    citizen = CitizenFactory(display_name="李华")
    now = timezone.now()
    late = make_accepted_case(item, accepted_at=now - dt.timedelta(days=40), clerk=clerk, applicant=citizen)
    early = make_accepted_case(item, accepted_at=now - dt.timedelta(days=1), clerk=clerk)
    make_accepted_case(item, accepted_at=now - dt.timedelta(days=30), clerk=clerk)  # stays red
    make_accepted_case(item, clerk=clerk)  # green
    sweep_deadlines()
    for case in (late, early):
        finish_deadline(Deadline.objects.get(object_id=case.pk, kind="case"), clerk.user, at=now)
    refresh_daily_stats([local_date(now)])
    file(bureau, complainant=citizen)
    task_services.assign_task(
        title="企业开办一日办结",
        description="全流程1个工作日内办结。",
        kind=TaskKind.COMMITMENT,
        lead_department=bureau,
        responsible=head.user,
        limit_days=60,
        is_public=True,
        actor=supervisor.user,
    )
    return {
        "bureau": bureau,
        "item": item,
        "case": late,
        "users": {
            "citizen": citizen,
            "clerk": clerk.user,
            "head": head.user,
            "leader": leader.user,
            "supervisor": supervisor.user,
        },
    }


def pages(city: dict) -> list[tuple[str, str | None, str]]:
    """(name, who is signed in or None, address) of the main pages."""
    code, bureau = city["item"].code, city["bureau"].code
    return [
        ("home", None, reverse("home")),
        ("catalogue", None, reverse("approvals:catalogue")),
        ("service guide", None, reverse("approvals:item_guide", args=[code])),
        ("track an application", None, reverse("approvals:track")),
        ("file a complaint", None, reverse("complaints:file")),
        ("follow a complaint", None, reverse("complaints:track")),
        ("rate a window", None, reverse("complaints:rate_window")),
        ("public disclosure", None, reverse("dashboards:disclosure")),
        ("public department", None, reverse("dashboards:disclosure_department", args=[bureau])),
        ("departments", None, reverse("org:department_list")),
        ("away-notice board", None, reverse("org:department_board", args=[bureau])),
        ("calendar", None, reverse("workdays:calendar")),
        ("sign in", None, reverse("accounts:login")),
        ("register", None, reverse("accounts:register")),
        ("my applications", "citizen", reverse("approvals:my_cases")),
        ("my complaints", "citizen", reverse("complaints:my_complaints")),
        ("my account", "citizen", reverse("accounts:profile")),
        ("my page", "clerk", reverse("dashboards:me")),
        ("my queue", "clerk", reverse("approvals:my_queue")),
        ("case at work", "clerk", reverse("approvals:case_work", args=[city["case"].pk])),
        ("my warnings", "clerk", reverse("supervision:my_warnings")),
        ("notifications", "clerk", reverse("notifications:list")),
        ("department queue", "head", reverse("approvals:department_queue")),
        ("department dashboard", "leader", reverse("dashboards:department")),
        ("command centre", "supervisor", reverse("dashboards:command_centre")),
        ("late cases", "supervisor", reverse("dashboards:drill", args=["city", "cases_red"])),
        ("deadlines", "supervisor", reverse("supervision:deadline_list")),
        ("case statistics", "supervisor", reverse("approvals:statistics")),
        ("department statistics", "supervisor", reverse("approvals:department_statistics", args=[bureau])),
        ("complaints", "supervisor", reverse("complaints:work_list")),
        ("complaint statistics", "supervisor", reverse("complaints:statistics")),
        ("credit subjects", "supervisor", reverse("credit:subject_list")),
        ("supervised tasks", "supervisor", reverse("supervised_tasks:list")),
        ("assessment rankings", "supervisor", reverse("assessment:rankings")),
        ("audit log", "supervisor", reverse("audit:event_list")),
    ]


PHONE_SAMPLE = (
    "home",
    "service guide",
    "file a complaint",
    "public disclosure",
    "public department",
    "sign in",
    "my applications",
    "my queue",
    "case at work",
    "command centre",
    "case statistics",
    "complaints",
)


def axe_violations(page) -> list[dict]:
    return page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
                summary: v.nodes.length ? v.nodes[0].failureSummary : "",
            }));
        }"""
    )


def check_pages(browser, live_server, city: dict, *, viewport: dict, locale: str, elder: bool, only=None) -> list:
    """Every page of ``pages`` (or the names in ``only``), each as the person it is for; returns the findings."""
    if not AXE_PATH.exists():
        _unavailable(f"axe-core not found at {AXE_PATH} (scripts/test.sh installs it with npm ci)")
    findings = []
    contexts = {}
    try:
        for name, who, address in pages(city):
            if only and name not in only:
                continue
            if who not in contexts:
                context = browser.new_context(base_url=live_server.url, viewport=viewport, locale=locale)
                context.set_default_timeout(15_000)
                context.add_init_script(path=str(AXE_PATH))
                if elder:
                    context.add_cookies([{**ELDER_COOKIE, "url": live_server.url}])
                page = context.new_page()
                if who:
                    log_in(page, city["users"][who].username)
                contexts[who] = (context, page)
            page = contexts[who][1]
            response = page.goto(address)
            assert response is not None and response.status == 200, (name, address, response and response.status)
            page.wait_for_load_state("load")
            assert (page.locator("html.elder").count() == 1) is elder, name
            for violation in axe_violations(page):
                findings.append({"page": name, "address": address, "elder": elder, "locale": locale, **violation})
    finally:
        for context, _page in contexts.values():
            context.close()
    return findings


def _report(findings: list[dict]) -> str:
    by_impact = Counter()
    for finding in findings:
        by_impact[finding["impact"]] += finding["nodes"]
    lines = [f"{impact}: {count} nodes" for impact, count in sorted(by_impact.items())]
    lines += [
        f"  {f['page']} ({'elder' if f['elder'] else 'standard'}, {f['locale']}): {f['impact']} {f['id']} ×{f['nodes']}"
        f" {f['targets']} — {f['summary'][:300]}"
        for f in findings
    ]
    report_path = os.environ.get("AXE_REPORT")
    if report_path:
        previous = json.loads(Path(report_path).read_text()) if Path(report_path).exists() else []
        Path(report_path).write_text(json.dumps(previous + findings, ensure_ascii=False, indent=1))
    return "\n".join(lines)


def _assert_clean(findings: list[dict]) -> None:
    blocking = [f for f in findings if f["impact"] in BLOCKING]
    print(_report(findings))  # the minor and moderate findings are worth reading in the log
    assert blocking == [], _report(blocking)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_main_pages_on_a_desktop_in_chinese(browser, live_server, elder: bool) -> None:
    city = build_city()
    findings = check_pages(browser, live_server, city, viewport=DESKTOP, locale="zh-CN", elder=elder)
    _assert_clean(findings)


@pytest.mark.parametrize("elder", [False, True], ids=["standard", "elder"])
def test_a_sample_on_a_phone_in_english(browser, live_server, elder: bool) -> None:
    city = build_city()
    findings = check_pages(
        browser, live_server, city, viewport=PHONE, locale="en-US", elder=elder, only=set(PHONE_SAMPLE)
    )
    _assert_clean(findings)

"""Demo supervised tasks and public commitments (实事承诺). Safe to run again: tasks are found by their title."""

from __future__ import annotations

import datetime as dt
from typing import TextIO

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from efficiency_portal.org.models import Department

from . import services
from .models import Task, TaskKind

# (title, kind, public, what is to be done, progress reports of the lead department, closed out)
TASKS = (
    (
        "企业开办全程网办，一个环节一日办结",
        TaskKind.COMMITMENT,
        True,
        "年内实现企业开办营业执照、公章刻制、发票申领、社保登记一网通办，全流程1个工作日内办结。",
        (40, 70),
        False,
    ),
    (
        "不动产登记“交房即交证”",
        TaskKind.COMMITMENT,
        True,
        "新建商品房项目实现交房即交证，一般登记3个工作日内办结。",
        (30,),
        False,
    ),
    (
        "政务服务“好差评”差评整改闭环",
        TaskKind.REFORM,
        False,
        "建立差评核实、整改、回访闭环机制，差评整改率达到100%。",
        (100,),
        True,
    ),
    (
        "市领导批示：解决群众反映的社保卡补办排队问题",
        TaskKind.INSTRUCTION,
        False,
        "优化社保卡补办流程，推行预约办理和即时制卡，高峰时段排队不超过30分钟。",
        (),
        False,
    ),
)


def load(stdout: TextIO | None = None) -> dict[str, int]:
    User = get_user_model()
    supervisor = User.objects.filter(username="supervisor").first() or User.objects.filter(is_superuser=True).first()
    departments = list(
        Department.objects.filter(is_active=True, head__isnull=False, kind=Department.Kind.DEPARTMENT)
        .select_related("head__user")
        .order_by("sort_order", "name")[:6]
    )
    if supervisor is None or len(departments) < 2:
        if stdout:
            stdout.write("Supervised tasks: no supervisor or departments yet, skipped.\n")
        return {"tasks": 0}
    created = 0
    now = timezone.now()
    for index, (title, kind, public, description, progress_steps, closed) in enumerate(TASKS):
        if Task.objects.filter(title=title).exists():
            continue
        lead = departments[index % len(departments)]
        co = departments[(index + 1) % len(departments)]
        started = now - dt.timedelta(days=30 + 10 * index)
        with transaction.atomic():
            task = services.assign_task(
                title=title,
                description=description,
                kind=kind,
                lead_department=lead,
                responsible=lead.head.user,
                co_departments=[co],
                limit_days=60 if kind == TaskKind.COMMITMENT else 15,
                is_public=public,
                actor=supervisor,
                at=started,
            )
            for step, progress in enumerate(progress_steps, start=1):
                services.report_progress(
                    task,
                    department=lead,
                    author=lead.head.user,
                    text=f"第{step}次进展：已完成{progress}%，按计划推进。",
                    progress=progress,
                    asks_close_out=progress == 100,
                    at=started + dt.timedelta(days=7 * step),
                )
            if closed:
                services.close_out(
                    task, actor=supervisor, note="资料齐全，同意销号。", at=started + dt.timedelta(days=20)
                )
            if public:
                services.set_public_note(
                    task,
                    note=f"已完成{progress_steps[-1] if progress_steps else 0}%，按计划推进。",
                    actor=supervisor,
                )
        created += 1
    if stdout:
        stdout.write(f"Supervised tasks: {created} added, {Task.objects.count()} in all.\n")
    return {"tasks": created}

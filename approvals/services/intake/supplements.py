"""Supplementing: the applicant sends what the one-time notice asked for and the case is checked again.

While a case waits for missing materials the pre-review clock is paused (the time is the applicant's). When the
materials come, the clock either starts again from zero (mode "restart", the default) or resumes with the days
already used (mode "pause"); the item's ``supplement_mode`` overrides settings.APPROVALS_SUPPLEMENT_MODE.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseStatus, Item, SupplementMode, SupplementNotice
from approvals.services.common import PRE_REVIEW_CLOCK, now_or, transition
from efficiency_portal.supervision import services as clocks
from efficiency_portal.supervision.models import DeadlineStatus

from .base import Files, case_deadline, check_files, delete_files, public, save_files


def supplement_mode(item: Item) -> str:
    return item.supplement_mode or settings.APPROVALS_SUPPLEMENT_MODE


def open_notice(case: Case) -> SupplementNotice | None:
    return SupplementNotice.objects.filter(case=case, supplemented_at__isnull=True).prefetch_related("missing").first()


def supplement_materials(case: Case, *, files: Files, actor=None, at: dt.datetime | None = None) -> Case:
    """SUPPLEMENT → SUBMITTED with every material the notice asked for; the pre-review clock restarts or resumes."""
    at = now_or(at)
    case = Case.objects.select_related("item").get(pk=case.pk)
    notice = open_notice(case)
    if case.status != CaseStatus.SUPPLEMENT or notice is None:
        raise ValidationError({"status": _("This case is not waiting for materials.")})
    asked = [m.pk for m in notice.missing.all()]
    files = {int(k): [f for f in v if f] for k, v in files.items()}
    errors: dict[str, list[str]] = {}
    for material_id in asked:
        if not files.get(material_id):
            errors[f"material_{material_id}"] = [str(_("Please upload this material."))]
    try:
        checked = check_files(case.item, files, only=asked)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
        checked = []
    if errors:
        raise ValidationError(errors)
    mode = supplement_mode(case.item)
    stored: list[str] = []
    try:
        case = _supplement(case, notice, checked, mode, actor, at, stored)
    except BaseException:
        delete_files(stored)
        raise
    return case


def _supplement(case: Case, notice: SupplementNotice, checked, mode: str, actor, at: dt.datetime, stored) -> Case:
    with transaction.atomic():
        round_no = (case.materials.aggregate(top=Max("round"))["top"] or 1) + 1
        case = transition(
            case,
            allowed_from=[CaseStatus.SUPPLEMENT],
            to=CaseStatus.SUBMITTED,
            action="supplemented",
            actor=actor,
            at=at,
            public_text=public(_("The missing materials were received; the application is being checked again.")),
            materials_complete_at=at,
        )
        updated = SupplementNotice.objects.filter(pk=notice.pk, supplemented_at__isnull=True).update(supplemented_at=at)
        if not updated:
            raise ValidationError({"status": _("The case was changed by someone else; reload and try again.")})
        save_files(case, checked, actor=actor, round_no=round_no, stored=stored)
        deadline = case_deadline(case, PRE_REVIEW_CLOCK)
        if deadline is not None and deadline.status == DeadlineStatus.PAUSED:
            if mode == SupplementMode.PAUSE:
                clocks.resume_deadline(deadline, actor, at)
            else:
                clocks.restart_deadline(deadline, actor, at, reason=str(_("Missing materials received")))
    return case

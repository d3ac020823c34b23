"""Intake: applying (online and at the window), pre-review (accept, refuse, one notice of what is missing),
supplementing, and the acceptance by law of cases left without a decision past the pre-review window.

Who answers for the pre-review clock (the department's intake clerk): the A holder of the department's post whose
name contains "受理" (the first by name when there are several), else the department head, else the first active
staff member of the department; routed through ``org.selectors.route_to_available`` so that, when that person is
away, the B post gets the clock.

While a case waits for missing materials the pre-review clock is paused (the time is the applicant's). When the
materials come, the clock either starts again from zero (mode "restart", the default) or resumes with the days
already used (mode "pause"); the item's ``supplement_mode`` overrides settings.APPROVALS_SUPPLEMENT_MODE.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import CharField, F, Max, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from approvals.models import (
    Case,
    CaseEvent,
    CaseMaterial,
    CaseStatus,
    CaseStep,
    Channel,
    Item,
    ItemMaterial,
    ItemStep,
    StepCode,
    StepStatus,
    SupplementMode,
    SupplementNotice,
)
from approvals.services.common import CASE_CLOCK, PRE_REVIEW_CLOCK, now_or, record_event, transition
from efficiency_portal.common.uploads import validate_upload
from efficiency_portal.notifications.services import enqueue_from_queryset, notify, notify_address
from efficiency_portal.org.models import Department, Post, Staff
from efficiency_portal.org.selectors import route_to_available
from efficiency_portal.supervision import services as clocks
from efficiency_portal.supervision.clock import bulk_schedule
from efficiency_portal.supervision.models import Deadline, DeadlineEvent, DeadlineStatus, EventAction, Light, Outcome

# Readable codes: no 0/O, 1/I/L look-alikes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_RANDOM_LENGTH = 6
SECRET_LENGTH = 10
AUTO_ACCEPT_BATCH = 500
INTAKE_POST_MARK = "受理"
AUTO_ACCEPTED = "auto_accepted"

Files = Mapping[int, Iterable[UploadedFile]]


# --- helpers ----------------------------------------------------------------------------------------------------


def public(message: str | Promise, **params: object) -> str:
    """What the applicant reads, written in the portal's default language (Chinese first) whoever acted."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message % params if params else message)


def new_tracking_code(at: dt.datetime) -> str:
    random_part = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_RANDOM_LENGTH))
    return f"SP{timezone.localtime(at):%y%m%d}{random_part}"


def new_secret() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(SECRET_LENGTH))


def supplement_mode(item: Item) -> str:
    return item.supplement_mode or settings.APPROVALS_SUPPLEMENT_MODE


def intake_clerk(department: Department, at: dt.datetime | None = None) -> Staff:
    """The staff member answering for the pre-review clock of ``department`` (rule in the module docstring)."""
    post = (
        Post.objects.filter(department=department, name__contains=INTAKE_POST_MARK, holder__is_active=True)
        .select_related("holder__user")
        .order_by("name", "pk")
        .first()
    )
    staff = post.holder if post else department.head
    if staff is None or not staff.is_active:
        staff = Staff.objects.filter(department=department, is_active=True).select_related("user").first()
    if staff is None:
        raise ValidationError(_("This department has nobody to receive applications yet; please apply at its window."))
    return route_to_available(staff, at)


def _case_link(case: Case) -> str:
    return reverse("approvals:my_case", args=[case.pk])


def _tell_applicant(case: Case, *, kind: str, title: str, body: str, key: str) -> None:
    """In-app (and e-mail/SMS) message to an applicant with an account; SMS/e-mail to a guest's contact."""
    if case.applicant_id is None:
        notify_address(
            phone=case.applicant_phone,
            email=case.applicant_email,
            kind=kind,
            title=title,
            body=body,
            link=reverse("approvals:track"),
            dedupe_key=key,
        )
        return
    notify(case.applicant, kind=kind, title=title, body=body, link=_case_link(case), dedupe_key=key)


def _check_files(
    item: Item, files: Files, *, only: Iterable[int] | None = None
) -> list[tuple[ItemMaterial, UploadedFile, str]]:
    """Validate every file before anything is written; errors are keyed ``material_<id>``."""
    materials = {m.pk: m for m in item.materials.all()}
    allowed = set(materials) if only is None else set(only)
    checked: list[tuple[ItemMaterial, UploadedFile, str]] = []
    errors: dict[str, list[str]] = {}
    for material_id, uploads in files.items():
        key = f"material_{material_id}"
        if material_id not in allowed:
            errors.setdefault(key, []).append(str(_("This material is not asked for here.")))
            continue
        for upload in uploads:
            try:
                content_type = validate_upload(upload)
            except ValidationError as error:
                errors.setdefault(key, []).extend(error.messages)
            else:
                checked.append((materials[material_id], upload, content_type))
    if errors:
        raise ValidationError(errors)
    return checked


def _save_files(case: Case, checked, *, actor, round_no: int, stored: list[str]) -> None:
    """Store the files; ``stored`` collects their names so the caller can remove them if its transaction fails."""
    for material, upload, content_type in checked:
        upload.seek(0)
        row = CaseMaterial(
            case=case,
            material=material,
            original_name=(upload.name or "file")[-200:],
            content_type=content_type,
            size=upload.size,
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
            round=round_no,
        )
        row.file.save(upload.name or "file", upload, save=False)
        stored.append(row.file.name)
        row.save()


def delete_files(names: Iterable[str]) -> None:
    storage = CaseMaterial._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


# --- applying ---------------------------------------------------------------------------------------------------


def submit_application(
    item: Item,
    *,
    applicant=None,
    applicant_name: str,
    applicant_phone: str,
    applicant_email: str = "",
    enterprise_name: str = "",
    channel: str = Channel.ONLINE,
    received_by=None,
    files: Files,
    at: dt.datetime | None = None,
) -> tuple[Case, str]:
    """Create the case with its materials and open the pre-review clock; return the case and its one-time secret.

    Online, every required material must come as a file. At the window (or by phone or mail) the clerk records
    the paper materials, so files are optional there.
    """
    at = now_or(at)
    errors: dict[str, list[str]] = {}
    applicant_name = (applicant_name or "").strip()
    applicant_phone = (applicant_phone or "").strip()
    if not applicant_name:
        errors["applicant_name"] = [str(_("Please give the applicant's name."))]
    if not applicant_phone:
        errors["applicant_phone"] = [str(_("Please give a phone number to reach the applicant."))]
    if channel not in Channel.values:
        errors["channel"] = [str(_("Unknown channel."))]
    if not item.is_published:
        errors["item"] = [str(_("This item is not open for applications."))]
    elif channel == Channel.ONLINE and not item.online:
        errors["item"] = [str(_("This item cannot be applied for online; please apply at its window."))]
    if channel != Channel.ONLINE and received_by is None:
        errors["received_by"] = [str(_("An application taken in by staff records who received it."))]
    files = {int(k): [f for f in v if f] for k, v in files.items()}
    if channel == Channel.ONLINE:
        for material in item.materials.all():
            if material.required and not files.get(material.pk):
                errors[f"material_{material.pk}"] = [str(_("This material is required."))]
    try:
        checked = _check_files(item, files)
    except ValidationError as error:
        for key, messages in error.message_dict.items():
            errors.setdefault(key, []).extend(messages)
        checked = []
    if errors:
        raise ValidationError(errors)

    secret = new_secret()
    clerk = intake_clerk(item.department, at)
    contact = {
        "applicant": applicant if getattr(applicant, "is_authenticated", False) else None,
        "applicant_name": applicant_name,
        "applicant_phone": applicant_phone,
        "applicant_email": (applicant_email or "").strip(),
        "enterprise_name": (enterprise_name or "").strip(),
        "channel": channel,
        "first_receiver": received_by,
    }
    stored: list[str] = []
    try:
        with transaction.atomic():
            case = _create_case(item, at=at, secret=secret, **contact)
            _save_files(case, checked, actor=received_by or applicant, round_no=1, stored=stored)
            clocks.open_deadline(
                case,
                kind=PRE_REVIEW_CLOCK,
                title=str(_("Pre-review of %(code)s") % {"code": case.tracking_code}),
                department=item.department,
                responsible=clerk.user,
                started_at=at,
                limit_days=settings.APPROVALS_PRE_REVIEW_DAYS,
                actor=received_by,
            )
            record_event(
                case,
                "submitted",
                received_by or applicant,
                at=at,
                to_status=CaseStatus.SUBMITTED,
                public_text=public(
                    _("Your application for “%(item)s” was received by %(department)s; it is being checked."),
                    item=item.name,
                    department=item.department.name,
                ),
                note=str(_("Channel: %(channel)s") % {"channel": Channel(channel).label}),
            )
    except BaseException:
        # The rows rolled back; the files written so far go with them.
        delete_files(stored)
        raise
    return case, secret


def _create_case(item: Item, *, at: dt.datetime, secret: str, **fields) -> Case:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return Case.objects.create(
                    item=item,
                    department=item.department,
                    tracking_code=new_tracking_code(at),
                    tracking_secret_hash=make_password(secret),
                    submitted_at=at,
                    materials_complete_at=at,
                    status=CaseStatus.SUBMITTED,
                    **fields,
                )
        except IntegrityError:
            continue  # a tracking code drawn twice: draw again
    raise ValidationError(_("Please try again in a moment."))


def note_first_receiver(case: Case, user) -> bool:
    """首问负责: the first staff member who opens a case answers for it; later openings change nothing."""
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "staff"):
        return False
    return bool(Case.objects.filter(pk=case.pk, first_receiver__isnull=True).update(first_receiver=user))


# --- pre-review -------------------------------------------------------------------------------------------------


def _deadline(case: Case, kind: str) -> Deadline | None:
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=case.pk, kind=kind
    ).first()


def _finish_pre_review(case: Case, actor, at: dt.datetime) -> None:
    deadline = _deadline(case, PRE_REVIEW_CLOCK)
    if deadline is not None and deadline.status != DeadlineStatus.FINISHED:
        clocks.finish_deadline(deadline, actor, at)


def accept_case(case: Case, actor, at: dt.datetime | None = None) -> Case:
    """SUBMITTED → ACCEPTED: the case clock starts (the item's promised limit), the steps are laid out."""
    at = now_or(at)
    item = case.item
    handler = route_to_available(actor.staff, at).user if hasattr(actor, "staff") else actor
    with transaction.atomic():
        case = transition(
            case,
            allowed_from=[CaseStatus.SUBMITTED],
            to=CaseStatus.ACCEPTED,
            action="accepted",
            actor=actor,
            at=at,
            public_text=public(
                _("Your application was accepted. It will be finished within %(days)d working days."),
                days=item.promised_limit_days,
            ),
            accepted_at=at,
            handler=handler,
        )
        note_first_receiver(case, actor)
        _finish_pre_review(case, actor, at)
        clocks.open_deadline(
            case,
            kind=CASE_CLOCK,
            title=f"{case.tracking_code} {item.name}"[:200],
            department=case.department,
            responsible=handler,
            started_at=at,
            limit_days=item.promised_limit_days,
            actor=actor,
        )
        _lay_out_steps([case], {case.pk: (actor, at)})
        _tell_applicant(
            case,
            kind="approvals.accepted",
            title=public(_("Application %(code)s accepted"), code=case.tracking_code),
            body=public(
                _("“%(item)s” will be finished within %(days)d working days."),
                item=item.name,
                days=item.promised_limit_days,
            ),
            key=f"approvals:accepted:{case.pk}",
        )
    return Case.objects.get(pk=case.pk)


def _lay_out_steps(cases: list[Case], accepted: dict[int, tuple[object, dt.datetime]]) -> None:
    """The item's steps as CaseStep rows; acceptance itself is done."""
    steps = ItemStep.objects.filter(item_id__in={c.item_id for c in cases}).order_by("sort_order", "pk")
    by_item: dict[int, list[ItemStep]] = {}
    for step in steps:
        by_item.setdefault(step.item_id, []).append(step)
    rows = []
    for case in cases:
        actor, at = accepted[case.pk]
        for step in by_item.get(case.item_id, []):
            done = step.code == StepCode.ACCEPT
            rows.append(
                CaseStep(
                    case=case,
                    step=step,
                    status=StepStatus.DONE if done else StepStatus.WAITING,
                    handler=actor if done and getattr(actor, "is_authenticated", False) else None,
                    started_at=at if done else None,
                    finished_at=at if done else None,
                )
            )
    CaseStep.objects.bulk_create(rows, ignore_conflicts=True)


def refuse_case(case: Case, actor, reason: str, at: dt.datetime | None = None) -> Case:
    """Not accepted (不予受理): only with a written reason, which the applicant reads."""
    at = now_or(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("A refusal needs a written reason.")})
    with transaction.atomic():
        case = transition(
            case,
            allowed_from=[CaseStatus.SUBMITTED, CaseStatus.SUPPLEMENT],
            to=CaseStatus.REFUSED,
            action="refused",
            actor=actor,
            at=at,
            public_text=public(_("Your application was not accepted. Reason: %(reason)s"), reason=reason)[:500],
            decided_at=at,
            decision_reason=reason,
        )
        note_first_receiver(case, actor)
        _finish_pre_review(case, actor, at)
        _tell_applicant(
            case,
            kind="approvals.refused",
            title=public(_("Application %(code)s not accepted"), code=case.tracking_code),
            body=reason,
            key=f"approvals:refused:{case.pk}",
        )
    return case


def issue_supplement_notice(
    case: Case, actor, *, missing: list[ItemMaterial], note: str, at: dt.datetime | None = None
) -> SupplementNotice:
    """一次性告知: one notice listing everything missing; the pre-review clock waits for the applicant."""
    at = now_or(at)
    note = (note or "").strip()
    missing = list(missing)
    errors: dict[str, str] = {}
    if not missing:
        errors["missing"] = _("Tick every material that is missing.")
    elif any(m.item_id != case.item_id for m in missing):
        errors["missing"] = _("Only materials of this item can be asked for.")
    if not note:
        errors["note"] = _("Say what is missing and how to put it right.")
    if errors:
        raise ValidationError(errors)
    if SupplementNotice.objects.filter(case=case).exists():
        raise ValidationError(
            {"missing": _("A notice was already sent for this case: one notice must list everything missing.")}
        )
    names = "、".join(m.name for m in missing)
    with transaction.atomic():
        case = transition(
            case,
            allowed_from=[CaseStatus.SUBMITTED],
            to=CaseStatus.SUPPLEMENT,
            action="notice",
            actor=actor,
            at=at,
            public_text=public(_("Materials are missing: %(names)s. %(note)s"), names=names, note=note)[:500],
            materials_complete_at=None,
        )
        note_first_receiver(case, actor)
        notice = SupplementNotice.objects.create(case=case, note=note, issued_by=actor, issued_at=at)
        notice.missing.set(missing)
        deadline = _deadline(case, PRE_REVIEW_CLOCK)
        if deadline is not None and deadline.status == DeadlineStatus.OPEN:
            clocks.pause_deadline(deadline, str(_("Waiting for missing materials")), actor, at)
        _tell_applicant(
            case,
            kind="approvals.notice",
            title=public(_("Application %(code)s: materials missing"), code=case.tracking_code),
            body=public(_("Missing: %(names)s. %(note)s"), names=names, note=note),
            key=f"approvals:notice:{notice.pk}",
        )
    return notice


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
        checked = _check_files(case.item, files, only=asked)
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
        _save_files(case, checked, actor=actor, round_no=round_no, stored=stored)
        deadline = _deadline(case, PRE_REVIEW_CLOCK)
        if deadline is not None and deadline.status == DeadlineStatus.PAUSED:
            if mode == SupplementMode.PAUSE:
                clocks.resume_deadline(deadline, actor, at)
            else:
                clocks.restart_deadline(deadline, actor, at, reason=str(_("Missing materials received")))
    return case


# --- acceptance by law ------------------------------------------------------------------------------------------


def auto_accept_overdue(now: dt.datetime | None = None) -> int:
    """Cases still SUBMITTED after their pre-review window count as accepted from the day their materials came.

    Works in batches with a constant number of queries per batch (no query per case).
    """
    now = now_or(now)
    total = 0
    case_type = ContentType.objects.get_for_model(Case)
    while True:
        with transaction.atomic():
            done = _auto_accept_batch(now, case_type)
        total += done
        if done < AUTO_ACCEPT_BATCH:
            return total


def _auto_accept_batch(now: dt.datetime, case_type: ContentType) -> int:
    overdue = list(
        Deadline.objects.select_for_update(skip_locked=True)
        .filter(content_type=case_type, kind=PRE_REVIEW_CLOCK, status=DeadlineStatus.OPEN, due_at__lte=now)
        .order_by("due_at", "pk")
        .values("pk", "object_id", "light")[:AUTO_ACCEPT_BATCH]
    )
    if not overdue:
        return 0
    deadline_ids = [row["pk"] for row in overdue]
    case_ids = [row["object_id"] for row in overdue]
    # Acceptance dates back to the day the materials came; the pre-review clock's holder becomes the handler.
    responsible = Deadline.objects.filter(
        content_type=case_type, kind=PRE_REVIEW_CLOCK, object_id=OuterRef("pk")
    ).values("responsible_id")[:1]
    Case.objects.filter(pk__in=case_ids, status=CaseStatus.SUBMITTED).update(
        status=CaseStatus.ACCEPTED,
        auto_accepted=True,
        accepted_at=Coalesce(F("materials_complete_at"), F("submitted_at")),
        handler_id=Subquery(responsible),
        updated_at=timezone.now(),
    )
    # Only the cases this batch accepted (the event row marks them; a case is accepted by law once).
    cases = list(
        Case.objects.filter(pk__in=case_ids, status=CaseStatus.ACCEPTED, auto_accepted=True)
        .exclude(events__action=AUTO_ACCEPTED)
        .select_related("item")
    )
    text = public(_("No decision came within the pre-review window, so by law your application counts as accepted."))
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=c,
            action=AUTO_ACCEPTED,
            from_status=CaseStatus.SUBMITTED,
            to_status=CaseStatus.ACCEPTED,
            at=now,
            public_text=text,
            note=f"{timezone.localtime(c.accepted_at):%Y-%m-%d}",
        )
        for c in cases
    )
    Deadline.objects.filter(pk__in=deadline_ids, status=DeadlineStatus.OPEN).update(
        status=DeadlineStatus.FINISHED, finished_at=now, outcome=Outcome.LATE, updated_at=timezone.now()
    )
    DeadlineEvent.objects.bulk_create(
        DeadlineEvent(
            deadline_id=row["pk"],
            action=EventAction.FINISHED,
            from_status=DeadlineStatus.OPEN,
            to_status=DeadlineStatus.FINISHED,
            from_light=row["light"],
            to_light=row["light"],
            at=now,
            reason=str(Outcome.LATE.label),
        )
        for row in overdue
    )
    if cases:
        _open_case_clocks(cases, case_type)
        _lay_out_steps(cases, {c.pk: (None, c.accepted_at) for c in cases})
        _tell_accepted_by_law([c.pk for c in cases])
    return len(overdue)


def _open_case_clocks(cases: list[Case], case_type: ContentType) -> None:
    """The case clocks of cases accepted by law, scheduled on the in-memory calendar (no query per case)."""
    plans = bulk_schedule(
        [timezone.localtime(c.accepted_at).date() for c in cases],
        [c.item.promised_limit_days for c in cases],
        [None] * len(cases),
    )
    Deadline.objects.bulk_create(
        [
            Deadline(
                content_type=case_type,
                object_id=c.pk,
                kind=CASE_CLOCK,
                title=f"{c.tracking_code} {c.item.name}"[:200],
                department_id=c.department_id,
                responsible_id=c.handler_id,
                started_at=c.accepted_at,
                limit_days=c.item.promised_limit_days,
                due_at=plan.due_at,
                due_provisional=plan.provisional,
                yellow_from=plan.yellow_from,
            )
            for c, plan in zip(cases, plans, strict=True)
        ],
        ignore_conflicts=True,
    )
    opened = Deadline.objects.filter(
        content_type=case_type, kind=CASE_CLOCK, object_id__in=[c.pk for c in cases], events__isnull=True
    ).values_list("pk", "started_at")
    DeadlineEvent.objects.bulk_create(
        DeadlineEvent(
            deadline_id=pk, action=EventAction.OPENED, to_status=DeadlineStatus.OPEN, to_light=Light.GREEN, at=started
        )
        for pk, started in opened
    )


def _tell_accepted_by_law(case_ids: list[int]) -> None:
    link_prefix = reverse("approvals:my_case", args=[0]).removesuffix("0/")
    rows = (
        Case.objects.filter(pk__in=case_ids, applicant__isnull=False)
        .annotate(
            recipient_id=F("applicant_id"),
            kind=Value("approvals.accepted"),
            title=Concat(Value(public(_("Application accepted")) + " "), F("tracking_code")),
            body=Value(public(_("No decision came within the pre-review window, so your application is accepted."))),
            link=Concat(Value(link_prefix), Cast("pk", CharField()), Value("/")),
            urgent=Value(False),
            dedupe_key=Concat(Value("approvals:accepted:"), Cast("pk", CharField())),
        )
        .values("recipient_id", "kind", "title", "body", "link", "urgent", "dedupe_key")
    )
    enqueue_from_queryset(rows)

"""Handling a complaint: accept or decline, how it is handled, the department's part, notes, extension,
finding with sanctions (recorded in credit), reply, the complainant's rating and one reopening."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from complaints.models import (
    Complaint,
    ComplaintNote,
    ComplaintSanction,
    ComplaintStatus,
    ExtensionState,
    Finding,
    HandlingMode,
    NoteKind,
    Sanction,
)
from complaints.models.complaints import HANDLING_STATES, SANCTION_CREDIT_RULES, UPHELD_FINDINGS
from credit.services import record_entry
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.org.roles import is_supervisor
from efficiency_portal.supervision.models import Deadline, DeadlineStatus
from efficiency_portal.supervision.services import (
    change_responsible,
    extend_deadline,
    finish_deadline,
    open_deadline,
)

from .common import (
    ACCEPT_CLOCK,
    CONCLUDE_CLOCK,
    REOPEN_CLOCK,
    clean_text,
    now_or,
    office_department,
    portal_text,
    record_event,
    tell_supervisors,
    transition,
)
from .filing import contact_of

INVESTIGATION_STATES = (ComplaintStatus.INVESTIGATING, ComplaintStatus.WITH_DEPARTMENT)


# --- clocks -------------------------------------------------------------------------------------------------------


def running_clock(complaint: Complaint, kinds: Sequence[str]) -> Deadline | None:
    content_type = ContentType.objects.get_for_model(Complaint)
    return (
        Deadline.objects.filter(content_type=content_type, object_id=complaint.pk, kind__in=kinds)
        .exclude(status=DeadlineStatus.FINISHED)
        .first()
    )


def conclude_clock(complaint: Complaint) -> Deadline | None:
    return running_clock(complaint, (CONCLUDE_CLOCK, REOPEN_CLOCK))


def _finish(complaint: Complaint, kinds: Sequence[str], actor, at: dt.datetime) -> None:
    clock = running_clock(complaint, kinds)
    if clock is not None:
        finish_deadline(clock, actor, at=max(at, clock.started_at))


def _hand_clock(complaint: Complaint, user, actor) -> None:
    clock = conclude_clock(complaint)
    if clock is not None and user is not None and clock.responsible_id != user.pk:
        change_responsible(clock, user, actor)


def _require_supervisor(actor) -> None:
    if not is_supervisor(actor):
        raise ValidationError(_("Only the supervision office may do this."))


def _tell_complainant(complaint: Complaint, key: str, title: str, body: str) -> None:
    """In-app to the complainant's account, and SMS/e-mail to the contact left (anonymous complaints: none)."""
    from efficiency_portal.notifications.services import notify, notify_address

    if complaint.complainant_id is not None:
        notify(complaint.complainant, kind="complaint", title=title, body=body, dedupe_key=f"{key}:account")
    if not complaint.anonymous:
        phone, email = contact_of(complaint)
        notify_address(phone=phone, email=email, kind="complaint", title=title, body=body, dedupe_key=f"{key}:address")


# --- acceptance ---------------------------------------------------------------------------------------------------


def accept(complaint: Complaint, actor, *, at: dt.datetime | None = None) -> Complaint:
    _require_supervisor(actor)
    at = now_or(at)
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.SUBMITTED],
            to=ComplaintStatus.ACCEPTED,
            action="accepted",
            actor=actor,
            at=at,
            public_text=_("Your complaint was accepted and will be investigated."),
            accepted_at=at,
            handler=actor,
        )
        _finish(complaint, [ACCEPT_CLOCK], actor, at)
        open_deadline(
            complaint,
            kind=CONCLUDE_CLOCK,
            title=str(_("Conclude complaint %(code)s") % {"code": complaint.tracking_code}),
            department=office_department(actor, complaint.department),
            responsible=actor,
            started_at=at,
            limit_days=settings.COMPLAINTS_CONCLUDE_DAYS,
            actor=actor,
        )
    return complaint


def decline(
    complaint: Complaint, actor, *, reason: str, transfer_to: str = "", at: dt.datetime | None = None
) -> Complaint:
    """Not accepted, with a reason; with ``transfer_to`` it is sent on to the competent authority."""
    _require_supervisor(actor)
    at = now_or(at)
    reason = clean_text(reason, "reason")
    transfer_to = clean_text(transfer_to, "transfer_to", required=False, max_length=200)
    to = ComplaintStatus.TRANSFERRED if transfer_to else ComplaintStatus.DECLINED
    public = (
        gettext_noop("Your complaint was sent on to %(to)s, which is competent: %(reason)s")
        if transfer_to
        else gettext_noop("Your complaint was not accepted: %(reason)s")
    )
    params = {"to": transfer_to, "reason": reason} if transfer_to else {"reason": reason}
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.SUBMITTED],
            to=to,
            action="declined",
            actor=actor,
            at=at,
            public_text=public,
            public_params=params,
            decline_reason=reason,
            transferred_to=transfer_to,
            handler=actor,
        )
        _finish(complaint, [ACCEPT_CLOCK], actor, at)
        _tell_complainant(
            complaint,
            f"complaint:declined:{complaint.pk}",
            portal_text(_("About your complaint")),
            portal_text(_(public), params),
        )
    return complaint


# --- handling -----------------------------------------------------------------------------------------------------


def handle_self(complaint: Complaint, actor, *, at: dt.datetime | None = None) -> Complaint:
    _require_supervisor(actor)
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=HANDLING_STATES,
            to=ComplaintStatus.INVESTIGATING,
            action="handle_self",
            actor=actor,
            at=at,
            handling_mode=HandlingMode.SELF,
            handler=actor,
            investigating_department=None,
        )
        _hand_clock(complaint, actor, actor)
    return complaint


def assign(complaint: Complaint, actor, *, supervisor, at: dt.datetime | None = None) -> Complaint:
    _require_supervisor(actor)
    if not is_supervisor(supervisor):
        raise ValidationError({"supervisor": _("Please choose a supervisor.")})
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=HANDLING_STATES,
            to=ComplaintStatus.INVESTIGATING,
            action="assigned",
            actor=actor,
            at=at,
            note=str(supervisor),
            handling_mode=HandlingMode.ASSIGNED,
            handler=supervisor,
            investigating_department=None,
        )
        _hand_clock(complaint, supervisor, actor)
    return complaint


def investigating_head(department: Department, accused: Staff | None) -> Staff | None:
    """Who investigates for ``department``: its head, or, when it has none or the head is the person complained
    about, the nearest head above it (heads act for the units below them). None when nobody but the accused could."""
    seen: set[int] = set()
    unit: Department | None = department
    while unit is not None and unit.pk not in seen:
        seen.add(unit.pk)
        if unit.head_id is not None and (accused is None or unit.head_id != accused.pk):
            return unit.head
        unit = unit.parent
    return None


def hand_to_department(
    complaint: Complaint, actor, *, department: Department, instructions: str = "", at: dt.datetime | None = None
) -> Complaint:
    """转办: the department concerned investigates and reports; it never learns who complained. The person
    complained about never investigates their own complaint: if they are the only head who could, it is refused."""
    _require_supervisor(actor)
    if department is None or not department.is_active:
        raise ValidationError({"department": _("Please choose a department that exists.")})
    current = Complaint.objects.select_related("staff").get(pk=complaint.pk)
    head_staff = investigating_head(department, current.staff)
    if head_staff is None:
        if current.staff_id is not None and department.head_id == current.staff_id:
            message = _(
                "The head of %(department)s is the person complained about and nobody above heads it: hand the "
                "complaint to a unit higher up or handle it in the office."
            )
        else:
            message = _(
                "Nobody heads %(department)s or a unit above it to investigate: hand the complaint to another "
                "department or handle it in the office."
            )
        raise ValidationError({"department": message % {"department": department.name}})
    instructions = clean_text(instructions, "instructions", required=False)
    at = now_or(at)
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=HANDLING_STATES,
            to=ComplaintStatus.WITH_DEPARTMENT,
            action="handed_to_department",
            actor=actor,
            at=at,
            public_text=_("Your complaint was passed to the department concerned for investigation."),
            note=f"{department}: {instructions}" if instructions else str(department),
            handling_mode=HandlingMode.DEPARTMENT,
            investigating_department=department,
        )
        # The department reads this on its page (never the supervisors' own investigation notes): when it was
        # handed over, to which unit, and the instructions (possibly none).
        ComplaintNote.objects.create(
            complaint=complaint,
            kind=NoteKind.INSTRUCTIONS,
            author=actor,
            department=department,
            text=instructions,
            created_at=at,
        )
        head = head_staff.user
        _hand_clock(complaint, head, actor)
        from efficiency_portal.notifications.services import notify

        notify(
            head,
            kind="complaint",
            title=portal_text(_("A complaint to investigate")),
            body=portal_text(_("Complaint %(code)s was handed to your department."), {"code": complaint.tracking_code}),
            link=reverse("complaints:department_detail", args=[complaint.pk]),
            dedupe_key=f"complaint:handed:{complaint.pk}:{department.pk}:{at.timestamp():.0f}",
        )
    return complaint


def _department_member(actor, complaint: Complaint) -> None:
    from complaints.selectors.access import may_investigate

    if not may_investigate(actor, complaint):
        raise ValidationError(_("Only the investigating department may do this."))


def department_return(complaint: Complaint, actor, *, reason: str, at: dt.datetime | None = None) -> Complaint:
    """退单: a department that is not competent sends the complaint back to the supervisor, with its reason."""
    _department_member(actor, complaint)
    reason = clean_text(reason, "reason")
    at = now_or(at)
    with transaction.atomic():
        department = complaint.investigating_department
        back_to = ComplaintStatus.REOPENED if complaint.reopen_count else ComplaintStatus.ACCEPTED
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.WITH_DEPARTMENT],
            to=back_to,
            action="returned",
            actor=actor,
            at=at,
            note=reason,
            investigating_department=None,
        )
        ComplaintNote.objects.create(
            complaint=complaint, kind=NoteKind.RETURN, author=actor, department=department, text=reason, created_at=at
        )
        _hand_clock(complaint, complaint.handler, actor)
    return complaint


def department_report(complaint: Complaint, actor, *, text: str, at: dt.datetime | None = None) -> Complaint:
    """The department's investigation report; the complaint goes back to the supervisor for the finding."""
    _department_member(actor, complaint)
    text = clean_text(text, "text")
    at = now_or(at)
    with transaction.atomic():
        department = complaint.investigating_department
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.WITH_DEPARTMENT],
            to=ComplaintStatus.INVESTIGATING,
            action="department_reported",
            actor=actor,
            at=at,
        )
        ComplaintNote.objects.create(
            complaint=complaint, kind=NoteKind.REPORT, author=actor, department=department, text=text, created_at=at
        )
        _hand_clock(complaint, complaint.handler, actor)
    return complaint


def add_note(complaint: Complaint, actor, *, text: str, at: dt.datetime | None = None) -> ComplaintNote:
    _require_supervisor(actor)
    text = clean_text(text, "text")
    if not complaint.is_open:
        raise ValidationError(_("The complaint is closed."))
    return ComplaintNote.objects.create(
        complaint=complaint, kind=NoteKind.NOTE, author=actor, text=text, created_at=now_or(at)
    )


# --- extension ----------------------------------------------------------------------------------------------------


def request_extension(
    complaint: Complaint, actor, *, days: int, reason: str, at: dt.datetime | None = None
) -> Complaint:
    """Ask once, before the finding is due, for more working days; another supervisor approves."""
    _require_supervisor(actor)
    at = now_or(at)
    reason = clean_text(reason, "reason", max_length=300)
    if not days or days < 1 or days > settings.COMPLAINTS_MAX_EXTENSION_DAYS:
        raise ValidationError(
            {"days": _("Please ask for 1 to %(max)d working days.") % {"max": settings.COMPLAINTS_MAX_EXTENSION_DAYS}}
        )
    if complaint.extension_state:
        raise ValidationError({"days": _("An extension was already asked for; there is only one.")})
    clock = conclude_clock(complaint)
    if clock is None or complaint.status not in (*HANDLING_STATES, *INVESTIGATION_STATES):
        raise ValidationError(_("Only a complaint under investigation can be extended."))
    if at >= clock.due_at:
        raise ValidationError({"days": _("The time limit has already expired; an extension must be asked before.")})
    with transaction.atomic():
        updated = Complaint.objects.filter(pk=complaint.pk, extension_state="").update(
            extension_state=ExtensionState.REQUESTED,
            extension_days=days,
            extension_reason=reason,
            extension_requested_by=actor,
        )
        if not updated:
            raise ValidationError({"days": _("An extension was already asked for; there is only one.")})
        record_event(complaint, "extension_requested", actor, at=at, from_status=complaint.status, note=reason)
        # Another supervisor decides: tell them all (the one asking is left out).
        tell_supervisors(
            key=f"complaint:extension:{complaint.pk}:{complaint.reopen_count}",
            title=_("An extension to decide"),
            body=portal_text(
                _("%(who)s asks for %(days)d more working days on complaint %(code)s: %(reason)s"),
                {"who": _person(actor), "days": days, "code": complaint.tracking_code, "reason": reason},
            ),
            link=complaint.get_absolute_url(),
            exclude=actor,
        )
    return Complaint.objects.get(pk=complaint.pk)


def _person(user) -> str:
    staff = getattr(user, "staff", None)
    return staff.name if staff is not None else user.get_username()


def decide_extension(complaint: Complaint, actor, *, approve: bool, at: dt.datetime | None = None) -> Complaint:
    """Another supervisor than the one who asked approves or rejects the extension."""
    _require_supervisor(actor)
    at = now_or(at)
    current = Complaint.objects.get(pk=complaint.pk)
    if approve and current.extension_requested_by_id is not None and current.extension_requested_by_id == actor.pk:
        raise ValidationError(_("You asked for this extension: another supervisor must approve it."))
    with transaction.atomic():
        rows = Complaint.objects.filter(pk=complaint.pk, extension_state=ExtensionState.REQUESTED)
        if approve:
            # Conditional on who asked too, so that a request re-asked meanwhile is not approved by its asker.
            rows = rows.exclude(extension_requested_by=actor)
        updated = rows.update(extension_state=ExtensionState.APPROVED if approve else ExtensionState.REJECTED)
        if not updated:
            raise ValidationError(_("There is no extension request to decide."))
        complaint.refresh_from_db()
        if approve:
            clock = conclude_clock(complaint)
            if clock is None:
                raise ValidationError(_("The complaint has no running clock."))
            extend_deadline(clock, complaint.extension_days, complaint.extension_reason, actor, at=at)
        record_event(
            complaint,
            "extension_approved" if approve else "extension_rejected",
            actor,
            at=at,
            from_status=complaint.status,
            public_text=_("The time to investigate was extended.") if approve else "",
        )
        asker = complaint.extension_requested_by
        if asker is not None and asker.pk != actor.pk:
            from efficiency_portal.notifications.services import notify

            notify(
                asker,
                kind="complaint",
                title=portal_text(_("Extension approved") if approve else _("Extension rejected")),
                body=portal_text(
                    _("Your extension request on complaint %(code)s was decided by %(who)s."),
                    {"code": complaint.tracking_code, "who": _person(actor)},
                ),
                link=complaint.get_absolute_url(),
                dedupe_key=f"complaint:extension-decided:{complaint.pk}:{complaint.reopen_count}",
            )
    return complaint


# --- finding and sanctions ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SanctionInput:
    sanction: str
    staff: Staff | None = None
    department: Department | None = None


def _record_credit(sanction: ComplaintSanction, complaint: Complaint, actor) -> int | None:
    rule = SANCTION_CREDIT_RULES.get(sanction.sanction)
    if rule is None:
        return None
    entry = record_entry(
        rule_code=rule,
        fact_date=sanction.decided_at.date(),
        source="complaint",
        source_object=complaint,
        staff=sanction.staff,
        department=sanction.department,
        detail=str(
            _("Complaint %(code)s: %(sanction)s")
            % {"code": complaint.tracking_code, "sanction": sanction.get_sanction_display()}
        ),
        actor=actor,
        # The office's page of the complaint is closed to the subject; the entry links to the neutral finding.
        source_link=reverse("complaints:finding", args=[complaint.pk]),
    )
    return entry.pk


def _subject_key(staff_id: int | None, department_id: int | None, sanction: str) -> tuple:
    return (staff_id, department_id, sanction)


def _check_sanctions(finding: str, sanctions: Sequence[SanctionInput], standing: set[tuple]) -> list[str]:
    """The errors of the sanction lines (empty when they are fine)."""
    if finding in UPHELD_FINDINGS and not sanctions:
        return [_("An upheld complaint needs at least one sanction naming who is at fault.")]
    if finding == Finding.NOT_UPHELD and sanctions:
        return [_("A complaint that is not upheld carries no sanction.")]
    errors: list[str] = []
    seen: set[tuple] = set()
    for item in sanctions:
        if item.sanction not in Sanction.values:
            errors.append(_("Unknown sanction."))
            continue
        if (item.staff is None) == (item.department is None):
            errors.append(_("Each sanction names one civil servant or one department."))
            continue
        key = _subject_key(getattr(item.staff, "pk", None), getattr(item.department, "pk", None), item.sanction)
        subject = item.staff if item.staff is not None else item.department
        if key in seen:
            errors.append(_("%(subject)s is named twice with the same sanction.") % {"subject": subject})
        seen.add(key)
        # A sanction an earlier finding decided is kept as it is; a new one needs someone still in service.
        if key not in standing and not subject.is_active:
            errors.append(_("%(subject)s is no longer active.") % {"subject": subject})
    return errors


def _withdraw_credit(row: ComplaintSanction, complaint: Complaint, finding: str, actor, at: dt.datetime) -> None:
    from credit.models import CreditEntry, EntryStatus
    from credit.services import withdraw_entry

    entry = CreditEntry.objects.filter(pk=row.credit_entry_id).first()
    if entry is None or entry.status not in (EntryStatus.PENDING, EntryStatus.CONFIRMED, EntryStatus.DISPUTED):
        return
    reason = _(
        "Complaint %(code)s was reopened and found again: “%(finding)s”. The sanction “%(sanction)s” no longer stands."
    ) % {
        "code": complaint.tracking_code,
        "finding": Finding(finding).label,
        "sanction": row.get_sanction_display(),
    }
    withdraw_entry(entry, actor, str(reason), at=at)


def record_finding(
    complaint: Complaint,
    actor,
    *,
    finding: str,
    text: str,
    sanctions: Sequence[SanctionInput] = (),
    at: dt.datetime | None = None,
) -> Complaint:
    """属实/部分属实 names who is at fault and the sanction (recorded in credit); 不属实 has none.

    After a reopening the new finding replaces the earlier one: a sanction it repeats (same person or
    department, same sanction) is kept with its credit entry, no second entry; an earlier sanction it leaves
    out is withdrawn, its credit entry through ``credit.services.withdraw_entry``."""
    _require_supervisor(actor)
    at = now_or(at)
    errors: dict[str, list] = {}
    if finding not in Finding.values:
        errors["finding"] = [_("Please choose a finding.")]
    try:
        text = clean_text(text, "text")
    except ValidationError as error:
        errors["text"] = error.messages
    standing_rows = list(ComplaintSanction.objects.active().filter(complaint=complaint).order_by("pk"))
    standing = {_subject_key(row.staff_id, row.department_id, row.sanction): row for row in standing_rows}
    sanction_errors = _check_sanctions(finding, sanctions, set(standing))
    if sanction_errors:
        errors["sanctions"] = sanction_errors
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.INVESTIGATING],
            to=ComplaintStatus.CONCLUDED,
            action="concluded",
            actor=actor,
            at=at,
            note=text,
            finding=finding,
            finding_text=text,
            concluded_at=at,
        )
        _finish(complaint, [CONCLUDE_CLOCK, REOPEN_CLOCK], actor, at)
        wanted = {
            _subject_key(getattr(item.staff, "pk", None), getattr(item.department, "pk", None), item.sanction)
            for item in sanctions
        }
        for key, row in standing.items():
            if key in wanted:
                continue
            ComplaintSanction.objects.filter(pk=row.pk, withdrawn_at__isnull=True).update(withdrawn_at=at)
            if row.credit_entry_id is not None:
                _withdraw_credit(row, complaint, finding, actor, at)
            subject = row.staff.name if row.staff_id else row.department.name
            record_event(
                complaint,
                "sanction_withdrawn",
                actor,
                at=at,
                from_status=ComplaintStatus.CONCLUDED,
                note=f"{subject}: {row.get_sanction_display()}",
            )
        for item in sanctions:
            key = _subject_key(getattr(item.staff, "pk", None), getattr(item.department, "pk", None), item.sanction)
            if key in standing:
                continue  # repeated by the new finding: the row and its credit entry stay
            row = ComplaintSanction.objects.create(
                complaint=complaint,
                staff=item.staff,
                department=item.department,
                sanction=item.sanction,
                decided_at=at,
            )
            entry_id = _record_credit(row, complaint, actor)
            if entry_id is not None:
                ComplaintSanction.objects.filter(pk=row.pk).update(credit_entry_id=entry_id)
    return complaint


# --- reply, the complainant's rating, reopening -------------------------------------------------------------------


def reply(complaint: Complaint, actor, *, text: str, at: dt.datetime | None = None) -> Complaint:
    _require_supervisor(actor)
    at = now_or(at)
    text = clean_text(text, "text")
    current = Complaint.objects.get(pk=complaint.pk)
    if current.status != ComplaintStatus.CONCLUDED:
        raise ValidationError({"text": _("A reply can only be sent once the finding is recorded.")})
    with transaction.atomic():
        complaint = transition(
            complaint,
            allowed_from=[ComplaintStatus.CONCLUDED],
            to=ComplaintStatus.REPLIED,
            action="replied",
            actor=actor,
            at=at,
            public_text=_("The reply to your complaint is ready."),
            reply_text=text,
            replied_at=at,
        )
        _tell_complainant(
            complaint,
            f"complaint:replied:{complaint.pk}:{complaint.reopen_count}",
            portal_text(_("Reply to your complaint %(code)s"), {"code": complaint.tracking_code}),
            portal_text(_("The reply is ready; read it and rate it on the tracking page.")),
        )
    return complaint


def rate_handling(
    complaint: Complaint, *, level: int, comment: str = "", actor=None, at: dt.datetime | None = None
) -> Complaint:
    """The complainant rates the handling; satisfied closes it, unsatisfied leaves it open to one reopening."""
    at = now_or(at)
    if level not in (1, 2, 3, 4, 5):
        raise ValidationError({"level": _("Please choose how satisfied you are.")})
    comment = clean_text(comment, "comment", required=False, max_length=500)
    if Complaint.objects.get(pk=complaint.pk).status != ComplaintStatus.REPLIED:
        raise ValidationError({"level": _("You can rate the handling once the reply is sent.")})
    satisfied = level >= 3
    return transition(
        complaint,
        allowed_from=[ComplaintStatus.REPLIED],
        to=ComplaintStatus.CLOSED if satisfied else ComplaintStatus.REPLIED,
        action="rated",
        actor=None,  # the complainant: no account in the history, which the office reads
        at=at,
        public_text=_("Thank you for your rating."),
        note=comment,
        feedback_level=level,
        feedback_comment=comment,
        feedback_at=at,
    )


def reopen(complaint: Complaint, *, reason: str, actor=None, at: dt.datetime | None = None) -> Complaint:
    """Once, within the window after the reply: back to a supervisor with its history and a new clock."""
    at = now_or(at)
    reason = clean_text(reason, "reason")
    current = Complaint.objects.get(pk=complaint.pk)
    if current.reopen_count >= 1:
        raise ValidationError({"reason": _("A complaint can be reopened only once.")})
    if current.status != ComplaintStatus.REPLIED or current.replied_at is None:
        raise ValidationError(
            {"reason": _("A complaint can be reopened only after the reply, if you are not satisfied.")}
        )
    if at > current.replied_at + dt.timedelta(days=settings.COMPLAINTS_REOPEN_WINDOW_DAYS):
        raise ValidationError(
            {"reason": _("The %(days)d days to reopen have passed.") % {"days": settings.COMPLAINTS_REOPEN_WINDOW_DAYS}}
        )
    with transaction.atomic():
        updated = Complaint.objects.filter(pk=current.pk, reopen_count=0, status=current.status).update(
            reopen_count=1,
            reopened_at=at,
            status=ComplaintStatus.REOPENED,
            investigating_department=None,
            extension_state="",
            extension_days=0,
            extension_reason="",
            extension_requested_by=None,
        )
        if not updated:
            raise ValidationError({"reason": _("A complaint can be reopened only once.")})
        record_event(
            current,
            "reopened",
            None,  # the complainant: no account in the history, which the office reads
            at=at,
            from_status=current.status,
            to_status=ComplaintStatus.REOPENED,
            public_text=_("You reopened the complaint; it is being looked at again."),
            note=reason,
        )
        ComplaintNote.objects.create(complaint=current, kind=NoteKind.NOTE, author=None, text=reason, created_at=at)
        responsible = current.handler
        if responsible is not None:
            from efficiency_portal.notifications.services import notify

            notify(
                responsible,
                kind="complaint",
                title=str(_("A complaint was reopened")),
                body=str(_("Complaint %(code)s was reopened by the complainant.") % {"code": current.tracking_code}),
                link=current.get_absolute_url(),
                dedupe_key=f"complaint:reopened:{current.pk}",
            )
            open_deadline(
                current,
                kind=REOPEN_CLOCK,
                title=str(_("Conclude reopened complaint %(code)s") % {"code": current.tracking_code}),
                department=office_department(responsible, current.department),
                responsible=responsible,
                started_at=at,
                limit_days=settings.COMPLAINTS_CONCLUDE_DAYS,
                actor=None,
            )
    return Complaint.objects.get(pk=current.pk)

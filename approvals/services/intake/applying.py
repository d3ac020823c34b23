"""Applying online and at the window (or by phone or mail): the case with its materials, tracking code and
one-time secret, and the pre-review clock.

Who answers for the pre-review clock (the department's intake clerk): the A holder of the department's post whose
name contains "受理" (the first by name when there are several), else the department head, else the first active
staff member of the department; routed through ``org.selectors.route_to_available`` so that, when that person is
away, the B post gets the clock.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseStatus, Channel, Item
from approvals.services.common import PRE_REVIEW_CLOCK, now_or, record_event
from efficiency_portal.common import receipts
from efficiency_portal.common.tracking_secrets import hash_secret
from efficiency_portal.org.models import Department, Post, Staff
from efficiency_portal.org.selectors import route_to_available
from efficiency_portal.supervision import services as clocks

from .base import Files, check_files, delete_files, public, save_files

# Readable codes: no 0/O, 1/I/L look-alikes.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_RANDOM_LENGTH = 6
SECRET_LENGTH = 10
INTAKE_POST_MARK = "受理"


def new_tracking_code(at: dt.datetime) -> str:
    random_part = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_RANDOM_LENGTH))
    return f"SP{timezone.localtime(at):%y%m%d}{random_part}"


def new_secret() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(SECRET_LENGTH))


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
    submission_key: str | None = None,
    receipt_content: str = "",
) -> tuple[Case, str]:
    """Create the case with its materials and open the pre-review clock; return the case and its one-time secret.
    ``submit_once`` is the entry point for forms and the API (a key sent twice creates one case).

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
        checked = check_files(item, files)
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
        "submission_key": submission_key or None,
    }
    stored: list[str] = []
    try:
        with transaction.atomic():
            case = _create_case(item, at=at, secret=secret, **contact)
            save_files(case, checked, actor=received_by or applicant, round_no=1, stored=stored)
            if submission_key:
                receipts.record(
                    kind=RECEIPT_KIND,
                    key=submission_key,
                    content=receipt_content,
                    object_id=case.pk,
                    code=case.tracking_code,
                    secret=secret,
                )
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
                    tracking_secret_hash=hash_secret(secret),
                    submitted_at=at,
                    materials_complete_at=at,
                    status=CaseStatus.SUBMITTED,
                    **fields,
                )
        except IntegrityError:
            key = fields.get("submission_key")
            if key and Case.objects.filter(submission_key=key).exists():
                raise DuplicateSubmission from None
            continue  # a tracking code drawn twice: draw again
    raise ValidationError(_("Please try again in a moment."))


RECEIPT_KIND = "case"


class DuplicateSubmission(Exception):
    """The same submission key arrived twice at once; the other request created the case."""


@dataclass(frozen=True)
class Submitted:
    case: Case
    secret: str | None  # on a repeat, from the receipt while it keeps it, else None
    duplicate: bool


def submit_once(item: Item, *, submission_key: str, files: Files, **fields) -> Submitted:
    """``submit_application`` at most once per ``submission_key`` (already scoped to its sender): a repeat with the
    same content is answered with the first case (and its secret while the receipt keeps it), one with other
    content raises ``receipts.Conflict``."""
    applicant, received_by = fields.get("applicant"), fields.get("received_by")
    content = receipts.fingerprint(
        {
            "item": item.pk,
            "applicant": applicant.pk if getattr(applicant, "is_authenticated", False) else None,
            "received_by": received_by.pk if received_by is not None else None,
            **{name: fields.get(name, "") for name in ("applicant_name", "applicant_phone", "applicant_email")},
            "enterprise_name": fields.get("enterprise_name", ""),
            "channel": fields.get("channel", Channel.ONLINE),
            "materials": ",".join(str(pk) for pk in sorted(int(k) for k in files)),
        },
        [upload for key in sorted(files, key=int) for upload in files[key] if upload],
    )
    existing = Case.objects.filter(submission_key=submission_key).first()
    if existing is None:
        try:
            case, secret = submit_application(
                item, files=files, submission_key=submission_key, receipt_content=content, **fields
            )
            return Submitted(case, secret, False)
        except DuplicateSubmission:
            existing = Case.objects.get(submission_key=submission_key)
    replay = receipts.replay(kind=RECEIPT_KIND, key=submission_key, content=content)
    return Submitted(existing, replay.secret if replay is not None else None, True)


def receipt_for(submission_key: str) -> receipts.Replay | None:
    return receipts.replay(kind=RECEIPT_KIND, key=submission_key, content=None)

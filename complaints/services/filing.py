"""Filing a complaint (online, by staff intake or through Open311) and revealing the complainant's identity."""

from __future__ import annotations

import datetime as dt
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from complaints import crypto
from complaints.apps import REVEAL_ACTION
from complaints.models import Category, Complaint, ComplaintAttachment, ComplaintChannel, ComplaintStatus
from efficiency_portal.audit.services import record as audit
from efficiency_portal.common import receipts
from efficiency_portal.common.tracking_secrets import hash_secret
from efficiency_portal.common.uploads import validate_upload
from efficiency_portal.org.models import Department, Staff
from efficiency_portal.supervision.services import open_deadline

from .common import ACCEPT_CLOCK, clean_text, duty_supervisor, now_or, office_department, record_event

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone
SECRET_LENGTH = 10
# The outbox keeps at most 20 characters of a phone number (notifications.Notification.to_phone).
PHONE_MAX_LENGTH = 20
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{3,4}-?\d{4}(-\d{1,6})?")
_PHONE_NOISE = re.compile(r"[\s()（）]")


def normalise_phone(value: str) -> str:
    """A mainland mobile number (13912345678; +86 and spaces or dashes are dropped) or a landline with its area
    code and an optional extension (0571-88886666-123), at most 20 characters; "" stays "". ValidationError
    otherwise, so that a phone that cannot be reached is refused at filing, not at the first message."""
    phone = _PHONE_NOISE.sub("", value or "")
    if not phone:
        return ""
    if phone.startswith("+86") or phone.startswith("0086"):
        phone = phone[3:] if phone.startswith("+86") else phone[4:]
        phone = phone.lstrip("-")
    if _MOBILE.fullmatch(phone.replace("-", "")):
        return phone.replace("-", "")
    if _LANDLINE.fullmatch(phone) and len(phone) <= PHONE_MAX_LENGTH:
        return phone
    raise ValidationError(
        _("Please give a mobile number (11 digits) or a landline with its area code, such as 0571-88886666."),
        code="phone",
    )


def normalise_email(value: str) -> str:
    email = (value or "").strip()
    if email:
        if len(email) > 200:
            raise ValidationError(_("Please keep this under %(max)d characters.") % {"max": 200}, code="email")
        validate_email(email)
    return email


def new_tracking_code(at: dt.datetime) -> str:
    # Random, not sequential: a number cannot be guessed from another one.
    return "TS" + at.strftime("%y%m") + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def new_secret() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(SECRET_LENGTH))


def safe_file_name(name: str) -> str:
    """The base name only, without control characters; kept as text and only ever shown escaped."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return (base or "file")[:200]


def check_files(files: Sequence[UploadedFile]) -> list[tuple[UploadedFile, str]]:
    if len(files) > settings.COMPLAINTS_MAX_ATTACHMENTS:
        raise ValidationError(
            {"attachments": _("Please attach at most %(max)d files.") % {"max": settings.COMPLAINTS_MAX_ATTACHMENTS}}
        )
    checked = []
    for upload in files:
        if upload.size and upload.size > settings.COMPLAINTS_UPLOAD_MAX_BYTES:
            raise ValidationError(
                {
                    "attachments": _("The file “%(name)s” is too large; files may be at most %(max)s.")
                    % {"name": safe_file_name(upload.name), "max": filesizeformat(settings.COMPLAINTS_UPLOAD_MAX_BYTES)}
                }
            )
        try:
            checked.append((upload, validate_upload(upload)))
        except ValidationError as error:
            raise ValidationError({"attachments": error.messages}) from error
    return checked


def _store(complaint: Complaint, checked: list[tuple[UploadedFile, str]]) -> list[ComplaintAttachment]:
    stored = []
    for upload, content_type in checked:
        original = safe_file_name(upload.name)
        # A random name on disk: the citizen's file name is kept as text only, never as a path.
        upload.name = f"{secrets.token_hex(8)}{os.path.splitext(original)[1][:10]}"
        stored.append(
            ComplaintAttachment.objects.create(
                complaint=complaint, file=upload, original_name=original, content_type=content_type, size=upload.size
            )
        )
    return stored


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    secret: str | None  # on a repeat, from the receipt while it keeps it, else None
    duplicate: bool


def file_complaint(
    *,
    category: str,
    description: str,
    department: Department | None,
    staff: Staff | None = None,
    case=None,
    happened_on: dt.date | None = None,
    place: str = "",
    anonymous: bool = False,
    name: str = "",
    phone: str = "",
    email: str = "",
    files: Sequence[UploadedFile] = (),
    complainant=None,
    channel: str = ComplaintChannel.ONLINE,
    received_by=None,
    submission_key: str | None = None,
    send_secret: bool = False,
    at: dt.datetime | None = None,
) -> Filed:
    """File a complaint. The same ``submission_key`` again returns the first complaint, with its secret while the
    receipt keeps it; with other content it raises ``receipts.Conflict``. The key must already be scoped to the
    caller (``receipts.scoped_key``) where callers could share it."""
    at = now_or(at)
    content = ""
    if submission_key:
        content = receipts.fingerprint(
            {
                "category": category,
                "description": description,
                "department": department.pk if department is not None else None,
                "staff": staff.pk if staff is not None else None,
                "case": case.pk if case is not None else None,
                "happened_on": happened_on,
                "place": place,
                "anonymous": anonymous,
                "name": "" if anonymous else name,
                "phone": "" if anonymous else phone,
                "email": "" if anonymous else email,
                "channel": channel,
                "send_secret": send_secret,
            },
            files,
        )
        existing = Complaint.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return _replayed(existing, submission_key, content)
    errors: dict[str, list] = {}

    def attempt(field: str, fn):
        try:
            return fn()
        except ValidationError as error:
            errors.setdefault(field, []).extend(error.messages)
            return None

    if category not in Category.values:
        errors["category"] = [_("Please choose what the complaint is about.")]
    description = attempt("description", lambda: clean_text(description, "description"))
    place = attempt("place", lambda: clean_text(place, "place", required=False, max_length=200)) or ""
    if channel not in ComplaintChannel.values:
        errors["channel"] = [_("Unknown channel.")]
    if staff is not None:
        if not staff.is_active:
            errors["staff"] = [_("This civil servant is not known.")]
        elif department is None:
            department = staff.department
    if department is None or not department.is_active:
        errors["department"] = [_("Please choose a department that exists.")]
    if case is not None:
        if complainant is None or case.applicant_id != complainant.pk:
            errors["case"] = [_("You can only complain about your own cases here.")]
        elif anonymous:
            # The application names its applicant: linking it would undo the anonymity.
            errors["case"] = [_("An anonymous complaint cannot name your application, which carries your name.")]
        elif department is not None and department.pk != case.department_id and staff is None:
            department = case.department
    if happened_on is not None and happened_on > at.date():
        errors["happened_on"] = [_("The date cannot lie in the future.")]
    if anonymous:
        name = phone = email = ""
    else:
        name = attempt("name", lambda: clean_text(name, "name", max_length=100)) or ""
        phone = attempt("phone", lambda: normalise_phone(phone)) or ""
        email = attempt("email", lambda: normalise_email(email)) or ""
    checked = attempt("attachments", lambda: check_files(files)) or []
    if errors:
        raise ValidationError(errors)
    secret = new_secret()
    try:
        with transaction.atomic():
            complaint = Complaint.objects.create(
                tracking_code=new_tracking_code(at),
                tracking_secret_hash=hash_secret(secret),
                submission_key=submission_key or None,
                channel=channel,
                anonymous=anonymous,
                # An anonymous complaint is linked to no account, so nothing leads from it to a person.
                complainant=complainant
                if complainant is not None and complainant.is_authenticated and not anonymous
                else None,
                name_encrypted=crypto.encrypt(name),
                phone_encrypted=crypto.encrypt(phone),
                email_encrypted=crypto.encrypt(email),
                category=category,
                department=department,
                staff=staff,
                case=case,
                description=description,
                happened_on=happened_on,
                place=place,
                received_at=at,
                received_by=received_by,
            )
            _store(complaint, checked)
            if submission_key:
                # In the same transaction: a complaint never exists without the answer a retry is given.
                receipts.record(
                    kind=RECEIPT_KIND,
                    key=submission_key,
                    content=content,
                    object_id=complaint.pk,
                    code=complaint.tracking_code,
                    secret=secret,
                )
            # Staff intake names the member of staff; the complainant's own filing names no account (the office's
            # history shows "the complainant", and the identity only through the logged reveal).
            record_event(
                complaint,
                "filed",
                received_by,
                at=at,
                to_status=ComplaintStatus.SUBMITTED,
                public_text=_("Your complaint was received."),
                note=str(ComplaintChannel(channel).label),
            )
            supervisor = duty_supervisor()
            if supervisor is not None:
                open_deadline(
                    complaint,
                    kind=ACCEPT_CLOCK,
                    title=str(_("Accept or decline complaint %(code)s") % {"code": complaint.tracking_code}),
                    department=office_department(supervisor, department),
                    responsible=supervisor,
                    started_at=at,
                    limit_days=settings.COMPLAINTS_ACCEPT_DAYS,
                )
            if send_secret and (phone or email):
                from efficiency_portal.notifications.services import notify_address

                # Confidential: once delivered, the outbox forgets the body (the secret) and masks the addresses.
                notify_address(
                    phone=phone,
                    email=email,
                    kind="complaint",
                    title=str(_("Your complaint %(code)s") % {"code": complaint.tracking_code}),
                    body=str(
                        _("Tracking number %(code)s, secret %(secret)s. Keep both to follow your complaint.")
                        % {"code": complaint.tracking_code, "secret": secret}
                    ),
                    dedupe_key=f"complaint:filed:{complaint.pk}",
                    confidential=True,
                )
    except IntegrityError:
        # The same submission key arrived twice at once: the first one is the complaint.
        existing = Complaint.objects.filter(submission_key=submission_key).first() if submission_key else None
        if existing is None:
            raise
        return _replayed(existing, submission_key, content)
    return Filed(complaint, secret, False)


RECEIPT_KIND = "complaint"


def _replayed(existing: Complaint, submission_key: str, content: str) -> Filed:
    replay = receipts.replay(kind=RECEIPT_KIND, key=submission_key, content=content)
    return Filed(existing, replay.secret if replay is not None else None, True)


def receipt_for(submission_key: str) -> receipts.Replay | None:
    """Number and secret of the filing sent with ``submission_key`` (the done page), whatever its content."""
    return receipts.replay(kind=RECEIPT_KIND, key=submission_key, content=None)


@dataclass(frozen=True)
class Identity:
    name: str
    phone: str
    email: str


def masked_identity(complaint: Complaint) -> Identity:
    return Identity(
        crypto.mask_name(crypto.decrypt(complaint.name_encrypted)),
        crypto.mask_phone(crypto.decrypt(complaint.phone_encrypted)),
        crypto.mask_email(crypto.decrypt(complaint.email_encrypted)),
    )


def reveal_identity(complaint: Complaint, actor) -> Identity:
    """The complainant's name and contact in clear, for a supervisor only; every reveal is in the audit log."""
    from complaints.selectors.access import may_see_identity

    # Supervisors only: an administrator keeps every other access, but not the complainant's identity.
    if not may_see_identity(actor):
        audit(actor, REVEAL_ACTION, complaint, result="denied")
        raise PermissionDenied
    audit(actor, REVEAL_ACTION, complaint)
    return Identity(
        crypto.decrypt(complaint.name_encrypted),
        crypto.decrypt(complaint.phone_encrypted),
        crypto.decrypt(complaint.email_encrypted),
    )


def contact_of(complaint: Complaint) -> tuple[str, str]:
    """Phone and e-mail for messages to the complainant (never shown)."""
    return crypto.decrypt(complaint.phone_encrypted), crypto.decrypt(complaint.email_encrypted)


# Evidence can be added while the complaint is still being looked into, before its finding (补充材料).
EVIDENCE_STATES = (
    ComplaintStatus.SUBMITTED,
    ComplaintStatus.ACCEPTED,
    ComplaintStatus.INVESTIGATING,
    ComplaintStatus.WITH_DEPARTMENT,
    ComplaintStatus.REOPENED,
)


def add_evidence(
    complaint: Complaint, files: Sequence[UploadedFile], *, at: dt.datetime | None = None
) -> list[ComplaintAttachment]:
    """The complainant adds photos or documents after filing, checked like those at filing, up to
    ``COMPLAINTS_MAX_ATTACHMENTS_IN_ALL`` files on the complaint; the handler (else the duty supervisor) is told.
    The history names no account, as for everything the complainant does."""
    at = now_or(at)
    if not files:
        raise ValidationError({"attachments": _("Please choose at least one file.")})
    checked = check_files(files)
    with transaction.atomic():
        # The row lock makes two uploads at once count each other's files.
        current = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if current.status not in EVIDENCE_STATES:
            raise ValidationError(
                {"attachments": _("Evidence can be added only until the finding; this complaint is past it.")}
            )
        limit = settings.COMPLAINTS_MAX_ATTACHMENTS_IN_ALL
        if current.attachments.count() + len(checked) > limit:
            raise ValidationError(
                {"attachments": _("A complaint can carry at most %(max)d files in all.") % {"max": limit}}
            )
        stored = _store(current, checked)
        record_event(
            current,
            "evidence_added",
            None,
            at=at,
            from_status=current.status,
            public_text=_("You added %(count)s file(s) of evidence."),
            public_params={"count": len(stored)},
            note=", ".join(item.original_name for item in stored),
        )
        responsible = current.handler or duty_supervisor()
        if responsible is not None:
            from efficiency_portal.notifications.services import notify

            notify(
                responsible,
                kind="complaint",
                title=str(_("New evidence on a complaint")),
                body=str(
                    _("The complainant added %(count)d file(s) to complaint %(code)s.")
                    % {"count": len(stored), "code": current.tracking_code}
                ),
                link=current.get_absolute_url(),
                dedupe_key=f"complaint:evidence:{current.pk}:{stored[0].pk}",
            )
    return stored

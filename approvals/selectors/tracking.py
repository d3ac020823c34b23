"""Reads for applicants and intake: finding a case by its tracking code and proof, the public timeline, and who
may see or act on what at intake."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.crypto import constant_time_compare

from approvals.models import Case, CaseEvent, CaseMaterial, Item
from efficiency_portal.common.tracking_secrets import check_secret, hash_secret
from efficiency_portal.org.models import Role
from efficiency_portal.org.roles import has_role, is_staff_member, is_supervisor
from efficiency_portal.org.selectors import headed_department_ids

PROOF_SECRET = "secret"
PROOF_PHONE = "phone"


def normalise_code(code: str) -> str:
    return "".join((code or "").split()).upper()


def _digits(phone: str) -> str:
    return "".join(ch for ch in (phone or "") if ch.isdigit())


def prove(code: str, proof: str) -> tuple[Case | None, str]:
    """The case of ``code`` and how ``proof`` matched it (the secret or the applicant's phone), else (None, "")."""
    code, proof = normalise_code(code), (proof or "").strip()
    case = Case.objects.select_related("item", "department").filter(tracking_code=code).first() if code else None
    if case is None or not proof:
        check_secret(proof, "")  # as long as a wrong proof, so the timing does not tell which codes exist
        return None, ""
    checked = check_secret(proof.upper(), case.tracking_secret_hash)
    if checked.ok:
        if checked.needs_upgrade:
            # An older key or a password hash of before: rewritten once, conditionally.
            old, case.tracking_secret_hash = case.tracking_secret_hash, hash_secret(proof.upper())
            Case.objects.filter(pk=case.pk, tracking_secret_hash=old).update(
                tracking_secret_hash=case.tracking_secret_hash
            )
        return case, PROOF_SECRET
    phone = _digits(case.applicant_phone)
    if phone and constant_time_compare(_digits(proof), phone):
        return case, PROOF_PHONE
    return None, ""


def find_case(code: str, proof: str) -> Case | None:
    """The case whose tracking code is ``code`` if ``proof`` is its secret or the applicant's phone."""
    return prove(code, proof)[0]


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    text: str
    status: str


def public_timeline(case: Case) -> list[TimelineEntry]:
    """What the applicant reads: the public text of each event, oldest first; internal notes never leave."""
    rows = (
        CaseEvent.objects.filter(case=case)
        .exclude(public_text="")
        .order_by("at", "pk")
        .values_list("at", "public_text", "to_status")
    )
    return [TimelineEntry(at, text, status) for at, text, status in rows]


def applicant_cases(user) -> QuerySet[Case]:
    if not getattr(user, "is_authenticated", False):
        return Case.objects.none()
    return Case.objects.filter(applicant=user).select_related("item", "department").order_by("-submitted_at", "-pk")


def has_applications(user) -> bool:
    return applicant_cases(user).exists()


def is_department_staff(user, department_id: int) -> bool:
    """Staff of the department (clerks, its head) and whoever heads a unit above it."""
    if not is_staff_member(user):
        return False
    return user.staff.department_id == department_id or department_id in headed_department_ids(user)


def can_take_in(user, item: Item) -> bool:
    """Window, phone and mail intake: clerks (and heads) of the item's department."""
    return has_role(user, Role.CLERK, Role.DEPARTMENT_HEAD) and is_department_staff(user, item.department_id)


def can_prereview(user, case: Case) -> bool:
    return has_role(user, Role.CLERK, Role.DEPARTMENT_HEAD) and is_department_staff(user, case.department_id)


def can_read_materials(user, case: Case, proven_secret_case_ids: set[int] | frozenset[int] = frozenset()) -> bool:
    """The applicant (account owner, or whoever proved the secret this session), the department, supervisors."""
    if case.pk in proven_secret_case_ids:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    if case.applicant_id == user.pk or is_supervisor(user):
        return True
    return is_department_staff(user, case.department_id)


def material_for_download(pk: int) -> CaseMaterial | None:
    return CaseMaterial.objects.select_related("case").filter(pk=pk).first()

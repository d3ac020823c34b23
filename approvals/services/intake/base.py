"""What the intake modules share: the applicant's wording, checking and storing uploaded materials, the
pre-review clock, the first receiver, and the steps laid out when a case is accepted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from approvals.models import Case, CaseMaterial, CaseStep, Item, ItemMaterial, ItemStep, StepCode, StepStatus
from efficiency_portal.common.uploads import validate_upload
from efficiency_portal.supervision.models import Deadline

Files = Mapping[int, Iterable[UploadedFile]]


def public(message: str | Promise, **params: object) -> str:
    """What the applicant reads, written in the portal's default language (Chinese first) whoever acted."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message % params if params else message)


def check_files(
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


def save_files(case: Case, checked, *, actor, round_no: int, stored: list[str]) -> None:
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


def note_first_receiver(case: Case, user) -> bool:
    """首问负责: the first staff member who opens a case answers for it; later openings change nothing."""
    if not getattr(user, "is_authenticated", False) or not hasattr(user, "staff"):
        return False
    return bool(Case.objects.filter(pk=case.pk, first_receiver__isnull=True).update(first_receiver=user))


def case_deadline(case: Case, kind: str) -> Deadline | None:
    return Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Case), object_id=case.pk, kind=kind
    ).first()


def lay_out_steps(cases: list[Case], accepted: dict[int, tuple[object, dt.datetime]]) -> None:
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

"""Files of credit: an entry's evidence and an objection's papers, checked by their content before any is kept."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from credit.models import CreditAttachment, CreditEntry, CreditObjection
from efficiency_portal.common.uploads import validate_upload


def save_attachments(
    entry: CreditEntry,
    files: Iterable[UploadedFile],
    user,
    objection: CreditObjection | None = None,
    *,
    field: str = "papers",
) -> list[CreditAttachment]:
    """Check every file by its content first, so that one bad file keeps all of them out; a refusal names ``field``."""
    files = list(files)
    try:
        kinds = [validate_upload(file) for file in files]
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    return [
        CreditAttachment.objects.create(
            entry=entry,
            objection=objection,
            file=file,
            name=(file.name or "")[:200],
            content_type=kind,
            uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        )
        for file, kind in zip(files, kinds, strict=True)
    ]

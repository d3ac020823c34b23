"""Checks on uploaded files: the type is read from the content (magic bytes), never from the name."""

from __future__ import annotations

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# The first bytes are enough for every signature filetype knows.
_HEAD_BYTES = 8192


def _head(file: UploadedFile) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(position)
    return head


def validate_upload(file: UploadedFile) -> str:
    """Return the content type detected from ``file``'s bytes; raise ValidationError when it may not be kept.

    Refused: empty files, files over settings.UPLOAD_MAX_BYTES, and any content whose detected type is not in
    settings.UPLOAD_ALLOWED_TYPES (an executable or a web page renamed to .pdf is recognised as what it is).
    """
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if not size:
        raise ValidationError(_("The file “%(name)s” is empty.") % {"name": name}, code="empty")
    if size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError(
            _("The file “%(name)s” is %(size)s; files may be at most %(max)s.")
            % {"name": name, "size": filesizeformat(size), "max": filesizeformat(settings.UPLOAD_MAX_BYTES)},
            code="too_large",
        )
    kind = filetype.guess(_head(file))
    allowed = list(settings.UPLOAD_ALLOWED_TYPES)
    if kind is None or kind.mime not in allowed:
        raise ValidationError(
            _(
                "The file “%(name)s” is not of an accepted type (accepted: %(types)s); "
                "its content was checked, not its name."
            )
            % {"name": name, "types": ", ".join(_label(t) for t in allowed)},
            code="bad_type",
        )
    return kind.mime


def _label(content_type: str) -> str:
    return {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}.get(content_type, content_type)

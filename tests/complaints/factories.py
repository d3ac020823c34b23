"""Builders for complaints tests."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from complaints.models import Category
from complaints.services.filing import file_complaint
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory, make_head

_keys = itertools.count(1)

PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png_upload(name: str = "照片.png"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def make_supervisor(**kwargs):
    office = kwargs.pop("department", None) or DepartmentFactory(name="效能办")
    return StaffFactory(department=office, roles=[Role.SUPERVISOR], **kwargs).user


def make_department_with_head():
    department = DepartmentFactory()
    head = make_head(department)
    return department, head


_UNSET = object()


def file(department=_UNSET, *, at: dt.datetime | None = None, **kwargs):
    """A named online complaint; returns (complaint, secret)."""
    if department is _UNSET:
        department = kwargs.pop("department", _UNSET)
        if department is _UNSET:
            department = DepartmentFactory()
    defaults = {
        "category": Category.BUCK_PASSING,
        "description": "窗口工作人员推诿，让我跑了三次。",
        "department": department,
        "name": "张三丰",
        "phone": "13912345678",
        "email": "zhang@example.com",
        "submission_key": f"key-{next(_keys)}",
        "at": at or timezone.now(),
    }
    defaults.update(kwargs)
    filed = file_complaint(**defaults)
    return filed.complaint, filed.secret

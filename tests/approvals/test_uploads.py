from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from efficiency_portal.common.uploads import validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200
HTML = b"<!DOCTYPE html><html><script>alert(1)</script></html>"


@pytest.mark.parametrize(
    ("content", "name", "expected"),
    [(PDF, "a.pdf", "application/pdf"), (PNG, "b.png", "image/png"), (JPEG, "c.jpg", "image/jpeg")],
)
def test_accepted_types_are_recognised_from_content(content, name, expected):
    assert validate_upload(SimpleUploadedFile(name, content)) == expected


def test_png_named_pdf_is_still_a_png():
    assert validate_upload(SimpleUploadedFile("licence.pdf", PNG)) == "image/png"


@pytest.mark.parametrize("content", [EXE, HTML, b"just some text"])
def test_disguised_files_are_refused(content):
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("licence.pdf", content, content_type="application/pdf"))
    assert error.value.code == "bad_type"
    assert "licence.pdf" in error.value.messages[0]


def test_oversize_refused(settings):
    settings.UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 200))
    assert error.value.code == "too_large"


def test_empty_refused():
    with pytest.raises(ValidationError) as error:
        validate_upload(SimpleUploadedFile("empty.pdf", b""))
    assert error.value.code == "empty"


def test_allowed_types_follow_settings(settings):
    settings.UPLOAD_ALLOWED_TYPES = ["application/pdf"]
    with pytest.raises(ValidationError):
        validate_upload(SimpleUploadedFile("b.png", PNG))


def test_reading_leaves_the_file_position():
    upload = SimpleUploadedFile("a.pdf", PDF)
    upload.seek(3)
    validate_upload(upload)
    assert upload.tell() == 3

"""Markup of the citizens' forms for assistive technology: radio and checkbox groups are fieldsets named by a legend,
help texts and errors are tied to their fields, widgets carry Bootstrap's classes (so the larger text applies), and
the larger-text switch keeps the chosen application."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from complaints.services import handling
from tests.factories import CitizenFactory, DepartmentFactory, make_accepted_case

from .factories import file, make_supervisor
from .test_pages import filing_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def en(client):
    client.cookies["django_language"] = "en"
    return client


def tag(page: str, element_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{element_id}"[^>]*>', page)
    assert match, element_id
    return match.group(0)


def test_filing_form_fields_carry_classes_and_help_links(en):
    page = en.get(reverse("complaints:file")).content.decode()
    assert "form-select" in tag(page, "id_category") and "form-select" in tag(page, "id_department")
    for name in ("id_description", "id_place", "id_name", "id_phone", "id_email", "id_attachments"):
        assert "form-control" in tag(page, name), name
    assert "form-check-input" in tag(page, "id_anonymous")
    for name in ("id_attachments", "id_anonymous", "id_phone"):
        assert f'aria-describedby="{name}_helptext"' in tag(page, name), name
        assert f'id="{name}_helptext"' in page
    # Checkboxes: the label follows the box inside .form-check and names it.
    box = r'<div class="form-check mb-3">\s*<input[^>]*id="id_anonymous"[^>]*>\s*'
    assert re.search(box + r'<label class="form-check-label" for="id_anonymous">', page)


def test_errors_are_tied_to_their_fields(en):
    response = en.post(reverse("complaints:file"), filing_data(DepartmentFactory(), description="", phone="12"))
    page = response.content.decode()
    description = tag(page, "id_description")
    assert 'aria-invalid="true"' in description and 'aria-describedby="id_description_error"' in description
    assert 'id="id_description_error"' in page
    phone = tag(page, "id_phone")
    assert 'aria-describedby="id_phone_helptext id_phone_error"' in phone and "is-invalid" in phone
    assert "aria-invalid" not in tag(page, "id_place")


def _replied(complainant):
    supervisor = make_supervisor()
    complaint, _ = file(complainant=complainant)
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding="not_upheld", text="不属实")
    return handling.reply(complaint, supervisor, text="答复")


def test_radio_group_of_the_rating_is_a_fieldset_with_a_legend(en):
    citizen = CitizenFactory()
    complaint = _replied(citizen)
    en.force_login(citizen)
    url = reverse("complaints:track_detail", args=[complaint.pk])
    page = en.get(url).content.decode()
    group = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>How satisfied are you with the handling\?</legend>", page)
    assert group, page
    assert 'for=""' not in page
    radios = re.findall(r'<input type="radio" name="rate-level"[^>]*>', page)
    assert len(radios) == 5 and all("form-check-input" in radio for radio in radios)
    assert '<div id="id_rate-level">' in page  # the group's wrapper is not styled as one box
    invalid = en.post(url, {"rate": "1", "rate-comment": "x"}).content.decode()
    assert re.search(r'<fieldset class="mb-3" aria-describedby="id_rate-level_error">', invalid)
    assert 'id="id_rate-level_error"' in invalid


def test_checkbox_group_of_the_window_rating_is_a_fieldset(en):
    window = DepartmentFactory()
    page = en.get(reverse("complaints:rate_window") + f"?department={window.pk}").content.decode()
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>What stood out</legend>", page)
    assert re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Overall</legend>", page)
    assert "form-select" in tag(page, "id_department") and "form-control" in tag(page, "id_comment")


def test_tracking_form_fields_carry_classes(en):
    page = en.get(reverse("complaints:track")).content.decode()
    assert "form-control" in tag(page, "id_code") and "form-control" in tag(page, "id_secret")


def test_larger_text_switch_keeps_the_chosen_application(en):
    """The filing form offers the site-wide elder mode at its top; switching comes back to the same form, with the
    chosen application still chosen."""
    citizen = CitizenFactory()
    case = make_accepted_case(applicant=citizen)
    en.force_login(citizen)
    page = en.get(reverse("complaints:file") + f"?case={case.pk}").content.decode()
    switch = re.search(r'<form[^>]*id="text-size">.*?</form>', page, re.S).group(0)
    assert f'action="{reverse("set_display_mode")}"' in switch and 'value="elder"' in switch
    back_to = re.search(r'name="next" type="hidden" value="([^"]+)"', switch).group(1).replace("&amp;", "&")
    assert f"case={case.pk}" in back_to
    response = en.post(reverse("set_display_mode"), {"mode": "elder", "next": back_to})
    assert response.status_code == 302 and response["Location"] == back_to
    larger = en.get(back_to).content.decode()
    assert '<html lang="en" class="elder">' in larger
    assert re.search(rf'<option value="{case.pk}" selected>', larger)
    assert 'value="standard"' in re.search(r'<form[^>]*id="text-size">.*?</form>', larger, re.S).group(0)

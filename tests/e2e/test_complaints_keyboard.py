"""The citizens' complaint forms by keyboard alone (Tab, Space, arrows, Enter), read by their accessible names: file an
anonymous complaint, follow it with number and secret, rate the reply. The submit button stays disabled once the
form is sent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from complaints.models import Complaint, ComplaintStatus
from complaints.services import handling
from efficiency_portal.org.models import Role
from tests.factories import DepartmentFactory, StaffFactory

pytestmark = [pytest.mark.e2e]


@pytest.fixture
def browser_context_args() -> dict:
    return {"locale": "en-US"}


@pytest.fixture(autouse=True)
def _no_filing_limit(settings) -> Iterator[None]:
    settings.COMPLAINTS_CAPTCHA_AFTER = 1000
    settings.COMPLAINTS_FILING_LIMIT = 1000
    yield


def focused_id(page) -> str:
    return page.evaluate("document.activeElement ? document.activeElement.id : ''")


def tab_to(page, element_id: str, *, limit: int = 120) -> None:
    """Press Tab until the element has the focus, as someone without a mouse moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused_id(page) == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}; last focus on #{focused_id(page)}")


def test_file_follow_and_rate_by_keyboard(page) -> None:
    department = DepartmentFactory(name="Land registry")
    page.goto(reverse("complaints:file"))

    # Every field is found by the name a screen reader announces.
    expect(page.get_by_label("What is the complaint about?")).to_have_attribute("id", "id_category")
    expect(page.get_by_label("Which department?")).to_have_attribute("id", "id_department")
    expect(page.get_by_role("textbox", name="What happened?")).to_have_attribute("id", "id_description")
    expect(page.get_by_role("textbox", name="Where did it happen?")).to_be_visible()
    expect(page.get_by_role("textbox", name="Your phone number")).to_have_accessible_description(
        "A mobile number, or a landline with its area code (0571-88886666)."
    )
    anonymous = page.get_by_role("checkbox", name="Complain without giving my name")
    expect(anonymous).to_have_accessible_description(
        "Anonymous complaints are handled too, but we cannot contact you; keep the tracking number and secret to "
        "read the reply."
    )
    expect(page.get_by_role("group", name="What happened")).to_be_visible()
    expect(page.get_by_role("group", name="About you")).to_be_visible()

    tab_to(page, "id_category")
    page.keyboard.press("ArrowDown")  # the first category after "Please choose"
    tab_to(page, "id_department")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_department")).to_have_value(str(department.pk))
    tab_to(page, "id_description")
    page.keyboard.type("The clerk sent me away three times.")
    tab_to(page, "id_place")
    page.keyboard.type("Window 3")
    tab_to(page, "id_anonymous")
    page.keyboard.press("Space")
    expect(anonymous).to_be_checked()
    tab_to(page, "file-submit")
    expect(page.get_by_role("button", name="Send the complaint")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    code = page.locator("#tracking-code").inner_text().strip()
    secret = page.locator("#tracking-secret").inner_text().strip()
    complaint = Complaint.objects.get(tracking_code=code)
    assert complaint.anonymous and complaint.department == department and complaint.place == "Window 3"
    assert complaint.category == "buck_passing" and complaint.complainant is None

    supervisor = StaffFactory(roles=[Role.SUPERVISOR]).user
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    complaint = handling.record_finding(complaint, supervisor, finding="not_upheld", text="Not upheld.")
    handling.reply(complaint, supervisor, text="We looked into it.")

    # Another visit: follow it with number and secret, by keyboard.
    page.context.clear_cookies()
    page.goto(reverse("complaints:track"))
    expect(page.get_by_label("Tracking number")).to_have_attribute("id", "id_code")
    expect(page.get_by_label("Secret")).to_have_attribute("id", "id_secret")
    tab_to(page, "id_code")
    page.keyboard.type(code)
    tab_to(page, "id_secret")
    page.keyboard.type(secret)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("#reply")).to_contain_text("We looked into it.")

    # The rating: a group of five radio buttons named by its legend; arrows move the choice.
    group = page.get_by_role("group", name="How satisfied are you with the handling?")
    expect(group.get_by_role("radio")).to_have_count(5)
    tab_to(page, "id_rate-level_0")
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    checked = group.get_by_role("radio", checked=True)
    expect(checked).to_have_count(1)
    level = checked.get_attribute("value")
    tab_to(page, "id_rate-comment")
    expect(page.get_by_role("textbox", name="Comment (optional)")).to_be_focused()
    page.keyboard.type("Fine.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Send my rating")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    complaint.refresh_from_db()
    assert complaint.feedback_level == int(level) and complaint.feedback_comment == "Fine."
    assert complaint.status == (ComplaintStatus.CLOSED if int(level) >= 3 else ComplaintStatus.REPLIED)


def test_errors_are_announced_with_their_field(page) -> None:
    DepartmentFactory()
    page.goto(reverse("complaints:file"))
    tab_to(page, "file-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    description = page.get_by_role("textbox", name="What happened?")
    expect(description).to_have_attribute("aria-invalid", "true")
    expect(description).to_have_accessible_description("Please tell us what happened.")
    expect(page.get_by_label("What is the complaint about?")).to_have_accessible_description(
        "Please choose what the complaint is about."
    )


def test_submit_button_is_disabled_once_the_form_is_sent(page) -> None:
    DepartmentFactory()
    page.goto(reverse("complaints:file"))
    # Hold the submission in the page, to look at the button while the request would be under way.
    page.evaluate(
        "document.getElementById('filing-form').addEventListener('submit', (event) => event.preventDefault())"
    )
    button = page.get_by_role("button", name="Send the complaint")
    button.focus()
    page.keyboard.press("Enter")
    expect(button).to_be_disabled()
    page.keyboard.press("Enter")
    assert not Complaint.objects.exists()

"""Pages show words, not codes: sanction labels in the 12-month counts per person (with the 效能告诫 flag),
event actions and states in the history, clock lights in the lists and the export."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from complaints.models import Finding, Sanction
from complaints.services import handling
from tests.factories import DepartmentFactory, StaffFactory

from .factories import file, make_department_with_head, make_supervisor

pytestmark = pytest.mark.django_db


def conclude(supervisor, department, staff, sanctions):
    complaint, _ = file(department, staff=staff)
    complaint = handling.accept(complaint, supervisor)
    complaint = handling.handle_self(complaint, supervisor)
    return handling.record_finding(complaint, supervisor, finding=Finding.UPHELD, text="属实", sanctions=sanctions)


def test_counts_per_person_show_labels_and_flag_two_cautions(client):
    supervisor = make_supervisor()
    department = DepartmentFactory()
    twice = StaffFactory(department=department, name="王二小")
    once = StaffFactory(department=department, name="赵一曼")
    conclude(supervisor, department, twice, [handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=twice)])
    latest = conclude(
        supervisor,
        department,
        twice,
        [
            handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=twice),
            handling.SanctionInput(Sanction.REMINDER, staff=twice),
            handling.SanctionInput(Sanction.EFFICIENCY_CAUTION, staff=once),
        ],
    )
    client.force_login(supervisor)
    response = client.get(reverse("complaints:detail", args=[latest.pk]))
    text = response.content.decode()
    histories = {h.staff.pk: h for h in response.context["histories"]}
    assert histories[twice.pk].counts == [("Reminder (提醒)", 1), ("Efficiency caution (效能告诫)", 2)]
    assert histories[twice.pk].flagged and not histories[once.pk].flagged
    assert "Efficiency caution (效能告诫) × 2" in text and "Reminder (提醒) × 1" in text
    assert "Flagged: 2 efficiency cautions within 12 months" in text
    assert text.count("caution-flag") == 1  # only the one with two
    assert "赵一曼: Efficiency caution (效能告诫) × 1" in text  # a person sanctioned but not complained about
    section = text[text.index('id="sanction-history"') :]
    section = section[: section.index("</ul>")]
    for code in ("efficiency_caution", "reminder", "talk_reminder"):
        assert code not in section


def test_history_shows_actions_and_states_in_words(client):
    supervisor = make_supervisor()
    complaint, _ = file(DepartmentFactory())
    handling.accept(complaint, supervisor)
    client.force_login(supervisor)
    text = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    history = text[text.index('<h2 class="h5">History</h2>') :]
    assert "Filed" in history
    assert "Accepted (Received, awaiting acceptance → Accepted)" in history
    assert "submitted" not in history and "accepted→" not in history


def test_lights_are_words_in_lists_and_export(client):
    supervisor = make_supervisor()
    department, head = make_department_with_head()
    complaint, _ = file(department)
    client.force_login(supervisor)
    text = client.get(reverse("complaints:work_list")).content.decode()
    assert "Green (on schedule)" in text and ">green<" not in text
    export = client.get(reverse("complaints:work_list") + "?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    light = header.index("Light")
    assert [row[light] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Green (on schedule)"]
    complaint = handling.accept(complaint, supervisor)
    handling.hand_to_department(complaint, supervisor, department=department, instructions="请核查")
    client.force_login(head.user)
    text = client.get(reverse("complaints:department_list")).content.decode()
    assert "Green (on schedule)" in text and " green<" not in text

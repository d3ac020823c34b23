"""The neutral page of a finding: what was found and the sanctions, for those at fault and the office.

It is the page credit entries and assessment facts link to, so the civil servant or department concerned can
read why points were taken. It never shows who complained, how to reach them, what they wrote or their files.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from complaints.models import ComplaintFinding
from complaints.selectors.access import finding_sanctions_for
from efficiency_portal.org.roles import is_supervisor


@login_required
def finding(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = (
        ComplaintFinding.objects.select_related("department", "staff", "staff__department")
        .exclude(finding="")
        .filter(pk=pk)
        .first()
    )
    if complaint is None:
        raise Http404
    # Sanctions withdrawn by a later finding (after a reopening) no longer stand and are not shown.
    sanctions = complaint.sanctions.active().select_related("staff", "staff__department", "department").order_by("pk")
    visible = finding_sanctions_for(request.user, complaint, sanctions)
    # 404 rather than 403: a stranger learns nothing, not even that the complaint exists.
    if visible is None:
        raise Http404
    context = {"complaint": complaint, "sanctions": visible, "supervisor": is_supervisor(request.user)}
    return render(request, "complaints/finding/detail.html", context)

"""Rankings and trends of a period, on the page and in Excel, for supervisors, heads and leaders."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from assessment import selectors
from assessment.models import Period, grade_label
from efficiency_portal.common.excel import export
from efficiency_portal.org.roles import is_staff_member, is_supervisor


def _ranking_period(request: HttpRequest) -> tuple[Period | None, list[Period]]:
    periods = list(selectors.ranked_periods(request.user)[:60])
    wanted = request.GET.get("period", "")
    chosen = next((p for p in periods if str(p.pk) == wanted), periods[0] if periods else None)
    return chosen, periods


@login_required
def rankings(request: HttpRequest) -> HttpResponse:
    if not selectors.may_rank(request.user):
        raise PermissionDenied
    scope = selectors.ranking_scope(request.user)
    period, periods = _ranking_period(request)
    rows, next_after = (
        selectors.keyset(selectors.ranking(period, scope), request.GET.get("after")) if period else ([], None)
    )
    chart = None
    if period is not None:
        chart = selectors.trend(period, scope)
        names = [_("Average points"), _("Excellent"), _("Incompetent / fail")]
        for series, name in zip(chart["series"], names, strict=True):
            series["label"] = name
    return render(
        request,
        "assessment/rankings.html",
        {"period": period, "periods": periods, "rows": rows, "chart": chart, "next_after": next_after},
    )


@login_required
def rankings_export(request: HttpRequest) -> HttpResponse:
    if not selectors.may_rank(request.user):
        raise PermissionDenied
    period, _periods = _ranking_period(request)
    if period is None:
        raise Http404
    kind = period.scheme.subject_kind
    rows = selectors.ranking(period, selectors.ranking_scope(request.user)).iterator(chunk_size=2000)
    columns = [
        (_("Rank"), "rank"),
        (_("Assessed"), "subject_name"),
        (_("Department"), "department__name"),
        (_("Points"), "total"),
        (_("Grade"), lambda r: grade_label(r.grade, kind)),
    ]
    if period.scheme.bonus_enabled:
        # A colleague's bonus is the supervisors' business; heads and leaders see only their own.
        own = request.user.staff.pk if is_staff_member(request.user) else None
        if is_supervisor(request.user):
            columns.append((_("Bonus (yuan)"), "bonus"))
        else:
            columns.append((_("Bonus (yuan)"), lambda r: r.bonus if own is not None and r.staff_id == own else None))
    return export(rows, columns, f"assessment-{period.pk}.xlsx", title=period.name)

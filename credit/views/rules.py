"""Pages of the rule table (supervisors and administrators); every save goes through ``save_rule``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from credit import services
from credit.conf import SYSTEM_RULE_CODES
from credit.forms import RuleForm
from credit.models import CreditRule
from credit.views.common import require
from efficiency_portal.org.models import Role
from efficiency_portal.org.roles import has_role


def _may_edit_rules(user) -> bool:
    return has_role(user, Role.SUPERVISOR, Role.ADMINISTRATOR)


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    require(_may_edit_rules(request.user))
    return render(
        request, "credit/rule_list.html", {"rules": CreditRule.objects.all(), "system_codes": SYSTEM_RULE_CODES}
    )


@login_required
def rule_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    require(_may_edit_rules(request.user))
    rule = get_object_or_404(CreditRule, pk=pk) if pk else None
    form = RuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        services.save_rule(form.save(commit=False), request.user, changed=form.changed_data)
        messages.success(request, _("The rule was saved; entries already recorded keep their points."))
        return redirect("credit:rule_list")
    return render(request, "credit/rule_form.html", {"form": form, "rule": rule}, status=400 if form.errors else 200)

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from efficiency_portal.org.models import Role
from efficiency_portal.org.roles import RoleRequiredMixin

from . import actions, selectors, services
from .models import Result

AUDIT_ROLES = (Role.SUPERVISOR, Role.ADMINISTRATOR)


class EventListView(RoleRequiredMixin, TemplateView):
    required_roles = AUDIT_ROLES
    template_name = "audit/event_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filterset = selectors.filter_events(self.request.GET)
        page = selectors.event_page(filterset, self.request.GET.get("cursor"), settings.AUDIT_PAGE_SIZE)
        query = self.request.GET.copy()
        query.pop("cursor", None)
        context.update(
            filter=filterset,
            page=page,
            events=[(event, actions.action_label(event.action)) for event in page.rows],
            known_actions=actions.known_actions(),
            query=query.urlencode(),
            results=Result,
        )
        return context


class EventExportView(RoleRequiredMixin, View):
    required_roles = AUDIT_ROLES

    def get(self, request: HttpRequest) -> HttpResponse:
        content, _count = services.export_events(request.user, request.GET, settings.AUDIT_EXPORT_MAX_ROWS)
        filename = f"audit-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
        response = HttpResponse(
            content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

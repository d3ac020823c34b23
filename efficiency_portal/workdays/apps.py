from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "efficiency_portal.workdays"
    label = "workdays"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        try:
            from efficiency_portal.audit.actions import register_action_labels
        except ImportError:  # the audit log is optional for this app
            return
        from .models import CalendarChange
        from .services import AUDIT_PREFIX

        labels = {AUDIT_PREFIX + value: label for value, label in CalendarChange.Action.choices}
        labels[AUDIT_PREFIX + "year_note"] = _("Calendar year note changed")
        register_action_labels(labels)

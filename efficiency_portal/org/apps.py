import importlib

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "efficiency_portal.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        try:
            actions = importlib.import_module("efficiency_portal.audit.actions")
        except ModuleNotFoundError:
            return
        from . import services

        actions.register_action_labels(
            {
                services.AWAY_REGISTER: _("Away notice registered"),
                services.AWAY_CANCEL: _("Away notice cancelled"),
                services.AWAY_RETURN: _("Back from absence early"),
                services.POST_CREATE: _("A/B post created"),
                services.POST_UPDATE: _("A/B post changed"),
            }
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self) -> None:
        from efficiency_portal.search.registry import register

        from .services.catalogue import SEARCH_SCOPE, rebuild_search_index

        register(SEARCH_SCOPE, rebuild_search_index)

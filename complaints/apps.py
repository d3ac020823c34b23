from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The audit action of a supervisor reading a complainant's name and contact.
REVEAL_ACTION = "complaints.reveal_identity"


class ComplaintsConfig(AppConfig):
    name = "complaints"
    label = "complaints"
    verbose_name = _("Complaints and ratings")

    def ready(self) -> None:
        from efficiency_portal.audit.actions import register_action_labels

        register_action_labels({REVEAL_ACTION: _("Complainant's identity revealed")})

from django.apps import AppConfig
from django.core.checks import Tags, Warning, register
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
        register(check_encryption_key, Tags.security, deploy=True)


def check_encryption_key(app_configs=None, **kwargs) -> list[Warning]:
    """Without its own key the identities are encrypted under SECRET_KEY: rotating that one would lose them."""
    from django.conf import settings

    if getattr(settings, "COMPLAINTS_ENCRYPTION_KEY", ""):
        return []
    return [
        Warning(
            "COMPLAINTS_ENCRYPTION_KEY is not set: complainants' identities are encrypted with a key derived from "
            "SECRET_KEY, and a new SECRET_KEY would make them unreadable.",
            hint="Set COMPLAINTS_ENCRYPTION_KEY and back it up apart from the database (docs/operations.md).",
            id="complaints.W001",
        )
    ]

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "assessment"
    label = "assessment"
    verbose_name = _("Performance assessment")

    def ready(self) -> None:
        from efficiency_portal.audit.actions import register_action_labels

        register_action_labels(
            {
                "assessment.published": _("Assessment period published"),
                "assessment.grade_adjusted": _("Assessment grade adjusted"),
                "assessment.scheme_changed": _("Assessment scheme changed"),
                "assessment.input_deleted": _("Assessment add/deduct entry or veto deleted"),
            }
        )

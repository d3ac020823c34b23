from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisedTasksConfig(AppConfig):
    name = "efficiency_portal.supervised_tasks"
    label = "supervised_tasks"
    verbose_name = _("Supervised tasks")

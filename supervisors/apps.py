from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisorsConfig(AppConfig):
    name = "supervisors"
    verbose_name = _("Quality supervisors")

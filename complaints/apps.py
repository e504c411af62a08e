from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and reports")

    def ready(self) -> None:
        from complaints.models import Case
        from complaints.notifications import on_case_changed
        from core.signals import entity_changed

        # Every recorded change of a case reaches its live tracking page.
        entity_changed.connect(on_case_changed, sender=Case, dispatch_uid="complaints.live")

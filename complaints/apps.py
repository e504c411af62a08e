from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints and reports")

    def ready(self) -> None:
        from complaints.roles import sync_roles

        # Runs after every app so that the admin role sees the permissions of all apps.
        post_migrate.connect(sync_roles, dispatch_uid="complaints.sync_roles")

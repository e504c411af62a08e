from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from core.masking import install_log_record_masking
        from core.models import ClockRule
        from core.models.clocks import forget_kind_labels
        from core.roles import sync_roles

        for signal in (post_save, post_delete):
            signal.connect(forget_kind_labels, sender=ClockRule, dispatch_uid="core.kind_labels")
        post_migrate.connect(forget_kind_labels, dispatch_uid="core.kind_labels_migrate")

        install_log_record_masking()

        # Runs after every app so that the admin role sees the permissions of all apps.
        post_migrate.connect(sync_roles, dispatch_uid="core.sync_roles")

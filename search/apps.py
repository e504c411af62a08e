from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # The hotspot package keeps its model, admin and tasks beside its
        # other layers; importing them here registers them at startup (the
        # beat entry "search-hotspot-alerts" names search.tasks.hotspot_alerts).
        from core.signals import outbox_pending
        from search.documents import register_document_types
        from search.documents_supervision import register_supervision_document_types
        from search.hotspots import admin, models, tasks  # noqa: F401
        from search.services import schedule_drain

        register_document_types()
        register_supervision_document_types()
        outbox_pending.connect(schedule_drain, dispatch_uid="search.drain")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        # The hotspot package keeps its model, admin and tasks beside its
        # other layers; importing them here registers them at startup (the
        # beat entry "search-hotspot-alerts" names search.tasks.hotspot_alerts).
        from search.hotspots import admin, models, tasks  # noqa: F401

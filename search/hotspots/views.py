"""The hotspot page: filters, ranked cells, trend chart, county map and
drill-down. The page draws from the API (static/js/hotspots.js)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.models import ProblemType, ProductCategory, Region
from search.documents import SOURCES
from search.hotspots.api import PERM_VIEW_HOTSPOTS
from search.hotspots.params import Dimension, Level, Thresholds, local_today
from search.hotspots.scoring import Pattern
from search.selectors import SOURCE_LABELS, status_labels

LEVEL_LABELS = {
    Level.COUNTY: gettext_lazy("county"),
    Level.CITY: gettext_lazy("city"),
    Level.PROVINCE: gettext_lazy("province"),
}
DIMENSION_LABELS = {
    Dimension.SELLER: gettext_lazy("seller"),
    Dimension.BRAND: gettext_lazy("brand"),
}
PATTERN_LABELS = {
    Pattern.REPEAT_COMPLAINANTS: gettext_lazy("repeat complainants against one seller"),
    Pattern.REGIONAL_SURGE: gettext_lazy("regional surge"),
    Pattern.BRAND_SPREAD: gettext_lazy("brand faked by several sellers"),
}


def _url(name: str) -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@login_required
@permission_required(PERM_VIEW_HOTSPOTS, raise_exception=True)
def hotspots_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "search/hotspots.html",
        {
            "today": local_today().isoformat(),
            "window_days": settings.HOTSPOT_WINDOW_DAYS,
            "thresholds": Thresholds.from_settings(),
            "levels": [(lv.value, LEVEL_LABELS[lv]) for lv in Level],
            "dimensions": [(d.value, DIMENSION_LABELS[d]) for d in Dimension],
            "categories": ProductCategory.objects.order_by("path"),
            "regions": Region.objects.order_by("code"),
            "problem_types": ProblemType.objects.all(),
            "sources": [(s, SOURCE_LABELS.get(s, s)) for s in SOURCES],
            "search_url": _url("search:page"),
            "i18n": {
                "drill": _("Cases"),
                "none": _("No hotspots in this window."),
                "all": _("All signals"),
                "failed": _("The hotspots could not be loaded."),
                "patterns": {p.value: str(label) for p, label in PATTERN_LABELS.items()},
                # The drill-down's status column: cases', reports' and
                # spot-checks' states, shown by label.
                "statuses": status_labels(),
            },
        },
    )

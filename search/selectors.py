"""Reads for the search screens: display labels for facet keys and the rows
of a result page or export (documents carry no personal data; their text is
already masked)."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import CaseKind, Status
from core.models import ProblemType, ProductCategory, Region
from search.backends import get_backend
from search.backends.base import Hit, SearchBackend, SearchPage
from search.documents_supervision import SPOT_CHECK_KIND, SUPERVISOR_REPORT_KIND
from supervisors.lifecycle import ReportStatus
from supervisors.models import SpotCheckResult

SOURCE_LABELS = {
    "complaint": _("complaint"),
    "report": _("report"),
    "supervisor": _("quality supervisor"),
    "12345": _("12345 transfer"),
    "random_inspection": _("random inspection"),
    "spot_check": _("supervision spot-check"),
    "hotspot_lead": _("hotspot lead"),
}


#: Kinds of the documents beside cases (search/documents_supervision.py).
SIGNAL_KIND_LABELS = {
    SUPERVISOR_REPORT_KIND: _("supervisor's report"),
    SPOT_CHECK_KIND: _("supervision spot-check"),
}

#: The page each signal document opens on, by document kind.
SIGNAL_PAGES = {
    SUPERVISOR_REPORT_KIND: "supervisors:report-detail",
    SPOT_CHECK_KIND: "admin:supervisors_spotcheck_change",
}


def status_labels() -> dict[str, str]:
    """Every status a search document can carry (a case's, a supervisor's
    report's review, a spot-check's result) -> its label. The codes do not
    overlap, so one map serves all document kinds."""
    return {
        k: str(v)
        for choices in (Status.choices, ReportStatus.choices, SpotCheckResult.choices)
        for k, v in choices
    }


def kind_labels() -> dict[str, str]:
    return {
        **{k: str(v) for k, v in CaseKind.choices},
        **{k: str(v) for k, v in SIGNAL_KIND_LABELS.items()},
    }


def search_backend(backend: SearchBackend | None = None) -> SearchBackend:
    """The engine reading cases together with every registered signal
    document type (supervisors' reports, spot-checks), as hotspots do."""
    from search.hotspots.engine import signal_types

    return (backend or get_backend()).with_signals(signal_types())


def hit_code_url(hit: Hit, source_labels: dict[str, str]) -> tuple[str, str]:
    """(what to show for the code, url) of a hit: a case's tracking code and
    page, or a report's / spot-check's source label with its number and the
    page it opens on."""
    doc = hit.source
    if doc.get("tracking_code"):
        try:
            return str(doc["tracking_code"]), reverse("complaints:case-detail", args=[hit.id])
        except NoReverseMatch:
            return str(doc["tracking_code"]), ""
    source = str(doc.get("source") or "")
    label = f"{source_labels.get(source, source)} #{hit.id}"
    try:
        return label, reverse(SIGNAL_PAGES[str(doc.get("kind"))], args=[hit.id])
    except (KeyError, NoReverseMatch):
        return label, ""


def business_url(seller_key: str) -> str:
    """The spot-check record of a business known by its credit code."""
    kind, _sep, code = seller_key.partition(":")
    if kind != "uscc" or not code:
        return ""
    try:
        return reverse("supervisors:business-spotchecks", args=[code])
    except NoReverseMatch:
        return ""


def facet_labels() -> dict[str, dict[str, str]]:
    """facet -> key -> label in the current language."""
    return {
        "source": {k: str(v) for k, v in SOURCE_LABELS.items()},
        "status": status_labels(),
        "kind": kind_labels(),
        "problem_type": {p.code: p.display_name for p in ProblemType.objects.all()},
        "category": {c.code: c.display_name for c in ProductCategory.objects.all()},
        "region": {r.code: r.display_name for r in Region.objects.exclude(level="county")},
        "county": {r.code: r.display_name for r in Region.objects.filter(level="county")},
    }


def seller_label(key: str) -> str:
    """`name:好运烟酒店|taobao|88` → `好运烟酒店 taobao 88`; credit codes stay."""
    kind, _sep, rest = key.partition(":")
    return rest.replace("|", " ") if kind == "name" else key


def hit_row(hit: Hit, labels: dict[str, dict[str, str]]) -> dict[str, Any]:
    doc = hit.source
    county = doc.get("region_county") or ""
    city = doc.get("region_city") or ""
    reference, url = hit_code_url(hit, labels["source"])
    return {
        "id": hit.id,
        # A case's; a supervisor's report or spot-check has none.
        "tracking_code": doc.get("tracking_code") or "",
        "reference": reference,
        "url": url,
        "kind": doc["kind"],
        "kind_label": labels["kind"].get(doc["kind"], doc["kind"]),
        "source": doc["source"],
        "source_label": labels["source"].get(doc["source"], doc["source"]),
        "status": doc["status"],
        "status_label": labels["status"].get(doc["status"], doc["status"]),
        "received_at": doc["received_at"],
        "region_city": city,
        "region_county": county,
        "region_label": " ".join(
            x for x in (labels["region"].get(city, city), labels["county"].get(county, "")) if x
        ),
        "category": doc["category"],
        "category_label": labels["category"].get(doc["category"], doc["category"]),
        "brand": doc.get("brand") or "",
        "brand_key": doc.get("brand_key") or "",
        "seller_key": doc.get("seller_key") or "",
        "business_url": business_url(doc.get("seller_key") or ""),
        "seller_name": doc.get("seller_name") or "",
        "problem_type": doc["problem_type"],
        "problem_type_label": labels["problem_type"].get(doc["problem_type"], ""),
        "counterfeit": doc["counterfeit"],
        "text": doc.get("text") or "",
        "highlight": hit.highlight.get("text", []),
    }


def page_payload(page: SearchPage) -> dict[str, Any]:
    labels = facet_labels()
    facet_label_map = {**labels, "brand": {}, "seller": {}}
    return {
        "total": page.total,
        "results": [hit_row(hit, labels) for hit in page.hits],
        "facets": {
            name: [
                {
                    "key": b.key,
                    "count": b.count,
                    "label": facet_label_map.get(name, {}).get(b.key)
                    or (seller_label(b.key) if name == "seller" else b.key),
                }
                for b in buckets
            ]
            for name, buckets in page.facets.items()
        },
        "next_cursor": page.next_cursor,
    }


EXPORT_COLUMNS = (
    ("reference", _("tracking code")),
    ("kind_label", _("kind")),
    ("source_label", _("source")),
    ("status_label", _("status")),
    ("received_local", _("received at")),
    ("region_label", _("region")),
    ("category_label", _("product category")),
    ("brand", _("brand")),
    ("seller_name", _("business name")),
    ("problem_type_label", _("problem type")),
    ("counterfeit", _("counterfeit signal")),
    ("text", _("description (masked)")),
)


def export_row(hit: Hit, labels: dict[str, dict[str, str]]) -> list[str]:
    import datetime as dt

    row = hit_row(hit, labels)
    received = dt.datetime.fromisoformat(row["received_at"])
    row["received_local"] = timezone.localtime(received).strftime("%Y-%m-%d %H:%M")
    row["counterfeit"] = "1" if row["counterfeit"] else "0"
    return [_csv_safe(str(row[key])) for key, _label in EXPORT_COLUMNS]


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ runs as a formula in spreadsheet programs.
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value

"""Reads for the search screens: display labels for facet keys and the rows
of a result page or export (documents carry no personal data; their text is
already masked)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.models import CaseKind, Status
from core.models import ProblemType, ProductCategory, Region
from search.backends.base import Hit, SearchPage

SOURCE_LABELS = {
    "complaint": _("complaint"),
    "report": _("report"),
    "supervisor": _("quality supervisor"),
    "12345": _("12345 transfer"),
    "random_inspection": _("random inspection"),
    "spot_check": _("supervision spot-check"),
    "hotspot_lead": _("hotspot lead"),
}


def facet_labels() -> dict[str, dict[str, str]]:
    """facet -> key -> label in the current language."""
    return {
        "source": {k: str(v) for k, v in SOURCE_LABELS.items()},
        "status": {k: str(v) for k, v in Status.choices},
        "kind": {k: str(v) for k, v in CaseKind.choices},
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
    return {
        "id": hit.id,
        "tracking_code": doc["tracking_code"],
        "kind": doc["kind"],
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
    ("tracking_code", _("tracking code")),
    ("kind", _("kind")),
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

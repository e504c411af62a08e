"""Query parameters of the enforcement search (API, CSV export and page),
validated into a SearchQuery; bad input gives field messages."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import CaseKind, Status
from core.models import ProblemType, ProductCategory, Region
from core.scope import office_scope
from search.backends.base import Cursor, SearchQuery
from search.documents import SOURCES
from search.selectors import SIGNAL_KIND_LABELS
from supervisors.lifecycle import ReportStatus
from supervisors.models import SpotCheckResult

MAX_PAGE_SIZE = 100
MULTI_FIELDS = (
    "region",
    "category",
    "brand",
    "seller",
    "problem_type",
    "source",
    "status",
    "kind",
)


def search_scope(user: Any) -> str:
    """The region a user may search (core.scope): "" for the whole province,
    else the area of the user's office (its whole subtree), or NOWHERE."""
    return office_scope(user).search_region


def _values(data: QueryDict, name: str) -> list[str]:
    """`?source=a&source=b` and `?source=a,b` both mean a or b."""
    out: list[str] = []
    for raw in data.getlist(name):
        out += [part.strip() for part in raw.split(",") if part.strip()]
    return out


class SearchParamsSerializer(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    region = serializers.ListField(child=serializers.CharField(max_length=6), required=False)
    category = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    brand = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    seller = serializers.ListField(child=serializers.CharField(max_length=255), required=False)
    problem_type = serializers.ListField(child=serializers.CharField(max_length=60), required=False)
    # DRF's metaclass moves declared fields off the class, so this does not
    # shadow Field.source at run time; mypy cannot see that.
    source = serializers.ListField(  # type: ignore[assignment]
        child=serializers.ChoiceField(choices=list(SOURCES)), required=False
    )
    status = serializers.ListField(
        child=serializers.ChoiceField(
            choices=[*Status.choices, *ReportStatus.choices, *SpotCheckResult.choices]
        ),
        required=False,
    )
    kind = serializers.ListField(
        child=serializers.ChoiceField(choices=[*CaseKind.choices, *SIGNAL_KIND_LABELS.items()]),
        required=False,
    )
    counterfeit = serializers.BooleanField(required=False, allow_null=True, default=None)
    received_from = serializers.DateField(required=False)
    received_to = serializers.DateField(required=False)
    size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE, default=20)
    cursor = serializers.CharField(required=False, allow_blank=True, max_length=60)
    facets = serializers.BooleanField(required=False, default=True)
    highlight = serializers.BooleanField(required=False, default=True)

    @classmethod
    def from_query_dict(cls, data: QueryDict) -> SearchParamsSerializer:
        plain: dict[str, Any] = {
            key: data.get(key) for key in data if key not in MULTI_FIELDS and data.get(key) != ""
        }
        for name in MULTI_FIELDS:
            values = _values(data, name)
            if values:
                plain[name] = values
        return cls(data=plain)

    def _known(self, values: list[str], model: Any, field: str, message: Any) -> list[str]:
        known = set(model.objects.filter(**{f"{field}__in": values}).values_list(field, flat=True))
        unknown = [v for v in values if v not in known]
        if unknown:
            raise serializers.ValidationError(message % {"values": ", ".join(unknown)})
        return values

    def validate_region(self, values: list[str]) -> list[str]:
        return self._known(values, Region, "code", _("Unknown region code: %(values)s."))

    def validate_category(self, values: list[str]) -> list[str]:
        return self._known(
            values, ProductCategory, "code", _("Unknown product category: %(values)s.")
        )

    def validate_problem_type(self, values: list[str]) -> list[str]:
        return self._known(values, ProblemType, "code", _("Unknown problem type: %(values)s."))

    def validate_cursor(self, value: str) -> str:
        if value:
            try:
                Cursor.decode(value)
            except ValueError as exc:
                raise serializers.ValidationError(
                    _("This cursor was not issued by this search.")
                ) from exc
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start, end = attrs.get("received_from"), attrs.get("received_to")
        if start and end and start > end:
            raise serializers.ValidationError(
                {"received_to": _("The end date cannot be before the start date.")}
            )
        return attrs

    def to_query(self, **overrides: Any) -> SearchQuery:
        data = self.validated_data
        values: dict[str, Any] = {
            "text": data.get("q", ""),
            "counterfeit": data.get("counterfeit"),
            "received_from": data.get("received_from"),
            "received_to": data.get("received_to"),
            "size": data.get("size", 20),
            "search_after": data.get("cursor") or None,
            "facets": data.get("facets", True),
            "highlight": data.get("highlight", True),
        }
        for name in MULTI_FIELDS:
            values[name] = tuple(dict.fromkeys(data.get(name) or ()))
        values.update(overrides)
        return SearchQuery(**values)

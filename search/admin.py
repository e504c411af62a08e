"""Read-only admin for the search sync: the outbox backlog with its errors,
and which versioned index each alias names."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin.base import ProvinceWideOnly
from core.models import OutboxEntry
from search.models import SearchAlias


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxEntry)
class OutboxEntryAdmin(ProvinceWideOnly, ReadOnlyAdmin):
    list_display = ["id", "model", "object_id", "version", "deleted", "created_at", "attempts"]
    list_filter = ["model", "deleted"]
    search_fields = ["object_id"]
    readonly_fields = [
        "model",
        "object_id",
        "version",
        "deleted",
        "created_at",
        "attempts",
        "last_error",
    ]


@admin.register(SearchAlias)
class SearchAliasAdmin(ReadOnlyAdmin):
    list_display = ["name", "index_name"]

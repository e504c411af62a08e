"""Admin building blocks shared by every app's admin modules."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.contenttypes.admin import GenericTabularInline
from django.http import HttpRequest

from core.scope import office_scope


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by services: viewable, never edited here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ProvinceWideOnly:
    """For rows of every office with no office of their own to filter by
    (clocks and audit events of any owner, the search outbox): shown only
    to province-wide staff (core.scope), whatever permissions a group has."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return office_scope(request.user).everything and bool(
            super().has_view_permission(request, obj)  # type: ignore[misc]
        )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f for f in self.fields or [] if isinstance(f, str)]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyGenericInline(GenericTabularInline):
    """Generic rows of an owner (clocks, events), read-only."""

    ct_field = "owner_type"
    ct_fk_field = "owner_id"
    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f for f in self.fields or [] if isinstance(f, str)]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

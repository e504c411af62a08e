"""Reference data: regions, categories, problem types, offices, routing."""

from __future__ import annotations

from django.contrib import admin

from core.models import Office, ProblemType, ProductCategory, Region, RoutingRule, StaffProfile


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    list_select_related = ["parent"]
    raw_id_fields = ["parent"]


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "parent", "path", "sort_order"]
    list_filter = ["parent"]
    search_fields = ["code", "name", "name_en", "path"]
    list_select_related = ["parent"]


@admin.register(ProblemType)
class ProblemTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "counterfeit_signal", "sort_order"]
    list_filter = ["counterfeit_signal"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "region", "parent", "head"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "name_en", "region__name"]
    list_select_related = ["region", "parent", "head"]
    raw_id_fields = ["region", "parent", "head"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = ["region", "category", "office", "note"]
    list_filter = ["office__kind"]
    search_fields = ["region__code", "region__name", "category__name", "office__name"]
    list_select_related = ["region", "category", "office"]
    raw_id_fields = ["region", "category", "office"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "office"]
    list_filter = ["office__kind"]
    search_fields = ["user__username", "display_name", "office__name"]
    list_select_related = ["user", "office"]
    raw_id_fields = ["user", "office"]

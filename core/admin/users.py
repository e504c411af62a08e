"""Users with their office: a staff user is created together with the office
that scopes what they see."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from core.models import StaffProfile


class StaffProfileFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        is_staff = bool(getattr(self.instance, "is_staff", False))
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if is_staff and not kept:
            raise ValidationError(_("Every staff user belongs to an office: choose one."))


class StaffProfileInline(admin.StackedInline):
    model = StaffProfile
    formset = StaffProfileFormSet
    can_delete = False
    max_num = 1
    min_num = 0
    autocomplete_fields = ["office"]
    verbose_name = _("office")


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    inlines = [StaffProfileInline]
    list_display = ("username", "staff_office", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_active", "groups", "staff_profile__office__kind")
    list_select_related = ("staff_profile__office",)

    @admin.display(description=_("office"), ordering="staff_profile__office__name")
    def staff_office(self, user: User) -> Any:
        profile = getattr(user, "staff_profile", None)
        return profile.office if profile else "—"

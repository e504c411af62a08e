"""The console's link to the inspections, for the roles that apply for or work them."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from arbitration.lifecycle import PERM_APPLY, PERM_WORK

register = template.Library()


@register.simple_tag(takes_context=True)
def arbitration_nav(context: Any) -> SafeString | str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.has_perm(PERM_WORK) or user.has_perm(PERM_APPLY)):
        return ""
    return format_html(
        '<a href="{}">{}</a>', reverse("arbitration:inspection-list"), _("Inspections")
    )

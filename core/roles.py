"""Roles are groups with permissions, kept in sync after every migrate."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HOTLINE_OPERATOR = "hotline_operator", _("hotline operator")
    CASE_HANDLER = "case_handler", _("case handler")
    MEDIATOR = "mediator", _("mediator")
    INSPECTOR = "inspector", _("inspector")
    SUPERVISOR = "supervisor", _("quality supervisor")
    ENFORCEMENT_OFFICER = "enforcement_officer", _("enforcement officer")
    ADMIN = "admin", _("administrator")


#: app_label.codename for each role. Admins get every permission of the apps.
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.HOTLINE_OPERATOR: ["complaints.register_case", "complaints.view_case"],
    Role.CASE_HANDLER: [
        "complaints.view_case",
        "complaints.handle_case",
        "complaints.register_case",
        "supervisors.review_supervisor",
        "supervisors.review_report",
    ],
    Role.MEDIATOR: [
        "complaints.view_case",
        "complaints.mediate_case",
        "complaints.pause_for_inspection",
        "arbitration.apply_inspection",
    ],
    Role.INSPECTOR: [
        "complaints.view_case",
        "complaints.pause_for_inspection",
        "arbitration.apply_inspection",
        "arbitration.work_inspection",
    ],
    Role.SUPERVISOR: ["supervisors.file_report"],
    Role.ENFORCEMENT_OFFICER: [
        "complaints.view_case",
        "complaints.investigate_case",
        "complaints.view_hotspots",
        "complaints.view_all_offices",
    ],
    Role.ADMIN: [],
}
ADMIN_APPS = ("complaints", "arbitration", "supervisors", "search", "auth")


def sync_roles(**_: Any) -> None:
    """post_migrate handler: create each role's group and set its permissions."""
    from django.contrib.auth.models import Group, Permission

    for role, perms in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role.value)
        if role == Role.ADMIN:
            wanted = list(Permission.objects.filter(content_type__app_label__in=ADMIN_APPS))
        else:
            wanted = []
            for dotted in perms:
                app_label, codename = dotted.split(".")
                perm = Permission.objects.filter(
                    content_type__app_label=app_label, codename=codename
                ).first()
                if perm is not None:
                    wanted.append(perm)
        group.permissions.set(wanted)

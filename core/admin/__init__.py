"""Django admin for the platform core: reference data, routing rules, rule
sets, the holiday calendar, staff and their offices, and the audit trail."""

from core.admin import clocks, reference, rules, users

__all__ = ["clocks", "reference", "rules", "users"]

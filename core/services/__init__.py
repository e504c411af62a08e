"""Writes to the platform core's own data go through these services."""

from core.services.rule_sets import rule_set_copy, rule_set_is_in_force

__all__ = ["rule_set_copy", "rule_set_is_in_force"]

"""Django admin for the complaints app: cases and everything hanging off them
are read-only here (the services write them)."""

from complaints.admin import cases

__all__ = ["cases"]

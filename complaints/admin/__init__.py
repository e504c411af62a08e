"""Django admin for the complaints app.

Cases and everything hanging off them are read-only here (the services write
them); reference data, rule sets and the holiday calendar are maintained here.
"""

from complaints.admin import cases, reference, rules, users

__all__ = ["cases", "reference", "rules", "users"]

from core.models.clocks import Clock
from core.models.events import Event
from core.models.outbox import OutboxEntry
from core.models.reference import Office, ProblemType, ProductCategory, Region, RoutingRule
from core.models.rules import CalendarDay, CalendarYear, ClockRule, DayUnit, Ground, RuleSet
from core.models.staff import StaffProfile

__all__ = [
    "CalendarDay",
    "CalendarYear",
    "Clock",
    "ClockRule",
    "DayUnit",
    "Event",
    "Ground",
    "Office",
    "OutboxEntry",
    "ProblemType",
    "ProductCategory",
    "Region",
    "RoutingRule",
    "RuleSet",
    "StaffProfile",
]

from complaints.models.cases import (
    FINAL_STATES,
    Case,
    CaseClock,
    CaseEvent,
    CaseKind,
    Channel,
    Evidence,
    Notice,
    Status,
)
from complaints.models.reference import Office, ProblemType, ProductCategory, Region, RoutingRule
from complaints.models.rules import (
    CalendarDay,
    CalendarYear,
    ClockKind,
    ClockRule,
    DayUnit,
    Ground,
    GroundKind,
    RuleSet,
)
from complaints.models.staff import StaffProfile

__all__ = [
    "FINAL_STATES",
    "CalendarDay",
    "CalendarYear",
    "Case",
    "CaseClock",
    "CaseEvent",
    "CaseKind",
    "Channel",
    "ClockKind",
    "ClockRule",
    "DayUnit",
    "Evidence",
    "Ground",
    "GroundKind",
    "Notice",
    "Office",
    "ProblemType",
    "ProductCategory",
    "Region",
    "RoutingRule",
    "RuleSet",
    "StaffProfile",
    "Status",
]

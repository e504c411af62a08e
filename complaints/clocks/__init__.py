"""Legal clocks of a case (RULES.md §3): deadline arithmetic on the holiday
calendar, the clock effects of each transition, and the reminder sweep."""

from complaints.clocks.calendar import Deadline, WorkCalendar, add_days
from complaints.clocks.services import (
    EXTENSIONS,
    NOTICE_EFFECTS,
    TRANSITION_EFFECTS,
    ClockEffect,
    clock_extend,
    clock_state,
    clocks_on_intake,
    clocks_on_notice,
    clocks_on_transition,
)

__all__ = [
    "EXTENSIONS",
    "NOTICE_EFFECTS",
    "TRANSITION_EFFECTS",
    "ClockEffect",
    "Deadline",
    "WorkCalendar",
    "add_days",
    "clock_extend",
    "clock_state",
    "clocks_on_intake",
    "clocks_on_notice",
    "clocks_on_transition",
]

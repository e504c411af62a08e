"""Every write to a case goes through these services."""

from complaints.services.duplicates import case_link, case_merge
from complaints.services.errors import StaleVersionError, TransitionNotAllowedError
from complaints.services.extensions import case_clock_extend
from complaints.services.intake import IntakeData, IntakeResult, intake_create
from complaints.services.notices import case_notice_record
from complaints.services.transitions import case_transition

__all__ = [
    "IntakeData",
    "IntakeResult",
    "StaleVersionError",
    "TransitionNotAllowedError",
    "case_clock_extend",
    "case_link",
    "case_merge",
    "case_notice_record",
    "case_transition",
    "intake_create",
]

"""Every write to an inspection, an appraisal or a sample goes through these services."""

from arbitration.services.inspections import (
    inspection_apply,
    inspection_available_transitions,
    inspection_permitted,
    inspection_transition,
    sample_custody_record,
)

__all__ = [
    "inspection_apply",
    "inspection_available_transitions",
    "inspection_permitted",
    "inspection_transition",
    "sample_custody_record",
]

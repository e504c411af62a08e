"""Every write to an inspection, an appraisal, a sample or a compensation goes
through these services."""

from arbitration.services.compensation import (
    compensation_record,
    payment_record,
    receipt_confirm,
)
from arbitration.services.inspections import (
    inspection_apply,
    inspection_available_transitions,
    inspection_permitted,
    inspection_transition,
    sample_custody_record,
)

__all__ = [
    "compensation_record",
    "inspection_apply",
    "inspection_available_transitions",
    "inspection_permitted",
    "inspection_transition",
    "payment_record",
    "receipt_confirm",
    "sample_custody_record",
]

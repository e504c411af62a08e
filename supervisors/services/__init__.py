"""Every write of the supervisors app goes through these services."""

from supervisors.services.registry import (
    supervisor_apply,
    supervisor_terms_sweep,
    supervisor_training_add,
    supervisor_transition,
)
from supervisors.services.reports import report_file, report_transition
from supervisors.services.spotchecks import SpotCheckRow, spotcheck_upsert

__all__ = [
    "SpotCheckRow",
    "report_file",
    "report_transition",
    "spotcheck_upsert",
    "supervisor_apply",
    "supervisor_terms_sweep",
    "supervisor_training_add",
    "supervisor_transition",
]

from complaints.lifecycle import FINAL_STATES, CaseKind, ClockKind, GroundKind, Status
from complaints.models.cases import Case, Channel, Evidence, Notice

__all__ = [
    "FINAL_STATES",
    "Case",
    "CaseKind",
    "Channel",
    "ClockKind",
    "Evidence",
    "GroundKind",
    "Notice",
    "Status",
]

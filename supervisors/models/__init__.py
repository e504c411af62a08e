from supervisors.models.reports import PointsEntry, PointsRule, ReportPhoto, SupervisorReport
from supervisors.models.spotchecks import SpotCheck, SpotCheckResult
from supervisors.models.supervisors import Supervisor, TrainingRecord

__all__ = [
    "PointsEntry",
    "PointsRule",
    "ReportPhoto",
    "SpotCheck",
    "SpotCheckResult",
    "Supervisor",
    "SupervisorReport",
    "TrainingRecord",
]

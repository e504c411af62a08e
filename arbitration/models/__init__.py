from arbitration.models.inspections import (
    CustodyEntry,
    FeePayer,
    Inspection,
    InspectionItem,
    Party,
    QualityBasis,
    Sample,
)
from arbitration.models.labs import Lab

__all__ = [
    "CustodyEntry",
    "FeePayer",
    "Inspection",
    "InspectionItem",
    "Lab",
    "Party",
    "QualityBasis",
    "Sample",
]

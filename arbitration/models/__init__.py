from arbitration.models.compensation import (
    Compensation,
    CompensationItem,
    CompensationStatus,
    ItemKind,
    PayerKind,
    Payment,
)
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
    "Compensation",
    "CompensationItem",
    "CompensationStatus",
    "CustodyEntry",
    "FeePayer",
    "Inspection",
    "InspectionItem",
    "ItemKind",
    "Lab",
    "Party",
    "PayerKind",
    "Payment",
    "QualityBasis",
    "Sample",
]

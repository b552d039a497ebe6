"""Models of supervision and enforcement, one module per area:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.
- ``inspections``: inspections in the field, their findings, signatures, exams, timeline and submissions.

Each area's module is imported here so Django and the rest of the app see one ``models`` namespace."""

from .inspections import (
    INSPECTING_ROLES,
    Inspection,
    InspectionEvent,
    InspectionExam,
    InspectionFinding,
    InspectionSignature,
    InspectionSubmission,
)
from .officers import SUPERVISORS, EnforcementItem, Officer, RandomDraw, Recusal, TrainingRecord

__all__ = ["SUPERVISORS", "EnforcementItem", "Officer", "RandomDraw", "Recusal", "TrainingRecord"]
__all__ += ["INSPECTING_ROLES", "Inspection", "InspectionEvent", "InspectionExam", "InspectionFinding",
            "InspectionSignature", "InspectionSubmission"]

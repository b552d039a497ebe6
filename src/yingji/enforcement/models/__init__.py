"""Models of supervision and enforcement, one module per area:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.
- ``documents``: enforcement documents (执法文书) and their number counters.
- ``cases``: penalty cases (行政处罚案件) and their timeline.
- ``plans``: supervision classes (分类分级) and the annual inspection plan.
- ``campaigns``: 专项整治 / 安全生产大检查 campaigns, their tasks and progress reports.
- ``orders``: supervision orders (交办单 / 督办单) and their timeline.
- ``inspections``: inspections in the field, their findings, signatures, exams, timeline and submissions.

Each area's module is imported here so Django and the rest of the app see one ``models`` namespace."""

from .campaigns import Campaign, CampaignReport, CampaignTask
from .cases import CaseEvent, PenaltyCase
from .documents import DocumentCounter, EnforcementDocument, ImmutableDocument
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
from .orders import OrderEvent, SupervisionOrder
from .plans import AnnualInspectionPlan, PlanItem, SupervisionClass

__all__ = [
    "SUPERVISORS", "EnforcementItem", "Officer", "RandomDraw", "Recusal", "TrainingRecord",
    "CaseEvent", "PenaltyCase", "DocumentCounter", "EnforcementDocument", "ImmutableDocument",
    "AnnualInspectionPlan", "PlanItem", "SupervisionClass", "Campaign", "CampaignReport", "CampaignTask",
    "OrderEvent", "SupervisionOrder", "INSPECTING_ROLES", "Inspection", "InspectionEvent", "InspectionExam",
    "InspectionFinding", "InspectionSignature", "InspectionSubmission",
]

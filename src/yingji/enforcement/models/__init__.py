"""Models of supervision and enforcement, one module per area:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.
- ``documents``: enforcement documents (执法文书) and their number counters.
- ``cases``: penalty cases (行政处罚案件) and their timeline.

Each area's module is imported here so Django and the rest of the app see one ``models`` namespace."""

from .cases import CaseEvent, PenaltyCase  # noqa: E402
from .documents import DocumentCounter, EnforcementDocument, ImmutableDocument  # noqa: E402
from .officers import SUPERVISORS, EnforcementItem, Officer, RandomDraw, Recusal, TrainingRecord

__all__ = ["SUPERVISORS", "EnforcementItem", "Officer", "RandomDraw", "Recusal", "TrainingRecord",
           "CaseEvent", "PenaltyCase", "DocumentCounter", "EnforcementDocument", "ImmutableDocument"]

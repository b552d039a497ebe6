"""Models of supervision and enforcement, one module per area:

- ``officers``: the powers list, officers and their training, recusals and the 双随机 draws.
- ``plans``: supervision classes (分类分级) and the annual inspection plan.
- ``campaigns``: 专项整治 / 安全生产大检查 campaigns, their tasks and progress reports.
- ``orders``: supervision orders (交办单 / 督办单) and their timeline.

Each area's module is imported here so Django and the rest of the app see one ``models`` namespace."""

from .officers import SUPERVISORS, EnforcementItem, Officer, RandomDraw, Recusal, TrainingRecord

__all__ = ["SUPERVISORS", "EnforcementItem", "Officer", "RandomDraw", "Recusal", "TrainingRecord"]

from .plans import AnnualInspectionPlan, PlanItem, SupervisionClass  # noqa: E402

__all__ += ["AnnualInspectionPlan", "PlanItem", "SupervisionClass"]

from .campaigns import Campaign, CampaignReport, CampaignTask  # noqa: E402

__all__ += ["Campaign", "CampaignReport", "CampaignTask"]

from .orders import OrderEvent, SupervisionOrder  # noqa: E402

__all__ += ["OrderEvent", "SupervisionOrder"]

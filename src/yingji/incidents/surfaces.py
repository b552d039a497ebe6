"""The declared surfaces of incidents: emergency plans' list (table, filters, export) and API, rendered by core's
generic pages and API (``core.generic``, ``core.crud``). A plan's detail and form pages stay bespoke (activation
conditions and standard tasks are edited as text lines); incidents, tasks and situation reports are workflows."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _l

from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, register

from . import filters, services
from . import plans as plans_module
from .choices import PlanDocKind, PlanKind, PlanLevel, PlanState, ResponseLevel, event_type_label
from .models import Plan


def _conditions(plan) -> str:
    """Activation conditions as words, one level after another (``II: 死亡人数 >= 10; III: …``)."""
    return "; ".join(f"{level}: " + " / ".join(plans_module.describe_condition(c) for c in plan.conditions[level])
                     for level in ResponseLevel.ORDER if (plan.conditions or {}).get(level))


PLANS = Surface(
    model=Plan, prefix="plan", title=_l("Emergency plans"), singular=capfirst(Plan._meta.verbose_name),
    export_name="plans",
    subtitle=_l("The incident types each plan covers, its activation conditions per response level, the "
                "headquarters it stands up and its standard tasks."),
    filterset=filters.PlanFilterSet, create=services.create_plan, update=services.update_plan,
    queryset=lambda: Plan.objects.select_related("hq", "enterprise"),
    columns=[
        Column("name", _l("Name")), Badge("kind", _l("Kind"), PlanKind), Region(),
        Computed("event_types", _l("Incident types covered"),
                 lambda plan: "、".join(str(event_type_label(k)) for k in plan.event_types or ()), table=False),
        Computed("conditions", _l("Activation conditions"), _conditions, table=False),
        Column("hq", _l("Command headquarters"), export_path="hq.name"), Column("is_active", _l("In force")),
        Badge("level", _l("Plan level"), PlanLevel, table=False), Badge("doc_kind", _l("Document kind"), PlanDocKind),
        Badge("state", _l("Life-cycle state"), PlanState),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name", table=False),
        Column("published_on", _l("Published on"), table=False),
    ],
    list_context=lambda request: {"table_id": "yj-plan-table"},
)


def register_all() -> None:
    register(PLANS)

"""Demo plan documents (order 55, after the incidents demo made the county's overall and special plans).

- Each demo township's 突发事件总体应急预案, published in 2023/2024, some evaluated since.
- Department plans of a few safety-committee member units.
- Enterprise 综合应急预案 for the first demo enterprises: most filed with the bureau, one published and not yet
  filed, one still being drafted.
Uses its own ``random.Random("yingji-demo-plans")`` so the other generators' output is unchanged.
"""

from __future__ import annotations

import datetime
import random

from yingji.core.choices import OrganisationKind
from yingji.core.models import Organisation
from yingji.enterprises.models import Enterprise
from yingji.incidents.choices import PlanKind, PlanState
from yingji.incidents.models import Plan

DEMO_LEVELS = ("township", "department", "enterprise")


def generate(_shared_rng: random.Random) -> None:
    rng = random.Random("yingji-demo-plans")
    plans = []
    for org in Organisation.objects.filter(kind=OrganisationKind.TOWNSHIP_GOVERNMENT).order_by("region_code"):
        published = datetime.date(rng.choice([2023, 2024]), rng.randint(1, 12), rng.randint(1, 28))
        plans.append(Plan(region_code=org.region_code, name=f"{org.name}突发事件总体应急预案", kind=PlanKind.TOWNSHIP,
                          level="township", doc_kind="overall", owner=org, published_on=published))
    for org in Organisation.objects.filter(kind=OrganisationKind.MEMBER_UNIT).order_by("name")[:4]:
        published = datetime.date(2022 + rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
        plans.append(Plan(region_code=org.region_code, name=f"{org.name}部门应急预案", kind=PlanKind.DEPARTMENT,
                          level="department", doc_kind="department", owner=org, published_on=published,
                          last_evaluated_on=published + datetime.timedelta(days=900) if rng.random() < 0.5 else None))
    for i, enterprise in enumerate(Enterprise.objects.order_by("pk")[:8]):
        published = datetime.date(2024 + rng.randint(0, 1), rng.randint(1, 12), rng.randint(1, 28))
        state = PlanState.DRAFTING if i == 0 else PlanState.PUBLISHED if i == 1 else PlanState.FILED
        plans.append(Plan(region_code=enterprise.region_code, name=f"{enterprise.name}生产安全事故综合应急预案",
                          kind=PlanKind.ENTERPRISE, level="enterprise", doc_kind="ent_comprehensive",
                          enterprise=enterprise, state=state, is_active=state != PlanState.DRAFTING,
                          published_on=None if state == PlanState.DRAFTING else published))
    Plan.objects.bulk_create(plans)


def clear() -> None:
    Plan.objects.filter(level__in=DEMO_LEVELS).delete()

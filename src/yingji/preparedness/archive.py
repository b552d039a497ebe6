"""The plans section of an enterprise's one-page archive (一档): its emergency plans with state, publication,
filing deadline or receipt number (备案编号) and next evaluation. Registered from ``PreparednessConfig.ready()``."""

from __future__ import annotations

from yingji.core import policy
from yingji.incidents.choices import PlanState
from yingji.incidents.models import Plan

from .choices_plans import FilingState
from .models.plans import PlanFiling
from .services import plans as plan_services

ARCHIVE_LIMIT = 50


def plan_section(enterprise, user) -> dict | None:
    if not policy.can(user, "view", Plan):
        return None
    plans = list(Plan.objects.for_user(user).filter(enterprise=enterprise).select_related("enterprise")
                 .order_by("-published_on", "name")[:ARCHIVE_LIMIT])
    receipts = dict(PlanFiling.objects.filter(policy.scope_q(user, PlanFiling), plan__in=plans,
                                              state=FilingState.RECEIVED)
                    .order_by("plan_id", "handled_on", "id").values_list("plan_id", "receipt_number"))
    return {"plan_rows": [{"plan": p, "evaluation_due": plan_services.evaluation_due(p),
                           "filing_due": plan_services.filing_due(p) if p.state == PlanState.PUBLISHED else None,
                           "receipt_number": receipts.get(p.pk, "")} for p in plans]}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from yingji.enterprises import archive

    entry = (_("Emergency plans"), "preparedness/includes/enterprise_plans.html", plan_section)
    if all(e[1] != entry[1] for e in archive.SECTIONS):
        archive.SECTIONS.append(entry)

"""The plans section of an enterprise's one-page archive (一档): its emergency plans with state, publication,
filing deadline and next evaluation. Registered from ``PreparednessConfig.ready()``."""

from __future__ import annotations

from yingji.core import policy
from yingji.incidents.models import Plan

from .services import plans as plan_services

ARCHIVE_LIMIT = 50


def plan_section(enterprise, user) -> dict | None:
    if not policy.can(user, "view", Plan):
        return None
    plans = Plan.objects.for_user(user).filter(enterprise=enterprise).order_by("-published_on", "name")
    return {"plan_rows": [{"plan": p, "evaluation_due": plan_services.evaluation_due(p),
                           "filing_due": plan_services.filing_due(p)} for p in plans[:ARCHIVE_LIMIT]]}


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from yingji.enterprises import archive

    entry = (_("Emergency plans"), "preparedness/includes/enterprise_plans.html", plan_section)
    if all(e[1] != entry[1] for e in archive.SECTIONS):
        archive.SECTIONS.append(entry)

"""The two sections dual prevention adds to an enterprise's one-page archive (一档): its risk points by colour and
its open hazards. Registered from ``PreventionConfig.ready()`` through ``yingji.enterprises.archive``."""

from __future__ import annotations

from yingji.core import policy

from . import services, stats
from .choices import HazardState, RiskColour
from .models import Hazard, HazardSample, RiskPoint

ARCHIVE_LIMIT = 50


def risk_section(enterprise, user) -> dict | None:
    if not policy.can(user, "view", RiskPoint):
        return None
    points = RiskPoint.objects.for_user(user).filter(enterprise=enterprise)
    total = stats.colour_totals(points)
    return {
        "points": points.order_by("level", "name")[:ARCHIVE_LIMIT],
        "colour_counts": [{"colour": c, "label": RiskColour.label(c), "count": total.get(c, 0)}
                          for c in RiskColour.values()],
        "total": total.get("total", 0),
        "can_add": policy.can(user, "add", RiskPoint),
    }


def hazard_section(enterprise, user) -> dict | None:
    if not policy.can(user, "view", Hazard):
        return None
    hazards = (Hazard.objects.for_user(user).filter(enterprise=enterprise, state__in=HazardState.OPEN)
               .order_by("due_at", "-found_at"))
    return {
        "hazards": hazards[:ARCHIVE_LIMIT], "open_count": hazards.count(),
        "can_report": policy.can(user, "add", Hazard),
        "samples": services.sample_record(enterprise.pk) if policy.can(user, "view", HazardSample) else {},
    }


def register() -> None:
    from django.utils.translation import gettext_lazy as _

    from yingji.enterprises import archive

    entries = [(_("Risk points"), "prevention/includes/enterprise_risks.html", risk_section),
               (_("Open hazards"), "prevention/includes/enterprise_hazards.html", hazard_section)]
    registered = {template for _title, template, _fn in archive.SECTIONS}
    archive.SECTIONS.extend(e for e in entries if e[1] not in registered)

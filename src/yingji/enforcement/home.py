"""Enforcement on the home pages (issue 12 §2): the inspector's queue (planned inspections where they are one of
the officers; the section's planned inspections otherwise), campaign tasks whose report is overdue and penalty
cases past a statutory deadline — counted through the lists' own surfaces, each linking to its filtered list."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.core import policy, rollup
from yingji.core.home import Tile, register_tile, surface_count

from .choices import InspectionState, TaskState
from .models import CampaignTask, Inspection, Officer, PenaltyCase
from .surfaces import CASES, INSPECTIONS, TASKS


def inspection_tile(user, now):
    if not policy.can(user, "view", Inspection):
        return None
    if Officer.objects.filter(user=user).exists():
        value, url = surface_count(INSPECTIONS, user, state=InspectionState.PLANNED, mine=True)
        return Tile(_("My planned inspections"), value, url)
    value, url = surface_count(INSPECTIONS, user, state=InspectionState.PLANNED)
    return Tile(_("Planned inspections"), value, url)


def work_tiles(user, now):
    out = []
    if policy.can(user, "view", CampaignTask):
        value, url = surface_count(TASKS, user, state=TaskState.OVERDUE)
        out.append(Tile(_("Campaign reports overdue"), value, url, colour="danger" if value else ""))
    if policy.can(user, "view", PenaltyCase):
        value, url = surface_count(CASES, user, overdue=True)
        out.append(Tile(_("Penalty cases past a deadline"), value, url, colour="danger" if value else ""))
    return out


def register() -> None:
    register_tile("inspections", inspection_tile, audiences=("section",), order=35)
    register_tile("enforcement_work", work_tiles, audiences=("section", "local"), order=45)
    rollup.register_indicator(rollup.surface_indicator("inspections_this_year",
                                                       gettext_lazy("Inspections this year"), INSPECTIONS,
                                                       params=_this_year, order=70))
    rollup.register_indicator(rollup.surface_indicator("cases_overdue", gettext_lazy("Penalty cases past a deadline"),
                                                       CASES, params={"overdue": True}, colour="danger", order=71))


def _this_year(now) -> dict:
    """Inspections planned in the current (local) year."""
    year = timezone.localtime(now).year
    return {"planned_from": datetime.date(year, 1, 1).isoformat(),
            "planned_to": datetime.date(year, 12, 31).isoformat()}

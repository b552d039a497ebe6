"""Dual prevention on the home pages (issue 12 §2): overdue hazards, hazards awaiting verification, open hazards
and their deadlines, enterprises and risk points by colour — each count from the list's own scoped queryset and
filters, each linking to that filtered list — and the charts of hazards found vs closed and of the risk colours.

An enterprise's risk colour is the colour of its highest-graded risk point (level 1 = 重大 red); the enterprise
list gets the ``risk_colour`` filter from here (enterprises sits below prevention)."""

from __future__ import annotations

import django_filters
from django.db.models import Min
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.core import charts as core_charts
from yingji.core import policy, rollup
from yingji.core.home import Part, Tile, list_url, register_chart, register_panel, register_tile, surface_count

from . import stats
from .choices import HazardState, RiskColour
from .models import Hazard, RiskPoint

COLOURS = stats.COLOURS
#: Risk level (1 = 重大 … 4 = 低) of each colour.
LEVEL_OF = {colour: index + 1 for index, colour in enumerate(COLOURS)}
#: Open hazards listed on an enterprise's home page (nearest deadline first).
PANEL_ROWS = 8


def filter_risk_colour(queryset, name, value):
    """Enterprises whose highest-graded risk point has this colour."""
    if value not in LEVEL_OF:
        return queryset
    tops = (RiskPoint.objects.order_by().values("enterprise_id").annotate(top=Min("level"))
            .filter(top=LEVEL_OF[value]).values("enterprise_id"))
    return queryset.filter(pk__in=tops)


RISK_COLOUR_FILTER = django_filters.ChoiceFilter(choices=RiskColour.choices(), method=filter_risk_colour,
                                                 label=gettext_lazy("Risk colour (highest risk point)"))


def _colour_tile(surface, user, title: str, param: str) -> Tile | None:
    """A surface's rows in scope, and of them those of each of the four colours (``param`` is the colour filter)."""
    if not policy.can(user, "view", surface.model):
        return None
    total, url = surface_count(surface, user)
    parts = []
    for c in COLOURS:
        value, colour_url = surface_count(surface, user, **{param: c})
        parts.append(Part(RiskColour.label(c), value, colour_url, colour=c))
    return Tile(title, total, url, parts=parts, group="standing")


def enterprise_colour_tile(user, now):
    """All enterprises in scope, and of them those whose highest risk point is red, orange, yellow or blue."""
    from yingji.enterprises.surfaces import ENTERPRISES

    return _colour_tile(ENTERPRISES, user, _("Enterprises by risk colour"), "risk_colour")


def risk_point_tile(user, now):
    from .surfaces import RISK_POINTS

    return _colour_tile(RISK_POINTS, user, _("Risk points by colour"), "colour")


def hazard_tiles(user, now):
    if not policy.can(user, "view", Hazard):
        return None
    hazards = Hazard.objects.for_user(user)
    overdue = hazards.filter(stats.overdue_q(now)).count()
    out = [Tile(_("Overdue hazards"), overdue, list_url("hazard_list", overdue=True),
                colour="danger" if overdue else "")]
    if user.enterprise_id:
        out.append(Tile(_("Open hazards"), hazards.filter(state__in=HazardState.OPEN).count(),
                        list_url("hazard_list", is_open=True)))
    else:
        out.append(Tile(_("Hazards awaiting verification"), hazards.filter(state=HazardState.RECTIFIED).count(),
                        list_url("hazard_list", state=HazardState.RECTIFIED)))
    return out


def _hazard_rows(now, hazards, title, more_url, more_label):
    rows = list(hazards.select_related("enterprise", "place").order_by("due_at", "found_at")[:PANEL_ROWS])
    return {"title": title, "more_url": more_url, "more_label": more_label,
            "rows": [{"hazard": h, "state": HazardState.label(h.state), "subject": h.enterprise or h.place,
                      "overdue": bool(h.due_at and h.due_at < now and h.state in HazardState.DEADLINE_RUNNING)}
                     for h in rows]}


def open_hazards_panel(user, now):
    """An enterprise's open hazards, nearest rectification deadline first."""
    if not policy.can(user, "view", Hazard):
        return None
    return _hazard_rows(now, Hazard.objects.for_user(user).filter(state__in=HazardState.OPEN),
                        _("Open hazards and their deadlines"), list_url("hazard_list", is_open=True),
                        _("All open hazards"))


def verification_panel(user, now):
    """The section's or township's queue: rectified hazards waiting for their verification (验收)."""
    if not policy.can(user, "view", Hazard):
        return None
    queue = Hazard.objects.for_user(user).filter(state=HazardState.RECTIFIED)
    if not queue.exists():
        return None
    return _hazard_rows(now, queue, _("Hazards awaiting verification"),
                        list_url("hazard_list", state=HazardState.RECTIFIED), _("All awaiting verification"))


def risk_chart(user, now):
    if not policy.can(user, "view", RiskPoint):
        return None
    totals = stats.colour_totals(RiskPoint.objects.for_user(user))
    return core_charts.level_pie([RiskColour.label(c) for c in COLOURS], [totals[c] for c in COLOURS],
                                 name=_("Risk points"), title=_("Risk points by colour"),
                                 links=[list_url("risk_list", colour=c) for c in COLOURS])


def register() -> None:
    from yingji.enterprises.filters import register_enterprise_filter

    register_enterprise_filter("risk_colour", RISK_COLOUR_FILTER)
    register_tile("hazards", hazard_tiles, audiences=("desk", "section", "local", "enterprise"), order=30)
    register_tile("enterprise_colours", enterprise_colour_tile, audiences=("section", "local"), order=60,
                  group="standing")
    register_tile("risk_points", risk_point_tile, audiences=("enterprise",), order=60, group="standing")
    register_panel("open_hazards", open_hazards_panel, template="prevention/home_hazards.html",
                   audiences=("enterprise",), order=30)
    register_panel("verification", verification_panel, template="prevention/home_hazards.html",
                   audiences=("section", "local"), order=30)
    register_chart("risk_colours", risk_chart, audiences=("section", "local", "enterprise"), order=40)
    from .filters import HazardFilterSet

    rollup.register_indicator(rollup.list_indicator("open_hazards", gettext_lazy("Open hazards"), Hazard,
                                                    "hazard_list", filterset=HazardFilterSet,
                                                    params={"is_open": True}, region_param="township", order=30))
    rollup.register_indicator(rollup.list_indicator("overdue_hazards", gettext_lazy("Overdue hazards"), Hazard,
                                                    "hazard_list", filterset=HazardFilterSet,
                                                    params={"overdue": True}, region_param="township",
                                                    colour="danger", order=31))

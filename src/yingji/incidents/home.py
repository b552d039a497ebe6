"""Incidents on the home pages (issue 12 §2): open incidents (the list's ``open`` filter, the list's own queryset)
and the chart of this year's incidents by type, each bar linking to the filtered list."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.core import charts as core_charts
from yingji.core import policy, rollup
from yingji.core.home import Tile, filtered_count, list_url, register_chart, register_tile

from .choices import event_type_label
from .filters import IncidentFilterSet
from .models import Incident


def incident_tile(user, now):
    if not policy.can(user, "view", Incident):
        return None
    value, url = filtered_count(Incident.objects.for_user(user), IncidentFilterSet, user, "incident_list", open=True)
    return Tile(_("Open incidents"), value, url, colour="danger" if value else "")


def by_type_chart(user, now):
    if not policy.can(user, "view", Incident):
        return None
    local = timezone.localtime(now)
    start = timezone.make_aware(datetime.datetime(local.year, 1, 1))
    rows = list(Incident.objects.for_user(user).filter(occurred_at__gte=start).order_by()
                .values_list("event_type").annotate(n=Count("id")).order_by("-n", "event_type"))
    labels = [event_type_label(key) for key, _n in rows]
    links = [list_url("incident_list", event_type=key, occurred_after=start.isoformat()) for key, _n in rows]
    return core_charts.bar(labels, [core_charts.series(_("Incidents"), [n for _k, n in rows], color="red")],
                           horizontal=True, links=links,
                           title=_("Incidents by type, %(year)s") % {"year": local.year})


def register() -> None:
    register_tile("incidents", incident_tile, audiences=("desk", "local"), order=10)
    register_chart("incidents_by_type", by_type_chart, audiences=("desk",), order=30)
    rollup.register_indicator(rollup.list_indicator("open_incidents", gettext_lazy("Open incidents"), Incident,
                                                    "incident_list", filterset=IncidentFilterSet,
                                                    params={"open": True}, region_param="township",
                                                    colour="danger", order=40))

"""Monitoring on the home pages (issue 12 §2): active alarms by level, stations offline (the map's rule, as the
station list's ``offline`` filter), an enterprise's own stations with their latest readings, and the chart of
alarms per day. Counts come from the lists' scoped querysets and filters and link to those filtered lists."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yingji.core import charts as core_charts
from yingji.core import policy, rollup
from yingji.core.home import Part, Tile, list_url, register_chart, register_panel, register_tile, surface_count

from .choices import AlarmLevel, AlarmState
from .maps import offline_q
from .models import Alarm, LatestValue, Station

#: Most severe first.
LEVELS = ("red", "orange", "yellow", "blue")
#: Days in the alarms-per-day chart.
TREND_DAYS = 30
PANEL_STATIONS = 6


def alarm_tile(user, now):
    if not policy.can(user, "view", Alarm):
        return None
    by_level = dict(Alarm.objects.for_user(user).filter(state__in=AlarmState.ACTIVE).order_by()
                    .values_list("level").annotate(n=Count("id")))
    parts = [Part(AlarmLevel.label(level), by_level.get(level, 0),
                  list_url("alarm_list", active=True, level=level), colour=level) for level in LEVELS]
    worst = next((level for level in LEVELS if by_level.get(level)), "")
    return Tile(_("Active alarms"), sum(by_level.values()), list_url("alarm_list", active=True), colour=worst,
                parts=parts)


def station_tile(user, now):
    if not policy.can(user, "view", Station):
        return None
    from .surfaces import STATIONS

    offline, url = surface_count(STATIONS, user, offline=True)
    return Tile(_("Stations offline"), offline, url,
                colour="danger" if offline else "")


def alarms_per_day(user, now, days: int = TREND_DAYS) -> list[tuple[datetime.date, int]]:
    """Alarms raised per local day over the last ``days`` days (today included), in the user's scope."""
    if not policy.can(user, "view", Alarm):
        return []
    first = timezone.localtime(now).date() - datetime.timedelta(days=days - 1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    per_day = dict(Alarm.objects.for_user(user).filter(raised_at__gte=start, raised_at__lte=now).order_by()
                   .annotate(day=TruncDate("raised_at", tzinfo=timezone.get_current_timezone()))
                   .values_list("day").annotate(n=Count("id")))
    return [(first + datetime.timedelta(days=k), per_day.get(first + datetime.timedelta(days=k), 0))
            for k in range(days)]


def alarm_chart(user, now):
    rows = alarms_per_day(user, now)
    if not rows:
        return None
    return core_charts.line([d.strftime("%m-%d") for d, _n in rows],
                            [core_charts.series(_("Alarms"), [n for _d, n in rows], color="orange")],
                            title=_("Alarms per day (%(days)s days)") % {"days": TREND_DAYS})


def stations_panel(user, now):
    """An enterprise's own stations with their latest readings (nothing when it has none)."""
    if not policy.can(user, "view", Station):
        return None
    stations = list(Station.objects.for_user(user).order_by("code")[:PANEL_STATIONS])
    if not stations:
        return None
    latest = defaultdict(list)
    for value in (LatestValue.objects.filter(sensor__station__in=[s.pk for s in stations])
                  .select_related("sensor").order_by("sensor__key")):
        latest[value.sensor.station_id].append(value)
    offline = set(Station.objects.filter(pk__in=[s.pk for s in stations]).filter(offline_q(now))
                  .values_list("pk", flat=True))
    return {"rows": [{"station": s, "offline": s.pk in offline,
                      "values": [(v.sensor.label, f"{v.value:g} {v.sensor.unit}".strip(),
                                  timezone.localtime(v.ts)) for v in latest[s.pk][:4]]} for s in stations],
            "more_url": list_url("station_list")}


def register() -> None:
    register_tile("alarms", alarm_tile, audiences=("desk", "local", "enterprise"), order=20)
    register_tile("stations_offline", station_tile, audiences=("desk", "local"), order=50)
    register_chart("alarms_per_day", alarm_chart, audiences=("desk", "local"), order=10)
    register_panel("stations", stations_panel, template="monitoring/home_stations.html",
                   audiences=("enterprise",), order=50)
    from .filters import AlarmFilterSet

    rollup.register_indicator(rollup.list_indicator("active_alarms", gettext_lazy("Active alarms"), Alarm,
                                                    "alarm_list", filterset=AlarmFilterSet,
                                                    params={"active": True}, region_param="township",
                                                    colour="danger", order=50))

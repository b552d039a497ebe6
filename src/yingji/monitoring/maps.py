"""The monitoring layers of the command map (一张图): stations coloured by state with their latest values, and
active alarms by level at their stations. Registered with ``core.maps`` from the app's ready(); scoped by the
same ``for_user`` querysets as the lists; bounded payloads (the newest 2,000 stations, 1,000 alarms)."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yingji.core import policy

from .choices import AlarmLevel, AlarmState, RuleKind, StationStatus, StationType
from .models import Alarm, LatestValue, Station

#: A station silent for longer than this many expected intervals shows as offline (the map's reading; the no-data
#: rule raises the alarm).
SILENT_INTERVALS = 3
MAX_STATIONS = 2000
MAX_ALARMS = 1000


def _url(name: str, pk: int) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return ""


def station_state(station: Station, now, alarm_level: str | None, offline_alarm: bool) -> str:
    """inactive (maintenance, retired), offline (a no-data alarm or silent > SILENT_INTERVALS intervals), alarm
    (an active alarm), or online."""
    if station.status != StationStatus.ACTIVE:
        return "inactive"
    silent = (station.last_reading_at is None and station.type != StationType.VIDEO) or (
        station.last_reading_at is not None
        and now - station.last_reading_at > timedelta(seconds=station.expected_interval * SILENT_INTERVALS))
    if offline_alarm or silent:
        return "offline"
    return "alarm" if alarm_level else "online"


def offline_q(now) -> Q:
    """The stations ``station_state`` calls offline, as a filter (the list's ``offline`` filter and the home
    page's count): in service and either silent for more than SILENT_INTERVALS of their own interval (or never
    heard from, video excepted) or with an active no-data alarm. One query reads the distinct intervals."""
    intervals = Station.objects.order_by().values_list("expected_interval", flat=True).distinct()
    silent = Q(last_reading_at__isnull=True) & ~Q(type=StationType.VIDEO)
    for interval in intervals:
        silent |= Q(expected_interval=interval,
                    last_reading_at__lt=now - timedelta(seconds=interval * SILENT_INTERVALS))
    no_data = Q(pk__in=Alarm.objects.filter(state__in=AlarmState.ACTIVE, rule__kind=RuleKind.NO_DATA)
                .values("station_id"))
    return Q(status=StationStatus.ACTIVE) & (silent | no_data)


STATE_LABELS = {"inactive": gettext_noop("Not in service"), "offline": gettext_noop("Offline"),
                "alarm": gettext_noop("In alarm"), "online": gettext_noop("Online")}


def station_points(user) -> list[dict]:
    if not policy.can(user, "view", Station):
        return []
    now = timezone.now()
    stations = list(Station.objects.for_user(user).filter(lat__isnull=False)
                    .only("id", "code", "name", "type", "lat", "lon", "status", "expected_interval",
                          "last_reading_at").order_by("code")[:MAX_STATIONS])
    ids = [s.pk for s in stations]
    worst: dict[int, str] = {}
    offline: set[int] = set()
    rank = {level: i for i, level in enumerate(AlarmLevel.values())}
    for station_id, level, kind in (Alarm.objects.filter(station_id__in=ids, state__in=AlarmState.ACTIVE)
                                    .values_list("station_id", "level", "rule__kind")):
        if kind == RuleKind.NO_DATA:
            offline.add(station_id)
        elif station_id not in worst or rank.get(level, 0) > rank.get(worst[station_id], 0):
            worst[station_id] = level
    latest = defaultdict(list)
    for value in (LatestValue.objects.filter(sensor__station_id__in=ids).select_related("sensor")
                  .order_by("sensor__station_id", "sensor__key")):
        latest[value.sensor.station_id].append(value)
    points = []
    for s in stations:
        state = station_state(s, now, worst.get(s.pk), s.pk in offline)
        fields = [[_("Type"), StationType.label(s.type)], [_("State"), _(STATE_LABELS[state])]]
        if worst.get(s.pk):
            fields.append([_("Alarm level"), AlarmLevel.label(worst[s.pk])])
        for value in latest[s.pk][:4]:
            fields.append([value.sensor.label, f"{value.value:g} {value.sensor.unit}".strip()])
        if s.last_reading_at:
            fields.append([_("Last reading"), timezone.localtime(s.last_reading_at).strftime("%m-%d %H:%M")])
        points.append({"kind": "station", "id": s.pk, "name": s.name, "lat": float(s.lat), "lon": float(s.lon),
                       "url": _url("station_detail", s.pk), "state": state,
                       "level": worst.get(s.pk, ""), "fields": fields})
    return points


def alarm_points(user) -> list[dict]:
    """Active (open or acknowledged) alarms at their station's point, coloured by level."""
    if not policy.can(user, "view", Alarm):
        return []
    rows = (Alarm.objects.for_user(user).filter(state__in=AlarmState.ACTIVE, station__lat__isnull=False)
            .select_related("station", "sensor").order_by("-raised_at")[:MAX_ALARMS])
    return [{"kind": "alarm", "id": a.pk, "name": f"{a.station.name} {a.message}".strip()[:120],
             "lat": float(a.station.lat), "lon": float(a.station.lon), "url": _url("alarm_detail", a.pk),
             "level": a.level, "fields": [
                 [_("Alarm level"), AlarmLevel.label(a.level)], [_("State"), AlarmState.label(a.state)],
                 [_("Raised"), timezone.localtime(a.raised_at).strftime("%m-%d %H:%M")],
                 [_("Last value"), "—" if a.last_value is None else f"{a.last_value:g}"]]
             } for a in rows]

"""The leaders' big screen (大屏, issue 12 §3): one snapshot of how things stand in the user's scope, for the
command hall — open incidents with their reporting clocks, active alarms, warnings in force and their
confirmation, who is on duty, resources, the risk distribution, hazard closure, rain at the stations, the map's
operational layers and three charts. Every figure comes from the same scoped querysets as the lists (``for_user``);
every list is bounded, so one refresh costs a fixed number of queries."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core import charts as core_charts
from yingji.core import maps, policy
from yingji.core.models import Region
from yingji.duty.models import DutyShift
from yingji.incidents.choices import AccidentGrade, IncidentState, ReportingLevel
from yingji.incidents.models import Incident, ReportingDeadline
from yingji.monitoring.choices import AlarmLevel, AlarmState
from yingji.monitoring.home import alarms_per_day
from yingji.monitoring.models import Alarm, SensorBucket
from yingji.prevention import stats as hazard_stats
from yingji.prevention.choices import RiskColour
from yingji.prevention.models import Hazard, RiskPoint
from yingji.resources.models import Shelter, Team, Warehouse
from yingji.warnings.home import confirmations
from yingji.warnings.models import Warning  # noqa: A004
from yingji.warnings.services import in_force_q

#: The map layers the screen draws (registered by their apps with ``core.maps``).
MAP_LAYERS = ("stations", "alarms", "warnings", "major_hazards", "incidents")
#: Longest lists shown (a screen has room for so many rows).
ROWS = 8
#: Seconds between two refreshes of the page (the JSON endpoint is polled; never faster than this).
REFRESH_SECONDS = 30
COLOURS = ("red", "orange", "yellow", "blue")


def _can(user, model) -> bool:
    return policy.can(user, "view", model)


def _local(value: datetime.datetime | None) -> str:
    return timezone.localtime(value).strftime("%m-%d %H:%M") if value else ""


def incidents(user, now) -> dict:
    if not _can(user, Incident):
        return {"count": 0, "rows": []}
    qs = Incident.objects.for_user(user).filter(state__in=IncidentState.OPEN)
    count = qs.count()
    rows = list(qs.order_by("-occurred_at")[:ROWS])
    due = {}
    for d in (ReportingDeadline.objects.filter(incident__in=[i.pk for i in rows], reported_at__isnull=True)
              .order_by("incident_id", "due_at")):
        due.setdefault(d.incident_id, d)
    out = []
    for i in rows:
        d = due.get(i.pk)
        out.append({"id": i.pk, "title": i.title, "grade": AccidentGrade.label(i.grade), "grade_key": i.grade,
                    "state": IncidentState.label(i.state), "occurred": _local(i.occurred_at),
                    "next_report": (ReportingLevel.label(d.level) if d else ""),
                    "due": _local(d.due_at) if d else "", "overdue": bool(d and d.due_at < now)})
    return {"count": count, "rows": out}


def alarms(user, now) -> dict:
    if not _can(user, Alarm):
        return {"count": 0, "by_level": dict.fromkeys(COLOURS, 0), "rows": [], "per_day": []}
    active = Alarm.objects.for_user(user).filter(state__in=AlarmState.ACTIVE)
    levels = Counter(dict(active.order_by().values_list("level").annotate(n=Count("id"))))
    rows = [{"id": a.pk, "station": a.station.name, "message": a.message, "level": a.level,
             "level_label": AlarmLevel.label(a.level), "raised": _local(a.raised_at)}
            for a in active.select_related("station").order_by("-raised_at")[:ROWS]]
    per_day = alarms_per_day(user, now, days=14)
    return {"count": sum(levels.values()), "by_level": {c: levels.get(c, 0) for c in COLOURS}, "rows": rows,
            "per_day": [(d.strftime("%m-%d"), n) for d, n in per_day]}


def warnings(user, now) -> dict:
    if not _can(user, Warning):
        return {"count": 0, "by_level": dict.fromkeys(COLOURS, 0), "recipients": 0, "confirmed": 0, "rows": []}
    in_force = Warning.objects.for_user(user).filter(in_force_q(now))
    levels = Counter(dict(in_force.order_by().values_list("level").annotate(n=Count("id"))))
    pairs = confirmations(user, in_force.values("pk")).values()
    recipients, confirmed = sum(r for r, _c in pairs), sum(c for _r, c in pairs)
    rows = [{"id": w.pk, "headline": w.headline, "level": w.level, "expires": _local(w.expires)}
            for w in in_force.order_by("-effective")[:ROWS]]
    return {"count": sum(levels.values()), "by_level": {c: levels.get(c, 0) for c in COLOURS},
            "recipients": recipients, "confirmed": confirmed, "rows": rows}


def duty(user, now) -> list[dict]:
    if not _can(user, DutyShift):
        return []
    shifts = list(DutyShift.objects.for_user(user).filter(starts_at__lte=now, ends_at__gt=now)
                  .order_by("region_code")[:ROWS])
    names = dict(Region.objects.filter(code__in=[s.region_code for s in shifts]).values_list("code", "name"))
    return [{"desk": names.get(s.region_code, s.region_code),
             "leader": (_("Leader") + " " + s.leader_name) if s.leader_name else "",
             "officers": s.officer_names} for s in shifts]


def resources(user) -> dict:
    out = {}
    if _can(user, Team):
        row = Team.objects.for_user(user).order_by().aggregate(n=Count("id"), people=Sum("headcount"))
        out["teams"], out["team_people"] = row["n"], row["people"] or 0
    if _can(user, Warehouse):
        out["warehouses"] = Warehouse.objects.for_user(user).count()
    if _can(user, Shelter):
        row = Shelter.objects.for_user(user).order_by().aggregate(n=Count("id"), capacity=Sum("capacity"),
                                                                   occupied=Sum("occupancy"))
        out["shelters"], out["capacity"] = row["n"], row["capacity"] or 0
        out["free"] = out["capacity"] - (row["occupied"] or 0)
    return out


def risk(user) -> dict:
    if not _can(user, RiskPoint):
        return dict.fromkeys((*COLOURS, "total"), 0)
    return hazard_stats.colour_totals(RiskPoint.objects.for_user(user))


def _by_month(qs) -> dict[datetime.date, int]:
    """Counts per month start (TruncMonth gives an aware datetime or a date depending on the engine)."""
    out: dict[datetime.date, int] = {}
    for key, n in qs.values_list("m").annotate(n=Count("id")):
        if isinstance(key, datetime.datetime):
            key = (timezone.localtime(key) if timezone.is_aware(key) else key).date()
        if key is not None:
            out[key] = out.get(key, 0) + n
    return out


def hazards(user, now) -> dict:
    if not _can(user, Hazard):
        return {"found": 0, "closed": 0, "rate": None, "overdue": 0, "by_month": []}
    qs = Hazard.objects.for_user(user)
    year_start = timezone.make_aware(datetime.datetime(timezone.localtime(now).year, 1, 1))
    year = qs.filter(found_at__gte=year_start).order_by().aggregate(
        found=Count("id"), closed=Count("id", filter=Q(closed_at__isnull=False)))
    overdue = qs.filter(hazard_stats.overdue_q(now)).count()
    first = (timezone.localtime(now).date().replace(day=1) - datetime.timedelta(days=150)).replace(day=1)
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time()))
    tz = timezone.get_current_timezone()
    # Up to now only: a stored far-future time would overflow the month truncation (and is no month of the chart).
    found = _by_month(qs.filter(found_at__gte=start, found_at__lte=now).order_by()
                      .annotate(m=TruncMonth("found_at", tzinfo=tz)))
    closed = _by_month(qs.filter(closed_at__gte=start, closed_at__lte=now).order_by()
                       .annotate(m=TruncMonth("closed_at", tzinfo=tz)))
    months = []
    month = first
    while month <= timezone.localtime(now).date():
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    by_month = [(m.strftime("%Y-%m"), found.get(m, 0), closed.get(m, 0)) for m in months]
    rate = round(100 * year["closed"] / year["found"], 1) if year["found"] else None
    return {"found": year["found"], "closed": year["closed"], "rate": rate, "overdue": overdue,
            "by_month": by_month}


def rain(user, now) -> list[dict]:
    """The wettest stations of the last 24 hours (their rain sensors' sums over the kept hourly buckets)."""
    from yingji.monitoring.models import Station

    if not _can(user, Station):
        return []
    stations = Station.objects.for_user(user)
    sums = (SensorBucket.objects.filter(sensor__cumulative=True, sensor__station__in=stations.values("pk"),
                                        start__gte=now - datetime.timedelta(hours=24)).order_by()
            .values("sensor__station_id", "sensor__station__name")
            .annotate(day=Sum("total"), hour=Sum("total", filter=Q(start__gte=now - datetime.timedelta(hours=1))))
            .order_by("-day")[:6])
    return [{"station": r["sensor__station__name"], "h24": round(r["day"] or 0, 1), "h1": round(r["hour"] or 0, 1)}
            for r in sums]


def map_data(user) -> dict:
    boundaries = [{"type": "Feature", "geometry": r.boundary,
                   "properties": {"code": r.code, "name": r.name, "level": r.level}}
                  for r in Region.objects.for_user(user).exclude(boundary__isnull=True).exclude(level="village")
                  .only("code", "name", "level", "boundary")]
    return {"boundaries": {"type": "FeatureCollection", "features": boundaries},
            "layers": maps.layers(user, MAP_LAYERS)}


def hazards_chart(by_month: list) -> dict:
    """Hazards found and closed per month (the screen's and the home pages' chart)."""
    return core_charts.bar(
        [m for m, _f, _c in by_month],
        [core_charts.series(_("Found"), [f for _m, f, _c in by_month], color="orange"),
         core_charts.series(_("Closed"), [c for _m, _f, c in by_month], color="green")],
        title=_("Hazards found and closed by month"))


def charts(snapshot: dict) -> dict:
    """The screen's chart specs (``core.charts``, drawn by the one chart helper)."""
    a, r, h = snapshot["alarms"], snapshot["risk"], snapshot["hazards"]
    return {
        "alarms_per_day": core_charts.line(
            [d for d, _n in a["per_day"]], [core_charts.series(_("Alarms"), [n for _d, n in a["per_day"]],
                                                               color="orange")],
            title=_("Alarms per day (14 days)")),
        "risk": core_charts.level_pie([RiskColour.label(c) for c in COLOURS], [r.get(c, 0) for c in COLOURS],
                                      name=_("Risk points")),  # the panel's heading names it
        "hazards": hazards_chart(h["by_month"]),
    }


def snapshot(user, now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    region = Region.objects.filter(code=user.scope_region_code).first() if user.scope_region_code else None
    data = {"now": timezone.localtime(now).strftime("%Y-%m-%d %H:%M"), "region": region.name if region else "",
            "refresh_seconds": REFRESH_SECONDS, "incidents": incidents(user, now), "alarms": alarms(user, now),
            "warnings": warnings(user, now), "duty": duty(user, now), "resources": resources(user),
            "risk": risk(user), "hazards": hazards(user, now), "rain": rain(user, now)}
    data["charts"] = charts(data)
    return data

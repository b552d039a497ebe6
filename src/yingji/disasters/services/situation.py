"""防汛抗旱形势图 (issue 16 §1): the flood season's situation in the user's scope on one page and one API — rain
since the season began against the normal, by township; every river and reservoir station's latest level against
its 警戒/保证/汛限 marks; warnings in force; the danger zones and the people in them; the transfers in progress;
shelters; teams and supplies; the open hazards of the pre-flood checks. Each figure is read through the scoped
querysets of the list it links to (``for_user``), by aggregate queries; the season's rules and normals are
``standards.flood_season``."""

from __future__ import annotations

import datetime
from collections import defaultdict
from fractions import Fraction

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from yingji.core import policy
from yingji.core.models import Region
from yingji.monitoring import retention
from yingji.monitoring.choices import StationStatus, StationType
from yingji.monitoring.models import HourlyAggregate, Reading, Station
from yingji.prevention import stats as hazard_stats
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard
from yingji.resources.models import Shelter, Team, Warehouse
from yingji.standards import flood_season
from yingji.warnings.models import Warning  # noqa: A004
from yingji.warnings.services import in_force_q

from ..models import DangerZone, FloodCheckRecord, Household, Transfer
from ..zone_choices import TransferState

LEVEL_STATE_LABELS = {"over_guarantee": gettext_noop("Over the guaranteed level"),
                      "over_warning": gettext_noop("Over the warning level"),
                      "over_flood_limit": gettext_noop("Over the flood-limit level"),
                      "normal": gettext_noop("Normal"), "unknown": gettext_noop("No data")}


def _can(user, model) -> bool:
    return policy.can(user, "view", model)


def season_bounds(year: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """From the season's first day to today (or the season's last day, once it is over). Before the season: the
    season's first day to itself (nothing yet)."""
    start, end = flood_season.season(year)
    return start, max(start, min(today, end))


def _rain_by_township(user, since: datetime.datetime, until: datetime.datetime) -> dict[str, float]:
    """Rain (mm) per township since ``since``: each township the mean over its rain stations' totals, raw readings
    within raw retention and hourly sums before it (never both for one hour)."""
    stations = Station.objects.for_user(user).filter(type=StationType.RAIN).exclude(status=StationStatus.RETIRED)
    raw_from = max(since, timezone.now() - datetime.timedelta(days=retention.policy()["raw_days"]))
    totals: dict[int, float] = defaultdict(float)
    for row in (Reading.objects.filter(sensor__cumulative=True, station__in=stations.values("pk"),
                                       ts__gte=raw_from, ts__lt=until)
                .order_by().values("station_id").annotate(total=Sum("value"))):
        totals[row["station_id"]] += row["total"] or 0
    if raw_from > since:
        for row in (HourlyAggregate.objects.filter(sensor__cumulative=True, sensor__station__in=stations.values("pk"),
                                                   hour__gte=since, hour__lt=raw_from)
                    .order_by().values("sensor__station_id").annotate(total=Sum("sum"))):
            totals[row["sensor__station_id"]] += row["total"] or 0
    # A station with no record at all in the period has no data (not "no rain"): it is left out of the mean, and a
    # township whose stations all lack data has none (None).
    by_township: dict[str, list[float]] = defaultdict(list)
    for station_id, code in stations.values_list("pk", "region_code"):
        if len(code) < 9:
            continue
        by_township.setdefault(code[:9], [])
        if station_id in totals:
            by_township[code[:9]].append(totals[station_id])
    return {code: (sum(values) / len(values) if values else None) for code, values in by_township.items()}


def rain(user, today: datetime.date) -> dict:
    start, last = season_bounds(today.year, today)
    tz = timezone.get_current_timezone()
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time()), tz)
    until = timezone.make_aware(datetime.datetime.combine(last + datetime.timedelta(days=1), datetime.time()), tz)
    until = min(until, timezone.now())
    normal = flood_season.normal_rain(start, last) if today >= start else Fraction(0)
    by_township = _rain_by_township(user, since, until) if today >= start else {}
    names = dict(Region.objects.filter(code__in=by_township).values_list("code", "name"))
    rows = []
    for code in sorted(by_township):
        actual = round(by_township[code], 1) if by_township[code] is not None else None
        percent = flood_season.anomaly_percent(actual, normal) if normal > 0 and actual is not None else None
        cls = flood_season.anomaly_class(percent) if percent is not None else ""
        rows.append({"township_code": code, "township": names.get(code, code), "rain_mm": actual,
                     "normal_mm": round(float(normal), 1),
                     "anomaly_percent": round(float(percent), 1) if percent is not None else None,
                     "anomaly_class": cls, "anomaly_label": _class_label(cls)})
    return {"since": start.isoformat(), "until": last.isoformat(), "normal_mm": round(float(normal), 1),
            "rows": rows}


def _class_label(key: str) -> str:
    labels = {b["key"]: b["name_zh"] for b in flood_season.anomaly_classes()}
    return labels.get(key, "")


def water_levels(user) -> list[dict]:
    """Every river/reservoir station in scope with its latest level against its marks, the most serious first."""
    stations = (Station.objects.for_user(user).filter(type=StationType.WATER_LEVEL)
                .exclude(status=StationStatus.RETIRED).prefetch_related("sensors__latest").order_by("code"))
    rows = []
    for s in stations:
        latest = None
        for sensor in s.sensors.all():
            value = getattr(sensor, "latest", None) if hasattr(sensor, "latest") else None
            if value is not None and not sensor.cumulative:
                latest = value
                break
        level = latest.value if latest else None
        state = flood_season.level_state(level, warning=s.warning_level, guarantee=s.guarantee_level,
                                         flood_limit=s.flood_limit_level)
        mark = (s.guarantee_level if state == "over_guarantee" else s.flood_limit_level
                if s.flood_limit_level is not None and s.warning_level is None else s.warning_level)
        margin = flood_season.margin(level, mark)
        rows.append({"id": s.pk, "name": s.name, "code": s.code, "region_code": s.region_code, "level": level,
                     "at": timezone.localtime(latest.ts).strftime("%m-%d %H:%M") if latest else "",
                     "warning_level": s.warning_level, "guarantee_level": s.guarantee_level,
                     "flood_limit_level": s.flood_limit_level, "state": state,
                     "state_label": _(LEVEL_STATE_LABELS[state]),
                     "margin_m": round(float(margin), 2) if margin is not None else None})
    rows.sort(key=lambda r: (flood_season.LEVEL_STATES.index(r["state"]), r["code"]))
    return rows


def summary(user, now: datetime.datetime | None = None) -> dict:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    out: dict = {"date": today.isoformat(), "rain": rain(user, today), "water_levels": water_levels(user)}
    out["levels_over"] = sum(1 for r in out["water_levels"] if r["state"] not in ("normal", "unknown"))
    if _can(user, Warning):
        levels = dict(Warning.objects.for_user(user).filter(in_force_q(now)).order_by().values_list("level")
                      .annotate(n=Count("id")))
        out["warnings"] = {"count": sum(levels.values()),
                           "by_level": {c: levels.get(c, 0) for c in ("red", "orange", "yellow", "blue")}}
    if _can(user, DangerZone):
        zones = DangerZone.objects.for_user(user).filter(is_active=True)
        households = Household.objects.for_user(user).filter(zone__in=zones.values("pk")).order_by().aggregate(
            n=Count("id"), people=Sum("people"), elderly=Sum("elderly_alone"), disabled=Sum("disabled"),
            children=Sum("children"))
        out["zones"] = {"count": zones.count(), "households": households["n"], "people": households["people"] or 0,
                        "vulnerable": sum(households[k] or 0 for k in ("elderly", "disabled", "children"))}
    if _can(user, Transfer):
        open_transfers = Transfer.objects.for_user(user).filter(state=TransferState.OPEN).order_by().aggregate(
            n=Count("id"), people=Sum("people_total"), moved=Sum("people_moved"),
            households=Sum("households_total"), households_moved=Sum("households_moved"),
            refused=Sum("households_refused"))
        out["transfers"] = {"open": open_transfers["n"], "people": open_transfers["people"] or 0,
                            "people_moved": open_transfers["moved"] or 0,
                            "households": open_transfers["households"] or 0,
                            "households_moved": open_transfers["households_moved"] or 0,
                            "households_refused": open_transfers["refused"] or 0}
    if _can(user, Shelter):
        row = Shelter.objects.for_user(user).order_by().aggregate(n=Count("id"), capacity=Sum("capacity"),
                                                                   occupied=Sum("occupancy"))
        out["shelters"] = {"count": row["n"], "capacity": row["capacity"] or 0, "occupied": row["occupied"] or 0,
                           "free": (row["capacity"] or 0) - (row["occupied"] or 0)}
    if _can(user, Team):
        row = Team.objects.for_user(user).order_by().aggregate(n=Count("id"), people=Sum("headcount"))
        out["teams"] = {"count": row["n"], "people": row["people"] or 0}
    if _can(user, Warehouse):
        out["warehouses"] = Warehouse.objects.for_user(user).count()
    if _can(user, FloodCheckRecord) and _can(user, Hazard):
        found = Hazard.objects.for_user(user).filter(
            pk__in=FloodCheckRecord.objects.for_user(user).filter(checked_on__year=today.year)
            .values("hazards"))
        row = found.order_by().aggregate(n=Count("id"), open=Count("id", filter=Q(state__in=HazardState.OPEN)),
                                         overdue=Count("id", filter=hazard_stats.overdue_q(now)))
        out["flood_hazards"] = {"found": row["n"], "open": row["open"], "overdue": row["overdue"]}
    return out

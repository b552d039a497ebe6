"""A station's sensors as charts (issue 12 §4): each sensor's values over a range (6 h, 24 h, 7 d, 30 d) with its
rules' thresholds drawn as lines; a cumulative sensor (rain) as bars per interval with its rolling 1/3/6/12/24 h
sums. Raw readings serve the ranges within raw retention; beyond it the hourly aggregates do. At most
``MAX_POINTS`` points a series: raw readings are averaged (or, for rain, summed) into equal time buckets."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core import charts

from . import retention
from .choices import RuleKind
from .models import HourlyAggregate, Reading, Rule, Sensor
from .services import rolling_sums

RANGES = {"6h": timedelta(hours=6), "24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
DEFAULT_RANGE = "24h"
MAX_POINTS = 500
WINDOWS = (1, 3, 6, 12, 24)


def range_labels() -> list[tuple[str, str]]:
    return [("6h", _("6 hours")), ("24h", _("24 hours")), ("7d", _("7 days")), ("30d", _("30 days"))]


def thresholds(sensor: Sensor) -> list[dict]:
    """The value thresholds of the enabled above/below rules that watch this sensor (its station's own rules, else
    its station type's, else the general ones), each with its level's colour."""
    rules = Rule.objects.filter(enabled=True, kind__in=(RuleKind.ABOVE, RuleKind.BELOW), sensor_key=sensor.key,
                                threshold__isnull=False).filter(
        Q(station=sensor.station) | Q(station__isnull=True, station_type__in=("", sensor.station.type)))
    seen, out = set(), []
    for rule in rules.order_by("threshold"):
        if rule.threshold in seen:
            continue
        seen.add(rule.threshold)
        out.append({"name": rule.name, "value": rule.threshold, "color": rule.level or "red"})
    return out


def _points(sensor: Sensor, since: datetime, now: datetime) -> list[tuple[datetime, float]]:
    raw_from = now - timedelta(days=retention.policy()["raw_days"])
    if since >= raw_from:
        rows = list(Reading.objects.filter(sensor=sensor, ts__gte=since, ts__lte=now).order_by("ts")
                    .values_list("ts", "value"))
        return _downsample(rows, since, now, sensor.cumulative)
    rows = HourlyAggregate.objects.filter(sensor=sensor, hour__gte=since, hour__lte=now).order_by("hour")
    return _downsample([(r.hour, r.sum if sensor.cumulative else r.sum / r.count) for r in rows if r.count],
                       since, now, sensor.cumulative)


def _downsample(rows: list[tuple[datetime, float]], since: datetime, now: datetime, cumulative: bool
                ) -> list[tuple[datetime, float]]:
    if len(rows) <= MAX_POINTS:
        return rows
    step = (now - since) / MAX_POINTS
    buckets: dict[int, list[float]] = {}
    for ts, value in rows:
        buckets.setdefault(min(int((ts - since) / step), MAX_POINTS - 1), []).append(value)
    return [(since + step * k + step / 2, sum(v) if cumulative else sum(v) / len(v))
            for k, v in sorted(buckets.items())]


def sensor_chart(sensor: Sensor, range_key: str, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    since = now - RANGES[range_key]
    points = _points(sensor, since, now)
    unit = sensor.unit or ""
    name = f"{sensor.label}（{unit}）" if unit else sensor.label
    # Wall-clock times of the county (no offset): the chart reads them as shown, whatever the browser's zone.
    def wall(moment):
        return timezone.localtime(moment).replace(tzinfo=None).isoformat(timespec="minutes")

    categories = [wall(ts) for ts, _v in points]
    values = [round(v, 3) for _ts, v in points]
    spec = charts.chart("bar" if sensor.cumulative else "line", categories,
                        [charts.series(name, values, color="blue")], title=sensor.label, unit=unit, time=True,
                        thresholds=thresholds(sensor))
    if sensor.cumulative:
        sums = rolling_sums([sensor.pk], now, WINDOWS)[sensor.pk]
        spec["rolling"] = [{"hours": h, "label": _("%(hours)s h") % {"hours": h}, "sum": round(sums[h], 1)}
                           for h in WINDOWS]
        spec["subtitle"] = _("Rolling sums: %(sums)s") % {"sums": " · ".join(
            f"{r['label']} {r['sum']:g}{unit}" for r in spec["rolling"])}
    spec["range"] = range_key
    spec["bounds"] = [wall(since), wall(now)]
    spec["source"] = "raw" if since >= now - timedelta(days=retention.policy()["raw_days"]) else "hourly"
    return spec

"""Issue 12 §4: a station's sensors as charts — values over a range with the rules' thresholds, rain as bars with
rolling sums, hourly aggregates beyond raw retention, bounded points, scope and validation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yingji.monitoring import charts, services
from yingji.monitoring.models import HourlyAggregate, Rule

from .helpers import make_station, ts

pytestmark = pytest.mark.django_db


def _chart(web, user, station, sensor, **params):
    return web(user).get(f"/stations/{station.pk}/sensors/{sensor.pk}/chart/", params)


def test_level_sensor_with_its_thresholds(web, demo_county):
    station = make_station("T-LEVEL", type_="water_level", sensors=[("level", 0, 50, False)])
    sensor = station.sensors.get()
    Rule.objects.create(name="超警戒", kind="above", station=station, sensor_key="level", threshold=3.5, level="orange")
    Rule.objects.create(name="超保证", kind="above", station=station, sensor_key="level", threshold=4.2, level="red")
    Rule.objects.create(name="停用", kind="above", station=station, sensor_key="level", threshold=9, level="red",
                        enabled=False)
    services.ingest(None, [{"station": "T-LEVEL", "sensor": "level", "ts": ts(m), "value": v}
                           for m, v in ((50, 2.0), (30, 3.0), (10, 3.8))])
    body = _chart(web, "admin", station, sensor).json()
    assert body["type"] == "line" and body["time"] is True and body["range"] == "24h"
    assert body["series"][0]["data"] == [2.0, 3.0, 3.8]
    assert [(t["name"], t["value"], t["color"]) for t in body["thresholds"]] == [
        ("超警戒", 3.5, "orange"), ("超保证", 4.2, "red")]
    assert body["source"] == "raw"


def test_rain_as_bars_with_rolling_sums(web, demo_county):
    station = make_station("T-RAINC")
    sensor = station.sensors.get()
    services.ingest(None, [{"station": "T-RAINC", "sensor": "rain", "ts": ts(m), "value": v}
                           for m, v in ((200, 10.0), (100, 4.0), (20, 1.5))])
    body = _chart(web, "admin", station, sensor, range="6h").json()
    assert body["type"] == "bar" and body["series"][0]["data"] == [10.0, 4.0, 1.5]
    sums = {r["hours"]: r["sum"] for r in body["rolling"]}
    assert sums[1] == 1.5 and sums[3] == 5.5 and sums[6] == 15.5 and sums[24] == 15.5
    assert "1小时" in body["subtitle"] or "1 h" in body["subtitle"]


def test_beyond_raw_retention_the_hourly_aggregates_serve(settings, demo_county):
    settings.MONITORING_RETENTION = {"raw_days": 2, "hourly_days": 3650}
    station = make_station("T-OLD", type_="water_level", sensors=[("level", 0, 50, False)])
    sensor = station.sensors.get()
    hour = timezone.now().replace(minute=0, second=0, microsecond=0) - timedelta(days=5)
    HourlyAggregate.objects.create(sensor=sensor, hour=hour, count=4, min=1, max=3, sum=8)
    spec = charts.sensor_chart(sensor, "7d")
    assert spec["source"] == "hourly" and spec["series"][0]["data"] == [2.0]  # the hour's mean


def test_points_are_bounded(demo_county):
    station = make_station("T-MANY", type_="water_level", sensors=[("level", 0, 50, False)])
    sensor = station.sensors.get()
    now = timezone.now()
    from yingji.monitoring.models import Reading

    Reading.objects.bulk_create([Reading(station=station, sensor=sensor, ts=now - timedelta(seconds=20 * k),
                                         value=k % 7) for k in range(1, 2001)])
    spec = charts.sensor_chart(sensor, "24h", now)
    assert 0 < len(spec["series"][0]["data"]) <= charts.MAX_POINTS == 500


def test_range_is_validated_and_scope_enforced(web, demo_county):
    station = make_station("T-SCOPE", region_code="410481002")
    sensor = station.sensors.get()
    bad = _chart(web, "admin", station, sensor, range="5y")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "range"
    assert _chart(web, "township1", station, sensor).status_code == 404
    other = make_station("T-OTHER", region_code="410481002")
    assert web("admin").get(f"/stations/{station.pk}/sensors/{other.sensors.get().pk}/chart/").status_code == 404


def test_station_page_offers_the_ranges(web, demo_county):
    station = make_station("T-PAGE")
    html = web("admin").get(f"/stations/{station.pk}/?range=7d").content.decode()
    assert "vendor/echarts/echarts.min.js" in html and 'data-yj-chart-url="' in html
    assert "?range=7d" in html and "7天" in html

"""Retention and downsampling: raw readings older than the policy are folded into hourly aggregates (checked
against a brute-force recomputation), then deleted; aggregates expire later; late readings merge; the periodic
job and the ``yingji manage apply_retention`` command run it."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from yingji.core.tasks import PERIODIC_JOBS
from yingji.monitoring import retention
from yingji.monitoring.models import HourlyAggregate, Reading, Sensor

from .helpers import make_station

NOW = datetime(2026, 6, 1, 12, 30, tzinfo=UTC)


def _store(sensor: Sensor, moments_values) -> None:
    Reading.objects.bulk_create([Reading(station_id=sensor.station_id, sensor=sensor, ts=t, value=v)
                                 for t, v in moments_values])


def _brute(rows) -> dict:
    hours = defaultdict(list)
    for sensor_id, t, v in rows:
        hours[(sensor_id, t.replace(minute=0, second=0, microsecond=0))].append(v)
    return {k: (len(v), min(v), max(v), pytest.approx(sum(v))) for k, v in hours.items()}


def _aggregates() -> dict:
    """The test station's hourly aggregates (the demo's rain stations keep a flood season of their own)."""
    return {(a.sensor_id, a.hour): (a.count, a.min, a.max, a.sum)
            for a in HourlyAggregate.objects.filter(sensor__station__code="T-RET")}


@pytest.fixture
def sensors(db):
    station = make_station("T-RET", "water_level", sensors=[("level", -10, 100, False), ("temp", -50, 60, False)])
    return list(station.sensors.order_by("key"))


def test_old_readings_are_folded_into_hours_then_deleted(sensors):
    rng = random.Random(6)
    rows = []
    for sensor in sensors:
        start = NOW - timedelta(days=12, minutes=7)
        for i in range(700):  # about 2.4 days every 5 minutes, crossing the cutoff
            rows.append((sensor.pk, start + timedelta(minutes=5 * i, seconds=rng.randint(0, 50)),
                         round(rng.uniform(-5, 50), 3)))
    for sensor in sensors:
        _store(sensor, [(t, v) for sid, t, v in rows if sid == sensor.pk])
    cutoff = (NOW - timedelta(days=10)).replace(minute=0)
    old = [r for r in rows if r[1] < cutoff]
    recent = [r for r in rows if r[1] >= cutoff]
    assert old and recent
    result = retention.apply_retention(NOW, raw_days=10, hourly_days=400)
    assert result.aggregated_readings == result.raw_deleted == len(old)
    assert _aggregates() == _brute(old)
    assert result.hours_written == len(_brute(old))
    assert Reading.objects.filter(sensor__in=sensors).count() == len(recent)
    assert not Reading.objects.filter(ts__lt=cutoff).exists()
    # A second run finds nothing to do.
    again = retention.apply_retention(NOW, raw_days=10, hourly_days=400)
    assert (again.aggregated_readings, again.raw_deleted, again.hourly_deleted) == (0, 0, 0)
    assert _aggregates() == _brute(old)


def test_a_late_reading_merges_into_its_hour(sensors):
    sensor = sensors[0]
    hour = NOW - timedelta(days=20)
    hour = hour.replace(minute=0)
    first = [(hour + timedelta(minutes=m), v) for m, v in ((1, 3.0), (20, 9.0), (40, 6.0))]
    _store(sensor, first)
    retention.apply_retention(NOW, raw_days=10, hourly_days=400)
    _store(sensor, [(hour + timedelta(minutes=50), -1.0)])
    retention.apply_retention(NOW, raw_days=10, hourly_days=400)
    agg = HourlyAggregate.objects.get(sensor=sensor, hour=hour)
    assert (agg.count, agg.min, agg.max, agg.sum) == (4, -1.0, 9.0, pytest.approx(17.0))
    assert agg.mean == pytest.approx(17.0 / 4)


def test_aggregates_expire_after_their_own_retention(sensors):
    sensor = sensors[0]
    keep = HourlyAggregate.objects.create(sensor=sensor, hour=(NOW - timedelta(days=30)).replace(minute=0),
                                          count=1, min=1, max=1, sum=1)
    HourlyAggregate.objects.create(sensor=sensor, hour=(NOW - timedelta(days=500)).replace(minute=0),
                                   count=1, min=1, max=1, sum=1)
    result = retention.apply_retention(NOW, raw_days=10, hourly_days=400)
    assert result.hourly_deleted == 1
    assert list(HourlyAggregate.objects.filter(sensor=sensor)) == [keep]


def test_dry_run_changes_nothing_and_bad_policies_are_refused(sensors):
    _store(sensors[0], [(NOW - timedelta(days=40), 1.0)])
    result = retention.apply_retention(NOW, raw_days=10, hourly_days=400, dry_run=True)
    assert result.aggregated_readings == 1
    assert Reading.objects.filter(sensor=sensors[0]).count() == 1
    assert not HourlyAggregate.objects.filter(sensor__in=sensors).exists()
    with pytest.raises(ValueError):
        retention.apply_retention(NOW, raw_days=0)
    with pytest.raises(ValueError):
        retention.apply_retention(NOW, raw_days=30, hourly_days=10)


def test_policy_comes_from_settings(settings):
    settings.MONITORING_RETENTION = {"raw_days": 7, "hourly_days": 70}
    assert retention.policy() == {"raw_days": 7, "hourly_days": 70}
    settings.MONITORING_RETENTION = {"raw_days": 7, "hourly_days": 3}
    with pytest.raises(ValueError):
        retention.policy()


def test_manage_command_and_periodic_job(sensors, settings):
    settings.MONITORING_RETENTION = {"raw_days": 5, "hourly_days": 50}
    # Ten minutes into an hour, so the three readings (up to a minute apart) share it whenever the test runs.
    old = (datetime.now(UTC) - timedelta(days=9)).replace(minute=10, second=0, microsecond=0)
    _store(sensors[1], [(old, 20.0), (old + timedelta(seconds=30), 22.0)])
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    assert "would fold 2 readings" in out.getvalue()
    assert Reading.objects.filter(sensor=sensors[1]).count() == 2
    call_command("apply_retention", stdout=out)
    assert not Reading.objects.filter(sensor=sensors[1]).exists()
    assert HourlyAggregate.objects.get(sensor=sensors[1]).count == 2
    with pytest.raises(CommandError):
        call_command("apply_retention", "--raw-days", "0", stdout=out)
    job = PERIODIC_JOBS["yingji.monitoring.retention.apply_monitoring_retention"]
    assert job.every == timedelta(hours=1)
    _store(sensors[1], [(old + timedelta(minutes=1), 1.0)])
    job.task.enqueue()  # the immediate backend in tests
    assert HourlyAggregate.objects.get(sensor=sensors[1]).count == 3

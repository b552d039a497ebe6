"""PostgreSQL: readings partitioned by month (monitoring.partitions). Readings land in their month's partition across
month boundaries, strays wait in the default partition and move in when their month's partition is made, time-bounded
queries read only their partitions (EXPLAIN), retention folds whole months and drops their partitions (checked
against a brute-force recomputation), duplicates are still refused, and the migration converts a table with rows
and back. SQLite keeps one table (the functions do nothing there)."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from yingji.monitoring import partitions, retention, services
from yingji.monitoring.models import HourlyAggregate, Reading

from .helpers import make_station

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'",
                                     reason="readings are partitioned on PostgreSQL only")


def _where(ids) -> dict[int, str]:
    """The partition each reading is stored in."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, tableoid::regclass::text FROM monitoring_reading WHERE id = ANY(%s)", [list(ids)])
        return dict(cursor.fetchall())


def test_sqlite_keeps_one_table():
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL partitions the table")
    assert not partitions.is_partitioned()
    assert partitions.partitions() == [] and partitions.ensure_partitions() == []


def test_month_arithmetic():
    start = partitions.month_start(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert start == datetime(2026, 12, 1, tzinfo=UTC)
    assert partitions.next_month(start) == datetime(2027, 1, 1, tzinfo=UTC)
    assert partitions.partition_name(start) == "monitoring_reading_p202612"
    # The county's midnight of 1 January is still December in UTC: partitions are by UTC month.
    shanghai_new_year = datetime.fromisoformat("2027-01-01T00:30:00+08:00")
    assert partitions.month_start(shanghai_new_year) == datetime(2026, 12, 1, tzinfo=UTC)


@postgresql_only
def test_the_table_is_partitioned_with_months_ahead():
    assert partitions.is_partitioned()
    now = datetime.now(UTC)
    starts = {p.start for p in partitions.partitions()}
    month = partitions.month_start(partitions.month_start(now) - timedelta(days=1))  # last month
    for _ in range(partitions.MONTHS_AHEAD + 2):
        assert month in starts
        month = partitions.next_month(month)
    partitions.ensure_partitions(now)  # the months of readings waiting in the default partition, if any
    assert partitions.ensure_partitions(now) == []  # nothing missing any more


@postgresql_only
def test_readings_across_a_month_boundary_land_in_their_partitions_and_strays_move_in():
    station = make_station("T-PART", "gas", sensors=[("gas", 0, 100, False)])
    sensor = station.sensors.get()
    boundary = partitions.month_start(datetime.now(UTC))  # readings from the future are refused
    moments = [boundary - timedelta(seconds=1), boundary, boundary + timedelta(seconds=1)]
    result = services.ingest(None, [{"station": "T-PART", "sensor": "gas", "ts": m.isoformat(), "value": 5}
                                    for m in moments])
    assert result.accepted == 3
    rows = dict(Reading.objects.filter(sensor=sensor).values_list("ts", "id"))
    where = _where(rows.values())
    before, after = partitions.partition_name(boundary - timedelta(days=1)), partitions.partition_name(boundary)
    assert where[rows[moments[0]]] == before
    assert where[rows[moments[1]]] == where[rows[moments[2]]] == after
    # Sent again: the unique keys still refuse them, across partitions.
    again = services.ingest(None, [{"station": "T-PART", "sensor": "gas", "ts": m.isoformat(), "value": 5}
                                   for m in moments])
    assert (again.accepted, again.duplicates) == (0, 3)

    # A reading from a month long past (a gateway's wrong clock) waits in the default partition, and moves into
    # its month's partition when that is made.
    far = datetime(2019, 5, 17, 8, tzinfo=UTC)
    services.ingest(None, [{"station": "T-PART", "sensor": "gas", "ts": far.isoformat(), "value": 7}])
    stray = Reading.objects.get(sensor=sensor, ts=far)
    assert _where([stray.pk])[stray.pk] == partitions.DEFAULT
    created = partitions.ensure_partitions()
    assert "monitoring_reading_p201905" in created
    assert _where([stray.pk])[stray.pk] == "monitoring_reading_p201905"
    assert Reading.objects.get(pk=stray.pk).value == 7


@postgresql_only
def test_a_time_bounded_query_reads_only_its_partition():
    month = partitions.month_start(datetime.now(UTC))
    day = month + timedelta(days=2)
    plan = Reading.objects.filter(ts__gte=day, ts__lt=day + timedelta(days=1)).explain()
    scanned = {p.name for p in partitions.partitions() if p.name in plan} | (
        {partitions.DEFAULT} if partitions.DEFAULT in plan else set())
    assert scanned == {partitions.partition_name(month)}, plan


@postgresql_only
def test_retention_folds_whole_months_and_drops_their_partitions():
    station = make_station("T-PRET", "water_level", sensors=[("level", -10, 100, False)])
    sensor = station.sensors.get()
    now = datetime(2026, 6, 10, 12, 30, tzinfo=UTC)
    partitions.ensure_partitions(now, months=[datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 4, 1, tzinfo=UTC)])
    rng = random.Random(3)
    rows = []
    start = datetime(2026, 3, 20, tzinfo=UTC)
    for i in range(900):  # every 2 hours from 20 March to 4 June: March, April, May, June
        rows.append((start + timedelta(hours=2 * i, minutes=rng.randint(0, 59)), round(rng.uniform(0, 50), 2)))
    Reading.objects.bulk_create([Reading(station=station, sensor=sensor, ts=t, value=v) for t, v in rows])
    raw_days = 50  # cutoff 21 April 12:00: March is wholly before it; April is cut through
    cutoff = retention.floor_hour(now - timedelta(days=raw_days))
    old = [(t, v) for t, v in rows if t < cutoff]
    march = partitions.partition_name(datetime(2026, 3, 1, tzinfo=UTC))
    assert march in {p.name for p in partitions.partitions()}

    preview = retention.apply_retention(now, raw_days=raw_days, hourly_days=400, dry_run=True)
    assert preview.partitions_dropped >= 1 and preview.aggregated_readings >= len(old)
    assert march in {p.name for p in partitions.partitions()}  # a dry run changes nothing

    result = retention.apply_retention(now, raw_days=raw_days, hourly_days=400)
    assert march not in {p.name for p in partitions.partitions()}
    assert partitions.partition_name(datetime(2026, 4, 1, tzinfo=UTC)) in {p.name for p in partitions.partitions()}
    hours = defaultdict(list)
    for t, v in old:
        hours[t.replace(minute=0, second=0, microsecond=0)].append(v)
    stored = {a.hour: (a.count, a.min, a.max, a.sum) for a in HourlyAggregate.objects.filter(sensor=sensor)}
    assert stored == {h: (len(v), min(v), max(v), pytest.approx(sum(v))) for h, v in hours.items()}
    assert Reading.objects.filter(sensor=sensor).count() == len(rows) - len(old)
    assert not Reading.objects.filter(sensor=sensor, ts__lt=cutoff).exists()
    assert result.partitions_dropped >= 1
    assert result.raw_deleted >= len(old) and result.aggregated_readings == result.raw_deleted
    # The dry run counted exactly what the run did (the months folded by partition are not counted twice).
    assert (preview.aggregated_readings, preview.partitions_dropped) == (result.aggregated_readings,
                                                                         result.partitions_dropped)


@postgresql_only
def test_the_migration_converts_a_table_with_rows_and_back():
    from tests.scratch import migrate, minimal, scratch_database

    before = [("monitoring", "0006_station_flood_levels")]
    after = [("monitoring", "0007_partition_readings")]
    with scratch_database():
        old_apps = migrate(before)
        sensor = minimal(old_apps.get_model("monitoring", "Sensor"))
        OldReading = old_apps.get_model("monitoring", "Reading")
        moments = [datetime(2025, 11, 30, 23, 59, tzinfo=UTC), datetime(2025, 12, 1, tzinfo=UTC),
                   datetime(2026, 2, 14, 6, tzinfo=UTC)]
        made = [OldReading.objects.create(station_id=sensor.station_id, sensor=sensor, ts=t, value=i, client_id=f"c{i}")
                for i, t in enumerate(moments)]
        migrate(after)
        assert partitions.is_partitioned()
        assert {"monitoring_reading_p202511", "monitoring_reading_p202512",
                "monitoring_reading_p202602"} <= {p.name for p in partitions.partitions()}
        where = _where([r.pk for r in made])
        assert [where[r.pk] for r in made] == ["monitoring_reading_p202511", "monitoring_reading_p202512",
                                               "monitoring_reading_p202602"]
        # Ids continue after the copied rows.
        new = Reading.objects.create(station_id=sensor.station_id, sensor_id=sensor.pk,
                                     ts=datetime(2026, 2, 14, 7, tzinfo=UTC), value=9)
        assert new.pk > max(r.pk for r in made)

        back_apps = migrate(before)
        assert not partitions.is_partitioned()
        kept = back_apps.get_model("monitoring", "Reading").objects.order_by("ts")
        assert [(r.ts, r.value, r.client_id) for r in kept] == [
            *[(t, float(i), f"c{i}") for i, t in enumerate(moments)], (datetime(2026, 2, 14, 7, tzinfo=UTC), 9.0, None)]

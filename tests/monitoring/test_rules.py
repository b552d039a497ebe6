"""Rules and alarms: thresholds, rolling windows (against brute force), rainstorm signal, escalation, rate,
no-data, notifications of duty officers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yingji.core.models import Notification, User
from yingji.monitoring import services
from yingji.monitoring.choices import AlarmState, RuleKind
from yingji.monitoring.models import BUCKET_SECONDS, Alarm, Reading, Rule
from yingji.monitoring.services import bucket_start, rolling_sums

from .helpers import make_station, ts

BASE = datetime(2026, 7, 1, tzinfo=UTC)


def _brute_force(readings: dict[datetime, float], at: datetime, hours: int) -> float:
    """The definition, computed from raw readings: the ``hours`` of buckets ending with the bucket of ``at``."""
    end = bucket_start(at)
    return sum(v for t, v in readings.items() if end - timedelta(hours=hours) < bucket_start(t) <= end)


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(series=st.lists(st.tuples(st.integers(0, 36 * 3600), st.integers(0, 500)), min_size=1, max_size=120,
                      unique_by=lambda x: x[0]),
       batches=st.integers(1, 6), probes=st.lists(st.integers(0, 40 * 3600), min_size=1, max_size=6),
       seed=st.integers(0, 10**6))
def test_rolling_windows_match_brute_force(demo_county, series, batches, probes, seed):
    Reading.objects.filter(station__code="H-RAIN").delete()
    from yingji.monitoring.models import Station

    Station.objects.filter(code="H-RAIN").delete()
    station = make_station("H-RAIN")
    sensor = station.sensors.get()
    rng = random.Random(seed)
    items = [{"station": "H-RAIN", "sensor": "rain", "ts": (BASE + timedelta(seconds=s)).isoformat(),
              "value": v / 10} for s, v in series]
    stored: dict[datetime, float] = {}
    for s, v in series:
        stored[BASE + timedelta(seconds=s)] = v / 10
    # Out-of-order batches with re-sent duplicates.
    chunks = [items[i::batches] for i in range(batches)]
    rng.shuffle(chunks)
    now = BASE + timedelta(hours=48)
    for chunk in chunks:
        services.ingest(None, chunk + rng.sample(items, min(3, len(items))), now=now)
    assert Reading.objects.filter(sensor=sensor).count() == len(stored)
    for probe in probes:
        at = BASE + timedelta(seconds=probe)
        got = rolling_sums([sensor.pk], at)[sensor.pk]
        for hours in (1, 3, 6, 12, 24):
            assert got[hours] == pytest.approx(_brute_force(stored, at, hours), abs=1e-6)


def test_bucket_resolution():
    assert BUCKET_SECONDS == 300
    assert bucket_start(datetime(2026, 7, 1, 10, 7, 59, tzinfo=UTC)) == datetime(2026, 7, 1, 10, 5, tzinfo=UTC)


def _rain(minutes_ago_values):
    return [{"station": "T-RAIN", "sensor": "rain", "ts": ts(m), "value": v} for m, v in minutes_ago_values]


def _told(alarm):
    """The notifications about this alarm (object ids are shared across kinds: match the type too)."""
    return Notification.objects.filter(object_type="monitoring.alarm", object_id=str(alarm.pk))


def test_rainstorm_alarm_is_raised_updated_and_escalated(demo_county):
    station = make_station("T-RAIN")
    duty = User.objects.get(username="duty")
    # 55 mm spread over 5 hours: 6 h ≥ 50 (yellow) while 3 h < 50.
    result = services.ingest(None, _rain([(300 - 10 * i, 1.83) for i in range(30)]))
    alarm = Alarm.objects.get(station=station, rule__kind=RuleKind.RAINSTORM)
    assert alarm.level == "yellow" and alarm.state == AlarmState.OPEN
    assert alarm.pk in result.alarms
    assert _told(alarm).filter(recipient=duty).count() == 1
    # More rain: still yellow; the open alarm is updated (its last value and time move on), not duplicated. The
    # new reading shares the latest reading's minute, so both windows end in the same 5-minute bucket whatever the
    # clock (a reading in a later bucket would move the 3-hour window on and drop the oldest reading from it).
    before = (alarm.last_at, alarm.last_value)
    services.ingest(None, [{"station": "T-RAIN", "sensor": "rain", "ts": ts(10, second=47), "value": 0.5}])
    alarm.refresh_from_db()
    assert alarm.level == "yellow" and alarm.trigger_count == 2
    assert alarm.last_at > before[0] and alarm.last_value == pytest.approx(before[1] + 0.5)
    assert f"3 小时 {alarm.last_value:.1f} mm" in alarm.message
    # A downpour: 3 h ≥ 100 → red; escalation recorded and notified again.
    services.ingest(None, _rain([(3, 60), (2, 45)]))
    alarm.refresh_from_db()
    assert alarm.level == "red" and alarm.last_value >= 100
    assert Alarm.objects.filter(station=station, rule__kind=RuleKind.RAINSTORM).count() == 1
    assert list(alarm.events.values_list("kind", "level")) == [("raised", "yellow"), ("escalated", "red")]
    assert _told(alarm).filter(recipient=duty).count() == 2
    # Only duty officers whose jurisdiction covers the station are told.
    assert set(_told(alarm).values_list("recipient__username",
                                                                                  flat=True)) == {"duty"}


def test_rolling_sum_rule_uses_the_window(demo_county):
    station = make_station("T-RAIN")
    services.ingest(None, _rain([(50, 20), (40, 12)]))  # 32 mm in the last hour ≥ 30
    alarm = Alarm.objects.get(station=station, rule__kind=RuleKind.ROLLING_SUM, rule__window_hours=1)
    assert alarm.level == "yellow" and alarm.last_value == pytest.approx(32)


def test_threshold_above_and_below(demo_county):
    station = make_station("T-TP", "tailings", sensors=[("phreatic_depth", 0, 40, False),
                                                        ("displacement", -500, 500, False)])
    services.ingest(None, [{"station": "T-TP", "sensor": "phreatic_depth", "ts": ts(9), "value": 6},
                           {"station": "T-TP", "sensor": "phreatic_depth", "ts": ts(8), "value": 2.5},
                           {"station": "T-TP", "sensor": "phreatic_depth", "ts": ts(7), "value": 2.0},
                           {"station": "T-TP", "sensor": "displacement", "ts": ts(7), "value": 12}])
    alarms = Alarm.objects.filter(station=station)
    assert [(a.rule.kind, a.level, a.first_value, a.last_value, a.trigger_count) for a in alarms] == [
        ("below", "orange", 2.5, 2.0, 2)]


def test_rate_of_change(demo_county):
    station = make_station("T-WL", "water_level", sensors=[("water_level", 0, 30, False)])
    services.ingest(None, [{"station": "T-WL", "sensor": "water_level", "ts": ts(60), "value": 2.0}])
    services.ingest(None, [{"station": "T-WL", "sensor": "water_level", "ts": ts(30), "value": 2.1}])
    assert not Alarm.objects.filter(station=station).exists()
    services.ingest(None, [{"station": "T-WL", "sensor": "water_level", "ts": ts(0), "value": 2.5}])  # 0.8 m/h
    alarm = Alarm.objects.get(station=station)
    assert alarm.rule.kind == RuleKind.RATE and alarm.last_value == pytest.approx(0.8)


def test_disabled_rules_do_not_fire(demo_county):
    Rule.objects.filter(kind__in=[RuleKind.RAINSTORM, RuleKind.ROLLING_SUM]).update(enabled=False)
    make_station("T-RAIN")
    services.ingest(None, _rain([(5, 150)]))
    assert not Alarm.objects.filter(station__code="T-RAIN").exists()


def test_offline_stations_raise_one_alarm(demo_county):
    station = make_station("T-RAIN", expected_interval=300)
    services.ingest(None, _rain([(30, 0)]))
    now = datetime.now(UTC)
    assert station.pk not in {a.station_id for a in Alarm.objects.filter(pk__in=services.check_offline(
        now - timedelta(minutes=20)))}
    raised = services.check_offline(now)
    alarm = Alarm.objects.get(station=station, rule__kind=RuleKind.NO_DATA)
    assert alarm.pk in raised and alarm.level == "blue"
    services.check_offline(now + timedelta(minutes=5))
    assert Alarm.objects.filter(station=station, rule__kind=RuleKind.NO_DATA).count() == 1
    alarm.refresh_from_db()
    assert alarm.trigger_count == 2


def test_offline_periodic_job_is_registered():
    from yingji.core.tasks import PERIODIC_JOBS

    assert any(name.endswith("check_offline_stations") for name in PERIODIC_JOBS)


def test_alarm_summary_for_warnings(api, demo_county):
    station = make_station("T-RAIN")
    services.ingest(None, _rain([(5, 150)]))
    alarm = Alarm.objects.filter(station=station).order_by("id").first()
    summary = services.alarm_summary(User.objects.get(username="duty"), alarm.pk)
    assert summary["station_code"] == "T-RAIN" and summary["region_code"] == "410481001"
    from yingji.core.errors import NotFound

    with pytest.raises(NotFound):
        services.alarm_summary(User.objects.get(username="township2"), alarm.pk)

"""The readings simulator: each station on its own grid, each sensor's series continuing from its last reading (never
interleaving two series), storms within physical bounds, rules evaluated through the ingestion service; one
simulator at a time (a storm is handed to the running one); ``yingji serve`` runs it beside the demo county."""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from datetime import datetime, timedelta

import pytest
import time_machine
from django.conf import settings as django_settings
from django.utils import timezone

from yingji import cli
from yingji.core import demo
from yingji.monitoring import simulate
from yingji.monitoring.choices import AlarmState, RuleKind
from yingji.monitoring.models import Alarm, LatestValue, Reading, Sensor, Station
from yingji.standards import rainstorm


@pytest.fixture(autouse=True)
def _own_data_dir(settings, tmp_path):
    """The lock and the weather file of each test in a directory of its own."""
    settings.DATA_DIR = tmp_path


def _series(items) -> dict[tuple[str, str], list[tuple[datetime, float]]]:
    out = defaultdict(list)
    for item in items:
        out[(item["station"], item["sensor"])].append((datetime.fromisoformat(item["ts"]), item["value"]))
    return out


def _latest() -> dict[tuple[str, str], datetime]:
    return {(code, key): ts for code, key, ts in LatestValue.objects.values_list(
        "sensor__station__code", "sensor__key", "ts")}


def test_readings_continue_each_series_on_the_station_grid(demo_county):
    now = timezone.now()
    sim = simulate.Simulator()
    sim.load_last_readings(now)
    latest = _latest()
    series = _series(sim.advance(now + timedelta(hours=1)))
    intervals = dict(Station.objects.values_list("code", "expected_interval"))
    assert {60, 300} <= set(intervals.values())
    assert len(series) == Sensor.objects.filter(station__status="active").exclude(station__type="video").count()
    for (code, key), rows in series.items():
        interval = intervals[code]
        times = [t for t, _v in rows]
        assert all(t.timestamp() % interval == 0 for t in times), (code, key)
        # Continuing: the first new reading is the next instant of the grid after the stored one, then every
        # interval; nothing lands between two readings.
        assert times[0] == simulate.grid_after(interval, latest[(code, key)]), (code, key)
        assert all((b - a).total_seconds() == interval for a, b in zip(times, times[1:], strict=False))


def test_a_sensor_without_readings_starts_on_the_grid_and_gaps_stay_gaps(demo_county):
    now = timezone.now()
    station = Station.objects.get(code="WL410481001")
    LatestValue.objects.filter(sensor__station=station).update(ts=now - timedelta(days=3))
    sim = simulate.Simulator([station])
    sim.load_last_readings(now)
    times = [t for t, _v in _series(sim.advance(now))[("WL410481001", "water_level")]]
    # A station silent for days resumes with at most MAX_CATCH_UP of readings (no invented week of data).
    assert times[0] >= now - simulate.MAX_CATCH_UP and times[-1] <= now
    assert len(times) == pytest.approx(simulate.MAX_CATCH_UP.total_seconds() / 300, abs=1)
    fresh = simulate.Simulator([station], seed=3)
    only = _series(fresh.advance(now))[("WL410481001", "water_level")]
    assert len(only) == 1 and only[0][0] == simulate.grid_at_or_before(300, now)


def test_two_writers_give_the_same_values_so_nothing_interleaves(demo_county):
    now = timezone.now()
    a, b = simulate.Simulator(), simulate.Simulator()
    a.load_last_readings(now)
    b.load_last_readings(now)
    assert a.advance(now + timedelta(minutes=30)) == b.advance(now + timedelta(minutes=30))


def _rates(rows):
    return [(v2 - v1) / ((t2 - t1).total_seconds() / 3600) for (t1, v1), (t2, v2) in zip(rows, rows[1:], strict=False)]


def test_storm_values_stay_physically_plausible(demo_county):
    now = timezone.now()
    sim = simulate.Simulator(weather=simulate.Weather(now))
    sim.load_last_readings(now)
    series = _series(sim.advance(now + timedelta(hours=simulate.STORM_HOURS + 0.5)))
    ranges = {(s.station.code, s.key): (s.valid_min, s.valid_max) for s in Sensor.objects.select_related("station")}
    for key, rows in series.items():
        lo, hi = ranges[key]
        assert all(lo <= v <= hi for _t, v in rows), key
    signals = []
    for (code, key), rows in series.items():
        if key == "rain":
            mm = [v for _t, v in rows]
            assert max(mm) <= 100 * 5 / 60, code  # never more than 100 mm/h in a 5-minute step
            assert min(mm) >= 0
            sums = {h: max(sum(mm[i:i + h * 12]) for i in range(len(mm))) for h in (3, 6, 12)}
            signals.append(rainstorm.signal(mm_3h=sums[3], mm_6h=sums[6], mm_12h=sums[12]))
        elif key == "water_level":
            assert max(abs(r) for r in _rates(rows)) <= simulate.MAX_WATER_RATE + 0.02, code
        elif key == "displacement":
            rates = _rates(rows)
            assert max(rates) <= 8.5 and min(rates) >= -0.5, code  # creeps: a few mm/h at the height of the storm
        elif key == "phreatic_depth":
            assert min(v for _t, v in rows) >= 0.5
    # Every gauge sees at least the orange signal, the wetter ones red, none stays dry.
    assert set(signals) <= {"orange", "red"} and "red" in signals and "orange" in signals
    rivers = [max(v for _t, v in rows) for (code, key), rows in series.items() if key == "water_level"]
    assert any(level >= 5.7 for level in rivers) and any(level < 4.5 for level in rivers)


def test_dry_weather_raises_nothing(demo_county):
    now = timezone.now()
    sim = simulate.Simulator()
    sim.load_last_readings(now)
    series = _series(sim.advance(now + timedelta(hours=6)))
    for (_code, key), rows in series.items():
        if key == "rain":
            assert max(sum(v for _t, v in rows[i:i + 12]) for i in range(len(rows))) < 10
        if key == "water_level":
            assert max(abs(r) for r in _rates(rows)) < 0.2
            assert max(v for _t, v in rows) < 4.5


def test_storm_run_through_the_ingestion_service(demo_county):
    before = set(Alarm.objects.values_list("pk", flat=True))
    start = timezone.now()
    with time_machine.travel(start, tick=False) as traveller:
        totals = simulate.run(storm=True, hours=simulate.STORM_HOURS, sleep=lambda s: traveller.shift(60))
    assert totals["rejected"] == 0 and totals["accepted"] > 3000 and totals["duplicates"] == 0
    new = Alarm.objects.exclude(pk__in=before).select_related("rule", "sensor", "station")
    kinds = {(a.rule.kind, a.level) for a in new}
    assert (RuleKind.RAINSTORM, "red") in kinds and (RuleKind.ABOVE, "red") in kinds
    assert any(kind == RuleKind.ROLLING_SUM for kind, _level in kinds)
    # Rates from real intervals of one coherent series: no "rising 84 m/h".
    for alarm in new.filter(rule__kind=RuleKind.RATE):
        limit = simulate.MAX_WATER_RATE + 0.05 if alarm.sensor.key == "water_level" else 9
        assert alarm.last_value <= limit, (alarm.station.code, alarm.last_value)
    # Nothing went offline while the simulator ran.
    assert not new.filter(rule__kind=RuleKind.NO_DATA).exists()
    water = list(Reading.objects.filter(sensor__station__code="WL410481003", ts__gte=start - timedelta(hours=1))
                 .order_by("ts").values_list("ts", flat=True))
    assert all((b - a).total_seconds() == 300 for a, b in zip(water, water[1:], strict=False))


def test_one_simulator_at_a_time_and_a_storm_is_handed_to_the_running_one(demo_county):
    running = simulate._Lock()
    running.acquire()
    try:
        with pytest.raises(simulate.SimulatorBusy) as busy:
            simulate.run()
        assert busy.value.pid == os.getpid()
        totals = simulate.run(storm=True)
        assert totals["handed_to"] == os.getpid()
        weather = simulate.read_weather()
        assert weather.storm_start == totals["storm_start"] and weather.storm_active(timezone.now())
    finally:
        running.release()
    # Free again: a run catches up (nothing new to write a moment after the last one) and clears a finished storm.
    simulate.write_weather(simulate.Weather(timezone.now() - timedelta(hours=10)))
    simulate.run()
    assert simulate.read_weather().storm_start is None


def test_follow_stops_when_asked(demo_county):
    calls = {"n": 0}

    def stop():
        calls["n"] += 1
        return calls["n"] > 2

    totals = simulate.run(follow=True, stop=stop, sleep=lambda s: None)
    assert calls["n"] == 3 and totals["rejected"] == 0


# --- serve runs it beside the demo --------------------------------------------------------------------------


def test_serve_runs_the_simulator_beside_the_demo_county(demo_county, monkeypatch):
    parser = cli.build_parser()
    children = cli.serve_children(parser.parse_args(["serve"]))
    assert set(children) == {"web", "worker", "sweeper", "simulator"}
    args = parser.parse_args(children["simulator"][3:])
    assert args.func is cli.cmd_simulate and args.follow and args.quiet and not args.storm
    assert "simulator" not in cli.serve_children(parser.parse_args(["serve", "--no-simulate"]))
    assert set(cli.serve_children(parser.parse_args(["serve", "--no-worker"]))) == {"web", "simulator"}
    monkeypatch.setattr(demo, "is_loaded", lambda: False)
    assert "simulator" not in cli.serve_children(parser.parse_args(["serve"]))


def test_simulate_command_reports_a_busy_simulator(demo_county, capsys):
    running = simulate._Lock()
    running.acquire()
    try:
        assert cli.main(["simulate"]) == 1
        assert "another simulator" in capsys.readouterr().err
        assert cli.main(["simulate", "--storm"]) == 0
        assert "plays a storm" in capsys.readouterr().out
    finally:
        running.release()
    assert cli.main(["simulate", "--hours", "60"]) == 2


# --- quiet logs ------------------------------------------------------------------------------------------------


def test_pdf_libraries_and_the_sweeper_are_quiet_at_info(db, caplog):
    for name in ("weasyprint", "weasyprint.progress", "fontTools", "fontTools.subset", "fontTools.ttLib"):
        assert logging.getLogger(name).getEffectiveLevel() >= logging.WARNING, name
    assert django_settings.LOGGING["loggers"]["weasyprint"]["level"] == "WARNING"
    from yingji.core import tasks

    with caplog.at_level(logging.DEBUG, logger="yingji.core.tasks"):
        enqueued = tasks.sweep_tick()
    assert enqueued, "no job was due: the tick proves nothing"
    mine = [r for r in caplog.records if r.name == "yingji.core.tasks"]
    assert mine and all(r.levelno == logging.DEBUG for r in mine)


def test_offline_job_logs_only_when_it_raises(demo_county, caplog):
    from yingji.monitoring import tasks

    Station.objects.update(last_reading_at=timezone.now())
    with caplog.at_level(logging.INFO, logger="yingji.monitoring.tasks"):
        tasks.check_offline_stations.call()
    assert not caplog.records
    Station.objects.filter(code="RG410481001").update(last_reading_at=timezone.now() - timedelta(hours=1))
    with caplog.at_level(logging.INFO, logger="yingji.monitoring.tasks"):
        tasks.check_offline_stations.call()
    assert len(caplog.records) == 1 and "offline" in caplog.records[0].getMessage()
    assert Alarm.objects.filter(station__code="RG410481001", state=AlarmState.OPEN,
                                rule__kind=RuleKind.NO_DATA).exists()


def test_serve_catches_the_demo_stations_up_before_the_first_offline_check(demo_county, capsys):
    from yingji.monitoring import services

    later = timezone.now() + timedelta(minutes=20)
    with time_machine.travel(later, tick=False):
        cli._catch_up_demo_readings()
        assert "Catching up" in capsys.readouterr().out
        assert not services.check_offline()
        stale = [s.code for s in Station.objects.filter(status="active").exclude(type="video")
                 if (timezone.now() - s.last_reading_at).total_seconds() >= s.expected_interval]
        assert not stale

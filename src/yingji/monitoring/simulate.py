"""Realistic synthetic readings for every active station, shared by the demo history and ``yingji simulate``.

A storm (``_storm_intensity``, scaled 0.8-1.25 per gauge) crosses the national rainstorm thresholds: yellow, then
orange, then red on the wetter gauges; water levels and tailings phreatic
lines follow the accumulated rain, geohazard displacement accelerates with it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta

from .choices import StationStatus, StationType
from .models import Station

STEP = timedelta(minutes=5)
GRID_OFFSET = timedelta(seconds=150)
STORM_HOURS = 7.5


def _storm_intensity(elapsed_h: float, factor: float) -> float:
    """mm/h of the storm ``elapsed_h`` hours after its start: 4.5 h of steady heavy rain (≈ 12 mm/h: the 6 h sum
    reaches yellow), a 2 h downpour (≈ 55 mm/h: orange, then red on wetter gauges), then an hour tailing off."""
    if elapsed_h < 0 or elapsed_h > STORM_HOURS:
        return 0.0
    if elapsed_h < 4.5:
        return 12 * factor
    if elapsed_h < 6.5:
        return 55 * factor
    return 8 * factor


class Simulator:
    def __init__(self, rng: random.Random, stations: list[Station] | None = None, storm_start: datetime | None = None):
        self.rng = rng
        self.stations = stations if stations is not None else list(
            Station.objects.filter(status=StationStatus.ACTIVE).exclude(type=StationType.VIDEO)
            .prefetch_related("sensors").order_by("code"))
        self.storm_start = storm_start
        self.state: dict[str, dict[str, float]] = {}
        for s in self.stations:
            self.state[s.code] = {"cum_rain": 0.0, "peak": rng.uniform(0.8, 1.25), "base": rng.uniform(1.5, 3.5),
                                  "displacement": rng.uniform(0, 5), "phreatic": rng.uniform(6, 8)}

    def rain_mm(self, code: str, ts: datetime, step: timedelta) -> float:
        hours = step.total_seconds() / 3600
        st = self.state[code]
        if self.storm_start is not None:
            mm_h = _storm_intensity((ts - self.storm_start).total_seconds() / 3600, st["peak"])
            mm_h *= self.rng.uniform(0.85, 1.15)
        else:
            mm_h = self.rng.choice([0, 0, 0, 0, 0.5, 1.2]) * self.rng.random()
        return round(mm_h * hours, 1)

    def step(self, ts: datetime, step: timedelta = STEP) -> Iterator[dict]:
        """Readings of every station at ``ts`` (one step of ``step`` since the previous call)."""
        hours = step.total_seconds() / 3600
        for s in self.stations:
            st = self.state[s.code]
            rain = self.rain_mm(s.code, ts, step)
            st["cum_rain"] = st["cum_rain"] * (1 - 0.08 * hours) + rain
            keys = {sensor.key for sensor in s.sensors.all()}
            values: dict[str, float] = {}
            if s.type == StationType.RAIN:
                values["rain"] = rain
            elif s.type == StationType.WATER_LEVEL:
                values["water_level"] = round(st["base"] + 0.025 * st["cum_rain"] + self.rng.uniform(-0.01, 0.01),
                                              3)
            elif s.type == StationType.TAILINGS:
                values["phreatic_depth"] = round(max(0.5, st["phreatic"] - 0.03 * st["cum_rain"]), 2)
                st["displacement"] += 0.01 * hours + 0.002 * rain
                values["displacement"] = round(st["displacement"], 2)
                values["pond_level"] = round(12 + 0.01 * st["cum_rain"], 2)
            elif s.type == StationType.GEOHAZARD:
                st["displacement"] += 0.02 * hours + 0.3 * rain * (st["cum_rain"] / 60)
                values["displacement"] = round(st["displacement"], 2)
            elif s.type == StationType.GAS:
                values["gas"] = round(abs(self.rng.gauss(1.0, 0.8)), 2)
            elif s.type == StationType.TANK:
                values["pressure"] = round(self.rng.gauss(0.8, 0.03), 3)
                values["temperature"] = round(self.rng.gauss(24, 1.5), 1)
                values["level"] = round(self.rng.uniform(40, 80), 1)
            elif s.type == StationType.WIND:
                values["wind_speed"] = round(abs(self.rng.gauss(3 + 0.2 * rain * 12, 1.5)), 1)
            for key, value in values.items():
                if key in keys:
                    yield {"station": s.code, "sensor": key, "ts": ts.isoformat(), "value": value}


def align(ts: datetime, step: timedelta = STEP) -> datetime:
    seconds = step.total_seconds()
    return datetime.fromtimestamp(int(ts.timestamp() // seconds) * seconds, tz=ts.tzinfo)


def post_batch(url: str, token: str, items: list[dict], timeout: float = 60) -> dict:
    """POST one batch to ``<url>/api/v1/readings`` (the public ingestion path)."""
    import json
    import urllib.request

    if not url.startswith(("http://", "https://")):
        raise OSError(f"--url must be an http(s) URL, not {url!r}")
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url.rstrip("/") + "/api/v1/readings", data=json.dumps(items).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (operator-given URL)
        return json.loads(response.read())


def run(*, hours: float = 9.0, storm: bool = False, url: str | None = None, token: str | None = None,
        interval: float = 0.0, seed: int = 7, out=None, station_types: list[str] | None = None) -> dict:
    """Stream ``hours`` of readings (5-minute steps ending now) for every active station (or those of
    ``station_types``), one batch per step, over HTTP when ``url`` is given, else through ``services.ingest``.
    With ``storm`` the storm starts an hour in. Returns the totals."""
    import time

    from django.utils import timezone

    from . import services
    from .models import Alarm

    # The simulated gateways report at 2.5 minutes past each 5-minute mark, so a replay interleaves with the
    # demo history (stored on the 10-minute marks) instead of colliding with it; a second replay of the same
    # period is counted as duplicates and stores nothing.
    now = timezone.now()
    end = align(now) + GRID_OFFSET
    if end > now:
        end -= STEP
    start = end - timedelta(hours=hours)
    stations = None
    if station_types:
        stations = list(Station.objects.filter(status=StationStatus.ACTIVE, type__in=station_types)
                        .prefetch_related("sensors").order_by("code"))
    sim = Simulator(random.Random(seed), stations, storm_start=start + timedelta(hours=1) if storm else None)
    alarms_before = set(Alarm.objects.values_list("pk", flat=True))
    totals = {"batches": 0, "accepted": 0, "duplicates": 0, "rejected": 0}
    ts = start + STEP
    while ts <= end:
        items = list(sim.step(ts))
        result = post_batch(url, token or "", items) if url else services.ingest(None, items).as_dict()
        totals["batches"] += 1
        totals["accepted"] += result["accepted"]
        totals["duplicates"] += result["duplicates"]
        totals["rejected"] += len(result["rejected"])
        if out is not None:
            print(f"{ts:%Y-%m-%d %H:%M} accepted {result['accepted']:>4} duplicates {result['duplicates']:>4} "
                  f"rejected {len(result['rejected'])}", file=out, flush=True)
        if interval:
            time.sleep(interval)
        ts += STEP
    new = Alarm.objects.exclude(pk__in=alarms_before).select_related("station", "rule").order_by("raised_at")
    totals["new_alarms"] = [f"{a.level:<6} {a.station.code} {a.rule.name}" for a in new]
    return totals

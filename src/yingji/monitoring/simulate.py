"""Realistic synthetic readings for the active stations: the demo history, the simulator ``yingji serve`` runs beside
a demo county, and ``yingji simulate [--storm]``.

Each station reports on its own time grid (multiples of its expected interval since the epoch, so every writer
lands on the same instants), and each sensor's series continues from its last stored reading: the simulator never
writes between two stored readings, so two series can never interleave, and a rate of change is always taken over
the real time between readings. Values follow simple physics: rain comes from the weather (dry showers, or a storm),
a river's level relaxes towards a level set by the rain its township's gauge measured over 6 h (rising at most
1.5 m/h), tailings phreatic lines and pond levels follow 24 h of rain slowly, slope displacement creeps faster
when rain soaks the ground (a few mm/h at the height of a storm), gas and tank readings wander around their
working points.

Only one simulator writes at a time (a lock file in the data directory). The weather lives in a small file beside
it, so ``yingji simulate --storm`` starts a storm in the simulator ``yingji serve`` already runs.
"""

from __future__ import annotations

import json
import math
import random
import time
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .choices import StationStatus, StationType
from .models import BUCKET_SECONDS, LatestValue, Reading, Station

#: The storm (hours since its start → mm/h at a gauge of factor 1): half an hour building, a two-hour downpour, an
#: hour tailing off. A gauge's factor (0.8-1.25) makes the wetter gauges reach the red rainstorm signal
#: (100 mm in 3 h) and the drier ones orange (50 mm in 3 h); short-duration heavy rain (30 mm in 1 h) comes first.
STORM_PROFILE = ((0.5, 15.0), (2.5, 50.0), (3.5, 8.0))
STORM_HOURS = STORM_PROFILE[-1][0]
#: A sensor silent for longer than this resumes with a gap (an outage stays visible) instead of invented data.
MAX_CATCH_UP = timedelta(hours=6)
#: The fastest a simulated river rises or falls (m/h): a flash flood in a small mountain river.
MAX_WATER_RATE = 1.5
RAIN_LOG = timedelta(hours=24)
#: A following simulator re-reads the stations this often.
RELOAD_EVERY = timedelta(minutes=10)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def storm_intensity(elapsed_h: float) -> float:
    """mm/h of the storm ``elapsed_h`` hours after its start, at a gauge of factor 1 (0 outside the storm)."""
    if elapsed_h < 0:
        return 0.0
    for until, mm_h in STORM_PROFILE:
        if elapsed_h < until:
            return mm_h
    return 0.0


def _fraction(*parts) -> float:
    """A stable number in [0, 1) from the parts (the same in every process, unlike ``hash``)."""
    return zlib.crc32(":".join(str(p) for p in parts).encode()) / 2**32


def grid_after(interval: int, after: datetime) -> datetime:
    """The first instant of a station's grid (multiples of ``interval`` seconds since the epoch) after ``after``."""
    seconds = (after - EPOCH).total_seconds()
    return EPOCH + timedelta(seconds=(math.floor(seconds / interval) + 1) * interval)


def grid_at_or_before(interval: int, at: datetime) -> datetime:
    seconds = (at - EPOCH).total_seconds()
    return EPOCH + timedelta(seconds=math.floor(seconds / interval) * interval)


@dataclass
class Weather:
    """What the sky does: dry-weather showers, or a storm from ``storm_start``."""

    storm_start: datetime | None = None

    def storm_active(self, ts: datetime) -> bool:
        return self.storm_start is not None and storm_intensity(self.elapsed_h(ts)) > 0

    def elapsed_h(self, ts: datetime) -> float:
        return (ts - self.storm_start).total_seconds() / 3600 if self.storm_start else -1.0


@dataclass
class _StationState:
    station: Station
    keys: set[str]
    last: dict[str, tuple[datetime, float]] = field(default_factory=dict)


class Simulator:
    """Readings of the stations, continuing each sensor's series from its last value on the station's grid."""

    def __init__(self, stations: Iterable[Station] | None = None, *, seed: int = 7,
                 weather: Weather | None = None):
        stations = list(stations) if stations is not None else list(
            Station.objects.filter(status=StationStatus.ACTIVE).exclude(type=StationType.VIDEO)
            .prefetch_related("sensors").order_by("code"))
        self.seed = seed
        self.weather = weather or Weather()
        self.states = {s.code: _StationState(s, {sensor.key for sensor in s.sensors.all()}) for s in stations}
        #: Rain (ts, mm) of each rain gauge over the last day, for the water levels and slopes that respond to it.
        self.rain_log: dict[str, deque[tuple[datetime, float]]] = defaultdict(deque)
        self._gauges = {s.region_code[:9]: s.code for s in stations if s.type == StationType.RAIN}

    # --- state from the database ---------------------------------------------------------------------------

    def load_last_readings(self, now: datetime) -> None:
        """Continue from what is stored: each sensor's latest value and the last day of rain."""
        by_id = {sensor.pk: (state, sensor.key) for state in self.states.values()
                 for sensor in state.station.sensors.all()}
        for sensor_id, ts, value in LatestValue.objects.filter(sensor_id__in=list(by_id)).values_list(
                "sensor_id", "ts", "value"):
            state, key = by_id[sensor_id]
            state.last[key] = (ts, value)
        rain_ids = [sid for sid, (state, key) in by_id.items()
                    if state.station.type == StationType.RAIN and key == "rain"]
        for sensor_id, ts, value in (Reading.objects.filter(sensor_id__in=rain_ids, ts__gt=now - RAIN_LOG)
                                     .order_by("ts").values_list("sensor_id", "ts", "value")):
            self.rain_log[by_id[sensor_id][0].station.code].append((ts, value))

    # --- physics ---------------------------------------------------------------------------------------------

    def _rng(self, code: str, ts: datetime) -> random.Random:
        # One generator per station and instant: whoever computes a reading gets the same value.
        return random.Random(f"{self.seed}:{code}:{int(ts.timestamp())}")

    def gauge_factor(self, code: str) -> float:
        return 0.8 + 0.45 * _fraction("gauge", code)

    def _rain_mm(self, code: str, ts: datetime, hours: float, rng: random.Random) -> float:
        if self.weather.storm_active(ts):
            mm_h = storm_intensity(self.weather.elapsed_h(ts)) * self.gauge_factor(code) * rng.uniform(0.85, 1.15)
        else:
            mm_h = rng.choice([0, 0, 0, 0, 0.5, 1.2]) * rng.random()
        return round(mm_h * hours, 1)

    def rain_sum(self, station: Station, ts: datetime, hours: float) -> float:
        """Rain over the ``hours`` before ``ts`` at the station's township gauge (its own, for a gauge)."""
        code = station.code if station.type == StationType.RAIN else self._gauges.get(station.region_code[:9])
        if code is None:
            return 0.0
        since = ts - timedelta(hours=hours)
        return sum(mm for t, mm in self.rain_log.get(code, ()) if since < t <= ts)

    def _values(self, state: _StationState, ts: datetime, rng: random.Random) -> dict[str, float]:
        s, last = state.station, state.last
        base = _fraction("base", s.code)

        def previous(key: str, default: float) -> tuple[float, float]:
            """The sensor's last value and the hours since it (the station's interval for a first reading)."""
            if key in last:
                return last[key][1], max((ts - last[key][0]).total_seconds(), 1) / 3600
            return default, s.expected_interval / 3600

        def relax(key: str, target: float, tau_h: float, default: float) -> tuple[float, float]:
            value, hours = previous(key, target if default is None else default)
            return value + (target - value) * (1 - math.exp(-hours / tau_h)), hours

        if s.type == StationType.RAIN:
            mm = self._rain_mm(s.code, ts, s.expected_interval / 3600, rng)
            log = self.rain_log[s.code]
            log.append((ts, mm))
            while log and log[0][0] <= ts - RAIN_LOG:
                log.popleft()
            return {"rain": mm}
        if s.type == StationType.WATER_LEVEL:
            target = 1.5 + 2.0 * base + 0.025 * self.rain_sum(s, ts, 6)
            old, hours = previous("water_level", target)
            value, _ = relax("water_level", target, 0.75, None)
            step = value - old + rng.uniform(-0.004, 0.004)
            step = max(-MAX_WATER_RATE * hours, min(MAX_WATER_RATE * hours, step))
            return {"water_level": round(old + step, 3)}
        if s.type == StationType.TAILINGS:
            rain_24h = self.rain_sum(s, ts, 24)
            phreatic, _ = relax("phreatic_depth", max(0.5, 6 + 2 * base - 0.03 * rain_24h), 3.0, None)
            pond, _ = relax("pond_level", 12 + 0.01 * rain_24h, 2.0, None)
            shift, hours = previous("displacement", 5 * base)
            return {"phreatic_depth": round(phreatic, 2), "pond_level": round(pond, 2),
                    "displacement": round(shift + (0.01 + 0.0005 * rain_24h) * hours, 2)}
        if s.type == StationType.GEOHAZARD:
            shift, hours = previous("displacement", 5 * base)
            rate = min(8.0, 0.02 + 0.05 * self.rain_sum(s, ts, 3))
            return {"displacement": round(shift + rate * hours + rng.uniform(-0.005, 0.005), 2)}
        if s.type == StationType.GAS:
            return {"gas": round(abs(rng.gauss(1.0, 0.8)), 2)}
        if s.type == StationType.TANK:
            level, _hours = previous("level", 50 + 20 * base)
            return {"pressure": round(rng.gauss(0.8, 0.03), 3), "temperature": round(rng.gauss(24, 1.5), 1),
                    "level": round(min(80.0, max(40.0, level + rng.gauss(0, 0.2))), 1)}
        if s.type == StationType.WIND:
            rain_rate = self.rain_sum(s, ts, 1)
            return {"wind_speed": round(abs(rng.gauss(3 + 0.25 * rain_rate, 1.0)), 1)}
        return {}

    # --- stepping --------------------------------------------------------------------------------------------

    def _first_time(self, state: _StationState, start: datetime | None, until: datetime) -> datetime:
        interval = state.station.expected_interval
        lasts = [ts for ts, _ in state.last.values()]
        if lasts:
            first = grid_after(interval, max(lasts))
            return max(first, grid_after(interval, until - MAX_CATCH_UP))
        if start is not None:
            return grid_after(interval, start - timedelta(microseconds=1))
        return grid_at_or_before(interval, until)

    def advance(self, until: datetime, start: datetime | None = None) -> list[dict]:
        """Readings of every station at each instant of its grid after its last reading (or from ``start`` for a
        station without readings, else its latest grid instant) up to ``until``, in time order."""
        plan: dict[datetime, list[_StationState]] = defaultdict(list)
        for state in self.states.values():
            interval = timedelta(seconds=state.station.expected_interval)
            ts = self._first_time(state, start, until)
            while ts <= until:
                plan[ts].append(state)
                ts += interval
        items = []
        for ts in sorted(plan):
            # Gauges first: the rivers and slopes at this instant respond to the rain just measured.
            for state in sorted(plan[ts], key=lambda st: st.station.type != StationType.RAIN):
                rng = self._rng(state.station.code, ts)
                for key, value in self._values(state, ts, rng).items():
                    state.last[key] = (ts, value)
                    if key in state.keys:
                        items.append({"station": state.station.code, "sensor": key, "ts": ts.isoformat(),
                                      "value": value})
        return items

    def next_due(self) -> datetime | None:
        """The earliest instant at which some station reports next."""
        due = [grid_after(st.station.expected_interval, max(ts for ts, _ in st.last.values()))
               for st in self.states.values() if st.last]
        return min(due) if due else None


def batches(items: list[dict]) -> list[list[dict]]:
    """The readings in one batch per ``BUCKET_SECONDS`` of time, in order: rolling-window rules are evaluated as
    of each batch's newest reading, so a long catch-up is judged step by step as a live feed would be."""
    groups: dict[int, list[dict]] = defaultdict(list)
    for item in items:
        groups[int(datetime.fromisoformat(item["ts"]).timestamp() // BUCKET_SECONDS)].append(item)
    return [groups[k] for k in sorted(groups)]


# --- the running simulator -----------------------------------------------------------------------------------


class SimulatorBusy(Exception):
    """Another simulator holds the lock (its process id, if known)."""

    def __init__(self, pid: int | None):
        super().__init__(pid)
        self.pid = pid


def _paths() -> tuple[Path, Path]:
    from django.conf import settings

    data_dir = Path(settings.DATA_DIR)
    return data_dir / "simulator.lock", data_dir / "simulator-weather.json"


def read_weather() -> Weather:
    _lock, path = _paths()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        start = data.get("storm_start")
        return Weather(datetime.fromisoformat(start) if start else None)
    except (OSError, ValueError, AttributeError):
        return Weather()


def write_weather(weather: Weather) -> None:
    _lock, path = _paths()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"storm_start": weather.storm_start.isoformat() if weather.storm_start else None}),
                   encoding="utf-8")
    tmp.replace(path)


class _Lock:
    """An exclusive lock on the simulator lock file (released when the process ends, however it ends)."""

    def __init__(self):
        self.path, _weather = _paths()
        self.handle = None

    def acquire(self) -> None:
        import fcntl
        import os

        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115  (held open while the simulator runs)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            text = handle.read().strip()
            handle.close()
            raise SimulatorBusy(int(text) if text.isdigit() else None) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def post_batch(url: str, token: str, items: list[dict], timeout: float = 60) -> dict:
    """POST one batch to ``<url>/api/v1/readings`` (the public ingestion path)."""
    import urllib.request

    if not url.startswith(("http://", "https://")):
        raise OSError(f"--url must be an http(s) URL, not {url!r}")
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url.rstrip("/") + "/api/v1/readings", data=json.dumps(items).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (operator-given URL)
        return json.loads(response.read())


def run(*, storm: bool = False, hours: float = 0.0, follow: bool = False, url: str | None = None,
        token: str | None = None, seed: int = 7, out=None, stop: Callable[[], bool] = lambda: False,
        clock: Callable[[], datetime] | None = None, sleep: Callable[[float], None] = time.sleep) -> dict:
    """Write readings: catch every station up from its last reading to now, then keep writing in real time for
    ``hours`` (or until ``stop()`` with ``follow``). ``storm`` starts a storm now. Through ``services.ingest``
    (rules evaluated), or over HTTP when ``url`` is given. When another simulator runs, a storm is handed to it
    (``totals["handed_to"]`` is its process id) and anything else raises ``SimulatorBusy``."""
    from django.utils import timezone

    from . import services
    from .models import Alarm

    clock = clock or timezone.now
    now = clock()
    lock = _Lock()
    try:
        lock.acquire()
    except SimulatorBusy as busy:
        if not storm:
            raise
        write_weather(Weather(now))
        return {"handed_to": busy.pid, "storm_start": now}
    try:
        weather = Weather(now) if storm else read_weather()
        if storm or weather.storm_start and not weather.storm_active(now):
            write_weather(weather if storm else Weather())
        sim = Simulator(seed=seed, weather=weather)
        sim.load_last_readings(now)
        loaded_at = now
        end = None if follow else now + timedelta(hours=hours)
        alarms_before = set(Alarm.objects.values_list("pk", flat=True))
        totals = {"batches": 0, "accepted": 0, "duplicates": 0, "rejected": 0}
        while True:
            until = clock() if end is None else min(clock(), end)
            for batch in batches(sim.advance(until)):
                result = post_batch(url, token or "", batch) if url else services.ingest(None, batch).as_dict()
                totals["batches"] += 1
                totals["accepted"] += result["accepted"]
                totals["duplicates"] += result["duplicates"]
                totals["rejected"] += len(result["rejected"])
                if out is not None:
                    print(f"{batch[-1]['ts'][:16].replace('T', ' ')} accepted {result['accepted']:>4} "
                          f"duplicates {result['duplicates']:>4} rejected {len(result['rejected'])}",
                          file=out, flush=True)
            if (end is not None and until >= end) or stop():
                break
            due = sim.next_due() or (clock() + timedelta(seconds=60))
            if end is not None:
                due = min(due, end)
            # Short naps: a stop request or a storm handed over by another command is seen within a second.
            sleep(max(0.05, min(1.0, (due - clock()).total_seconds())))
            if clock() - loaded_at >= RELOAD_EVERY:
                # Stations added, retired or reloaded (``yingji demo --reset``) while the simulator runs.
                loaded_at = clock()
                sim = Simulator(seed=seed)
                sim.load_last_readings(loaded_at)
            sim.weather = read_weather()
        new = Alarm.objects.exclude(pk__in=alarms_before).select_related("station", "rule").order_by(
            "-severity", "raised_at")
        totals["new_alarms"] = [f"{a.level:<6} {a.station.code} {a.rule.name}" for a in new]
        return totals
    finally:
        lock.release()

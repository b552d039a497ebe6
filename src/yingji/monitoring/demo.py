"""Demo monitoring network: a rain gauge and a water-level station in every township, tailings-pond stations at
tailings enterprises, gas and tank sensors at major hazard sources, a few geological-hazard points, a wind mast
and a video point, with six hours of (dry-weather) history on each station's own grid, ingested through
``services.ingest``; ``yingji serve`` keeps the series going (``simulate``)."""

from __future__ import annotations

import datetime
import random
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from yingji.core.choices import RegionLevel
from yingji.core.models import Region

from . import services
from .choices import RuleKind, StationType
from .models import Alarm, HourlyAggregate, LatestValue, Reading, Rule, Sensor, SensorBucket, Station
from .simulate import Simulator, batches

HISTORY_HOURS = 6

SENSORS = {
    StationType.RAIN: [("rain", "雨量", "mm", 0, 200, True)],
    StationType.WATER_LEVEL: [("water_level", "水位", "m", 0, 30, False)],
    StationType.TAILINGS: [("phreatic_depth", "浸润线埋深", "m", 0, 40, False),
                           ("displacement", "坝顶位移", "mm", -500, 500, False),
                           ("pond_level", "库水位", "m", 0, 60, False)],
    StationType.GEOHAZARD: [("displacement", "裂缝位移", "mm", -2000, 2000, False)],
    StationType.GAS: [("gas", "可燃气体浓度", "%LEL", 0, 100, False)],
    StationType.TANK: [("pressure", "压力", "MPa", 0, 10, False), ("temperature", "温度", "°C", -40, 200, False),
                       ("level", "液位", "%", 0, 100, False)],
    StationType.WIND: [("wind_speed", "风速", "m/s", 0, 80, False)],
}


def _near(rng, lat, lon) -> tuple[Decimal | None, Decimal | None]:
    if lat is None:
        return None, None
    return (Decimal(f"{float(lat) + rng.uniform(-0.01, 0.01):.6f}"),
            Decimal(f"{float(lon) + rng.uniform(-0.01, 0.01):.6f}"))


def _station(rng, code, name, type_, region_code, lat, lon, enterprise=None, **extra) -> Station:
    lat, lon = _near(rng, lat, lon)
    station = Station.objects.create(code=code, name=name, type=type_, region_code=region_code, lat=lat, lon=lon,
                                     enterprise=enterprise, **extra)
    Sensor.objects.bulk_create([Sensor(station=station, key=k, name=n, unit=u, valid_min=lo, valid_max=hi,
                                       cumulative=c) for k, n, u, lo, hi, c in SENSORS.get(type_, [])])
    return station


def generate(rng: random.Random) -> None:
    from yingji.enterprises.models import Enterprise

    townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP).order_by("code"))
    for t in townships:
        suffix = t.code[6:]
        _station(rng, f"RG{t.code}", f"{t.name}雨量站", StationType.RAIN, t.code, t.lat, t.lon)
        guaranteed = round(5.5 + int(suffix) % 3 * 0.1, 1)
        water = _station(rng, f"WL{t.code}", f"{t.name}河道水位站", StationType.WATER_LEVEL, t.code, t.lat, t.lon,
                         warning_level=4.5, guarantee_level=guaranteed)
        # Warning (警戒) and guaranteed (保证) levels are per station: station-specific threshold rules, named in
        # the bureau's language like the rest of its data.
        with translation.override(settings.LANGUAGE_CODE):
            Rule.objects.create(name=_("%(station)s: above the warning level") % {"station": water.name},
                                kind=RuleKind.ABOVE, station=water, sensor_key="water_level", threshold=4.5,
                                level="orange")
            Rule.objects.create(name=_("%(station)s: above the guaranteed level") % {"station": water.name},
                                kind=RuleKind.ABOVE, station=water, sensor_key="water_level",
                                threshold=guaranteed, level="red")
    villages = list(Region.objects.filter(level=RegionLevel.VILLAGE, code__regex=r"^41048110[1-4]|^4104812")
                    .order_by("code"))
    for i, village in enumerate(rng.sample(villages, min(4, len(villages)))):
        _station(rng, f"GH{village.code}", f"{village.name}地质灾害隐患点{i + 1}", StationType.GEOHAZARD,
                 village.code, village.lat, village.lon)
    enterprises = Enterprise.objects.order_by("id")
    for e in list(enterprises.filter(tailings_pond=True)[:3]):
        _station(rng, f"TP{e.pk:05d}", f"{e.name}尾矿库在线监测", StationType.TAILINGS, e.region_code, e.lat, e.lon,
                 enterprise=e)
    majors = list(enterprises.filter(major_hazard=True)[:3]) or list(enterprises.filter(hazchem_production=True)[:3])
    for e in majors:
        _station(rng, f"GS{e.pk:05d}", f"{e.name}可燃气体监测", StationType.GAS, e.region_code, e.lat, e.lon,
                 enterprise=e, expected_interval=60)
        _station(rng, f"TK{e.pk:05d}", f"{e.name}储罐区监测", StationType.TANK, e.region_code, e.lat, e.lon,
                 enterprise=e, expected_interval=60)
    if townships:
        t = townships[0]
        _station(rng, "WD410481", "市气象观测场风速", StationType.WIND, t.code, t.lat, t.lon)
        _station(rng, "VD410481", "龙山水库坝首视频", StationType.VIDEO, t.code, t.lat, t.lon,
                 video_url="https://video.example.invalid/longshan")
    _history(rng)
    _season_rain()


def _season_rain() -> None:
    """This year's flood-season rain at the rain stations, as the hourly aggregates retention keeps (the hours
    before raw retention; the recent ones are the simulated raw readings): showers on about a third of the days,
    a few heavy days in July and August — the season the flood situation page shows. Its own generator keeps
    the demo's sequence."""
    from yingji.standards import flood_season

    from . import retention

    now = timezone.now()
    local = timezone.localtime(now)
    start, end = flood_season.season(local.year)
    raw_from = now - timedelta(days=retention.policy()["raw_days"])
    rows = []
    for sensor in Sensor.objects.filter(station__type=StationType.RAIN, cumulative=True).select_related("station"):
        gen = random.Random(f"season-rain-{sensor.station.code}")
        day = start
        while day <= end:
            wet = gen.random() < (0.45 if day.month in (7, 8) else 0.3)
            total = gen.choice((2, 4, 6, 9, 14, 22, 35, 60)) if wet else 0
            for hour in sorted(gen.sample(range(24), min(6, max(1, total // 6)))) if total else ():
                moment = timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))
                if moment >= raw_from:
                    break
                share = round(total / min(6, max(1, total // 6)), 1)
                rows.append(HourlyAggregate(sensor=sensor, hour=moment, count=12, min=0, max=share, sum=share))
            day += timedelta(days=1)
    HourlyAggregate.objects.bulk_create(rows, batch_size=2000)


def _history(rng: random.Random) -> None:
    now = timezone.now()
    sim = Simulator(seed=rng.randrange(1 << 30))
    for batch in batches(sim.advance(now, start=now - timedelta(hours=HISTORY_HOURS))):
        services.ingest(None, batch, now=now)


def clear() -> None:
    Alarm.objects.all().delete()
    Rule.objects.filter(station__isnull=False).delete()
    Reading.objects.all().delete()
    HourlyAggregate.objects.all().delete()
    SensorBucket.objects.all().delete()
    LatestValue.objects.all().delete()
    Sensor.objects.all().delete()
    Station.objects.all().delete()

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from yingji.monitoring.models import Sensor, Station


def ts(minutes_ago: float, second: int = 17) -> str:
    """An ISO timestamp off the demo history's 10-minute grid (so it never collides with demo readings)."""
    t = timezone.now().replace(microsecond=0, second=second) - timedelta(minutes=minutes_ago)
    return t.isoformat()


def make_station(code="T-1", type_="rain", region_code="410481001", enterprise=None, sensors=None, **extra):
    station = Station.objects.create(code=code, name=f"Test {code}", type=type_, region_code=region_code,
                                     enterprise=enterprise, **extra)
    for key, lo, hi, cumulative in sensors or [("rain", 0, 200, True)]:
        Sensor.objects.create(station=station, key=key, unit="mm", valid_min=lo, valid_max=hi, cumulative=cumulative)
    return station

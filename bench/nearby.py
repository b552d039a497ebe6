"""Benchmark of the nearby search: ``resources.services.nearby`` (bounding-box prefilter on the indexed lat/lon
columns + exact great-circle distance in Python) against a brute-force Python scan of every candidate, at 1k,
10k and 100k shelters spread over mainland China's extent, on a fresh SQLite database file.

Every query's answer is checked to be identical (ids and distances) to the brute-force ordering.

    .venv/bin/python bench/run.py            # all benchmarks, writes bench/results/latest.json
    .venv/bin/python bench/nearby.py         # this one only (prints the table)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal

SIZES = (1_000, 10_000, 100_000)
QUERIES = 30
LIMIT = 10
#: Mainland China's rough extent (degrees): a "far beyond county scale" spread.
LAT_RANGE, LON_RANGE = (18.0, 53.0), (73.0, 135.0)


def _setup_django() -> None:
    os.environ.setdefault("YINGJI_DATA_DIR", tempfile.mkdtemp(prefix="yingji-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _brute_force(user, lat: float, lon: float, limit: int) -> list[tuple[int, float]]:
    from yingji.core.geo import haversine_km
    from yingji.resources import services

    rows = services.nearby_queryset(user, "shelter").values_list("pk", "lat", "lon")
    scored = sorted(((haversine_km(lat, lon, float(a), float(b)), pk) for pk, a, b in rows))
    return [(pk, round(d * 1000, 1)) for d, pk in scored[:limit]]


def _populate(n: int, rng: random.Random) -> None:
    from yingji.resources.models import Shelter

    Shelter.objects.all().delete()
    Shelter.objects.bulk_create(
        (Shelter(name=f"B{i}", level="village", kind="school", space="indoor", region_code="410481",
                 area_m2=Decimal(300), capacity=200, lat=Decimal(f"{rng.uniform(*LAT_RANGE):.6f}"),
                 lon=Decimal(f"{rng.uniform(*LON_RANGE):.6f}")) for i in range(n)),
        batch_size=5000)


def run() -> dict:
    _setup_django()
    from django.db import connection

    from yingji.core.models import Region, User, UserRole
    from yingji.resources import services

    Region.objects.get_or_create(code="410481", defaults={"name": "Bench county", "level": "county"})
    user, _created = User.objects.get_or_create(username="bench", defaults={"scope_region_code": "410481"})
    UserRole.objects.get_or_create(user=user, role="admin")
    user = User.objects.get(pk=user.pk)
    rng = random.Random(20260101)
    results = []
    for n in SIZES:
        _populate(n, rng)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE") if connection.vendor == "sqlite" else None
        points = [(rng.uniform(*LAT_RANGE), rng.uniform(*LON_RANGE)) for _ in range(QUERIES)]
        fast, slow, exact = [], [], True
        services.nearby(user, *points[0], "shelter", LIMIT)  # warm caches
        for lat, lon in points:
            t0 = time.perf_counter()
            got = services.nearby(user, lat, lon, "shelter", LIMIT)
            t1 = time.perf_counter()
            expected = _brute_force(user, lat, lon, LIMIT)
            t2 = time.perf_counter()
            fast.append((t1 - t0) * 1000)
            slow.append((t2 - t1) * 1000)
            exact &= [(g["id"], g["distance_m"]) for g in got] == expected
        nearby_ms, brute_ms = statistics.median(fast), statistics.median(slow)
        results.append({"resources": n, "queries": QUERIES, "limit": LIMIT, "nearby_ms_median": round(nearby_ms, 2),
                        "nearby_ms_max": round(max(fast), 2), "brute_force_ms_median": round(brute_ms, 2),
                        "speedup": round(brute_ms / nearby_ms, 1), "exact": exact})
    return {"benchmark": "nearby", "database": connection.vendor, "kind": "shelter",
            "spread": {"lat": LAT_RANGE, "lon": LON_RANGE}, "results": results}


def table(report: dict) -> str:
    lines = ["| resources | nearby (median ms) | nearby (max ms) | brute force (median ms) | speed-up | exact |",
             "|---:|---:|---:|---:|---:|:---:|"]
    for r in report["results"]:
        lines.append(f"| {r['resources']:,} | {r['nearby_ms_median']} | {r['nearby_ms_max']} | "
                     f"{r['brute_force_ms_median']} | {r['speedup']}× | {'yes' if r['exact'] else 'NO'} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(run()))

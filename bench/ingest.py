"""Ingestion benchmark: readings/s through the HTTP batch path with rules evaluated, against (a) the raw limit —
``bulk_create`` of the same rows straight into the same table — and (b) a naive baseline — one ORM ``save()``
plus one rolling-window query per reading. SQLite always; PostgreSQL too when reachable (a scratch database
``yingji_bench_ingest`` is created on ``YINGJI_BENCH_POSTGRES_URL``, default postgresql://postgres@127.0.0.1:5432).

Each database runs in its own child process on a fresh data directory: migrate, 100 rain gauges and 100
water-level stations with the default rules, then the same readings (1-minute steps, all stations) for each
method on an emptied table. The HTTP path goes through the whole Django stack (middleware, token auth, JSON
parsing, validation, duplicate check, bulk insert, latest values, rolling buckets, rule evaluation, alarms) via
the test client in-process, so no network or server cost is included.

Usage: ``.venv/bin/python bench/ingest.py [--readings 60000] [--batch 5000] [--naive 3000] [--no-postgres]``.
Prints a table and writes ``bench/results/ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POSTGRES_URL = os.environ.get("YINGJI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
SCRATCH_DB = "yingji_bench_ingest"
STATIONS = 100  # of each type


def _postgres_scratch() -> str | None:
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=3) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")
            conn.execute(f"CREATE DATABASE {SCRATCH_DB}")
    except psycopg.Error as exc:
        print(f"PostgreSQL not used: {exc}".strip(), file=sys.stderr)
        return None
    return f"{POSTGRES_URL}/{SCRATCH_DB}"


def _readings(count: int, start) -> list[dict]:
    from datetime import timedelta

    items, step = [], 0
    while len(items) < count:
        ts = (start + timedelta(minutes=step)).isoformat()
        for i in range(STATIONS):
            items.append({"station": f"RG{i:04d}", "sensor": "rain", "ts": ts, "value": round((step % 7) * 0.1, 1)})
            items.append({"station": f"WL{i:04d}", "sensor": "water_level", "ts": ts,
                          "value": round(2 + 0.001 * step, 3)})
        step += 1
    return items[:count]


def child(args) -> dict:
    import django

    django.setup()
    from datetime import UTC, datetime, timedelta

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client

    from yingji.core.models import Region
    from yingji.core.services import create_user, issue_token
    from yingji.monitoring.models import Alarm, LatestValue, Reading, Sensor, SensorBucket, Station

    call_command("migrate", interactive=False, verbosity=0)
    Region.objects.create(code="410481", name="bench", level="county")
    for i in range(STATIONS):
        rain = Station.objects.create(code=f"RG{i:04d}", name=f"rain {i}", type="rain", region_code="410481")
        Sensor.objects.create(station=rain, key="rain", unit="mm", valid_min=0, valid_max=200, cumulative=True)
        water = Station.objects.create(code=f"WL{i:04d}", name=f"water {i}", type="water_level",
                                       region_code="410481")
        Sensor.objects.create(station=water, key="water_level", unit="m", valid_min=0, valid_max=30)
    user = create_user(None, username="gateway", roles=["section_staff"], password="x", scope_region_code="410481",
                       validate_password=False)
    _token, raw = issue_token(user)
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=args.readings // (2 * STATIONS)
                                                                           // 60 + 2)
    items = _readings(args.readings, start)
    sensors = {(s.station.code, s.key): s for s in Sensor.objects.select_related("station")}

    def reset():
        Alarm.objects.all().delete()
        for model in (Reading, SensorBucket, LatestValue):
            model.objects.all().delete()

    # HTTP batch path with rules.
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    bodies = [json.dumps(items[i:i + args.batch]) for i in range(0, len(items), args.batch)]
    t0 = time.perf_counter()
    accepted = 0
    for body in bodies:
        response = client.post("/api/v1/readings", body, content_type="application/json")
        assert response.status_code == 200, response.content[:300]
        accepted += response.json()["accepted"]
    http_s = time.perf_counter() - t0
    assert accepted == len(items), accepted
    alarms = Alarm.objects.count()
    stored = Reading.objects.count()

    # Raw limit: the same rows, bulk-inserted.
    reset()
    rows = [Reading(station_id=sensors[(r["station"], r["sensor"])].station_id,
                    sensor_id=sensors[(r["station"], r["sensor"])].pk,
                    ts=datetime.fromisoformat(r["ts"]), value=r["value"]) for r in items]
    t0 = time.perf_counter()
    for i in range(0, len(rows), args.batch):
        Reading.objects.bulk_create(rows[i:i + args.batch], batch_size=2000)
    raw_s = time.perf_counter() - t0

    # Naive: one save plus one 3-hour window query per reading (a subset, extrapolated per reading).
    reset()
    subset = items[:args.naive]
    t0 = time.perf_counter()
    for r in subset:
        sensor = sensors[(r["station"], r["sensor"])]
        ts = datetime.fromisoformat(r["ts"])
        Reading(station_id=sensor.station_id, sensor_id=sensor.pk, ts=ts, value=r["value"]).save()
        Reading.objects.filter(sensor_id=sensor.pk, ts__gt=ts - timedelta(hours=3), ts__lte=ts).aggregate(
            Sum("value"))
    naive_s = time.perf_counter() - t0
    return {"database": connection.vendor, "readings": len(items), "batch": args.batch, "stored": stored,
            "alarms": alarms, "http_rules_per_s": len(items) / http_s, "raw_bulk_per_s": len(items) / raw_s,
            "naive_per_s": len(subset) / naive_s, "naive_sample": len(subset)}


def run_child(database_url: str | None, args) -> dict:
    data_dir = tempfile.mkdtemp(prefix="yingji-bench-ingest-")
    env = {**os.environ, "YINGJI_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "yingji.settings",
           "YINGJI_ALLOWED_HOSTS": "testserver,localhost",
           "YINGJI_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    out = subprocess.run([sys.executable, __file__, "--child", "--readings", str(args.readings), "--batch",
                          str(args.batch), "--naive", str(args.naive)], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=60_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--naive", type=int, default=3_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return 0
    results = [run_child(None, args)]
    pg = None if args.no_postgres else _postgres_scratch()
    if pg:
        results.append(run_child(pg, args))
    print(f"{'database':<11}{'HTTP+rules/s':>14}{'raw bulk/s':>12}{'naive/s':>10}{'vs raw':>9}{'vs naive':>10}"
          f"{'alarms':>8}")
    for r in results:
        r["ratio_to_raw"] = r["http_rules_per_s"] / r["raw_bulk_per_s"]
        r["ratio_to_naive"] = r["http_rules_per_s"] / r["naive_per_s"]
        print(f"{r['database']:<11}{r['http_rules_per_s']:>14,.0f}{r['raw_bulk_per_s']:>12,.0f}"
              f"{r['naive_per_s']:>10,.0f}{r['ratio_to_raw']:>9.2f}{r['ratio_to_naive']:>9.1f}x{r['alarms']:>8}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps({"generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                   time.gmtime()),
                                                     "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())

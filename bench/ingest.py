"""Ingestion benchmark: readings/s with the rules evaluated, through the HTTP batch path and through the MQTT
worker, against (a) the raw limit — the same rows bulk-inserted straight into the same table of the same
database — and (b) a naive baseline — one ORM ``save()`` plus one rolling-window query per reading; then the
alarm latency (publish -> alarm row visible) at a steady publishing rate. SQLite always; PostgreSQL too when
reachable (a scratch database ``yingji_bench_ingest_<pid>`` is created, then dropped, on
``YINGJI_BENCH_POSTGRES_URL``, default postgresql://postgres@127.0.0.1:5432). MQTT parts need a broker on
``YINGJI_BENCH_BROKER`` (default mqtt://127.0.0.1:1883, loopback) and are skipped without one.

Each database runs in its own child process on a fresh data directory: migrate (default rules included), 100
rain gauges, 100 water-level stations and 200 gas detectors, then the same readings (1-minute steps, rain and
water-level stations) for each method on an emptied table:

- ``http``: the whole Django stack (middleware, token auth, JSON parsing, validation, duplicate check, insert,
  latest values, rolling buckets, rule evaluation, alarms) through the test client in-process, so no network or
  server cost is included; ``--batch`` readings per request.
- ``mqtt``: the real ``yingji ingest-mqtt`` worker (a subprocess; QoS 1, ack after commit) fed through the broker
  with ``--mqtt-message`` readings per message; the clock runs from the first publish until every reading is
  stored.
- ``raw``: the database's own bulk path for the same rows into the same table, outside Django: SQLite
  ``executemany`` on a plain ``sqlite3`` connection with the platform's pragmas, PostgreSQL ``COPY`` on a plain
  psycopg connection; ``--batch`` rows per transaction (Django's ``bulk_create`` is reported beside it).
- ``naive``: one ``Reading.save()`` and one 3-hour ``SUM`` query per reading, on the first ``--naive`` readings.
- ``scaling``: the MQTT path again with 1, 2 and 4 workers (``--scale``) sharing the stream through one MQTT 5
  shared subscription, as a city deployment runs them (deploy/README.md): the scaling curve on this machine.
- ``latency``: for ``--latency-seconds`` the bench publishes ``--rate`` readings/s (messages of 20 readings every
  10 ms, time-stamped "now", to all 400 sensors) through the broker to the worker; every 1/``--alarms-per-s`` s one
  gas detector not yet in alarm reads 40 %LEL (the default rule alarms at 25). A poller reads new alarm rows every
  10 ms; the latency of an alarm is the time from the publish of its triggering message to the poll that saw it
  (so it includes up to 10 ms of polling granularity).

Usage: ``.venv/bin/python bench/ingest.py [--readings 60000] [--batch 5000] [--naive 2000] [--no-postgres]
[--no-mqtt]``. Prints a table and writes ``bench/results/ingest.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
POSTGRES_URL = os.environ.get("YINGJI_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
BROKER = os.environ.get("YINGJI_BENCH_BROKER", "mqtt://127.0.0.1:1883")
SCRATCH_DB = f"yingji_bench_ingest_{os.getpid()}"  # per run: other runs may share the server
STATIONS = 100  # rain gauges and water-level stations, each
GAS_STATIONS = 200
WARM_UP_STATION = "GSWARM"
TOPIC = "yingji/readings/"


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


def _drop_postgres_scratch() -> None:
    import psycopg

    with psycopg.connect(f"{POSTGRES_URL}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {SCRATCH_DB}")


def _broker_up() -> bool:
    import socket

    from yingji.monitoring.mqtt import parse_broker

    try:
        with socket.create_connection(parse_broker(BROKER), timeout=2):
            return True
    except OSError:
        return False


def _readings(count: int, start) -> list[dict]:

    items, step = [], 0
    while len(items) < count:
        ts = (start + timedelta(minutes=step)).isoformat()
        for i in range(STATIONS):
            items.append({"station": f"RG{i:04d}", "sensor": "rain", "ts": ts, "value": round((step % 7) * 0.1, 1)})
            items.append({"station": f"WL{i:04d}", "sensor": "water_level", "ts": ts,
                          "value": round(2 + 0.001 * step, 3)})
        step += 1
    return items[:count]


def _progress(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S', time.gmtime())} {message}", file=sys.stderr, flush=True)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


class WorkerProcess:
    """``yingji ingest-mqtt`` in a subprocess with its own persistent session; its log is drained by a thread."""

    def __init__(self, share: str | None = None):
        self.client_id = f"yingji-bench-{uuid.uuid4().hex[:8]}"
        yingji = str(Path(sys.executable).with_name("yingji"))
        self.proc = subprocess.Popen([yingji, "ingest-mqtt", "--broker", BROKER, "--client-id", self.client_id,
                                      "--verbose", *(["--share", share] if share else [])],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        self.subscribed = threading.Event()
        self.tail: list[str] = []
        self.batches: list[int] = []  # messages per stored batch
        threading.Thread(target=self._drain, daemon=True).start()
        if not self.subscribed.wait(60):
            self.stop()
            raise RuntimeError("the MQTT worker did not subscribe:\n" + "".join(self.tail[-20:]))

    def _drain(self) -> None:
        for line in self.proc.stderr:
            if "subscribed" in line:
                self.subscribed.set()
            batch = re.search(r"INFO \S+ (\d+) messages: ", line)
            if batch:
                self.batches.append(int(batch.group(1)))
            if "ERROR" in line or "Traceback" in line or len(self.tail) < 50:
                self.tail.append(line)

    def stop(self) -> None:
        import paho.mqtt.client as mqtt
        from paho.mqtt.enums import CallbackAPIVersion

        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        # Drop the persistent session from the broker.
        cleaner = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, clean_session=True)
        cleaner.connect(*_broker_address())
        cleaner.disconnect()


def _broker_address() -> tuple[str, int]:
    from yingji.monitoring.mqtt import parse_broker

    return parse_broker(BROKER)


def _publisher():
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"yingji-bench-pub-{uuid.uuid4().hex[:8]}")
    client.max_inflight_messages_set(100)
    client.max_queued_messages_set(0)
    client.connect(*_broker_address())
    client.loop_start()
    return client


def _wait_for_count(model, expected: int, timeout: float) -> float:
    """Poll until ``expected`` rows are stored; return the time it happened (perf_counter)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if model.objects.count() >= expected:
            return time.perf_counter()
        time.sleep(0.02)
    raise RuntimeError(f"only {model.objects.count()} of {expected} readings stored after {timeout:.0f} s")


def mqtt_throughput(items: list[dict], per_message: int, workers: int = 1, repeat: int = 1,
                    reset=None) -> tuple[float, list[int], list[int]]:
    """Readings/s from the first publish until all are stored (the best of ``repeat`` runs, ``reset`` emptying the
    tables between them), each run's rate, and the messages of each batch the workers stored. Several workers split
    the stream through one shared subscription (``--share``), as deployed at scale.

    The workers are warmed up first, unmeasured, as the HTTP path is: a worker is a long-running process, and its
    first batch pays for the process's imports, the first queries' compilation and the translations' loading (a
    tenth of a second run here); gas readings on a station outside the measurement, over the alarm threshold, so
    the alarm path is warm too."""
    from yingji.monitoring.models import Reading

    share = f"bench{uuid.uuid4().hex[:6]}" if workers > 1 else None
    pool = [WorkerProcess(share) for _ in range(workers)]
    publisher = _publisher()
    try:
        now = datetime.now(UTC)
        warm = 4 * workers  # a shared subscription deals the messages round: every worker gets some
        for i in range(warm):
            body = [{"station": WARM_UP_STATION, "sensor": "gas", "ts": (now - timedelta(seconds=i)).isoformat(),
                     "value": 40.0}]
            publisher.publish(TOPIC + WARM_UP_STATION, json.dumps(body), qos=1)
        _wait_for_count(Reading, warm, timeout=120)
        for worker in pool:
            worker.batches.clear()
        messages = [(TOPIC + items[i]["station"], json.dumps(items[i:i + per_message]))
                    for i in range(0, len(items), per_message)]
        runs = []
        for attempt in range(repeat):
            if attempt and reset is not None:
                reset()
            before = Reading.objects.count()
            t0 = time.perf_counter()
            for topic, body in messages:
                publisher.publish(topic, body, qos=1)
            done = _wait_for_count(Reading, before + len(items), timeout=600)
            for worker in pool:
                if worker.proc.poll() is not None:
                    raise RuntimeError("an MQTT worker died:\n" + "".join(worker.tail[-20:]))
            runs.append(round(len(items) / (done - t0)))
        return max(runs), runs, [b for worker in pool for b in worker.batches]
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        for worker in pool:
            worker.stop()


def alarm_latency(rate: int, seconds: float, alarms_per_s: float) -> dict:
    """Steady ``rate`` readings/s through the broker; time from publishing a triggering reading to its alarm row."""

    from django.db import connection

    from yingji.monitoring.models import Alarm, Reading

    period = 0.01
    per_message = max(1, round(rate * period))
    sensors = ([(f"RG{i:04d}", "rain") for i in range(STATIONS)] + [(f"WL{i:04d}", "water_level")
                                                                    for i in range(STATIONS)]
               + [(f"GS{i:04d}", "gas") for i in range(GAS_STATIONS)])
    published: dict[str, float] = {}
    seen: dict[str, float] = {}
    stop = threading.Event()

    def poll():
        last = 0
        try:
            while not stop.is_set():
                for pk, code in Alarm.objects.filter(pk__gt=last).values_list("pk", "station__code"):
                    seen.setdefault(code, time.perf_counter())
                    last = max(last, pk)
                time.sleep(0.01)
        finally:
            connection.close()

    worker = WorkerProcess()
    publisher = _publisher()
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    sent = late = 0
    next_trigger = 0
    try:
        # Warm the worker up (its first batch and first alarm import and build what a long-running worker has
        # ready: URL resolver, notification templates...) with one alarm on a station outside the measurement.
        warm = [{"station": WARM_UP_STATION, "sensor": "gas", "ts": datetime.now(UTC).isoformat(), "value": 40.0}]
        publisher.publish(TOPIC + WARM_UP_STATION, json.dumps(warm), qos=1)
        deadline = time.perf_counter() + 120
        while WARM_UP_STATION not in seen and time.perf_counter() < deadline:
            time.sleep(0.05)
        sent = 1
        t0 = time.perf_counter()
        tick = 0
        while True:
            due = t0 + tick * period
            now = time.perf_counter()
            if due - now > 0:
                time.sleep(due - now)
            elif now - due > period:
                late += 1
            if now - t0 >= seconds:
                break
            stamp = datetime.now(UTC)
            ts = stamp.isoformat()
            batch, trigger = [], None
            for j in range(per_message):
                code, key = sensors[(tick * per_message + j) % len(sensors)]
                batch.append({"station": code, "sensor": key, "ts": ts, "value": 5.0 if key == "gas" else
                              (0.0 if key == "rain" else 2.0)})
            if (time.perf_counter() - t0) * alarms_per_s >= next_trigger and next_trigger < GAS_STATIONS:
                trigger = f"GS{next_trigger:04d}"
                # A millisecond later than the batch's own reading of that detector, if it has one.
                batch.append({"station": trigger, "sensor": "gas", "value": 40.0,
                              "ts": (stamp + timedelta(milliseconds=1)).isoformat()})
                next_trigger += 1
            publisher.publish(TOPIC + batch[0]["station"], json.dumps(batch), qos=1)
            if trigger:
                published[trigger] = time.perf_counter()
            sent += len(batch)
            tick += 1
        elapsed = time.perf_counter() - t0
        drained = _wait_for_count(Reading, sent, timeout=120) - t0 - elapsed
        deadline = time.perf_counter() + 10
        while not set(published) <= set(seen) and time.perf_counter() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        poller.join(timeout=5)
        publisher.loop_stop()
        publisher.disconnect()
        worker.stop()
    latencies = [(seen[code] - t) * 1000 for code, t in published.items() if code in seen]
    triggers_stored = Reading.objects.filter(sensor__key="gas", value=40.0).count() - 1  # less the warm-up
    missing = sorted(set(published) - set(seen))
    if missing:
        _progress(f"no alarm seen for {len(missing)} triggers ({triggers_stored} of {len(published)} triggering "
                  f"readings stored), e.g. {missing[:5]}; data in {os.environ.get('YINGJI_DATA_DIR')}")
    return {"rate_target_per_s": rate, "rate_achieved_per_s": round((sent - 1) / elapsed, 1),
            "seconds": round(elapsed, 1), "readings": sent, "late_ticks": late,
            "backlog_drained_after_s": round(max(0.0, drained), 2),
            "worker_batches": len(worker.batches),
            "messages_per_batch_mean": round(sum(worker.batches) / len(worker.batches), 1) if worker.batches else None,
            "alarms_expected": len(published), "alarms_seen": len(latencies), "triggers_stored": triggers_stored,
            "latency_p50_ms": round(_percentile(latencies, 0.5), 1) if latencies else None,
            "latency_p99_ms": round(_percentile(latencies, 0.99), 1) if latencies else None,
            "latency_max_ms": round(max(latencies), 1) if latencies else None}



def _raw_limit(connection, table: str, rows, batch: int) -> float:
    """Rows/s of the database's own bulk path for the same rows, ``batch`` rows per transaction, outside Django
    (no cursor wrapper, no per-value adapters while timed): SQLite ``executemany`` on a plain ``sqlite3``
    connection to the same file with the same pragmas; PostgreSQL ``COPY … FROM STDIN`` on a plain psycopg
    connection. The values are converted to the driver's types before the clock starts."""
    columns = "station_id, sensor_id, ts, value, client_id, received_at"
    connection.close()
    if connection.vendor == "sqlite":
        import sqlite3

        adapt = connection.ops.adapt_datetimefield_value
        params = [(r.station_id, r.sensor_id, adapt(r.ts), r.value, r.client_id, adapt(r.received_at)) for r in rows]
        db = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None, timeout=30)
        try:
            db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
            t0 = time.perf_counter()
            for i in range(0, len(params), batch):
                db.execute("BEGIN IMMEDIATE")
                db.executemany(f"INSERT INTO {table} ({columns}) VALUES (?, ?, ?, ?, ?, ?)",  # noqa: S608
                               params[i:i + batch])
                db.execute("COMMIT")
            return len(params) / (time.perf_counter() - t0)
        finally:
            db.close()
    import psycopg

    params = [(r.station_id, r.sensor_id, r.ts, r.value, r.client_id, r.received_at) for r in rows]
    with psycopg.connect(**connection.get_connection_params()) as db:
        t0 = time.perf_counter()
        for i in range(0, len(params), batch):
            with db.transaction(), db.cursor() as cursor, cursor.copy(
                    f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in params[i:i + batch]:
                    copy.write_row(row)
        return len(params) / (time.perf_counter() - t0)

def child(args) -> dict:
    import django

    django.setup()

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Sum
    from django.test import Client
    from django.utils import timezone

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
    for code in [f"GS{i:04d}" for i in range(GAS_STATIONS)] + [WARM_UP_STATION]:
        gas = Station.objects.create(code=code, name=f"gas {code}", type="gas", region_code="410481")
        Sensor.objects.create(station=gas, key="gas", unit="%LEL", valid_min=0, valid_max=100)
    user = create_user(None, username="gateway", roles=["section_staff"], password="x", scope_region_code="410481",
                       validate_password=False)
    _token, raw_token = issue_token(user)
    start = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(hours=args.readings // (2 * STATIONS)
                                                                           // 60 + 2)
    items = _readings(args.readings, start)
    sensors = {(s.station.code, s.key): s for s in Sensor.objects.select_related("station")}
    out = {"database": connection.vendor, "readings": len(items), "batch": args.batch}

    def reset():
        Alarm.objects.all().delete()
        for model in (Reading, SensorBucket, LatestValue):
            model.objects.all().delete()
        Station.objects.update(last_reading_at=None)

    if args.only_scaling:  # the scaling curve alone (``--only-scaling``: a quick look, no results file)
        out["mqtt_scaling"] = []
        for workers in args.scale:
            reset()
            connection.close()
            rate, runs, _batches = mqtt_throughput(items, args.mqtt_message, workers, repeat=args.repeat,
                                                    reset=reset)
            out["mqtt_scaling"].append({"workers": workers, "rules_per_s": rate, "runs": runs})
        return out
    _progress(f"{connection.vendor}: HTTP path")
    # HTTP batch path with rules.
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    # Warm up as the server's processes do (yingji.wsgi: core.runtime.warm_up loads the views, the API and the URL
    # maps, then keeps the start-up's objects out of the garbage collector's full passes), then a first request.
    from yingji.core import runtime

    runtime.warm_up()
    client.post("/api/v1/readings", "[]", content_type="application/json")
    bodies = [json.dumps(items[i:i + args.batch]) for i in range(0, len(items), args.batch)]
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    # Each path runs --repeat times from empty tables and its best rate counts, the raw limit's too: the machine's
    # noise (another tenant, a timer tick) only ever slows a run down.
    http_runs = []
    for attempt in range(args.repeat):
        if attempt:
            reset()
        t0 = time.perf_counter()
        accepted = 0
        for body in bodies:
            response = client.post("/api/v1/readings", body, content_type="application/json")
            assert response.status_code == 200, response.content[:300]
            accepted += response.json()["accepted"]
        http_runs.append(round(len(items) / (time.perf_counter() - t0)))
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(f"{args.profile}.{connection.vendor}")
            profiler = None
    out["http_rules_per_s"], out["http_runs_per_s"] = max(http_runs), http_runs
    assert accepted == len(items), accepted
    assert Reading.objects.count() == len(items)
    out["alarms"] = Alarm.objects.count()
    # Sending the same batches again stores nothing (exactly once).
    response = client.post("/api/v1/readings", bodies[0], content_type="application/json")
    assert response.json()["accepted"] == 0 and Reading.objects.count() == len(items), response.content[:300]

    _progress(f"{connection.vendor}: raw insert")
    # Raw limit: the same rows into the same table with the plain driver (below); bulk_create beside it.
    received = timezone.now()
    rows = [Reading(station_id=sensors[(r["station"], r["sensor"])].station_id,
                    sensor_id=sensors[(r["station"], r["sensor"])].pk,
                    ts=datetime.fromisoformat(r["ts"]), value=r["value"], received_at=received) for r in items]
    reset()
    t0 = time.perf_counter()
    for i in range(0, len(rows), args.batch):
        Reading.objects.bulk_create(rows[i:i + args.batch], batch_size=1000)
    out["raw_bulk_create_per_s"] = len(items) / (time.perf_counter() - t0)
    raw_runs = []
    for _attempt in range(args.repeat):
        reset()
        raw_runs.append(round(_raw_limit(connection, Reading._meta.db_table, rows, args.batch)))
    out["raw_dbapi_per_s"], out["raw_runs_per_s"] = max(raw_runs), raw_runs
    assert Reading.objects.count() == len(items)
    # The raw limit is the plain driver's (Django's bulk_create is reported beside it, not as the limit).
    out["raw_bulk_per_s"] = out["raw_dbapi_per_s"]

    _progress(f"{connection.vendor}: naive")
    # Naive: one save plus one 3-hour window query per reading (a subset, per reading).
    reset()
    subset = items[:args.naive]
    t0 = time.perf_counter()
    for r in subset:
        sensor = sensors[(r["station"], r["sensor"])]
        ts = datetime.fromisoformat(r["ts"])
        Reading(station_id=sensor.station_id, sensor_id=sensor.pk, ts=ts, value=r["value"]).save()
        Reading.objects.filter(sensor_id=sensor.pk, ts__gt=ts - timedelta(hours=3), ts__lte=ts).aggregate(
            Sum("value"))
    out["naive_per_s"] = len(subset) / (time.perf_counter() - t0)
    out["naive_sample"] = len(subset)

    if args.mqtt:
        reset()
        connection.close()  # the worker is another process; let it have the database to itself
        out["mqtt_message_readings"] = args.mqtt_message
        _progress(f"{connection.vendor}: MQTT path")
        out["mqtt_rules_per_s"], out["mqtt_runs_per_s"], batches = mqtt_throughput(
            items, args.mqtt_message, repeat=args.repeat, reset=reset)
        out["mqtt_batches"] = {"count": len(batches), "messages_mean": round(
            len(items) * args.repeat / args.mqtt_message / max(len(batches), 1), 1),
            "messages_max": max(batches, default=0)}
        assert Reading.objects.exclude(station__code=WARM_UP_STATION).count() == len(items)
        out["mqtt_scaling"] = []
        for workers in args.scale:
            reset()
            connection.close()
            _progress(f"{connection.vendor}: MQTT path, {workers} workers sharing the stream")
            # The best of --repeat runs, as every other path (a single run was at the mercy of the machine's noise).
            rate, runs, _batches = mqtt_throughput(items, args.mqtt_message, workers, repeat=args.repeat,
                                                   reset=reset)
            assert Reading.objects.exclude(station__code=WARM_UP_STATION).count() == len(items)
            out["mqtt_scaling"].append({"workers": workers, "rules_per_s": rate, "runs": runs})
        reset()
        connection.close()
        _progress(f"{connection.vendor}: alarm latency")
        out["latency"] = alarm_latency(args.rate, args.latency_seconds, args.alarms_per_s)
    return out


def run_child(database_url: str | None, args) -> dict:
    data_dir = tempfile.mkdtemp(prefix="yingji-bench-ingest-")
    env = {**os.environ, "YINGJI_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "yingji.settings",
           "YINGJI_ALLOWED_HOSTS": "testserver,localhost",
           "YINGJI_TASK_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    command = [sys.executable, __file__, "--child", "--readings", str(args.readings), "--batch", str(args.batch),
               "--naive", str(args.naive), "--mqtt-message", str(args.mqtt_message), "--rate", str(args.rate),
               "--latency-seconds", str(args.latency_seconds), "--alarms-per-s", str(args.alarms_per_s),
               "--scale", ",".join(str(n) for n in args.scale), "--repeat", str(args.repeat)]
    if args.only_scaling:
        command.append("--only-scaling")
    if not args.mqtt:
        command.append("--no-mqtt")
    if args.profile:
        command += ["--profile", os.path.abspath(args.profile)]
    out = subprocess.run(command, env=env, stdout=subprocess.PIPE, text=True)  # progress and errors on stderr
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed (see above; its data is in {data_dir})")
    shutil.rmtree(data_dir, ignore_errors=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--readings", type=int, default=60_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--naive", type=int, default=2_000)
    parser.add_argument("--mqtt-message", type=int, default=100, help="readings per MQTT message (throughput run)")
    parser.add_argument("--rate", type=int, default=2_000, help="readings/s published in the latency run")
    parser.add_argument("--latency-seconds", type=float, default=20.0)
    parser.add_argument("--alarms-per-s", type=float, default=8.0)
    parser.add_argument("--scale", type=lambda v: [int(n) for n in v.split(",") if n], default=[1, 2, 4],
                        metavar="N,N,…", help="MQTT workers sharing the stream, one run each (the scaling curve)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-mqtt", dest="mqtt", action="store_false")
    parser.add_argument("--repeat", type=int, default=3, metavar="N",
                        help="runs of the HTTP path and of the raw limit, the best of each counts")
    parser.add_argument("--profile", metavar="FILE",
                        help="cProfile the HTTP path into FILE.<database> (read with python -m pstats)")
    parser.add_argument("--only-scaling", action="store_true",
                        help="measure only the MQTT scaling curve (--scale, --repeat runs each) and print it; "
                             "writes no results file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return 0
    if args.mqtt and not _broker_up():
        print(f"no MQTT broker at {BROKER}: the MQTT path and the alarm latency are not measured", file=sys.stderr)
        args.mqtt = False
    results = [run_child(None, args)]
    pg = None if args.no_postgres else _postgres_scratch()
    if pg:
        try:
            results.append(run_child(pg, args))
        finally:
            _drop_postgres_scratch()
    if args.only_scaling:
        for r in results:
            curve = ", ".join(f"{p['workers']} → {p['rules_per_s']:,.0f}/s (runs {p['runs']})"
                              for p in r["mqtt_scaling"])
            print(f"{r['database']}: MQTT workers sharing the stream ({os.cpu_count()} cores): {curve}")
        return 0
    print(f"{'database':<11}{'path':<6}{'rules/s':>9}{'raw bulk/s':>12}{'naive/s':>10}{'vs raw':>9}{'vs naive':>10}")
    for r in results:
        for path in ("http", "mqtt"):
            rate = r.get(f"{path}_rules_per_s")
            if rate is None:
                continue
            r[f"{path}_ratio_to_raw"] = rate / r["raw_bulk_per_s"]
            r[f"{path}_ratio_to_naive"] = rate / r["naive_per_s"]
            print(f"{r['database']:<11}{path:<6}{rate:>9,.0f}{r['raw_bulk_per_s']:>12,.0f}{r['naive_per_s']:>10,.0f}"
                  f"{r[f'{path}_ratio_to_raw']:>9.2f}{r[f'{path}_ratio_to_naive']:>9.1f}x")
    for r in results:
        if "mqtt_batches" in r:
            b = r["mqtt_batches"]
            print(f"{r['database']}: the MQTT worker stored {b['count']} batches, {b['messages_mean']} messages of "
                  f"{r['mqtt_message_readings']} readings each on average (at most {b['messages_max']})")
        if r.get("mqtt_scaling"):
            curve = ", ".join(f"{p['workers']} → {p['rules_per_s']:,.0f}/s" for p in r["mqtt_scaling"])
            print(f"{r['database']}: MQTT workers sharing the stream ({os.cpu_count()} cores): {curve}")
        if "latency" in r:
            lat = r["latency"]
            print(f"{r['database']}: alarm latency at {lat['rate_achieved_per_s']:,.0f} readings/s "
                  f"(target {lat['rate_target_per_s']:,}) over {lat['seconds']} s: p50 {lat['latency_p50_ms']} ms, "
                  f"p99 {lat['latency_p99_ms']} ms, max {lat['latency_max_ms']} ms "
                  f"({lat['alarms_seen']}/{lat['alarms_expected']} alarms)")
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps({"generated_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                   time.gmtime()),
                                                     "args": {k: v for k, v in vars(args).items() if k != "child"},
                                                     "results": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    sys.exit(main())

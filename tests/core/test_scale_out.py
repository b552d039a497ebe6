"""Scale-out on real engines (deploy/README.md): two web processes, two RQ task workers, two MQTT ingestion workers
sharing the stream and two sweepers, against PostgreSQL, Redis and Mosquitto. Readings are driven over HTTP and MQTT
and a warning goes out to 10,000 people by SMS (a local gateway); mid-stream one process of each kind is killed with
SIGKILL (a web server in the middle of a request, whose client re-sends the batch to the other one), and the worker
and ingestion worker are restarted as their service manager would. Every reading is stored once, every delivery is
queued once and reaches the gateway (at most the one in the killed worker's hands twice), and no periodic job runs
more often than its period allows.

It needs the real PostgreSQL server, so it runs in the PostgreSQL suite (``YINGJI_TEST_DATABASE_URL``), in a
database of its own that it drops after."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from yingji.core.tasks import PERIODIC_JOBS

from .test_task_queue import _up, redis_db  # noqa: F401  the fixture

YINGJI = str(Path(sys.executable).with_name("yingji"))
TEST_URL = os.environ.get("YINGJI_TEST_DATABASE_URL", "")
PEOPLE = 10_000
BATCHES, PER_BATCH = 40, 100  # over HTTP, and as many MQTT messages of as many readings


pytestmark = [
    pytest.mark.skipif(not TEST_URL.startswith("postgresql"), reason="runs in the PostgreSQL suite"),
    pytest.mark.skipif(not all(_up(p) for p in (5432, 6379, 1883)),
                       reason="needs PostgreSQL, Redis and Mosquitto on 127.0.0.1"),
]

SETUP = r'''
import json
from datetime import timedelta
from django.utils import timezone
from yingji.core.choices import RegionLevel, Role
from yingji.core.models import Region, User, UserRole
from yingji.core.services import issue_token
from yingji.monitoring.models import Sensor, Station
from yingji.warnings import services
from yingji.warnings.models import ResponsiblePerson

county = Region.objects.create(code="410481", name="县", level=RegionLevel.COUNTY)
township = Region.objects.create(code="410481001", name="乡", level=RegionLevel.TOWNSHIP, parent=county)
Region.objects.create(code="410481001001", name="村", level=RegionLevel.VILLAGE, parent=township)
admin = User.objects.create(username="scale-admin", scope_region_code="410481")
UserRole.objects.create(user=admin, role=Role.ADMIN)
duty = User.objects.create(username="scale-duty", scope_region_code="410481")
UserRole.objects.create(user=duty, role=Role.DUTY_OFFICER)
station = Station.objects.create(code="SCALE-1", name="规模测试站", type="gas", region_code="410481001")
Sensor.objects.create(station=station, key="gas", valid_min=0, valid_max=100)
ResponsiblePerson.objects.bulk_create(
    [ResponsiblePerson(name=f"责任人{i}", kind="flood", region_code="410481001001", phone="13800001234",
                       channels=["sms"]) for i in range(%(people)d)], batch_size=2000)
_token, raw = issue_token(admin)
now = timezone.now()
warning = services.create_warning(duty, {
    "event_type": "rainstorm", "event": "暴雨", "category": "Met", "level": "red", "headline": "暴雨红色预警",
    "description": "过去3小时降雨量已达100毫米以上。", "effective": now, "expires": now + timedelta(hours=6),
    "area_codes": ["410481001001"]})
print("SETUP " + json.dumps({"token": raw, "warning": warning.pk}))
'''

FAN_OUT = r'''
from yingji.warnings import services
from yingji.warnings.models import Warning
from yingji.warnings.tasks import dispatch_deliveries

warning = Warning.objects.get(pk=%(warning)d)
print("QUEUED", services.fan_out(warning))
for _ in range(30):  # each dispatch takes up to 500 due deliveries; the two workers share them
    dispatch_deliveries.enqueue()
'''

CATCH_UP = r'''
from datetime import timedelta
from django.utils import timezone
from yingji.warnings import services

# What the killed worker had claimed but not sent is due again after the claim's five minutes: the next sweeps.
later = timezone.now() + timedelta(minutes=6)
while services.dispatch_due(now=later)["sent"]:
    pass
'''

REPORT = r'''
import json
from django.db import connection
from yingji.warnings.models import Delivery

with connection.cursor() as cursor:
    cursor.execute("SELECT COUNT(*), COUNT(DISTINCT (sensor_id, ts)) FROM monitoring_reading")
    readings = cursor.fetchone()
deliveries = Delivery.objects.filter(warning_id=%(warning)d)
print("REPORT " + json.dumps({
    "readings": readings, "deliveries": deliveries.count(),
    "people": deliveries.values("person_id").distinct().count(),
    "states": sorted(set(deliveries.values_list("state", flat=True))),
    "references": [f"{identifier}/{pk}" for pk, identifier in deliveries.values_list("pk", "warning__identifier")],
}))
'''


class Gateway(BaseHTTPRequestHandler):
    """The SMS gateway: records each message's reference."""

    received: list[str] = []
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802  the handler's name
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            self.received.append(body["reference"])
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def scale_database():
    import psycopg

    name = f"yingji_scale_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(TEST_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = TEST_URL.rsplit("/", 1)[0]
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(TEST_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _shell(env, script: str, marker: str) -> str:
    done = subprocess.run([YINGJI, "manage", "shell", "-c", script], env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return next(line for line in done.stdout.splitlines() if line.startswith(marker))[len(marker):].strip()


def _wait(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _post(port: int, token: str, batch: list, timeout: float = 30) -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/readings", data=json.dumps(batch).encode(),
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
                                     method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  loopback
        return json.loads(response.read())


def test_processes_of_each_kind_killed_mid_stream_lose_and_double_nothing(tmp_path, scale_database, redis_db):  # noqa: F811
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion
    from redis import Redis
    from rq import Queue
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    gateway = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    Gateway.received = []
    threading.Thread(target=gateway.serve_forever, daemon=True).start()
    group = f"g{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": scale_database, "YINGJI_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "yingji.settings", "YINGJI_TASK_BACKEND": "rq", "YINGJI_REDIS_URL": redis_db,
           "YINGJI_MQTT_SHARE": group, "YINGJI_SMS_URL": f"http://127.0.0.1:{gateway.server_port}/sms",
           "YINGJI_SECRET_KEY": "scale-test-" + "x" * 40, "no_proxy": "127.0.0.1,localhost",
           "NO_PROXY": "127.0.0.1,localhost"}
    for name in ("YINGJI_TEST_DATABASE_URL", "YINGJI_REPLICA_URL", "http_proxy", "HTTP_PROXY"):
        env.pop(name, None)
    subprocess.run([YINGJI, "manage", "migrate", "-v0"], env=env, check=True, timeout=600)
    setup = json.loads(_shell(env, SETUP % {"people": PEOPLE}, "SETUP"))
    token, warning = setup["token"], setup["warning"]

    logs = tmp_path / "logs"
    logs.mkdir()
    procs: dict[str, subprocess.Popen] = {}

    def start(name: str, argv: list[str]) -> None:
        out = open(logs / f"{name}.log", "a")  # noqa: SIM115  the process keeps it
        # A session of its own: killing it kills its children too (the web server's granian, a worker's work horse).
        procs[name] = subprocess.Popen([YINGJI, *argv], env=env, stdout=out, stderr=subprocess.STDOUT,
                                       start_new_session=True)

    ports = {"web1": _free_port(), "web2": _free_port()}
    for name, port in ports.items():
        start(name, ["serve", "--port", str(port), "--workers", "1", "--no-migrate", "--no-demo", "--no-worker",
                     "--no-simulate"])
    for name in ("worker1", "worker2"):
        start(name, ["worker"])
    for name in ("ingest1", "ingest2"):
        start(name, ["ingest-mqtt", "--client-id", f"{group}-{name}", "--verbose"])
    for name in ("sweeper1", "sweeper2"):
        start(name, ["sweeper", "--tick", "1"])
    queue = Queue("default", connection=Redis.from_url(redis_db))
    publisher = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"{group}-pub")
    started = datetime.now(UTC)
    try:
        def web_up(port):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/live", timeout=2):  # noqa: S310
                    return True
            except (urllib.error.URLError, OSError):
                return False

        _wait(lambda: all(web_up(p) for p in ports.values()), 120, "the web servers")
        _wait(lambda: all("subscribed" in (logs / f"{n}.log").read_text() for n in ("ingest1", "ingest2")), 120,
              "the ingestion workers")
        from rq import Worker

        _wait(lambda: Worker.count(queue=queue) == 2, 120, "the task workers")
        publisher.connect("127.0.0.1", 1883)
        publisher.loop_start()

        base = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)

        def batch(n: int, channel: str) -> list[dict]:
            offset = (0 if channel == "http" else BATCHES * PER_BATCH) + n * PER_BATCH
            return [{"station": "SCALE-1", "sensor": "gas", "ts": (base + timedelta(seconds=offset + i)).isoformat(),
                     "value": (offset + i) % 50} for i in range(PER_BATCH)]

        fan_out = None
        for n in range(BATCHES):
            if n == BATCHES // 4:
                fan_out = subprocess.Popen([YINGJI, "manage", "shell", "-c", FAN_OUT % {"warning": warning}],
                                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if n == BATCHES // 2:
                # Kill one of each. The web server dies in the middle of a request: its client re-sends the batch
                # to the other one (whether or not the dead one had stored it).
                in_flight = threading.Thread(target=_try_post, args=(ports["web1"], token, batch(n, "http")))
                in_flight.start()
                time.sleep(0.05)
                for name in ("web1", "worker1", "ingest1", "sweeper1"):
                    os.killpg(procs[name].pid, signal.SIGKILL)
                    procs[name].wait(timeout=30)
                in_flight.join(timeout=30)
                start("worker1", ["worker"])
                start("ingest1", ["ingest-mqtt", "--client-id", f"{group}-ingest1", "--verbose"])
            port = ports["web2"] if n >= BATCHES // 2 or n % 2 else ports["web1"]
            answer = _post(port, token, batch(n, "http"))
            assert answer["rejected"] == [], answer
            publisher.publish("yingji/readings/SCALE-1", json.dumps(batch(n, "mqtt")), qos=1).wait_for_publish(30)

        out, err = fan_out.communicate(timeout=600)
        assert fan_out.returncode == 0, err[-3000:]
        assert f"QUEUED {PEOPLE}" in out
        expected = 2 * BATCHES * PER_BATCH
        report = {}

        def settled():
            report.update(json.loads(_shell(env, REPORT % {"warning": warning}, "REPORT")))
            return report["readings"][0] >= expected and queue.count == 0

        _wait(settled, 240, "the readings and the dispatch jobs")
        _shell(env, CATCH_UP + "\nprint('DONE')", "DONE")
        report.update(json.loads(_shell(env, REPORT % {"warning": warning}, "REPORT")))
        finished = datetime.now(UTC)
    finally:
        publisher.loop_stop()
        publisher.disconnect()
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        gateway.shutdown()
        import paho.mqtt.client as mqtt_

        for name in ("ingest1", "ingest2"):
            cleaner = mqtt_.Client(CallbackAPIVersion.VERSION2, client_id=f"{group}-{name}", clean_session=True)
            cleaner.connect("127.0.0.1", 1883)
            cleaner.disconnect()

    # Every reading stored once.
    assert report["readings"] == [expected, expected]
    # Every delivery queued once, one per person, all sent; the gateway got each at least once, and a message twice
    # only if a killed worker had sent it and died before recording it (at most one per kill).
    assert report["deliveries"] == report["people"] == PEOPLE
    assert report["states"] == ["sent"]
    references = Gateway.received
    assert set(references) == set(report["references"])
    assert len(references) - len(set(references)) <= 1
    # Periodic jobs: every one ran, and none more often than its period allows over the run.
    registries = [FinishedJobRegistry(queue=queue), FailedJobRegistry(queue=queue)]
    runs: dict[str, int] = {}
    for registry in registries:
        for job_id in registry.get_job_ids():
            job = queue.fetch_job(job_id)
            if job is not None and job.func_name in PERIODIC_JOBS:
                runs[job.func_name] = runs.get(job.func_name, 0) + 1
    minutes = (finished - started).total_seconds() / 60
    for name, job in PERIODIC_JOBS.items():
        allowed = 1 + int(minutes // (job.every.total_seconds() / 60))
        if name.endswith(".dispatch_deliveries"):
            allowed += 30 + 1  # enqueued by the fan-out above and by its own signal, besides the sweeps
        assert 1 <= runs.get(name, 0) <= allowed, (name, runs.get(name, 0), allowed)
    # At most the job in the killed worker's hands failed.
    assert len(FailedJobRegistry(queue=queue)) <= 1


def _try_post(port: int, token: str, batch: list) -> None:
    # The server dies under the request: the client re-sends the batch elsewhere.
    with contextlib.suppress(urllib.error.URLError, OSError, ValueError):
        _post(port, token, batch, timeout=10)

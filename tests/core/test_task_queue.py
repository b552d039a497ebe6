"""The task queue at scale and the services ``yingji check`` verifies: with ``YINGJI_TASK_BACKEND=rq`` the jobs go
through the real Redis on 127.0.0.1:6379 to RQ workers (``yingji worker``); two sweepers racing enqueue each
periodic job once and two workers run each once. ``yingji check`` reports Redis with its workers, the MQTT broker and
the read replica, and names what is down."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connections

from yingji.core import services_check
from yingji.core.tasks import PERIODIC_JOBS

YINGJI = str(Path(sys.executable).with_name("yingji"))


def _up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


needs_redis = pytest.mark.skipif(not _up(6379), reason="no Redis listening on 127.0.0.1:6379")
#: The subprocess tests run a SQLite installation of their own whatever the suite's database: the same test twice
#: would only cost CI time, so they run in the SQLite suite.
sqlite_suite = pytest.mark.skipif(bool(os.environ.get("YINGJI_TEST_DATABASE_URL")),
                                  reason="runs its own SQLite installation: once, in the SQLite suite")
needs_mqtt = pytest.mark.skipif(not _up(1883), reason="no MQTT broker listening on 127.0.0.1:1883")


@pytest.fixture
def redis_db():
    """A Redis database of its own (1–15) for the test's queue, claimed with a lock key, emptied before and after."""
    from redis import Redis

    owner = uuid.uuid4().hex
    for number in range(1, 16):
        connection = Redis.from_url(f"redis://127.0.0.1:6379/{number}")
        if connection.set("yingji:test-claim", owner, nx=True, ex=900):
            connection.flushdb()
            connection.set("yingji:test-claim", owner, ex=900)
            try:
                yield f"redis://127.0.0.1:6379/{number}"
            finally:
                connection.flushdb()
            return
    pytest.skip("every Redis database 1–15 is claimed by other test runs")


def _env(tmp_path: Path, redis_url: str) -> dict:
    env = {**os.environ, "YINGJI_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "yingji.settings",
           "YINGJI_TASK_BACKEND": "rq", "YINGJI_REDIS_URL": redis_url}
    for name in ("YINGJI_TEST_DATABASE_URL", "DATABASE_URL", "YINGJI_MQTT_BROKER", "YINGJI_REPLICA_URL"):
        env.pop(name, None)
    return env


@sqlite_suite
@needs_redis
def test_rq_workers_run_each_periodic_job_exactly_once(tmp_path, redis_db):
    from redis import Redis
    from rq import Queue, Worker
    from rq.registry import FailedJobRegistry, FinishedJobRegistry

    env = _env(tmp_path, redis_db)
    subprocess.run([YINGJI, "manage", "migrate", "-v0"], env=env, check=True, timeout=300)
    connection = Redis.from_url(redis_db)
    queue = Queue("default", connection=connection)
    # Both workers wait on the queue before anything is enqueued: a worker started after the jobs were queued may
    # find them all run already (a simple worker drains these 21 short jobs in about a tenth of a second).
    logs = [open(tmp_path / f"worker{n}.log", "w") for n in range(2)]  # noqa: SIM115  closed below
    workers = [subprocess.Popen([YINGJI, "worker"], env=env, stdout=log, stderr=subprocess.STDOUT) for log in logs]
    try:
        deadline = time.monotonic() + 120
        while len(Worker.all(connection=connection)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(Worker.all(connection=connection)) == 2
        # Two sweepers at once: each due job is claimed by exactly one of them.
        sweep = [YINGJI, "manage", "shell", "-c",
                 "from yingji.core.tasks import sweep_once; print(len(sweep_once()))"]
        sweepers = [subprocess.Popen(sweep, env=env, stdout=subprocess.PIPE, text=True) for _ in range(2)]
        enqueued = [int(p.communicate(timeout=120)[0].strip().splitlines()[-1]) for p in sweepers]
        assert sum(enqueued) == len(PERIODIC_JOBS)
        finished = FinishedJobRegistry(queue=queue)
        deadline = time.monotonic() + 180
        while len(finished) + len(FailedJobRegistry(queue=queue)) < len(PERIODIC_JOBS) \
                and time.monotonic() < deadline:
            time.sleep(0.3)
        failed = FailedJobRegistry(queue=queue)
        assert len(failed) == 0, [queue.fetch_job(i).latest_result().exc_string for i in failed.get_job_ids()]
        ids = finished.get_job_ids()
        assert len(ids) == len(set(ids)) == len(PERIODIC_JOBS)
        names = sorted(queue.fetch_job(i).func_name for i in ids)
        assert names == sorted(PERIODIC_JOBS)
        # Each ran once, and the two workers shared the work.
        assert all(len(queue.fetch_job(i).results()) == 1 for i in ids)
        assert len({queue.fetch_job(i).latest_result().worker_name for i in ids}) == 2 or len(ids) == 1

        check = subprocess.run([YINGJI, "check"], env=env, capture_output=True, text=True, timeout=120)
        assert check.returncode == 0, check.stderr
        assert "task queue (Redis)" in check.stdout and "2 worker(s)" in check.stdout
        # A second round of sweeps finds nothing due.
        again = subprocess.run(sweep, env=env, capture_output=True, text=True, timeout=120)
        assert again.stdout.strip().splitlines()[-1] == "0"
    finally:
        for worker in workers:
            worker.terminate()
        for worker, log in zip(workers, logs, strict=True):
            # A warm shutdown, promptly (redis 8 made it take up to a minute: pyproject pins redis below 8).
            assert worker.wait(timeout=30) == 0
            log.close()
    check = subprocess.run([YINGJI, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1 and "no worker is running" in check.stderr


@sqlite_suite
def test_check_names_a_queue_that_is_down(tmp_path):
    # No migrate first: the check lists every problem it finds, the unapplied migrations beside the queue.
    env = _env(tmp_path, "redis://127.0.0.1:1/0")  # nothing listens on port 1
    check = subprocess.run([YINGJI, "check"], env=env, capture_output=True, text=True, timeout=120)
    assert check.returncode == 1
    assert "task queue (Redis): redis://127.0.0.1:1/0 unreachable" in check.stderr


@needs_mqtt
def test_broker_check_against_mosquitto():
    name, problem, detail = services_check.mqtt_broker("mqtt://127.0.0.1:1883")
    assert (name, problem) == ("MQTT broker", None) and detail == "127.0.0.1:1883 (MQTT 5)"
    name, problem, _detail = services_check.mqtt_broker("mqtt://127.0.0.1:1")
    assert problem.startswith("127.0.0.1:1 unreachable")
    assert services_check.mqtt_broker("http://x")[1].startswith("broker must look like")


def test_replica_check(db):
    original = connections["replica"]
    connections["replica"] = connections["default"]
    try:
        name, problem, detail = services_check.replica()
    finally:
        connections["replica"] = original
    assert (name, problem) == ("read replica", None)
    # The test database is a primary: no lag to report.
    assert detail == "reachable"


def test_secrets_stay_out_of_the_report():
    assert services_check._safe("redis://:s3cret@10.0.0.2:6379/0") == "redis://:***@10.0.0.2:6379/0"
    assert services_check._safe("redis://10.0.0.2:6379/0") == "redis://10.0.0.2:6379/0"

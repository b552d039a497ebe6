"""Reachability of the services a deployment configured besides its database, for ``yingji check``: the Redis of
the RQ task queue (and the workers listening on it), the MQTT broker of the ingestion workers, the read replica.
Each check answers ``(name, problem or None, detail)`` and never raises: a service that is down is a problem to
report, not a crash."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

from django.conf import settings

Check = tuple[str, str | None, str]

#: Seconds a service may take to answer before it counts as unreachable.
TIMEOUT = 5.0


def configured_services() -> Iterator[Check]:
    if settings.TASKS["default"]["BACKEND"] == settings.TASK_BACKENDS.get("rq"):
        yield redis_queue()
    broker = os.environ.get("YINGJI_MQTT_BROKER")
    if broker:
        yield mqtt_broker(broker)
    from .routing import replica_configured

    if replica_configured():
        yield replica()


def redis_queue() -> Check:
    """PING the queue's Redis, then count the waiting jobs and the workers registered on it."""
    from redis import Redis
    from redis.exceptions import RedisError
    from rq import Queue, Worker

    url = settings.REDIS_URL
    try:
        connection = Redis.from_url(url, socket_timeout=TIMEOUT, socket_connect_timeout=TIMEOUT)
        connection.ping()
        queues = [Queue(name, connection=connection) for name in settings.TASKS["default"]["QUEUES"]]
        waiting = sum(q.count for q in queues)
        workers = sum(Worker.count(queue=q) for q in queues)
    except (RedisError, OSError) as exc:
        return "task queue (Redis)", f"{_safe(url)} unreachable: {exc}", ""
    detail = f"{_safe(url)}: {waiting} job(s) waiting, {workers} worker(s)"
    if workers == 0:
        return "task queue (Redis)", f"{detail}: no worker is running (start `yingji worker`)", ""
    return "task queue (Redis)", None, detail


def mqtt_broker(url: str) -> Check:
    """Connect to the broker with MQTT 5 and wait for its CONNACK."""
    import paho.mqtt.client as mqtt
    from paho.mqtt.enums import CallbackAPIVersion

    try:
        host, port = parse_broker(url)
    except ValueError as exc:
        return "MQTT broker", str(exc), ""
    answered = threading.Event()
    outcome: dict[str, str] = {}

    def on_connect(client, userdata, flags, reason_code, properties):
        outcome["reason"] = str(reason_code)
        outcome["failed"] = "yes" if reason_code.is_failure else ""
        answered.set()

    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"yingji-check-{os.getpid()}",
                         protocol=mqtt.MQTTv5)
    client.on_connect = on_connect
    try:
        client.connect(host, port, keepalive=10)
        client.loop_start()
        if not answered.wait(TIMEOUT):
            return "MQTT broker", f"{host}:{port} did not answer the connection within {TIMEOUT:g} s", ""
    except OSError as exc:
        return "MQTT broker", f"{host}:{port} unreachable: {exc}", ""
    finally:
        client.loop_stop()
        client.disconnect()
    if outcome.get("failed"):
        return "MQTT broker", f"{host}:{port} refused the connection: {outcome['reason']}", ""
    return "MQTT broker", None, f"{host}:{port} (MQTT 5)"


def replica() -> Check:
    """Run a statement on the read replica and report how far it is behind the primary (PostgreSQL)."""
    from django.db import connections

    from .routing import replica_lag_seconds

    try:
        lag = replica_lag_seconds(connections["replica"])
    except Exception as exc:  # noqa: BLE001  any driver error means the replica is unreachable: report it
        return "read replica", f"unreachable: {exc}", ""
    detail = "reachable" if lag is None else f"reachable, {lag:.1f} s behind the primary"
    return "read replica", None, detail


def parse_broker(url: str) -> tuple[str, int]:
    """``mqtt://host:port`` (or ``host[:port]``) as (host, port); 1883 when the port is left out."""
    from urllib.parse import urlsplit

    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise ValueError(f"broker must look like mqtt://host:1883, not {url!r}")
    return parts.hostname, parts.port or 1883


def _safe(url: str) -> str:
    """The URL without its password."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url

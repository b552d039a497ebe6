"""MQTT ingestion worker: subscribes to ``yingji/readings/<station>`` (QoS 1) with a persistent session and acks
each message only after its readings are committed, so a crash before the ack makes the broker redeliver, and the
unique keys of ``Reading`` make the redelivery store nothing twice (exactly-once storage over at-least-once
delivery).

A message is one reading object or a list of them (``station`` may be omitted: the topic names it).
"""

from __future__ import annotations

import json
import logging
import os
from urllib.parse import urlsplit

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

log = logging.getLogger(__name__)

TOPIC_PREFIX = "yingji/readings/"
SUBSCRIPTION = TOPIC_PREFIX + "+"
#: Test hook: exit (without acking) right after storing a message, to prove redelivery is stored once.
EXIT_BEFORE_ACK_ENV = "YINGJI_MQTT_EXIT_BEFORE_ACK"


def parse_broker(url: str) -> tuple[str, int]:
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    if parts.scheme not in ("mqtt", "tcp") or not parts.hostname:
        raise ValueError(f"broker must look like mqtt://host:1883, not {url!r}")
    return parts.hostname, parts.port or 1883


def items_of(topic: str, payload: bytes) -> list:
    """The readings in one message; the station defaults to the topic's last level."""
    station = topic[len(TOPIC_PREFIX):] if topic.startswith(TOPIC_PREFIX) else ""
    data = json.loads(payload.decode("utf-8"))
    items = data if isinstance(data, list) else [data]
    return [({"station": station, **item} if isinstance(item, dict) and "station" not in item else item)
            for item in items]


class Worker:
    def __init__(self, broker: str, client_id: str = "yingji-ingest", *, log_each: bool = False):
        self.host, self.port = parse_broker(broker)
        self.log_each = log_each
        self.stored = 0
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, clean_session=False,
                                  protocol=mqtt.MQTTv311, manual_ack=True)
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        self.client.on_subscribe = self.on_subscribe
        self.failed: BaseException | None = None

    def on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("MQTT connect failed: %s", reason_code)
            return
        client.subscribe(SUBSCRIPTION, qos=1)

    def on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        if any(rc.is_failure for rc in reason_codes):
            log.error("MQTT subscription refused: %s", reason_codes)
            client.disconnect()
            return
        log.info("subscribed to %s on %s:%s", SUBSCRIPTION, self.host, self.port)

    def on_message(self, client, userdata, msg) -> None:
        from django.db import close_old_connections

        from . import services

        close_old_connections()
        try:
            items = items_of(msg.topic, msg.payload)
        except (ValueError, UnicodeDecodeError) as exc:
            # A malformed message can never succeed: ack it so it is not redelivered forever.
            log.warning("dropping malformed message on %s: %s", msg.topic, exc)
            client.ack(msg.mid, msg.qos)
            return
        try:
            result = services.ingest(None, items[:services.MAX_BATCH])
        except Exception as exc:  # noqa: BLE001  the message stays unacked; reconnecting makes the broker resend it
            log.exception("storing a message failed; disconnecting so the broker redelivers it")
            self.failed = exc
            client.disconnect()
            return
        self.stored += result.accepted
        if self.log_each:
            log.info("%s: %s", msg.topic, result.as_dict())
        if os.environ.get(EXIT_BEFORE_ACK_ENV):
            os._exit(3)
        client.ack(msg.mid, msg.qos)

    def run(self) -> int:
        self.client.connect(self.host, self.port, keepalive=30)
        self.client.loop_forever(retry_first_connection=False)
        return 1 if self.failed else 0

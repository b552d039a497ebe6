"""MQTT ingestion worker: subscribes to ``yingji/readings/<station>`` (QoS 1) with a persistent session and acks
each message only after its readings are committed, so a crash before the ack makes the broker redeliver, and the
unique keys of ``Reading`` make the redelivery store nothing twice (exactly-once storage over at-least-once
delivery).

A message is one reading object or a list of them (``station`` may be omitted: the topic names it).

Several workers split the stream through an MQTT 5 shared subscription (``--share GROUP`` subscribes to
``$share/GROUP/yingji/readings/+``): the broker hands each message to one worker of the group. Each worker keeps its
own persistent session (its own ``--client-id``), so the messages a killed worker had not acked are redelivered to it
when it comes back, and the unique keys make any second delivery store nothing.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
from typing import Any

import orjson
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from yingji.core.services_check import parse_broker

log = logging.getLogger(__name__)

TOPIC_PREFIX = "yingji/readings/"
SUBSCRIPTION = TOPIC_PREFIX + "+"
#: Test hook: exit (without acking) right after storing a message, to prove redelivery is stored once.
EXIT_BEFORE_ACK_ENV = "YINGJI_MQTT_EXIT_BEFORE_ACK"
#: Unacked messages the broker may send at once (a batch of the worker holds at most ``services.MAX_BATCH``
#: readings; messages beyond it wait in the worker's queue, unacked, for the next batch).
RECEIVE_MAXIMUM = 1000
#: How long the broker keeps the worker's subscription and unacked messages while it is away (seconds: 7 days).
SESSION_EXPIRY = 7 * 24 * 3600


def subscription(share: str | None = None) -> str:
    """The topic filter a worker subscribes to: the plain one, or the group's shared subscription (MQTT 5, 4.8.2)."""
    if not share:
        return SUBSCRIPTION
    if any(c in share for c in "/+#") or share != share.strip():
        raise ValueError(f"a share group is one topic level without '/', '+' or '#', not {share!r}")
    return f"$share/{share}/{SUBSCRIPTION}"


def items_of(topic: str, payload: bytes) -> list:
    """The readings in one message; the station defaults to the topic's last level."""
    station = topic[len(TOPIC_PREFIX):] if topic.startswith(TOPIC_PREFIX) else ""
    text = payload.decode("utf-8")
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:  # the standard decoder decides what orjson refuses (NaN, lone surrogates)
        data = json.loads(text)
    items = data if isinstance(data, list) else [data]
    return [({"station": station, **item} if isinstance(item, dict) and "station" not in item else item)
            for item in items]


class Worker:
    """The network loop runs in paho's thread and only queues messages; the main thread stores them. Whatever
    arrived while a batch was being stored is stored next as one batch (one transaction, one rule pass), so an
    idle worker stores a message as soon as it comes and a busy one amortises the per-batch work over many
    messages. Messages are acked after the commit, in the order they were received (MQTT 5, 4.6)."""

    def __init__(self, broker: str, client_id: str = "yingji-ingest", *, log_each: bool = False,
                 share: str | None = None):
        self.host, self.port = parse_broker(broker)
        self.subscription = subscription(share)
        self.log_each = log_each
        self.stored = 0
        # MQTT 5: a persistent session (clean start off, kept for SESSION_EXPIRY after a disconnect) and a receive
        # maximum the broker honours, so it may send RECEIVE_MAXIMUM messages before the first ack (MQTT 3.1.1
        # left it to the broker's own limit, 20 on Mosquitto: the worker's batches stayed small under load).
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5,
                                  manual_ack=True)
        self.client.on_connect = self.on_connect
        self.client.on_message = self.on_message
        self.client.on_subscribe = self.on_subscribe
        self.failed: BaseException | None = None
        self.inbox: queue.Queue = queue.Queue()
        self.stopping = threading.Event()
        self.carry: tuple[Any, list | None] | None = None

    def on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.error("MQTT connect failed: %s", reason_code)
            return
        client.subscribe(self.subscription, qos=1)

    def on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        if any(rc.is_failure for rc in reason_codes):
            log.error("MQTT subscription refused: %s", reason_codes)
            self.stop()
            return
        log.info("subscribed to %s on %s:%s", self.subscription, self.host, self.port)

    def on_message(self, client, userdata, msg) -> None:
        self.inbox.put(msg)

    def stop(self) -> None:
        self.stopping.set()
        self.client.disconnect()

    def next_batch(self, timeout: float = 0.5) -> list[tuple[Any, list | None]]:
        """The oldest waiting message and those queued behind it, up to ``MAX_BATCH`` readings in all, each with
        its readings (None if malformed)."""
        from . import services

        batch: list[tuple[Any, list | None]] = []
        count = 0
        while count < services.MAX_BATCH:
            if self.carry is not None:
                entry, self.carry = self.carry, None
            else:
                try:
                    msg = self.inbox.get(timeout=timeout) if not batch else self.inbox.get_nowait()
                except queue.Empty:
                    break
                try:
                    entry = (msg, items_of(msg.topic, msg.payload)[:services.MAX_BATCH])
                except (ValueError, UnicodeDecodeError) as exc:
                    log.warning("dropping malformed message on %s: %s", msg.topic, exc)
                    entry = (msg, None)
            size = len(entry[1] or ())
            if batch and count + size > services.MAX_BATCH:
                self.carry = entry
                break
            batch.append(entry)
            count += size
        return batch

    def store(self, batch: list[tuple[Any, list | None]]) -> bool:
        """Store a batch of messages in one ``ingest`` call, then ack them all (a malformed message can never
        succeed, so it is acked too rather than redelivered forever). False if storing failed."""
        from django.db import close_old_connections

        from . import services

        close_old_connections()
        items = [item for _msg, readings in batch for item in readings or ()]
        try:
            result = services.ingest(None, items)
        except Exception as exc:  # noqa: BLE001  the messages stay unacked; reconnecting makes the broker resend them
            log.exception("storing %d messages failed; disconnecting so the broker redelivers them", len(batch))
            self.failed = exc
            self.stop()
            return False
        self.stored += result.accepted
        if self.log_each:
            log.info("%d messages: %s", len(batch), result.as_dict())
        if os.environ.get(EXIT_BEFORE_ACK_ENV):
            os._exit(3)
        for msg, _readings in batch:
            self.client.ack(msg.mid, msg.qos)
        return True

    def run(self) -> int:
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY
        properties.ReceiveMaximum = RECEIVE_MAXIMUM
        self.client.connect(self.host, self.port, keepalive=30, clean_start=False, properties=properties)
        self.client.loop_start()
        try:
            while not self.stopping.is_set():
                batch = self.next_batch()
                if batch and not self.store(batch):
                    break
        finally:
            self.client.loop_stop()
        return 1 if self.failed else 0

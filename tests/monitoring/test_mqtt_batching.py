"""The MQTT worker's batching without a broker: messages queued while a batch is stored go into the next batch
(one ``ingest`` call, capped at ``MAX_BATCH`` readings), malformed ones are dropped, and every message is acked
after the commit in the order received."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from yingji.monitoring import services
from yingji.monitoring.models import Reading
from yingji.monitoring.mqtt import Worker

from .helpers import make_station, ts


def _msg(mid: int, code: str, readings) -> SimpleNamespace:
    payload = readings if isinstance(readings, bytes) else json.dumps(readings).encode()
    return SimpleNamespace(mid=mid, qos=1, topic=f"yingji/readings/{code}", payload=payload)


@pytest.fixture
def worker(monkeypatch):
    w = Worker("mqtt://127.0.0.1:1", client_id="test-batching")
    w.acked = []
    monkeypatch.setattr(w.client, "ack", lambda mid, qos: w.acked.append(mid))
    # The worker drops stale connections between batches; inside a test's transaction that would end the test.
    monkeypatch.setattr("django.db.close_old_connections", lambda: None)
    return w


def test_queued_messages_are_stored_in_one_batch_and_acked_in_order(demo_county, worker, monkeypatch):
    station = make_station("T-MQB", type_="gas", sensors=[("gas", 0, 100, False)])
    calls = []
    real_ingest = services.ingest
    monkeypatch.setattr(services, "ingest", lambda actor, items, **kw: calls.append(len(items))
                        or real_ingest(actor, items, **kw))
    worker.inbox.put(_msg(1, "T-MQB", [{"sensor": "gas", "ts": ts(30 - i), "value": 5} for i in range(3)]))
    worker.inbox.put(_msg(2, "T-MQB", b"{not json"))
    worker.inbox.put(_msg(3, "T-MQB", {"sensor": "gas", "ts": ts(20), "value": 40}))
    worker.inbox.put(_msg(4, "T-MQB", [{"sensor": "gas", "ts": ts(30), "value": 5}]))  # a redelivered reading
    batch = worker.next_batch(timeout=0)
    assert [m.mid for m, _ in batch] == [1, 2, 3, 4]
    assert batch[1][1] is None
    assert worker.store(batch)
    assert calls == [5]
    assert worker.acked == [1, 2, 3, 4]
    assert Reading.objects.filter(station=station).count() == 4
    assert worker.stored == 4
    assert worker.next_batch(timeout=0) == []


def test_a_batch_never_exceeds_the_ingest_limit(worker, monkeypatch):
    monkeypatch.setattr(services, "MAX_BATCH", 5)
    for mid, size in enumerate([2, 2, 2, 7], start=1):
        worker.inbox.put(_msg(mid, "S", [{"sensor": "x", "ts": "t", "value": i} for i in range(size)]))
    first = worker.next_batch(timeout=0)
    assert [(m.mid, len(items)) for m, items in first] == [(1, 2), (2, 2)]
    second = worker.next_batch(timeout=0)
    assert [(m.mid, len(items)) for m, items in second] == [(3, 2)]
    third = worker.next_batch(timeout=0)
    assert [(m.mid, len(items)) for m, items in third] == [(4, 5)]  # one oversized message alone, truncated


def test_a_failed_batch_is_not_acked(demo_county, worker, monkeypatch):
    def boom(actor, items, **kw):
        raise RuntimeError("database down")

    monkeypatch.setattr(services, "ingest", boom)
    monkeypatch.setattr(worker.client, "disconnect", lambda: None)
    worker.inbox.put(_msg(7, "T-X", [{"sensor": "gas", "ts": ts(5), "value": 1}]))
    assert not worker.store(worker.next_batch(timeout=0))
    assert worker.acked == [] and worker.stopping.is_set() and isinstance(worker.failed, RuntimeError)

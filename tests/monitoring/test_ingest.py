"""POST /api/v1/readings: validation per item, exactly-once storage, latest values, auth, grant and scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yingji.enterprises.models import Enterprise
from yingji.monitoring import services
from yingji.monitoring.models import LatestValue, Reading, Station

from ..conftest import assert_error_shape
from .helpers import make_station, ts


@pytest.fixture
def station(demo_county):
    return make_station("T-RAIN", sensors=[("rain", 0, 200, True), ("temp", -40, 60, False)])


def test_valid_readings_are_stored_invalid_ones_rejected_with_reasons(api, station):
    future = (timezone.now() + timedelta(minutes=10)).isoformat()
    batch = [
        {"station": "T-RAIN", "sensor": "rain", "ts": ts(30), "value": 1.5, "id": "m-1"},
        {"station": "T-RAIN", "sensor": "temp", "ts": ts(30), "value": 21},
        {"station": "NOPE", "sensor": "rain", "ts": ts(30), "value": 1},
        {"station": "T-RAIN", "sensor": "nope", "ts": ts(30), "value": 1},
        {"station": "T-RAIN", "sensor": "rain", "ts": ts(25), "value": "3"},
        {"station": "T-RAIN", "sensor": "rain", "ts": ts(25), "value": 500},
        {"station": "T-RAIN", "sensor": "rain", "ts": ts(24), "value": -1},
        {"station": "T-RAIN", "sensor": "rain", "ts": future, "value": 1},
        {"station": "T-RAIN", "sensor": "rain", "ts": "yesterday", "value": 1},
        {"station": "T-RAIN", "sensor": "rain", "ts": ts(23), "value": True},
        "not an object",
    ]
    response = api("duty").post("/api/v1/readings", batch)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted"] == 2 and body["duplicates"] == 0
    reasons = {r["index"]: r["reason"] for r in body["rejected"]}
    assert reasons == {
        2: "unknown station", 3: "unknown sensor", 4: "value must be a number",
        5: "value above the valid range (max 200)", 6: "value below the valid range (min 0)",
        7: "timestamp is more than 5 minutes in the future", 8: "ts is not an ISO-8601 date-time",
        9: "value must be a number", 10: "each reading must be an object"}
    assert Reading.objects.filter(station=station).count() == 2


def test_nan_and_infinity_are_rejected(station):
    result = services.ingest(None, [{"station": "T-RAIN", "sensor": "temp", "ts": ts(5), "value": float("nan")},
                                    {"station": "T-RAIN", "sensor": "temp", "ts": ts(4), "value": float("inf")}])
    assert result.accepted == 0
    assert [r["reason"] for r in result.rejected] == ["value must be a finite number"] * 2


def test_an_integer_beyond_any_float_and_a_list_as_code_are_rejected_not_errors(api, station):
    """The standard decoder (taking what orjson refuses) reads an integer of any length; a code may be any JSON."""
    body = ('[{"station": "T-RAIN", "sensor": "temp", "ts": "' + ts(5) + '", "value": 1' + "0" * 400 + '},'
            ' {"station": ["T-RAIN"], "sensor": "temp", "ts": "' + ts(4) + '", "value": 1},'
            ' {"station": "T-RAIN", "sensor": {"k": 1}, "ts": "' + ts(4) + '", "value": 1},'
            ' {"station": "T-RAIN", "sensor": "temp", "ts": ["x"], "value": 1},'
            ' {"station": "T-RAIN", "sensor": "temp", "ts": "' + ts(3) + '", "value": 2}]')
    response = api("duty").client.post("/api/v1/readings", body, content_type="application/json",
                                       headers=api("duty").headers)
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 1, "duplicates": 0, "rejected": [
        {"index": 0, "reason": "value must be a finite number"}, {"index": 1, "reason": "unknown station"},
        {"index": 2, "reason": "unknown sensor"}, {"index": 3, "reason": "ts must be an ISO-8601 date-time string"}]}


def test_resending_a_batch_stores_nothing_twice(api, station):
    batch = [{"station": "T-RAIN", "sensor": "rain", "ts": ts(60 - i), "value": 0.5, "id": f"c-{i}"}
             for i in range(20)]
    batch.append({"station": "T-RAIN", "sensor": "rain", "ts": ts(10), "value": 0.5})
    client = api("duty")
    first = client.post("/api/v1/readings", batch).json()
    assert first == {"accepted": 21, "duplicates": 0, "rejected": []}
    again = client.post("/api/v1/readings", batch).json()
    assert again == {"accepted": 0, "duplicates": 21, "rejected": []}
    # Same client id with another time, and duplicates inside one batch, are duplicates too.
    mixed = [{"station": "T-RAIN", "sensor": "rain", "ts": ts(3), "value": 1, "id": "c-0"},
             {"station": "T-RAIN", "sensor": "rain", "ts": ts(2), "value": 1},
             {"station": "T-RAIN", "sensor": "rain", "ts": ts(2), "value": 1}]
    assert client.post("/api/v1/readings", mixed).json() == {"accepted": 1, "duplicates": 2, "rejected": []}
    assert Reading.objects.filter(station=station).count() == 22


def test_a_batch_overlapping_stored_readings_stores_only_the_new_ones_once(api, station):
    """The bulk insert is tried whole first; a stored reading in the batch sends it through the path that skips
    what is stored, and only the new readings reach the latest value and the rolling buckets."""
    from django.db.models import Sum

    from yingji.monitoring.models import SensorBucket

    client = api("duty")
    first = [{"station": "T-RAIN", "sensor": "rain", "ts": ts(60 - i), "value": 1.0} for i in range(10)]
    assert client.post("/api/v1/readings", first).json()["accepted"] == 10
    # Five stored (minutes 55..51) and five new (minutes 50..46), in one batch.
    overlap = [{"station": "T-RAIN", "sensor": "rain", "ts": ts(55 - i), "value": 2.0} for i in range(10)]
    assert client.post("/api/v1/readings", overlap).json() == {"accepted": 5, "duplicates": 5, "rejected": []}
    rain = station.sensors.get(key="rain")
    assert Reading.objects.filter(sensor=rain).count() == 15
    assert Reading.objects.filter(sensor=rain, value=2.0).count() == 5
    assert SensorBucket.objects.filter(sensor=rain).aggregate(total=Sum("total"))["total"] == 10 * 1.0 + 5 * 2.0
    latest = LatestValue.objects.get(sensor=rain)
    assert latest.value == 2.0 and latest.ts == Reading.objects.filter(sensor=rain).latest("ts").ts


def test_json_the_fast_decoder_refuses_is_judged_as_before(api, station):
    """NaN and a lone surrogate are not strict JSON (the fast decoder refuses them); the standard decoder takes the
    body and the readings are judged one by one, as always."""
    body = ('[{"station": "T-RAIN", "sensor": "temp", "ts": "' + ts(5) + '", "value": NaN},'
            ' {"station": "T-\\ud800", "sensor": "temp", "ts": "' + ts(4) + '", "value": 1},'
            ' {"station": "T-RAIN", "sensor": "temp", "ts": "' + ts(3) + '", "value": 2}]')
    response = api("duty").client.post("/api/v1/readings", body, content_type="application/json",
                                       headers=api("duty").headers)
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": 1, "duplicates": 0, "rejected": [
        {"index": 0, "reason": "value must be a finite number"}, {"index": 1, "reason": "unknown station"}]}
    assert api("duty").client.post("/api/v1/readings", "[{", content_type="application/json",
                                   headers=api("duty").headers).status_code == 400


def test_latest_value_and_last_reading_time_follow_the_newest_reading(station):
    services.ingest(None, [{"station": "T-RAIN", "sensor": "temp", "ts": ts(20), "value": 10},
                           {"station": "T-RAIN", "sensor": "temp", "ts": ts(10), "value": 12}])
    services.ingest(None, [{"station": "T-RAIN", "sensor": "temp", "ts": ts(30), "value": 5}])  # late arrival
    latest = LatestValue.objects.get(sensor__station=station, sensor__key="temp")
    assert (latest.value, latest.prev_value) == (12, 10)
    station.refresh_from_db()
    assert station.last_reading_at == latest.ts


def test_batch_limit_is_a_validation_error(api, station):
    batch = [{"station": "T-RAIN", "sensor": "rain", "ts": ts(1), "value": 0}] * (services.MAX_BATCH + 1)
    body = assert_error_shape(api("duty").post("/api/v1/readings", batch), 422)
    assert body["errors"]


def test_body_must_be_an_array(api, station):
    assert_error_shape(api("duty").post("/api/v1/readings", {"station": "T-RAIN"}), 422)


def test_anonymous_is_401_and_roles_without_the_grant_are_403(api, station):
    item = [{"station": "T-RAIN", "sensor": "rain", "ts": ts(1), "value": 0}]
    assert_error_shape(api(None).post("/api/v1/readings", item), 401)
    assert_error_shape(api("observer").post("/api/v1/readings", item), 403)
    assert_error_shape(api("township1").post("/api/v1/readings", item), 403)


def test_enterprise_accounts_feed_only_their_own_stations(api, demo_county):
    client = api("enterprise1")
    own = make_station("T-GAS", "gas", client.user.enterprise.region_code, enterprise=client.user.enterprise,
                       sensors=[("gas", 0, 100, False)])
    other = Enterprise.objects.exclude(pk=client.user.enterprise_id).first()
    make_station("T-GAS2", "gas", other.region_code, enterprise=other, sensors=[("gas", 0, 100, False)])
    body = client.post("/api/v1/readings", [
        {"station": "T-GAS", "sensor": "gas", "ts": ts(1), "value": 2},
        {"station": "T-GAS2", "sensor": "gas", "ts": ts(1), "value": 2},
        {"station": "RG410481001", "sensor": "rain", "ts": ts(1), "value": 2}]).json()
    assert body["accepted"] == 1
    assert [r["reason"] for r in body["rejected"]] == ["unknown station", "unknown station"]
    assert Reading.objects.filter(station=own).count() == 1
    assert not Station.objects.get(code="T-GAS2").last_reading_at

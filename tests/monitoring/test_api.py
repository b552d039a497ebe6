"""Stations and alarms API: auth (401), scope (404), grant (403), validation (422), happy paths."""

from __future__ import annotations

import pytest

from yingji.core.models import AuditRecord
from yingji.monitoring import services
from yingji.monitoring.models import Alarm, Station

from ..conftest import assert_error_shape
from .helpers import make_station, ts

NEW_STATION = {"code": "RG-NEW", "name": "新雨量站", "type": "rain", "region_code": "410481001",
               "lat": "33.3", "lon": "113.5", "expected_interval": 300,
               "sensors": [{"key": "rain", "unit": "mm", "valid_min": 0, "valid_max": 200, "cumulative": True}]}


def _station_id(code="RG410481001"):
    return Station.objects.get(code=code).pk


def test_station_list_is_scoped_and_shows_latest_values(api, demo_county):
    body = api("township1").get("/api/v1/stations", limit=500).json()
    assert body["count"] == Station.objects.filter(region_code__startswith="410481001").count() > 0
    assert all(s["region_code"].startswith("410481001") for s in body["items"])
    rain = next(s for s in body["items"] if s["code"] == "RG410481001")
    assert rain["sensors"][0]["key"] == "rain" and rain["sensors"][0]["latest_at"] is not None
    county = api("observer").get("/api/v1/stations", type="water_level").json()
    assert county["count"] == 14


def test_station_list_filters_are_validated(api, demo_county):
    assert_error_shape(api("observer").get("/api/v1/stations", type="volcano"), 422)


def test_station_list_query_count_does_not_grow_with_rows(api, demo_county, django_assert_max_num_queries):
    client = api("observer")
    with django_assert_max_num_queries(12):
        assert client.get("/api/v1/stations", limit=100).status_code == 200


def test_station_detail_auth_scope(api, demo_county):
    pk = _station_id()
    assert_error_shape(api(None).get(f"/api/v1/stations/{pk}"), 401)
    assert_error_shape(api("township2").get(f"/api/v1/stations/{pk}"), 404)
    assert_error_shape(api("enterprise1").get(f"/api/v1/stations/{pk}"), 404)
    assert api("township1").get(f"/api/v1/stations/{pk}").json()["code"] == "RG410481001"


def test_enterprise_sees_its_own_stations(api, demo_county):
    client = api("enterprise1")
    own = make_station("T-GAS", "gas", client.user.enterprise.region_code, enterprise=client.user.enterprise,
                       sensors=[("gas", 0, 100, False)])
    body = client.get("/api/v1/stations").json()
    assert [s["code"] for s in body["items"]] == ["T-GAS"]
    assert client.get(f"/api/v1/stations/{own.pk}").status_code == 200


def test_create_station(api, demo_county):
    assert_error_shape(api(None).post("/api/v1/stations", NEW_STATION), 401)
    assert_error_shape(api("observer").post("/api/v1/stations", NEW_STATION), 403)
    assert_error_shape(api("township1").post("/api/v1/stations", NEW_STATION), 403)
    response = api("section").post("/api/v1/stations", NEW_STATION)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["code"] == "RG-NEW" and body["sensors"][0]["valid_max"] == 200
    assert AuditRecord.objects.filter(object_type="monitoring.station", object_id=str(body["id"]),
                                      action="create").exists()


@pytest.mark.parametrize(("change", "field"), [
    ({"type": "volcano"}, "type"),
    ({"region_code": "12"}, "region_code"),
    ({"region_code": "410481999"}, "region_code"),
    ({"code": "bad code!"}, "code"),
    ({"expected_interval": 1}, "expected_interval"),
    ({"sensors": [{"key": "rain", "valid_min": 5, "valid_max": 1}]}, "sensors.0.valid_max"),
    ({"sensors": [{"key": "rain"}, {"key": "rain"}]}, "sensors.1.key"),
    ({"code": "RG410481001"}, ""),
])
def test_create_station_validation(api, demo_county, change, field):
    response = api("admin").post("/api/v1/stations", {**NEW_STATION, **change})
    if field == "":
        assert response.status_code in (409, 422)
        assert_error_shape(response)
        return
    body = assert_error_shape(response, 422)
    assert field in [e["field"] for e in body["errors"]], body


def test_create_station_outside_jurisdiction_is_403(api, demo_county):
    from yingji.core.models import User, UserRole

    user = User.objects.get(username="township1")
    UserRole.objects.create(user=user, role="section_staff")
    response = api("township1").post("/api/v1/stations", {**NEW_STATION, "region_code": "410481002"})
    assert_error_shape(response, 403)


def test_update_station(api, demo_county):
    pk = _station_id()
    assert_error_shape(api(None).patch(f"/api/v1/stations/{pk}", {"name": "x"}), 401)
    assert_error_shape(api("duty").patch(f"/api/v1/stations/{pk}", {"name": "x"}), 403)
    assert_error_shape(api("admin").patch(f"/api/v1/stations/{pk}", {"expected_interval": 0}), 422)
    assert_error_shape(api("admin").patch(f"/api/v1/stations/{pk}", {"name": None}), 422)
    assert_error_shape(api("admin").patch("/api/v1/stations/999999", {"name": "x"}), 404)
    response = api("admin").patch(f"/api/v1/stations/{pk}", {
        "status": "maintenance", "sensors": [{"key": "rain", "unit": "mm", "valid_max": 300, "cumulative": True},
                                             {"key": "temp", "unit": "°C"}]})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "maintenance"
    assert {s["key"]: s["valid_max"] for s in body["sensors"]} == {"rain": 300, "temp": None}


@pytest.fixture
def alarm(demo_county):
    make_station("T-RAIN")
    services.ingest(None, [{"station": "T-RAIN", "sensor": "rain", "ts": ts(5), "value": 150}])
    return Alarm.objects.filter(station__code="T-RAIN", rule__kind="rainstorm").get()


def test_alarm_list_and_detail(api, alarm):
    body = api("duty").get("/api/v1/alarms", active="true", level="red").json()
    assert alarm.pk in [a["id"] for a in body["items"]]
    assert all(a["level"] == "red" for a in body["items"])
    assert_error_shape(api("duty").get("/api/v1/alarms", level="purple"), 422)
    assert_error_shape(api(None).get("/api/v1/alarms"), 401)
    assert alarm.pk not in [a["id"] for a in api("township2").get("/api/v1/alarms").json()["items"]]
    detail = api("township1").get(f"/api/v1/alarms/{alarm.pk}").json()
    assert detail["level"] == "red" and detail["events"][0]["kind"] == "raised"
    assert_error_shape(api("township2").get(f"/api/v1/alarms/{alarm.pk}"), 404)
    assert_error_shape(api(None).get(f"/api/v1/alarms/{alarm.pk}"), 401)


def test_alarm_transitions(api, alarm):
    url = f"/api/v1/alarms/{alarm.pk}/transitions"
    assert [t["action"] for t in api("duty").get(url).json()["available"]] == ["acknowledge", "close"]
    assert api("observer").get(url).json()["available"] == []
    assert_error_shape(api(None).post(url, {"action": "acknowledge"}), 401)
    assert_error_shape(api("township2").post(url, {"action": "acknowledge"}), 404)
    assert_error_shape(api("observer").post(url, {"action": "acknowledge"}), 403)
    assert_error_shape(api("duty").post(url, {"action": "explode"}), 422)
    body = api("duty").post(url, {"action": "acknowledge", "note": "called the township"}).json()
    assert body["state"] == "acknowledged" and body["acknowledged_at"]
    assert_error_shape(api("duty").post(url, {"action": "acknowledge"}), 409)
    assert_error_shape(api("township1").post(url, {"action": "close"}), 422)  # a note is required
    body = api("township1").post(url, {"action": "close", "note": "rain stopped, patrol done"}).json()
    assert body["state"] == "closed"
    assert [(e["kind"], e["note"]) for e in body["events"]][1:] == [
        ("acknowledge", "called the township"), ("close", "rain stopped, patrol done")]
    assert AuditRecord.objects.filter(object_type="monitoring.alarm", object_id=str(alarm.pk),
                                      action="transition").count() == 2
    # A new trigger after closing opens a new alarm.
    services.ingest(None, [{"station": "T-RAIN", "sensor": "rain", "ts": ts(1), "value": 10}])
    assert Alarm.objects.filter(station__code="T-RAIN", rule__kind="rainstorm", state="open").count() == 1

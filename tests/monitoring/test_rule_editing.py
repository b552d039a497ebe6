"""Rules as data edited by staff: API (/api/v1/rules) and pages, field-level validation per kind, scope (a
station's rules follow the station; county-wide rules only for county-wide accounts), audit of every change,
and the ingestion path using a changed or disabled rule on the very next readings."""

from __future__ import annotations

import pytest

from yingji.core.models import AuditRecord
from yingji.monitoring import rules, services
from yingji.monitoring.models import Alarm, Rule

from ..conftest import assert_error_shape
from .helpers import make_station, ts

GAS_RULE = {"name": "气体 ≥ 40", "kind": "above", "station_type": "gas", "sensor_key": "gas", "threshold": 40,
            "level": "red"}


def _fields(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


@pytest.mark.parametrize(("body", "fields"), [
    ({"kind": "rolling_sum", "station_type": "rain", "sensor_key": "rain", "threshold": 30, "level": "yellow"},
     {"window_hours"}),
    ({"kind": "rolling_sum", "station_type": "rain", "sensor_key": "rain", "window_hours": 3, "threshold": 0,
      "level": "yellow"}, {"threshold"}),
    ({"kind": "above", "station_type": "gas", "sensor_key": "gas", "window_hours": 3, "threshold": 1,
      "level": "red"}, {"window_hours"}),
    ({"kind": "above", "station_type": "gas", "sensor_key": "", "level": ""}, {"sensor_key", "threshold", "level"}),
    ({"kind": "rate", "station_type": "water_level", "sensor_key": "water_level", "threshold": 0, "level": "blue"},
     {"threshold"}),
    ({"kind": "no_data", "station_type": "rain", "sensor_key": "rain", "threshold": 0.5, "level": "blue"},
     {"sensor_key", "threshold"}),
    ({"kind": "rainstorm", "station_type": "rain", "sensor_key": "rain", "threshold": 50, "level": "red"},
     {"threshold", "level"}),
    ({"kind": "below", "sensor_key": "x", "threshold": 1, "level": "blue"}, {"station_type"}),
])
def test_validation_answers_field_level_errors(api, body, fields):
    response = api("section").post("/api/v1/rules", {"name": "测试"} | body)
    assert_error_shape(response, 422)
    assert _fields(response) == fields
    assert not Rule.objects.filter(name="测试").exists()


def test_schema_rejects_a_window_that_is_not_offered(api):
    response = api("section").post("/api/v1/rules", {"name": "x", "kind": "rolling_sum", "station_type": "rain",
                                                     "sensor_key": "rain", "window_hours": 2, "threshold": 5,
                                                     "level": "blue"})
    assert_error_shape(response, 422)
    assert any(f.startswith("window_hours") for f in _fields(response))


def test_station_rule_checks_the_sensor(api, demo_county):
    station = make_station("T-GAS2", "gas", sensors=[("gas", 0, 100, False)])
    client = api("section")
    missing = client.post("/api/v1/rules", {"name": "x", "kind": "above", "station_id": station.pk,
                                            "sensor_key": "h2s", "threshold": 5, "level": "red"})
    assert_error_shape(missing, 422)
    assert _fields(missing) == {"sensor_key"}
    not_cumulative = client.post("/api/v1/rules", {"name": "x", "kind": "rolling_sum", "station_id": station.pk,
                                                   "sensor_key": "gas", "window_hours": 1, "threshold": 5,
                                                   "level": "red"})
    assert _fields(not_cumulative) == {"sensor_key"}
    both = client.post("/api/v1/rules", {"name": "x", "kind": "above", "station_id": station.pk,
                                         "station_type": "gas", "sensor_key": "gas", "threshold": 5,
                                         "level": "red"})
    assert _fields(both) == {"station_type"}


def test_create_edit_disable_are_audited_and_picked_up_by_ingestion(api, demo_county):
    client = api("section")
    make_station("T-GAS", "gas", sensors=[("gas", 0, 100, False)])
    created = client.post("/api/v1/rules", GAS_RULE)
    assert created.status_code == 201, created.content
    rule_id = created.json()["id"]
    assert created.json()["station_type"] == "gas" and created.json()["enabled"] is True
    services.ingest(None, [{"station": "T-GAS", "sensor": "gas", "ts": ts(9), "value": 45}])
    assert Alarm.objects.filter(rule_id=rule_id, station__code="T-GAS", level="red").exists()
    # Raise the threshold: the next reading of 45 no longer triggers the rule.
    Alarm.objects.filter(rule_id=rule_id).update(state="closed")
    changed = client.patch(f"/api/v1/rules/{rule_id}", {"threshold": 60})
    assert changed.status_code == 200 and changed.json()["threshold"] == 60
    services.ingest(None, [{"station": "T-GAS", "sensor": "gas", "ts": ts(8), "value": 45}])
    assert not Alarm.objects.filter(rule_id=rule_id, state="open").exists()
    services.ingest(None, [{"station": "T-GAS", "sensor": "gas", "ts": ts(7), "value": 61}])
    assert Alarm.objects.filter(rule_id=rule_id, state="open").count() == 1
    Alarm.objects.filter(rule_id=rule_id).update(state="closed")
    disabled = client.patch(f"/api/v1/rules/{rule_id}", {"enabled": False})
    assert disabled.json()["enabled"] is False
    services.ingest(None, [{"station": "T-GAS", "sensor": "gas", "ts": ts(6), "value": 99}])
    assert not Alarm.objects.filter(rule_id=rule_id, state="open").exists()
    records = AuditRecord.objects.filter(object_type="monitoring.rule", object_id=str(rule_id)).order_by("time", "id")
    assert [r.action for r in records] == ["create", "update", "update"]
    assert records[1].before["threshold"] == 40 and records[1].after["threshold"] == 60
    assert records[2].after["enabled"] is False and records[2].username == "section"


def test_changes_are_announced_after_commit(api, demo_county, django_capture_on_commit_callbacks):
    seen = []

    def receiver(sender, rule_id, **kwargs):
        seen.append(rule_id)

    rules.rules_changed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            rule_id = api("section").post("/api/v1/rules", GAS_RULE).json()["id"]
        with django_capture_on_commit_callbacks(execute=True):
            api("section").patch(f"/api/v1/rules/{rule_id}", {"enabled": False})
    finally:
        rules.rules_changed.disconnect(receiver)
    assert seen == [rule_id, rule_id]


def test_scope_and_grants(api, demo_county):
    own = make_station("T-OWN", "gas", region_code=demo_county["township"], sensors=[("gas", 0, 100, False)])
    other = make_station("T-OTH", "gas", region_code=demo_county["township2"], sensors=[("gas", 0, 100, False)])
    section = api("section")
    own_rule = section.post("/api/v1/rules", {"name": "own", "kind": "above", "station_id": own.pk,
                                              "sensor_key": "gas", "threshold": 5, "level": "red"}).json()
    other_rule = section.post("/api/v1/rules", {"name": "other", "kind": "above", "station_id": other.pk,
                                                "sensor_key": "gas", "threshold": 5, "level": "red"}).json()
    township = api("township1")
    listed = {r["id"] for r in township.get("/api/v1/rules", limit=500).json()["items"]}
    assert own_rule["id"] in listed and other_rule["id"] not in listed
    expected = {r.pk for r in Rule.objects.select_related("station")
                if r.station is None or r.station.region_code.startswith(demo_county["township"])}
    assert listed == expected and own_rule["id"] in expected
    assert township.get(f"/api/v1/rules/{own_rule['id']}").status_code == 200
    assert_error_shape(township.get(f"/api/v1/rules/{other_rule['id']}"), 404)
    assert_error_shape(township.patch(f"/api/v1/rules/{other_rule['id']}", {"threshold": 1}), 404)
    assert_error_shape(township.patch(f"/api/v1/rules/{own_rule['id']}", {"threshold": 1}), 403)
    assert_error_shape(township.post("/api/v1/rules", GAS_RULE), 403)
    assert_error_shape(api("observer").post("/api/v1/rules", GAS_RULE), 403)
    assert_error_shape(api(None).get("/api/v1/rules"), 401)
    # An enterprise sees only the rules of its own stations.
    enterprise = api("enterprise1")
    assert enterprise.get("/api/v1/rules").json()["count"] == 0
    assert_error_shape(enterprise.get(f"/api/v1/rules/{own_rule['id']}"), 404)
    # A station outside the actor's scope cannot be named.
    from yingji.core.services import create_user

    local = create_user(None, username="tsection", roles=["section_staff"], password="Local@admin1",
                        scope_region_code=demo_county["township"])
    from tests.conftest import ApiClient

    client = ApiClient(local)
    response = client.post("/api/v1/rules", {"name": "x", "kind": "above", "station_id": other.pk,
                                             "sensor_key": "gas", "threshold": 5, "level": "red"})
    assert _fields(response) == {"station_id"}
    county_wide = client.post("/api/v1/rules", GAS_RULE)
    assert_error_shape(county_wide, 403)
    assert _fields(county_wide) == {"station_type"}
    ok = client.post("/api/v1/rules", {"name": "mine", "kind": "above", "station_id": own.pk, "sensor_key": "gas",
                                       "threshold": 5, "level": "red"})
    assert ok.status_code == 201
    assert_error_shape(client.patch(f"/api/v1/rules/{Rule.objects.filter(station__isnull=True).first().pk}",
                                    {"threshold": 1}), 403)


def test_rule_pages(web, demo_county):
    make_station("T-GAS", "gas", sensors=[("gas", 0, 100, False)])
    client = web("section")
    listing = client.get("/rules/")
    assert listing.status_code == 200 and "暴雨预警信号" in listing.content.decode()
    form = client.get("/rules/new/")
    assert form.status_code == 200
    bad = client.post("/rules/new/", {"name": "坏", "kind": "rolling_sum", "station_type": "rain",
                                      "sensor_key": "rain", "threshold": "5", "level": "red", "enabled": "on"})
    assert bad.status_code == 200 and not Rule.objects.filter(name="坏").exists()
    assert "window_hours" in bad.context["form"].errors
    good = client.post("/rules/new/", {"name": "好", "kind": "rolling_sum", "station_type": "rain",
                                       "sensor_key": "rain", "window_hours": "3", "threshold": "40",
                                       "level": "orange", "enabled": "on"})
    rule = Rule.objects.get(name="好")
    assert good.status_code == 302 and good["Location"] == f"/rules/{rule.pk}/"
    assert (rule.window_hours, rule.threshold, rule.enabled) == (3, 40, True)
    edited = client.post(f"/rules/{rule.pk}/edit/", {"name": "好", "kind": "rolling_sum", "station_type": "rain",
                                                     "sensor_key": "rain", "window_hours": "6", "threshold": "40",
                                                     "level": "orange", "enabled": "on"})
    assert edited.status_code == 302
    rule.refresh_from_db()
    assert rule.window_hours == 6
    assert client.post(f"/rules/{rule.pk}/enabled/0/").status_code == 302
    rule.refresh_from_db()
    assert rule.enabled is False
    detail = web("admin").get(f"/rules/{rule.pk}/")
    assert detail.status_code == 200 and len(detail.context["history"]) == 3
    # Read-only roles see the rule but not the edit pages; another township's station rule is a 404.
    assert web("observer").get(f"/rules/{rule.pk}/").status_code == 200
    assert web("observer").get(f"/rules/{rule.pk}/edit/").status_code == 403
    assert web("observer").post(f"/rules/{rule.pk}/enabled/1/").status_code == 403
    other = make_station("T-OTH", "gas", region_code=demo_county["township2"], sensors=[("gas", 0, 100, False)])
    station_rule = rules.create_rule(web("section").get("/").wsgi_request.user,
                                     {"name": "s", "kind": "above", "station_id": other.pk, "sensor_key": "gas",
                                      "threshold": 1, "level": "red"})
    assert web("township1").get(f"/rules/{station_rule.pk}/").status_code == 404


def test_rule_list_query_count_does_not_grow_with_rows(api, demo_county, django_assert_max_num_queries):
    client = api("section")
    for i in range(30):
        station = make_station(f"T-Q{i}", "gas", sensors=[("gas", 0, 100, False)])
        rules.create_rule(client.user, {"name": f"q{i}", "kind": "above", "station_id": station.pk,
                                        "sensor_key": "gas", "threshold": 5, "level": "red"})
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/rules", limit=100).json()
    assert body["count"] >= 40
    assert all(r["station_code"] for r in body["items"] if r["station_id"])

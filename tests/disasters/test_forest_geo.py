"""Forest fire prevention and geological hazards: permit and fire workflows (action × state × role), the fire's
timeline and audit, idempotent ranger check-ins, the fire-danger level set on the areas, hazard points with their
stations and 核销, earthquake reports opening and feeding an incident, scope by region and 4xx on bad input."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import AuditRecord, User
from yingji.disasters.models import (
    EarthquakeReport,
    FirePermit,
    ForestArea,
    ForestFire,
    ForestFireEvent,
    ForestPatrol,
    GeoHazardPoint,
)
from yingji.disasters.services import forest, geo
from yingji.incidents.models import Incident
from yingji.monitoring.models import Station
from yingji.resources.models import Team

VILLAGE = "410481001001"  # grid1's village, in township1's township
ROLES = ["admin", "section", "duty", "commander", "township1", "grid1", "observer", "township2"]


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def area(demo_county):
    return forest.create_area(user("township1"), {
        "name": "测试村集体林", "region_code": VILLAGE, "area_ha": "320.5", "forest_type": "马尾松林",
        "responsible_unit": "测试村民委员会", "responsible_name": "王林", "responsible_phone": "13803751234"})


def permit(area, **extra) -> FirePermit:
    start = timezone.now() + datetime.timedelta(days=1)
    return forest.create_permit(user("grid1"), {
        "region_code": VILLAGE, "area": area.pk, "applicant_name": "李田", "applicant_phone": "13903751234",
        "purpose": "straw", "place": "村东农田", "starts_at": start, "ends_at": start + datetime.timedelta(hours=3),
        "safety_measures": "开设隔离带，专人看守", "guards": 3, **extra})


# --- permits -------------------------------------------------------------------------------------------------------

PERMIT_ALLOWED = {"approve": ({"submitted"}, {"admin", "section", "township1"}),
                  "reject": ({"submitted"}, {"admin", "section", "township1"}),
                  "cancel": ({"submitted", "approved"}, {"admin", "section", "township1", "grid1"}),
                  "complete": ({"approved"}, {"admin", "section", "township1", "grid1"})}
PERMIT_PATHS = {"submitted": [], "approved": ["approve"], "rejected": ["reject"], "cancelled": ["cancel"],
                "completed": ["approve", "complete"]}


def permit_in(area, state: str) -> FirePermit:
    obj = permit(area)
    for action in PERMIT_PATHS[state]:
        obj = forest.act_on_permit(user("section"), obj, action, {"note": "意见"})
    assert obj.state == state
    return obj


@pytest.mark.parametrize("state", list(PERMIT_PATHS))
def test_permit_action_state_role_matrix(api, area, state):
    for action, (states, roles) in PERMIT_ALLOWED.items():
        for role in ROLES:
            obj = permit_in(area, state)
            response = api(role).post(f"/api/v1/fire-permits/{obj.pk}/transitions", {"action": action,
                                                                                      "note": "意见"})
            want = 404 if role == "township2" else 409 if state not in states else 200 if role in roles else 403
            assert response.status_code == want, (action, state, role, response.content[:300])
            if want == 200:
                assert response.json()["state"] == forest.PERMIT_WORKFLOW._by_action[action].target
            else:
                assert_error_shape(response)


def test_permit_rejection_needs_a_note_and_high_danger_blocks_approval(api, area):
    obj = permit(area)
    response = api("township1").post(f"/api/v1/fire-permits/{obj.pk}/transitions", {"action": "reject"})
    assert_error_shape(response, 422)
    ForestArea.objects.filter(pk=area.pk).update(danger_level="4")
    response = api("township1").post(f"/api/v1/fire-permits/{obj.pk}/transitions", {"action": "approve"})
    assert_error_shape(response, 422)
    assert FirePermit.objects.get(pk=obj.pk).state == "submitted"


def test_permit_bad_input_is_422(api, area):
    start = timezone.now().isoformat()
    body = {"region_code": VILLAGE, "applicant_name": "李田", "applicant_phone": "13903751234", "purpose": "straw",
            "place": "村东", "starts_at": start, "ends_at": start, "safety_measures": "看守", "guards": 2}
    response = api("grid1").post("/api/v1/fire-permits", body)
    assert_error_shape(response, 422)
    assert any(e["field"] == "ends_at" for e in response.json()["errors"])
    response = api("grid1").post("/api/v1/fire-permits", {**body, "region_code": "410481001", "ends_at": None})
    assert_error_shape(response, 422)
    response = api("grid1").post("/api/v1/fire-permits", {**body, "purpose": "fireworks"})
    assert_error_shape(response, 422)


# --- fires ---------------------------------------------------------------------------------------------------------

FIRE_ALLOWED = {"extinguish": {"burning"}, "guard": {"extinguished"}, "withdraw": {"guarded"},
                "rekindle": {"extinguished", "guarded"}}
FIRE_ROLES = {"admin", "section", "duty", "commander", "township1"}
FIRE_PAYLOAD = {"extinguish": {"area_burned_ha": "2.5"}, "guard": {}, "withdraw": {}, "rekindle": {"note": "复燃"}}
FIRE_PATHS = {"burning": [], "extinguished": ["extinguish"], "guarded": ["extinguish", "guard"],
              "withdrawn": ["extinguish", "guard", "withdraw"]}


def fire(area, **extra) -> ForestFire:
    return forest.create_fire(user("duty"), {
        "region_code": VILLAGE, "area": area.pk, "place": "测试村后山", "discovered_at": timezone.now(),
        "reported_by": "护林员", "people_sent": 20, **extra})


def fire_in(area, state: str) -> ForestFire:
    obj = fire(area)
    for action in FIRE_PATHS[state]:
        if action == "withdraw":
            ForestFire.objects.filter(pk=obj.pk).update(guarded_at=timezone.now() - datetime.timedelta(hours=2))
            obj.refresh_from_db()
        obj = forest.act_on_fire(user("duty"), obj, action, FIRE_PAYLOAD[action])
    if state == "guarded":
        ForestFire.objects.filter(pk=obj.pk).update(guarded_at=timezone.now() - datetime.timedelta(hours=2))
        obj.refresh_from_db()
    assert obj.state == state
    return obj


@pytest.mark.parametrize("state", list(FIRE_PATHS))
def test_fire_action_state_role_matrix(api, area, state):
    for action, states in FIRE_ALLOWED.items():
        for role in ROLES:
            obj = fire_in(area, state)
            response = api(role).post(f"/api/v1/forest-fires/{obj.pk}/transitions",
                                      {"action": action, **FIRE_PAYLOAD[action]})
            want = 404 if role == "township2" else 409 if state not in states else 200 if role in FIRE_ROLES \
                else 403
            assert response.status_code == want, (action, state, role, response.content[:300])
            if want == 200:
                assert response.json()["state"] == forest.FIRE_WORKFLOW._by_action[action].target
            else:
                assert_error_shape(response)


def test_fire_goes_through_every_state_with_timeline_and_audit(api, area):
    team = Team.objects.filter(kind="forest_volunteer").first()
    obj = fire(area, teams=[team.pk])
    client = api("duty")
    assert_error_shape(client.post(f"/api/v1/forest-fires/{obj.pk}/transitions", {"action": "extinguish"}), 422)
    assert client.post(f"/api/v1/forest-fires/{obj.pk}/transitions",
                       {"action": "extinguish", "area_burned_ha": "3.2", "note": "明火扑灭"}).status_code == 200
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert client.post(f"/api/v1/forest-fires/{obj.pk}/transitions", {"action": "guard"}).status_code == 200
    with time_machine.travel(start + datetime.timedelta(minutes=30), tick=False):
        response = client.post(f"/api/v1/forest-fires/{obj.pk}/transitions", {"action": "withdraw"})
        assert_error_shape(response, 422)
    with time_machine.travel(start + datetime.timedelta(hours=1, minutes=1), tick=False):
        assert client.post(f"/api/v1/forest-fires/{obj.pk}/transitions", {"action": "withdraw"}).status_code == 200
    body = client.get(f"/api/v1/forest-fires/{obj.pk}").json()
    assert body["state"] == "withdrawn" and body["area_burned_ha"] == "3.20" and body["team_ids"] == [team.pk]
    assert [e["to_state"] for e in body["timeline"]] == ["burning", "extinguished", "guarded", "withdrawn"]
    assert AuditRecord.objects.filter(object_type="disasters.forestfire", object_id=str(obj.pk),
                                      action="transition").count() == 3
    # Stale version: a second actor's step from the old state is refused, nothing is recorded twice.
    with pytest.raises(Exception):  # noqa: B017  (Conflict: the state moved on)
        forest.act_on_fire(user("section"), obj, "guard")
    assert ForestFireEvent.objects.filter(fire=obj).count() == 4


def test_fire_page_shows_timeline_and_buttons(web, area):
    obj = fire(area)
    page = web("duty").get(f"/disasters/forest/fires/{obj.pk}/")
    assert page.status_code == 200 and "yj-fire-timeline" in page.content.decode()
    assert 'id="yj-action-extinguish"' in page.content.decode()
    response = web("duty").post(f"/disasters/forest/fires/{obj.pk}/act/extinguish/",
                                {"area_burned_ha": "1.5", "note": "扑灭"})
    assert response.status_code == 302 and ForestFire.objects.get(pk=obj.pk).state == "extinguished"
    assert web("observer").post(f"/disasters/forest/fires/{obj.pk}/act/guard/").status_code == 403


# --- check-ins -----------------------------------------------------------------------------------------------------


def test_check_in_is_idempotent_by_client_id(api, area):
    client = api("grid1")
    body = {"area_id": area.pk, "lat": "33.300000", "lon": "113.500000", "finding": "fire_source",
            "note": "坟地烧纸", "client_id": "phone-1-0001"}
    first = client.post("/api/v1/forest-patrols", body)
    again = client.post("/api/v1/forest-patrols", body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert ForestPatrol.objects.filter(client_id="phone-1-0001").count() == 1
    assert first.json()["ranger_name"]
    other = api("township1").post("/api/v1/forest-patrols", body)
    assert_error_shape(other, 422)


def test_check_in_needs_a_location_and_an_area_in_scope(api, area):
    client = api("grid1")
    assert_error_shape(client.post("/api/v1/forest-patrols", {"area_id": area.pk}), 422)
    elsewhere = ForestArea.objects.exclude(region_code__startswith="410481001").first()
    response = client.post("/api/v1/forest-patrols", {"area_id": elsewhere.pk, "lat": "33.3", "lon": "113.5"})
    assert_error_shape(response, 422)
    assert any(e["field"] == "area" for e in response.json()["errors"])


def test_check_in_page_is_phone_sized_and_answers_json(web, area):
    client = web("grid1")
    page = client.get("/disasters/forest/check-in/")
    assert page.status_code == 200 and "disasters/checkin.js" in page.content.decode()
    response = client.post("/disasters/forest/check-in/", {"area": area.pk, "lat": "33.3", "lon": "113.5",
                                                          "finding": "normal", "client_id": "web-1"},
                           headers={"Accept": "application/json"})
    assert response.status_code == 201
    again = client.post("/disasters/forest/check-in/", {"area": area.pk, "lat": "33.3", "lon": "113.5",
                                                       "finding": "normal", "client_id": "web-1"},
                        headers={"Accept": "application/json"})
    assert again.status_code == 200 and again.json()["created"] is False
    bad = client.post("/disasters/forest/check-in/", {"area": area.pk, "finding": "normal"},
                      headers={"Accept": "application/json"})
    assert bad.status_code == 422


# --- fire-danger level ---------------------------------------------------------------------------------------------


def test_danger_level_is_set_on_the_areas_in_scope(api, area):
    outside = ForestArea.objects.exclude(region_code__startswith="410481001").first()
    before = outside.danger_level
    response = api("township1").post("/api/v1/forest-areas/danger", {
        "day": "2026-04-05", "max_temp_c": 24, "min_humidity_pct": 28, "dry_days": 6, "wind_force": 4})
    assert response.status_code == 200, response.content
    assert response.json()["level"] == 5 and response.json()["areas"] >= 1
    area.refresh_from_db()
    assert area.danger_level == "5" and "清明节" in area.danger_reasons
    outside.refresh_from_db()
    assert outside.danger_level == before
    assert_error_shape(api("township1").post("/api/v1/forest-areas/danger", {
        "day": "2026-04-05", "max_temp_c": 24, "min_humidity_pct": 128, "dry_days": 6, "wind_force": 4}), 422)
    assert api("grid1").post("/api/v1/forest-areas/danger", {
        "day": "2026-04-05", "max_temp_c": 24, "min_humidity_pct": 28, "dry_days": 6, "wind_force": 4}
    ).status_code == 403


# --- hazard points -------------------------------------------------------------------------------------------------


def point(**extra) -> GeoHazardPoint:
    return geo.create_point(user("township1"), {
        "code": "4104810099", "name": "测试村滑坡", "kind": "landslide", "scale": "small", "region_code": VILLAGE,
        "lat": "33.300000", "lon": "113.500000", "households": 30, "people": 120, "property_wan": "300",
        "monitor_name": "赵守山", "monitor_phone": "13803759999", **extra})


def test_point_grade_stations_and_write_off(api, demo_county):
    station = Station.objects.filter(region_code__startswith="410481001").first() or Station.objects.filter(
        region_code="410481").first()
    obj = point(stations=[station.pk] if station else [])
    assert obj.threat_grade == "medium"
    client = api("section")
    assert client.patch(f"/api/v1/geohazard-points/{obj.pk}", {"people": 600}).json()["threat_grade"] == "large"
    assert_error_shape(client.post(f"/api/v1/geohazard-points/{obj.pk}/transitions", {"action": "write_off"}), 422)
    assert api("township1").post(f"/api/v1/geohazard-points/{obj.pk}/transitions",
                                 {"action": "write_off", "reason": "treated", "note": "治理"}).status_code == 403
    response = client.post(f"/api/v1/geohazard-points/{obj.pk}/transitions",
                           {"action": "write_off", "reason": "treated", "note": "工程治理验收"})
    assert response.status_code == 200 and response.json()["state"] == "written_off"
    response = api("grid1").post("/api/v1/geohazard-patrols", {"point_id": obj.pk, "finding": "normal"})
    assert_error_shape(response, 422)
    assert client.post(f"/api/v1/geohazard-points/{obj.pk}/transitions",
                       {"action": "restore", "note": "复核"}).json()["state"] == "active"
    response = api("grid1").post("/api/v1/geohazard-patrols", {"point_id": obj.pk, "finding": "deforming",
                                                               "crack_mm": "12.5"})
    assert response.status_code == 201 and response.json()["patroller_name"] == "赵守山"


def test_point_bad_input_and_scope(api, demo_county):
    obj = point()
    body = {"code": "X1", "name": "坏点", "kind": "volcano", "scale": "small", "region_code": VILLAGE, "lat": 33,
            "lon": 113, "monitor_name": "甲", "monitor_phone": "13800000000"}
    assert_error_shape(api("township1").post("/api/v1/geohazard-points", body), 422)
    body["kind"] = "landslide"
    assert_error_shape(api("township1").post("/api/v1/geohazard-points", {**body, "station_ids": [999999]}), 422)
    assert_error_shape(api("township1").post("/api/v1/geohazard-points", {**body, "households": 5, "people": 2}),
                       422)
    assert api("township2").get(f"/api/v1/geohazard-points/{obj.pk}").status_code == 404
    codes = {p["region_code"][:9] for p in api("township1").get("/api/v1/geohazard-points", limit=200)
             .json()["items"]}
    assert codes == {"410481001"}


# --- earthquakes ---------------------------------------------------------------------------------------------------


def quake_body(**extra) -> dict:
    return {"region_code": "410481", "occurred_at": (timezone.now() - datetime.timedelta(minutes=20)).isoformat(),
            "magnitude": "3.2", "epicentre": "测试镇西南10千米", "lat": "33.25", "lon": "113.45", "depth_km": "10",
            "intensities": [{"region_code": "410481001", "intensity": 4}], **extra}


def test_small_quake_opens_no_incident_until_asked(api, demo_county):
    client = api("duty")
    response = client.post("/api/v1/earthquake-reports", quake_body())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["incident_id"] is None and body["max_intensity"] == 4
    opened = client.post(f"/api/v1/earthquake-reports/{body['id']}/incident")
    assert opened.status_code == 200 and opened.json()["incident_id"]
    incident = Incident.objects.get(pk=opened.json()["incident_id"])
    assert incident.event_type == "earthquake" and incident.region_code.startswith("410481001")


def test_strong_quake_opens_the_incident_and_feeds_it(api, demo_county):
    client = api("duty")
    body = client.post("/api/v1/earthquake-reports", quake_body(
        magnitude="4.6", intensities=[{"region_code": "410481002", "intensity": 5},
                                      {"region_code": "410481001", "intensity": 6}])).json()
    assert body["max_intensity"] == 6 and body["intensities"][0] == {"region_code": "410481001", "intensity": 6}
    incident = Incident.objects.get(pk=body["incident_id"])
    assert "Ⅵ度" in incident.description
    reports = incident.reports.count()
    response = client.patch(f"/api/v1/earthquake-reports/{body['id']}",
                            {"intensities": [{"region_code": "410481001", "intensity": 7}]})
    assert response.status_code == 200 and response.json()["incident_id"] == incident.pk
    assert incident.reports.count() == reports + 1
    assert "Ⅶ度" in incident.reports.order_by("-seq").first().note


@pytest.mark.parametrize("bad", [{"intensities": [{"region_code": "410481001", "intensity": 13}]},
                                 {"intensities": [{"region_code": "410481999", "intensity": 5}]},
                                 {"intensities": [{"region_code": "410481001", "intensity": 5},
                                                  {"region_code": "410481001", "intensity": 6}]},
                                 {"magnitude": "11"}, {"depth_km": "-1"}, {"region_code": "410482"}])
def test_quake_bad_input_is_422(api, demo_county, bad):
    assert_error_shape(api("duty").post("/api/v1/earthquake-reports", quake_body(**bad)), 422)
    assert not EarthquakeReport.objects.filter(epicentre="测试镇西南10千米").exists()


def test_township_cannot_see_county_quake_reports(api, demo_county):
    assert api("township1").get("/api/v1/earthquake-reports").json()["count"] == 0
    assert api("observer").get("/api/v1/earthquake-reports").json()["count"] >= 1


# --- demo ----------------------------------------------------------------------------------------------------------


def test_demo_is_consistent(demo_county):
    assert ForestArea.objects.exists() and Team.objects.filter(kind="forest_volunteer").exists()
    for team in Team.objects.filter(kind="forest_volunteer"):
        assert ForestArea.objects.filter(region_code__startswith=team.region_code).exists()
    for p in GeoHazardPoint.objects.prefetch_related("stations"):
        assert all(s.region_code == p.region_code for s in p.stations.all())
    assert set(ForestFire.objects.values_list("state", flat=True)) == {"withdrawn", "guarded"}
    assert set(FirePermit.objects.values_list("state", flat=True)) >= {"submitted", "approved", "rejected"}


def test_decided_permit_cannot_be_changed(api, area):
    obj = forest.act_on_permit(user("section"), permit(area), "approve", {})
    response = api("section").patch(f"/api/v1/fire-permits/{obj.pk}", {"place": "别处"})
    assert_error_shape(response, 422)
    assert api("section").patch(f"/api/v1/fire-permits/{obj.pk}", {"place": obj.place}).status_code == 200


def test_quake_page_opens_the_incident(web, demo_county):
    report = EarthquakeReport.objects.first()
    page = web("duty").get(f"/disasters/earthquakes/{report.pk}/")
    assert 'id="yj-action-incident"' in page.content.decode()
    assert 'id="yj-action-incident"' not in web("observer").get(f"/disasters/earthquakes/{report.pk}/").content.decode()
    response = web("duty").post(f"/disasters/earthquakes/{report.pk}/incident/")
    report.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == f"/incidents/{report.incident_id}/"


def test_danger_audit_reads_in_chinese(area):
    from django.utils import translation

    from yingji.core.audit import describe_message

    forest.set_danger(user("township1"), [area], datetime.date(2026, 7, 1),
                      {"max_temp_c": 10, "min_humidity_pct": 90, "dry_days": 0, "wind_force": 0})
    record = AuditRecord.objects.filter(object_type="disasters.forestarea", object_id=str(area.pk)).latest("id")
    assert record.message == "fire-danger level 1"
    with translation.override("zh-hans"):
        assert describe_message(record) == "森林火险等级设为 1 级"

"""Team drills and deployments (API), phones masked in API lists for roles without the personal-data grant and
full numbers audited, the command map's enterprise-risk and open-incident layers and its CSP for tiles, and the
incident page's recommended resources."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from tests.conftest import assert_error_shape
from yingji.core.models import AuditRecord, User
from yingji.core.policy import mask_phone
from yingji.incidents.models import Incident
from yingji.resources import services
from yingji.resources.models import Expert, Shelter, Team, TeamActivity, Warehouse

# --- drills and deployments ------------------------------------------------------------------------------------


def test_team_activity_api_create_list_detail_scope(api, demo_county):
    client = api("township1")
    team = Team.objects.filter(region_code__startswith=demo_county["township"]).order_by("pk").first()
    other = Team.objects.filter(region_code__startswith=demo_county["township2"]).order_by("pk").first()
    incident = Incident.objects.filter(region_code__startswith=demo_county["township"]).first()
    payload = {"team_id": team.pk, "kind": "deployment", "date": "2026-06-01", "notes": "转移群众"}
    if incident is not None:
        payload["incident_id"] = incident.pk
    created = client.post("/api/v1/team-activities", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["team_id"] == team.pk and body["region_code"] == team.region_code and body["kind"] == "deployment"
    assert AuditRecord.objects.filter(object_type="resources.teamactivity", object_id=str(body["id"]),
                                      action="create").exists()
    listed = client.get("/api/v1/team-activities", team=team.pk).json()["items"]
    assert body["id"] in [a["id"] for a in listed]
    assert client.get(f"/api/v1/team-activities/{body['id']}").status_code == 200
    # another township's team cannot be written to, and its activities are invisible
    assert_error_shape(client.post("/api/v1/team-activities", {**payload, "team_id": other.pk}), 422)
    theirs = services.record_activity(User.objects.get(username="admin"), other,
                                      {"kind": "deployment", "date": datetime.date(2026, 5, 1)})
    assert_error_shape(client.get(f"/api/v1/team-activities/{theirs.pk}"), 404)
    assert theirs.pk not in [a["id"] for a in client.get("/api/v1/team-activities", limit=500).json()["items"]]
    assert_error_shape(client.post("/api/v1/team-activities", {**payload, "kind": "party"}), 422)
    # a drill is recorded once in the drill register, not per team
    assert_error_shape(client.post("/api/v1/team-activities", {**payload, "kind": "drill"}), 422)
    assert_error_shape(api("observer").post("/api/v1/team-activities", payload), 403)


def test_activity_incident_must_be_in_scope(api, demo_county):
    team = Team.objects.filter(region_code__startswith=demo_county["township"]).order_by("pk").first()
    outside = Incident.objects.exclude(region_code__startswith=demo_county["township"]).first()
    if outside is None:
        pytest.skip("the demo has no incident outside the first township")
    response = api("township1").post("/api/v1/team-activities", {"team_id": team.pk, "kind": "deployment",
                                                                 "date": "2026-06-01", "incident_id": outside.pk})
    body = assert_error_shape(response, 422)
    assert body["errors"][0]["field"] == "incident_id"
    assert not TeamActivity.objects.filter(team=team, incident=outside).exists()


# --- personal data ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path,model,field", [
    ("/api/v1/teams", Team, "leader_phone"), ("/api/v1/experts", Expert, "phone"),
    ("/api/v1/warehouses", Warehouse, "phone"), ("/api/v1/shelters", Shelter, "phone"),
])
def test_api_lists_mask_phones_for_roles_without_the_grant(api, path, model, field):
    masked = {row["id"]: row[field] for row in api("observer").get(path, limit=500).json()["items"]}
    full = {row["id"]: row[field] for row in api("duty").get(path, limit=500).json()["items"]}
    real = dict(model.objects.filter(pk__in=masked).values_list("pk", field))
    assert any(real.values())
    for pk, value in real.items():
        assert full[pk] == value
        assert masked[pk] == mask_phone(value)
        if value:
            assert masked[pk] != value


def test_api_detail_reveals_and_audits_or_masks(api):
    team = Team.objects.exclude(leader_phone="").order_by("pk").first()
    before = AuditRecord.objects.filter(action="view_pii", object_type="resources.team").count()
    masked = api("observer").get(f"/api/v1/teams/{team.pk}").json()
    assert masked["leader_phone"] == mask_phone(team.leader_phone)
    phones = dict(team.members.values_list("pk", "phone"))
    assert all(m["phone"] == mask_phone(phones[m["id"]]) for m in masked["members"])
    assert AuditRecord.objects.filter(action="view_pii", object_type="resources.team").count() == before
    full = api("commander").get(f"/api/v1/teams/{team.pk}").json()
    assert full["leader_phone"] == team.leader_phone
    record = AuditRecord.objects.filter(action="view_pii", object_type="resources.team").latest("pk")
    assert record.object_id == str(team.pk) and "leader_phone" in record.after["fields"]


# --- command map ----------------------------------------------------------------------------------------------------


def test_enterprise_layer_carries_the_highest_risk_colour(web, demo_county):
    from django.db.models import Min

    from yingji.prevention.models import RiskPoint

    layers = web("admin").get("/resources/map/layers/").json()["layers"]
    by_id = {e["id"]: e for e in layers["enterprises"]}
    levels = dict(RiskPoint.objects.values("enterprise_id").annotate(m=Min("level")).values_list("enterprise_id",
                                                                                                  "m"))
    assert levels
    colours = {1: "red", 2: "orange", 3: "yellow", 4: "blue"}
    for enterprise_id, level in levels.items():
        if enterprise_id in by_id:
            assert by_id[enterprise_id]["risk"] == colours[level]
    assert all(e["risk"] == "" for pk, e in by_id.items() if pk not in levels)


def test_open_incidents_layer_follows_state_and_scope(web, demo_county):
    open_located = Incident.objects.filter(state__in=["reported", "responding"], lat__isnull=False)
    layers = web("admin").get("/resources/map/layers/").json()["layers"]
    assert {i["id"] for i in layers["incidents"]} == set(open_located.values_list("pk", flat=True))
    code = demo_county["township"]
    township = web("township1").get("/resources/map/layers/").json()["layers"]
    assert {i["id"] for i in township["incidents"]} == set(
        open_located.filter(region_code__startswith=code).values_list("pk", flat=True))
    from yingji.enterprises.models import Enterprise

    visible = set(Enterprise.objects.filter(region_code__startswith=code).values_list("pk", flat=True))
    assert {e["id"] for e in township["enterprises"]} <= visible


def test_map_phones_masked_for_observers(web):
    shelter = Shelter.objects.exclude(phone="").filter(lat__isnull=False).order_by("pk").first()
    layers = web("observer").get("/resources/map/layers/").json()["layers"]
    card = next(s for s in layers["shelters"] if s["id"] == shelter.pk)
    text = str(card["fields"])
    assert shelter.phone not in text and mask_phone(shelter.phone) in text


@override_settings(YINGJI_MAP_TILE_URL="https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY&x={x}&y={y}&z={z}")
def test_csp_allows_the_tile_host_only_when_configured(web):
    csp = web("observer").get("/resources/map/").headers["Content-Security-Policy"]
    img = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
    assert "https://t*.tianditu.gov.cn" in img and "'self'" in img
    other = web("observer").get("/resources/teams/").headers["Content-Security-Policy"]
    assert "tianditu" not in other


def test_csp_without_tiles_stays_self(web):
    csp = web("observer").get("/resources/map/").headers["Content-Security-Policy"]
    img = next(part for part in csp.split(";") if part.strip().startswith("img-src"))
    assert img.split()[1:] == ["'self'", "data:"]


def test_tile_host_parsing():
    from yingji.resources.views import tile_host

    assert tile_host("https://tiles.example:8443/{z}/{x}/{y}.png") == "https://tiles.example:8443"
    assert tile_host("javascript:alert(1)") == ""
    assert tile_host("") == ""


# --- incident page ------------------------------------------------------------------------------------------


def _incident_at(demo_county, **extra) -> Incident:
    from django.utils import timezone

    team = Team.objects.filter(region_code__startswith=demo_county["township"], lat__isnull=False).first()
    now = timezone.now()
    return Incident.objects.create(
        region_code=demo_county["township"], category="natural_disaster", event_type="flood_drought",
        title="测试洪水险情", occurred_at=now, received_at=now, lat=team.lat + Decimal("0.001"), lon=team.lon,
        grade="ordinary", source="phone", **extra)


def test_recommendations_match_type_nearest_first_in_scope(demo_county):
    incident = _incident_at(demo_county)
    user = User.objects.get(username="township1")
    result = services.recommend_for_incident(user, incident)
    assert result["capability"] == "flood" and result["located"]
    assert result["teams"] and all("flood" in t["match"]["capabilities"] for t in result["teams"])
    distances = [t["distance_m"] for t in result["teams"]]
    assert distances == sorted(distances)
    for key in ("teams", "warehouses", "shelters"):
        assert all(r["region_code"].startswith(user.scope_region_code) for r in result[key])
    assert all(r["supplies"] for r in result["warehouses"])
    assert all(r["match"]["free_capacity"] >= 1 for r in result["shelters"])
    expected = services.nearby(user, float(incident.lat), float(incident.lon), "team", 5, capability="flood")
    assert [t["id"] for t in result["teams"]] == [t["id"] for t in expected]


def test_recommended_warehouses_are_the_nearest_holding_stock(demo_county):
    """Against brute force: every in-scope located warehouse, those with stock, by distance then id; the nearest
    warehouse is emptied first, so a search that did not ask for stock would answer it."""
    from yingji.resources.geo import haversine_km
    from yingji.resources.models import StockBatch

    incident = _incident_at(demo_county)
    user = User.objects.get(username="duty")
    lat, lon = float(incident.lat), float(incident.lon)
    located = Warehouse.objects.for_user(user).filter(lat__isnull=False)
    nearest = min(located, key=lambda w: (haversine_km(lat, lon, float(w.lat), float(w.lon)), w.pk))
    StockBatch.objects.filter(warehouse=nearest).update(quantity=0)
    stocked = {w.pk for w in located if StockBatch.objects.filter(warehouse=w, quantity__gt=0).exists()}
    expected = sorted((w for w in located if w.pk in stocked),
                      key=lambda w: (haversine_km(lat, lon, float(w.lat), float(w.lon)), w.pk))[:5]
    got = services.recommend_for_incident(user, incident)["warehouses"]
    assert [w["id"] for w in got] == [w.pk for w in expected] and expected
    assert nearest.pk not in [w["id"] for w in got]


def test_incident_page_shows_recommended_resources(web, demo_county):
    incident = _incident_at(demo_county)
    user = User.objects.get(username="duty")
    expected = services.recommend_for_incident(user, incident)
    html = web("duty").get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="yj-incident-resources"' in html
    assert f'/resources/teams/{expected["teams"][0]["id"]}/' in html
    unlocated = _incident_at(demo_county, address="未知")
    Incident.objects.filter(pk=unlocated.pk).update(lat=None, lon=None)
    html = web("duty").get(f"/incidents/{unlocated.pk}/").content.decode()
    assert "yj-recommended-teams" not in html and 'id="yj-incident-resources"' in html


def test_capability_for_incident_types():
    assert services.capability_for("forest_grassland_fire", "natural_disaster") == "forest_fire"
    assert services.capability_for("traffic_accident", "accident_disaster") == "traffic"
    assert services.capability_for("infectious_disease", "public_health") == "medical"
    assert services.capability_for("terrorist_attack", "social_security") is None


def test_no_recommendations_for_roles_without_the_registries(demo_county):
    incident = _incident_at(demo_county)
    result = services.recommend_for_incident(User.objects.get(username="enterprise1"), incident)
    assert result["allowed"] is False and not (result["teams"] or result["warehouses"] or result["shelters"])
    from django.template.loader import render_to_string

    assert "yj-incident-resources" not in render_to_string("resources/includes/incident_resources.html", result)

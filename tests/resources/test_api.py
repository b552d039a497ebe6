"""API of resources: authentication, scope (404 outside), grants (403), validation (422 with the one error
shape) and the happy path of every endpoint."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error_shape
from yingji.core.models import AuditRecord
from yingji.resources.models import (
    Equipment,
    Expert,
    Shelter,
    StockBatch,
    SupplyItem,
    Team,
    Transfer,
    Warehouse,
)

LISTS = ["/api/v1/teams", "/api/v1/experts", "/api/v1/equipment", "/api/v1/warehouses", "/api/v1/supplies",
         "/api/v1/stock", "/api/v1/transfers", "/api/v1/shelters", "/api/v1/reserve-standards",
         "/api/v1/equipment/summary", "/api/v1/stock/shortfalls", "/api/v1/shelters/coverage",
         "/api/v1/resources/nearby?lat=33.29&lon=113.52&kind=team"]
SCOPED = {"teams": Team, "experts": Expert, "equipment": Equipment, "warehouses": Warehouse,
          "stock": StockBatch, "shelters": Shelter}


@pytest.mark.parametrize("path", LISTS)
def test_anonymous_gets_401_and_enterprise_user_403(api, path):
    assert_error_shape(api(None).get(path), 401)
    assert_error_shape(api("enterprise1").get(path), 403)


@pytest.mark.parametrize("path", LISTS)
def test_lists_answer_the_observer(api, path):
    assert api("observer").get(path).status_code == 200


@pytest.mark.parametrize("name,model", list(SCOPED.items()))
def test_lists_and_details_follow_scope(api, demo_county, name, model):
    client = api("township1")
    body = client.get(f"/api/v1/{name}", limit=500).json()
    own = demo_county["township"]
    assert body["count"] == model.objects.filter(region_code__startswith=own).count() > 0
    assert all(item["region_code"].startswith(own) for item in body["items"])
    assert all("lat" in item and "lon" in item for item in body["items"])
    inside = model.objects.filter(region_code__startswith=own).first()
    outside = model.objects.exclude(region_code__startswith=own).first()
    assert client.get(f"/api/v1/{name}/{inside.pk}").status_code == 200
    assert_error_shape(client.get(f"/api/v1/{name}/{outside.pk}"), 404)
    assert_error_shape(client.get(f"/api/v1/{name}/999999999"), 404)


def test_list_filters_and_validation(api):
    client = api("observer")
    body = client.get("/api/v1/teams", capability="forest_fire", limit=100).json()
    assert body["count"] > 0 and all("forest_fire" in t["capabilities"] for t in body["items"])
    assert_error_shape(client.get("/api/v1/teams", kind="nonsense"), 422)
    assert_error_shape(client.get("/api/v1/teams", limit=0), 422)


def _team_payload(code, **extra):
    return {"name": "测试救援队", "kind": "volunteer", "region_code": code, "lat": 33.3, "lon": 113.5,
            "capabilities": ["flood"], "duty_phone": "0375-8123456",
            "members": [{"name": "张三", "skills": ["绳索救援"], "certificates": ["救生员证"]},
                        {"name": "李四"}]} | extra


def test_team_create_update_audited_and_scoped(api, demo_county):
    client = api("township1")
    created = client.post("/api/v1/teams", _team_payload(demo_county["township"]))
    assert created.status_code == 201, created.content
    team = created.json()
    assert team["headcount"] == 2 and [m["name"] for m in team["members"]] == ["张三", "李四"]
    assert AuditRecord.objects.filter(object_type="resources.team", object_id=str(team["id"])).exists()
    patched = client.patch(f"/api/v1/teams/{team['id']}", {"readiness": "deployed", "members": [{"name": "王五"}]})
    assert patched.status_code == 200, patched.content
    assert patched.json()["readiness"] == "deployed" and patched.json()["headcount"] == 1
    # Outside the jurisdiction: refused, nothing written.
    denied = client.post("/api/v1/teams", _team_payload(demo_county["township2"], name="越界队"))
    assert_error_shape(denied, 403)
    assert not Team.objects.filter(name="越界队").exists()
    # Roles without the grant.
    assert_error_shape(api("observer").post("/api/v1/teams", _team_payload(demo_county["county"])), 403)
    assert_error_shape(api("observer").patch(f"/api/v1/teams/{team['id']}", {"name": "x"}), 403)


@pytest.mark.parametrize("payload,field", [
    ({"capabilities": ["cooking"]}, "capabilities.0"),
    ({"kind": "army"}, "kind"),
    ({"lat": 91}, "lat"),
    ({"lat": None, "lon": 113.5}, "lat"),
    ({"region_code": "12"}, "region_code"),
    ({"region_code": "410481999"}, "region_code"),
    ({"duty_phone": "abc"}, "duty_phone"),
    ({"members": [{"name": ""}]}, "members.0.name"),
])
def test_team_validation_422(api, demo_county, payload, field):
    response = api("admin").post("/api/v1/teams", _team_payload(demo_county["county"]) | payload)
    body = assert_error_shape(response, 422)
    assert field in [e["field"] for e in body["errors"]], body


def test_team_patch_rejects_null(api):
    team = Team.objects.first()
    body = assert_error_shape(api("admin").patch(f"/api/v1/teams/{team.pk}", {"name": None}), 422)
    assert body["errors"][0]["field"] == "name"


def test_experts(api, demo_county):
    client = api("section")
    created = client.post("/api/v1/experts", {"name": "赵专家", "field": "hazchem", "region_code": "410481",
                                              "title": "高级工程师", "lat": 33.3, "lon": 113.52})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.patch(f"/api/v1/experts/{pk}", {"available": False}).json()["available"] is False
    assert_error_shape(client.post("/api/v1/experts", {"name": "x", "field": "magic", "region_code": "410481"}),
                       422)
    assert_error_shape(api("grid1").post("/api/v1/experts", {"name": "x", "field": "fire",
                                                             "region_code": demo_county["village"]}), 403)


def test_equipment_summary_answers_the_seed_in_one_query(api, django_assert_max_num_queries):
    client = api("observer")
    with django_assert_max_num_queries(8):  # auth and token bookkeeping + one grouped query
        body = client.get("/api/v1/equipment/summary").json()
    counts = {row["item"]: row["count"] for row in body}
    assert counts["radio"] == 260 and counts["satellite_phone"] == 29


def test_equipment_create_takes_the_holders_place(api, demo_county):
    client = api("township1")
    team = Team.objects.filter(region_code=demo_county["township"]).first()
    created = client.post("/api/v1/equipment", {"item": "drone", "count": 2, "holder_kind": "team",
                                                "team_id": team.pk, "model_name": "M300"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["region_code"] == team.region_code and body["lat"] == float(team.lat)
    assert client.patch(f"/api/v1/equipment/{body['id']}", {"status": "repair"}).json()["status"] == "repair"
    other = Team.objects.exclude(region_code__startswith=demo_county["township"]).first()
    assert_error_shape(client.post("/api/v1/equipment", {"item": "drone", "holder_kind": "team",
                                                         "team_id": other.pk}), 422)
    assert_error_shape(client.post("/api/v1/equipment", {"item": "drone", "holder_kind": "team"}), 422)
    assert_error_shape(client.post("/api/v1/equipment", {"item": "drone", "holder_kind": "unit",
                                                         "holder_name": "x"}), 422)


def test_warehouses(api, demo_county):
    client = api("township1")
    created = client.post("/api/v1/warehouses", {"name": "新储备点", "level": "township",
                                                 "region_code": demo_county["township"], "lat": 33.3, "lon": 113.5})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert client.patch(f"/api/v1/warehouses/{pk}", {"manager": "王"}).json()["manager"] == "王"
    assert_error_shape(client.post("/api/v1/warehouses", {"name": "x", "level": "moon",
                                                          "region_code": demo_county["township"]}), 422)
    other = Warehouse.objects.exclude(region_code__startswith=demo_county["township"]).first()
    assert_error_shape(client.patch(f"/api/v1/warehouses/{other.pk}", {"manager": "x"}), 404)


def test_supply_catalogue(api):
    assert api("observer").get("/api/v1/supplies", category="flood").json()["count"] >= 3
    created = api("section").post("/api/v1/supplies", {"code": "SH-099", "category": "living", "name": "睡袋",
                                                        "unit": "个"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert api("observer").get(f"/api/v1/supplies/{pk}").json()["name"] == "睡袋"
    assert api("section").patch(f"/api/v1/supplies/{pk}", {"spec": "-10℃"}).json()["spec"] == "-10℃"
    assert_error_shape(api("township1").post("/api/v1/supplies", {"code": "X", "category": "living",
                                                                  "name": "x", "unit": "个"}), 403)
    assert_error_shape(api("section").post("/api/v1/supplies", {"code": "SH-099", "category": "living",
                                                                "name": "重复", "unit": "个"}), 409)
    assert_error_shape(api("observer").get("/api/v1/supplies/999999"), 404)


def test_stock_receive_issue_count_and_movements(api, demo_county):
    client = api("township1")
    warehouse = Warehouse.objects.get(region_code=demo_county["township"])
    item = SupplyItem.objects.get(code="SH-002")
    received = client.post("/api/v1/stock", {"warehouse_id": warehouse.pk, "item_id": item.pk,
                                             "batch_no": "T-1", "quantity": 10, "expires_on": "2030-01-01"})
    assert received.status_code == 201, received.content
    batch = received.json()
    assert batch["quantity"] == 10 and batch["lat"] == float(warehouse.lat)
    issued = client.post(f"/api/v1/stock/{batch['id']}/movements", {"kind": "issue", "quantity": 4})
    assert issued.status_code == 201 and issued.json()["balance_after"] == 6
    too_many = client.post(f"/api/v1/stock/{batch['id']}/movements", {"kind": "loss", "quantity": 7})
    assert_error_shape(too_many, 409)
    counted = client.post(f"/api/v1/stock/{batch['id']}/movements", {"kind": "count", "counted": 5,
                                                                      "expected": 6})
    assert counted.status_code == 201 and counted.json()["change"] == -1
    stale = client.post(f"/api/v1/stock/{batch['id']}/movements", {"kind": "count", "counted": 5, "expected": 6})
    assert_error_shape(stale, 409)
    assert_error_shape(client.post(f"/api/v1/stock/{batch['id']}/movements", {"kind": "count"}), 422)
    assert_error_shape(client.post(f"/api/v1/stock/{batch['id']}/movements", {"kind": "issue", "quantity": 0}),
                       422)
    kinds = [m["kind"] for m in client.get(f"/api/v1/stock/{batch['id']}/movements").json()["items"]]
    assert kinds == ["count", "issue", "receipt"]
    assert client.patch(f"/api/v1/stock/{batch['id']}", {"inspect_on": "2027-01-01"}).json()["inspect_on"] == \
        "2027-01-01"
    other = Warehouse.objects.exclude(region_code__startswith=demo_county["township"]).first()
    assert_error_shape(client.post("/api/v1/stock", {"warehouse_id": other.pk, "item_id": item.pk,
                                                     "batch_no": "x", "quantity": 1}), 422)
    assert_error_shape(api("observer").post(f"/api/v1/stock/{batch['id']}/movements",
                                            {"kind": "issue", "quantity": 1}), 403)
    other_batch = StockBatch.objects.exclude(region_code__startswith=demo_county["township"]).first()
    assert_error_shape(client.post(f"/api/v1/stock/{other_batch.pk}/movements", {"kind": "issue", "quantity": 1}),
                       404)


def test_reserve_standards_and_shortfalls(api, demo_county):
    client = api("township1")
    item = SupplyItem.objects.get(code="FX-003")
    created = client.post("/api/v1/reserve-standards", {"item_id": item.pk, "region_code": demo_county["township"],
                                                        "required_quantity": 3})
    assert created.status_code == 201, created.content
    gaps = client.get("/api/v1/stock/shortfalls", all="true").json()
    mine = [g for g in gaps if g["standard_id"] == created.json()["id"]]
    assert mine and mine[0]["gap"] == 3 - mine[0]["held"]
    assert all(g["region_code"].startswith(demo_county["township"]) for g in gaps)
    assert all(g["gap"] > 0 for g in api("observer").get("/api/v1/stock/shortfalls").json())
    assert_error_shape(client.post("/api/v1/reserve-standards", {"item_id": item.pk, "required_quantity": 3}), 422)
    assert_error_shape(client.post("/api/v1/reserve-standards", {"item_id": item.pk, "required_quantity": 3,
                                                                 "region_code": demo_county["township2"]}), 403)


def _shelter_payload(code, **extra):
    return {"name": "测试避难场所", "level": "village", "kind": "school", "space": "indoor", "region_code": code,
            "area_m2": 300, "capacity": 200, "facilities": ["water", "power"], "lat": 33.3, "lon": 113.5} | extra


def test_shelters_create_status_events_and_capacity_rule(api, demo_county):
    client = api("township1")
    created = client.post("/api/v1/shelters", _shelter_payload(demo_county["village"]))
    assert created.status_code == 201, created.content
    shelter = created.json()
    assert shelter["standard_capacity"] == 200 and shelter["free_capacity"] == 200
    opened = client.post(f"/api/v1/shelters/{shelter['id']}/status", {"status": "open", "occupancy": 50,
                                                                       "note": "暴雨转移"})
    assert opened.status_code == 200, opened.content
    assert opened.json()["free_capacity"] == 150 and opened.json()["events"][0]["status_after"] == "open"
    full = client.post(f"/api/v1/shelters/{shelter['id']}/status", {"status": "open", "occupancy": 200})
    assert full.json()["status"] == "full"
    assert_error_shape(client.post(f"/api/v1/shelters/{shelter['id']}/status", {"status": "open",
                                                                                "occupancy": 201}), 422)
    assert_error_shape(client.post(f"/api/v1/shelters/{shelter['id']}/status", {"status": "closed",
                                                                                "occupancy": 3}), 422)
    closed = client.post(f"/api/v1/shelters/{shelter['id']}/status", {"status": "closed", "occupancy": 0})
    assert [e["status_after"] for e in closed.json()["events"]] == ["closed", "full", "open"]
    assert_error_shape(api("observer").post(f"/api/v1/shelters/{shelter['id']}/status", {"status": "open"}), 403)
    assert client.patch(f"/api/v1/shelters/{shelter['id']}", {"manager": "刘"}).json()["manager"] == "刘"
    body = assert_error_shape(client.post("/api/v1/shelters", _shelter_payload(demo_county["village"],
                                                                               capacity=201)), 422)
    assert body["errors"][0]["field"] == "capacity"
    assert_error_shape(client.post("/api/v1/shelters", _shelter_payload(demo_county["village"],
                                                                        facilities=["pool"])), 422)
    coverage = client.get("/api/v1/shelters/coverage").json()
    assert [c["region_code"] for c in coverage] == [demo_county["township"]] and coverage[0]["covered"]


def test_shelter_standardisation_and_video_link_through_the_api(api, demo_county):
    client = api("township1")
    created = client.post("/api/v1/shelters", _shelter_payload(demo_county["village"], standardised_on="2026-05-20",
                                                               video_url="https://video.example/shelter/12"))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["standardised_on"] == "2026-05-20" and body["video_url"] == "https://video.example/shelter/12"
    shelter_id = body["id"]
    assert client.get(f"/api/v1/shelters/{shelter_id}").json()["standardised_on"] == "2026-05-20"
    cleared = client.patch(f"/api/v1/shelters/{shelter_id}", {"standardised_on": None})
    assert cleared.status_code == 200 and cleared.json()["standardised_on"] is None
    bad = assert_error_shape(client.patch(f"/api/v1/shelters/{shelter_id}", {"video_url": "javascript:alert(1)"}),
                             422)
    assert bad["errors"][0]["field"] == "video_url"
    assert client.get(f"/api/v1/shelters/{shelter_id}").json()["video_url"] == "https://video.example/shelter/12"


def test_transfers_endpoints(api, demo_county):
    county_wh = Warehouse.objects.get(level="county")
    own = Warehouse.objects.get(region_code=demo_county["township"])
    item = SupplyItem.objects.get(code="SH-001")
    client = api("section")
    created = client.post("/api/v1/transfers", {"source_id": county_wh.pk, "target_id": own.pk,
                                                "item_id": item.pk, "quantity": 5, "reason": "汛前补充"})
    assert created.status_code == 201, created.content
    transfer = created.json()
    assert transfer["state"] == "requested" and "approve" in transfer["actions"]
    # The receiving township sees the transfer, but may not approve it.
    township = api("township1")
    assert township.get(f"/api/v1/transfers/{transfer['id']}").status_code == 200
    assert_error_shape(township.post(f"/api/v1/transfers/{transfer['id']}/transitions", {"action": "approve"}), 403)
    assert_error_shape(api("township2").get(f"/api/v1/transfers/{transfer['id']}"), 404)
    for action in ("approve", "dispatch"):
        step = client.post(f"/api/v1/transfers/{transfer['id']}/transitions", {"action": action})
        assert step.status_code == 200, step.content
    received = township.post(f"/api/v1/transfers/{transfer['id']}/transitions", {"action": "receive"})
    assert received.status_code == 200, received.content
    assert received.json()["state"] == "received"
    assert_error_shape(client.post(f"/api/v1/transfers/{transfer['id']}/transitions", {"action": "dispatch"}), 409)
    assert_error_shape(client.post(f"/api/v1/transfers/{transfer['id']}/transitions", {"action": "fly"}), 422)
    assert_error_shape(client.post("/api/v1/transfers", {"source_id": own.pk, "target_id": own.pk,
                                                         "item_id": item.pk, "quantity": 1}), 422)
    assert_error_shape(client.post("/api/v1/transfers", {"source_id": own.pk, "target_id": county_wh.pk,
                                                         "item_id": item.pk, "quantity": 10**6}), 422)
    assert_error_shape(api("observer").post("/api/v1/transfers", {"source_id": own.pk, "target_id": county_wh.pk,
                                                                  "item_id": item.pk, "quantity": 1}), 403)
    assert Transfer.objects.filter(pk=transfer["id"], state="received").exists()

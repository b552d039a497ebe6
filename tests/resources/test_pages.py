"""The resource registry pages: lists (filters, pagination, export), details, forms and workflow buttons, the same
policy as the API (out of scope → 404, lacking role → 403), phones masked for roles without the personal-data
grant and full numbers audited."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from yingji.core.models import AuditRecord, User
from yingji.core.policy import mask_phone
from yingji.resources import services
from yingji.resources.models import (
    Equipment,
    Expert,
    Shelter,
    ShelterEvent,
    StockBatch,
    StockMovement,
    SupplyItem,
    Team,
    TeamActivity,
    Transfer,
    Warehouse,
)

LISTS = ["/resources/teams/", "/resources/experts/", "/resources/equipment/", "/resources/warehouses/",
         "/resources/stock/", "/resources/stock/movements/", "/resources/stock/shortfalls/",
         "/resources/transfers/", "/resources/shelters/", "/resources/shelters/coverage/",
         "/resources/activities/"]
DETAILS = {"team_detail": Team, "expert_detail": Expert, "equipment_detail": Equipment,
           "warehouse_detail": Warehouse, "shelter_detail": Shelter}


@pytest.mark.parametrize("username", ["admin", "observer", "township1", "grid1"])
def test_every_list_renders_in_scope(web, username):
    client = web(username)
    for path in LISTS:
        response = client.get(path)
        # A village grid member keeps no warehouse: supply transfers are not its module.
        expected = 403 if (username, path) == ("grid1", "/resources/transfers/") else 200
        assert response.status_code == expected, (path, response.status_code)


def test_enterprise_user_gets_403_on_every_list(web):
    client = web("enterprise1")
    for path in LISTS:
        assert client.get(path).status_code == 403, path


def _own_and_other(model, user):
    own = model.objects.filter(region_code__startswith=user.scope_region_code).order_by("pk").first()
    other = model.objects.exclude(region_code__startswith=user.scope_region_code).order_by("pk").first()
    return own, other


@pytest.mark.parametrize("name", sorted(DETAILS))
def test_details_follow_scope(web, name):
    from django.urls import reverse

    user = User.objects.get(username="township1")
    own, other = _own_and_other(DETAILS[name], user)
    client = web("township1")
    response = client.get(reverse(name, args=[own.pk]))
    assert response.status_code == 200
    assert response.context["fields"] and f"<h1>{response.context['title']}</h1>" in response.content.decode()
    assert client.get(reverse(name, args=[other.pk])).status_code == 404


def test_lists_never_show_another_scope(web):
    user = User.objects.get(username="township1")
    client = web("township1")
    own, other = _own_and_other(Team, user)
    response = client.get("/resources/teams/", {"q": other.name})
    assert f"/resources/teams/{other.pk}/" not in response.content.decode()
    assert other.pk not in [t.pk for t in response.context["page"]]
    response = client.get("/resources/teams/", {"q": own.name})
    assert f"/resources/teams/{own.pk}/" in response.content.decode()
    _own_w, other_w = _own_and_other(Warehouse, user)
    assert other_w.name not in client.get("/resources/warehouses/").content.decode()
    other_batch = StockBatch.objects.exclude(region_code__startswith=user.scope_region_code).first()
    assert f"/resources/warehouses/{other_batch.warehouse_id}/" not in client.get(
        "/resources/stock/", {"warehouse": other_batch.warehouse_id}).content.decode()


def test_equipment_page_answers_the_seed_at_a_glance(web):
    html = web("observer").get("/resources/equipment/").content.decode()
    summary = {row["item"]: row["count"] for row in services.equipment_summary(User.objects.get(username="observer"))}
    assert summary["radio"] == 260 and summary["satellite_phone"] == 29
    assert 'data-item="radio"' in html and ">260<" in html and ">29<" in html


def test_filters_and_export_share_the_filterset(web):
    client = web("admin")
    response = client.get("/resources/shelters/", {"level": "county", "export": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert len(rows) - 1 == Shelter.objects.filter(level="county").count()
    page = client.get("/resources/shelters/", {"level": "county"})
    assert page.context["page"].paginator.count == Shelter.objects.filter(level="county").count()
    assert client.get("/resources/shelters/", {"page": 2}).context["page"].number == 2


def test_phones_masked_in_lists_and_exports_for_roles_without_the_grant(web):
    team = Team.objects.exclude(leader_phone="").order_by("pk").first()
    shelter = Shelter.objects.exclude(phone="").order_by("pk").first()
    observer, admin = web("observer"), web("admin")
    html = observer.get("/resources/teams/", {"q": team.name}).content.decode()
    assert team.leader_phone not in html and mask_phone(team.leader_phone) in html
    assert team.leader_phone in admin.get("/resources/teams/", {"q": team.name}).content.decode()
    export = observer.get("/resources/shelters/", {"q": shelter.name, "export": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert shelter.phone not in text and mask_phone(shelter.phone) in text
    export = admin.get("/resources/shelters/", {"q": shelter.name, "export": "csv"})
    assert shelter.phone in b"".join(export.streaming_content).decode("utf-8-sig")


def test_full_contact_on_a_detail_page_is_audited(web):
    expert = Expert.objects.exclude(phone="").order_by("pk").first()
    before = AuditRecord.objects.filter(action="view_pii", object_type="resources.expert").count()
    html = web("observer").get(f"/resources/experts/{expert.pk}/").content.decode()
    assert expert.phone not in html
    assert AuditRecord.objects.filter(action="view_pii", object_type="resources.expert").count() == before
    html = web("duty").get(f"/resources/experts/{expert.pk}/").content.decode()
    assert expert.phone in html
    record = AuditRecord.objects.filter(action="view_pii", object_type="resources.expert").latest("pk")
    assert record.object_id == str(expert.pk) and record.username == "duty"


def test_create_and_edit_forms_go_through_the_services(web, demo_county):
    client = web("township1")
    code = demo_county["township"]
    response = client.post("/resources/teams/new/", {
        "name": "页面新建救援队", "kind": "township", "region_code": code, "capabilities": ["flood", "fire"],
        "headcount": 12, "readiness": "standby", "leader_phone": "13800001111"})
    team = Team.objects.get(name="页面新建救援队")
    assert response.status_code == 302 and response.url == f"/resources/teams/{team.pk}/"
    assert team.capabilities == ["flood", "fire"]
    assert AuditRecord.objects.filter(action="create", object_type="resources.team", object_id=str(team.pk)).exists()
    response = client.post(f"/resources/teams/{team.pk}/edit/", {
        "name": "页面新建救援队", "kind": "township", "region_code": code, "capabilities": ["flood"],
        "headcount": 15, "readiness": "deployed", "leader_phone": "13800001111"})
    team.refresh_from_db()
    assert response.status_code == 302 and team.headcount == 15 and team.readiness == "deployed"
    # the model's rules answer on the form: a bad phone, a region outside the jurisdiction
    response = client.post("/resources/teams/new/", {"name": "x", "kind": "township", "region_code": code,
                                                     "headcount": 1, "readiness": "standby", "leader_phone": "12"})
    assert response.status_code == 200 and response.context["form"].errors
    other = demo_county["township2"]
    response = client.post("/resources/shelters/new/", {
        "name": "越界场所", "level": "village", "kind": "school", "space": "indoor", "region_code": other,
        "area_m2": 100, "area_per_person": "1.5", "capacity": 10})
    assert response.status_code == 200 and not Shelter.objects.filter(name="越界场所").exists()
    response = client.post("/resources/shelters/new/", {
        "name": "超容场所", "level": "village", "kind": "school", "space": "indoor", "region_code": code,
        "area_m2": 100, "area_per_person": "1.5", "capacity": 100})
    assert "capacity" in response.context["form"].errors
    assert web("observer").get("/resources/teams/new/").status_code == 403
    assert web("observer").get(f"/resources/teams/{team.pk}/edit/").status_code == 403


@pytest.mark.parametrize("path,data,model", [
    ("/resources/experts/new/", {"name": "页面专家", "field": "flood", "available": "on"}, Expert),
    ("/resources/warehouses/new/", {"name": "页面仓库", "level": "township"}, Warehouse),
])
def test_other_create_forms(web, demo_county, path, data, model):
    response = web("township1").post(path, {**data, "region_code": demo_county["township"]})
    obj = model.objects.get(name=data["name"])
    assert response.status_code == 302 and obj.region_code == demo_county["township"]


def test_equipment_form_takes_the_holder_region(web, demo_county):
    team = Team.objects.filter(region_code__startswith=demo_county["township"]).first()
    response = web("township1").post("/resources/equipment/new/", {
        "item": "drone", "count": 2, "holder_kind": "team", "team": team.pk, "status": "in_use"})
    assert response.status_code == 302, response.context["form"].errors
    e = Equipment.objects.filter(team=team, item="drone").latest("pk")
    assert e.region_code == team.region_code and e.count == 2


def test_team_activity_recorded_and_shown(web, demo_county):
    team = Team.objects.filter(region_code__startswith=demo_county["township"]).first()
    client = web("township1")
    response = client.post(f"/resources/teams/{team.pk}/activities/", {"kind": "deployment",
                                                                       "date": "2026-05-12", "notes": "汛前演练"})
    assert response.status_code == 302
    activity = TeamActivity.objects.get(team=team, notes="汛前演练")
    assert activity.region_code == team.region_code
    assert "汛前演练" in client.get(f"/resources/teams/{team.pk}/").content.decode()
    assert "汛前演练" in client.get("/resources/activities/").content.decode()
    assert "汛前演练" not in web("township2").get("/resources/activities/").content.decode()
    assert web("observer").post(f"/resources/teams/{team.pk}/activities/",
                                {"kind": "deployment", "date": "2026-05-13"}).status_code == 403


def test_warehouse_receive_issue_and_count_from_the_page(web, demo_county):
    warehouse = Warehouse.objects.filter(region_code=demo_county["township"]).first()
    item = SupplyItem.objects.order_by("pk").first()
    client = web("township1")
    client.post(f"/resources/warehouses/{warehouse.pk}/receive/", {"item": item.pk, "batch_no": "PAGE-1",
                                                                  "quantity": 5})
    batch = StockBatch.objects.get(warehouse=warehouse, item=item, batch_no="PAGE-1")
    assert batch.quantity == 5
    client.post(f"/resources/warehouses/{warehouse.pk}/move/", {"batch": batch.pk, "kind": "issue", "quantity": 9})
    batch.refresh_from_db()
    assert batch.quantity == 5  # refused: never negative
    client.post(f"/resources/warehouses/{warehouse.pk}/move/", {"batch": batch.pk, "kind": "issue", "quantity": 2})
    client.post(f"/resources/warehouses/{warehouse.pk}/move/", {"batch": batch.pk, "kind": "count", "quantity": 4})
    batch.refresh_from_db()
    assert batch.quantity == 4
    kinds = list(StockMovement.objects.filter(batch=batch).order_by("pk").values_list("kind", "change"))
    assert kinds == [("receipt", 5), ("issue", -2), ("count", 1)]
    html = client.get(f"/resources/warehouses/{warehouse.pk}/").content.decode()
    assert "PAGE-1" in html
    assert web("observer").post(f"/resources/warehouses/{warehouse.pk}/receive/", {
        "item": item.pk, "batch_no": "PAGE-2", "quantity": 5}).status_code == 403


def test_transfer_workflow_buttons(web, demo_county):
    county_wh = Warehouse.objects.filter(level="county").first()
    target = Warehouse.objects.filter(region_code=demo_county["township"]).first()
    batch = StockBatch.objects.filter(warehouse=county_wh, quantity__gte=3).first()
    admin = web("admin")
    response = admin.post("/resources/transfers/new/", {"source": county_wh.pk, "target": target.pk,
                                                         "item": batch.item_id, "quantity": 3, "reason": "汛期调拨"})
    transfer = Transfer.objects.get(reason="汛期调拨")
    assert response.status_code == 302 and transfer.state == "requested"
    too_many = admin.post("/resources/transfers/new/", {"source": county_wh.pk, "target": target.pk,
                                                         "item": batch.item_id, "quantity": 10**9})
    assert too_many.status_code == 200 and too_many.context["form"].errors
    page = admin.get(f"/resources/transfers/{transfer.pk}/").content.decode()
    assert 'data-action="approve"' in page
    held_before = services.available(target, batch.item)
    for action in ("approve", "dispatch", "receive"):
        transfer.refresh_from_db()
        admin.post(f"/resources/transfers/{transfer.pk}/{action}/", {"version": transfer.version})
    transfer.refresh_from_db()
    assert transfer.state == "received"
    assert services.available(target, batch.item) == held_before + 3
    # a stale page (old version) changes nothing
    admin.post(f"/resources/transfers/{transfer.pk}/cancel/", {"version": 0})
    transfer.refresh_from_db()
    assert transfer.state == "received"


def test_shelter_open_and_close_recorded(web, demo_county):
    shelter = Shelter.objects.filter(region_code__startswith=demo_county["township"], status="standby").first()
    client = web("township1")
    client.post(f"/resources/shelters/{shelter.pk}/status/", {"status": "open", "occupancy": 3, "note": "开放"})
    client.post(f"/resources/shelters/{shelter.pk}/status/", {"status": "closed", "occupancy": 0})
    events = list(ShelterEvent.objects.filter(shelter=shelter).order_by("pk").values_list("status_after",
                                                                                           "occupancy"))
    assert events[-2:] == [("open", 3), ("closed", 0)]
    refused = client.post(f"/resources/shelters/{shelter.pk}/status/", {"status": "open",
                                                                        "occupancy": shelter.capacity + 1})
    assert refused.status_code == 302
    shelter.refresh_from_db()
    assert shelter.status == "closed"
    assert web("observer").post(f"/resources/shelters/{shelter.pk}/status/", {"status": "open"}).status_code == 403


def test_shortfall_report_lists_the_gaps(web):
    user = User.objects.get(username="admin")
    gaps = services.shortfalls(user)
    assert gaps
    html = web("admin").get("/resources/stock/shortfalls/").content.decode()
    assert all(f">{g['gap']}<" in html for g in gaps)


def test_coverage_report_lists_township_and_flood_village_gaps(web, demo_county):
    from yingji.core.models import Region

    user = User.objects.get(username="admin")
    villages = services.village_coverage(user)
    flood_codes = services.flood_risk_village_codes(user)
    assert villages and {v["region_code"] for v in villages} == flood_codes
    for v in villages:
        assert v["covered"] == Shelter.objects.filter(region_code=v["region_code"]).exists()
    gap = next((v for v in villages if not v["covered"]), None)
    if gap is None:
        covered = villages[0]["region_code"]
        Shelter.objects.filter(region_code=covered).delete()
        gap = {"region_code": covered}
    html = web("admin").get("/resources/shelters/coverage/").content.decode()
    assert f'data-gap="{gap["region_code"]}"' in html
    # a township left without a shelter is listed as a gap
    township = Region.objects.get(code=demo_county["township"])
    Shelter.objects.filter(region_code__startswith=township.code).delete()
    html = web("admin").get("/resources/shelters/coverage/").content.decode()
    assert f'data-gap="{township.code}"' in html


def test_coverage_villages_follow_scope(api, demo_county):
    body = api("township1").get("/api/v1/shelters/coverage/villages").json()
    assert body and all(v["region_code"].startswith(demo_county["township"]) for v in body)

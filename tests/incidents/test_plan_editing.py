"""Emergency plans: create and edit through the API and the pages, with field-level validation of the activation
conditions and standard tasks; only roles the policy allows may edit; list, filter, detail; scope."""

from __future__ import annotations

import pytest

from tests.conftest import assert_error_shape
from yingji.core.models import Organisation
from yingji.incidents.models import Plan

CONDITIONS = {"III": [{"field": "deaths", "min": 3}, {"field": "grade", "min": "relatively_large"}],
              "IV": [{"field": "serious_injuries", "min": 1}]}


@pytest.fixture
def hq():
    return Organisation.objects.filter(kind="command_hq").order_by("pk").first()


def _plan(demo_county, hq, **over):
    data = {"name": "舞钢市危险化学品事故专项应急预案", "kind": "special", "region_code": demo_county["county"],
            "event_types": ["industrial_commercial_accident"], "conditions": CONDITIONS, "hq_id": hq.pk,
            "standard_tasks": [{"title": "划定警戒区", "unit": "", "due_minutes": 30}, {"title": "环境监测"}]}
    data.update(over)
    return data


def test_api_create_and_update(api, demo_county, hq):
    created = api("section").post("/api/v1/plans", _plan(demo_county, hq))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["conditions"] == CONDITIONS and body["hq_id"] == hq.pk
    assert body["standard_tasks"][1] == {"title": "环境监测", "unit": "", "due_minutes": None}
    plan = Plan.objects.get(pk=body["id"])
    assert plan.kind == "special" and plan.is_active
    patched = api("section").patch(f"/api/v1/plans/{plan.pk}", {"is_active": False, "conditions": {
        "II": [{"field": "deaths", "min": 10}]}})
    assert patched.status_code == 200, patched.content
    assert patched.json()["conditions"] == {"II": [{"field": "deaths", "min": 10}]}
    assert patched.json()["is_active"] is False and patched.json()["name"] == plan.name
    listed = api("observer").get("/api/v1/plans", kind="special", is_active="false", limit=100).json()
    assert [p["id"] for p in listed["items"]] == [plan.pk]


def test_api_validation_is_field_level(api, demo_county, hq):
    client = api("section")
    bad_grade = assert_error_shape(client.post("/api/v1/plans", _plan(demo_county, hq, conditions={
        "III": [{"field": "grade", "min": "huge"}]})), 422)
    assert [e["field"] for e in bad_grade["errors"]] == ["conditions.III"]
    bad_number = assert_error_shape(client.post("/api/v1/plans", _plan(demo_county, hq, conditions={
        "II": [{"field": "deaths", "min": "many"}]})), 422)
    assert [e["field"] for e in bad_number["errors"]] == ["conditions.II"]
    bad_field = assert_error_shape(client.post("/api/v1/plans", _plan(demo_county, hq, conditions={
        "I": [{"field": "mood", "min": 1}]})), 422)
    assert bad_field["errors"][0]["field"].startswith("conditions.I")
    bad_level = assert_error_shape(client.post("/api/v1/plans", _plan(demo_county, hq, conditions={
        "V": [{"field": "deaths", "min": 1}]})), 422)
    assert bad_level["errors"][0]["field"].startswith("conditions")
    types = assert_error_shape(client.post("/api/v1/plans", _plan(demo_county, hq, event_types=["alien"])), 422)
    assert types["errors"][0]["field"] == "event_types"
    assert_error_shape(client.post("/api/v1/plans", _plan(demo_county, hq, event_types=[])), 422)
    task = assert_error_shape(client.post("/api/v1/plans", _plan(demo_county, hq, standard_tasks=[
        {"title": "x", "due_minutes": 0}])), 422)
    assert task["errors"][0]["field"].startswith("standard_tasks")
    hq_missing = assert_error_shape(client.post("/api/v1/plans", _plan(demo_county, hq, hq_id=10**9)), 422)
    assert hq_missing["errors"][0]["field"] == "hq_id"
    assert not Plan.objects.filter(name="舞钢市危险化学品事故专项应急预案").exists()


def test_only_allowed_roles_edit_and_scope_holds(api, demo_county, hq):
    for username in ("observer", "duty", "township1"):
        assert_error_shape(api(username).post("/api/v1/plans", _plan(demo_county, hq)), 403)
    assert_error_shape(api("enterprise1").post("/api/v1/plans", _plan(demo_county, hq)), 403)
    county_plan = Plan.objects.filter(region_code=demo_county["county"]).first()
    assert_error_shape(api("observer").patch(f"/api/v1/plans/{county_plan.pk}", {"name": "x"}), 403)
    assert_error_shape(api("township1").patch(f"/api/v1/plans/{county_plan.pk}", {"name": "x"}), 404)
    # A township plan of township 2 is invisible to township 1.
    own = api("admin").post("/api/v1/plans", _plan(demo_county, hq, name="二号镇防汛预案", kind="township",
                                                   region_code=demo_county["township2"], hq_id=None))
    assert own.status_code == 201, own.content
    assert_error_shape(api("township1").get(f"/api/v1/plans/{own.json()['id']}"), 404)
    # Each township sees its own plans (the demo gives every township its own) and no other's.
    seen = api("township1").get("/api/v1/plans", limit=100).json()["items"]
    assert all(p["region_code"].startswith(demo_county["township"]) for p in seen)
    assert "二号镇防汛预案" not in [p["name"] for p in seen]
    second = api("township2").get("/api/v1/plans", limit=100).json()["items"]
    assert "二号镇防汛预案" in [p["name"] for p in second]
    assert all(p["region_code"].startswith(demo_county["township2"]) for p in second)


def _plan_names(client) -> list[str]:
    return [p["name"] for p in client.get("/api/v1/plans", limit=100).json()["items"]]


def _form(demo_county, hq, **over):
    data = {"name": "舞钢市尾矿库事故应急预案", "kind": "special", "region_code": demo_county["county"],
            "event_types": ["industrial_commercial_accident", "geological"], "hq_id": hq.pk,
            "conditions_I": "", "conditions_II": "deaths >= 10",
            "conditions_III": "deaths >= 3\ngrade >= relatively_large", "conditions_IV": "",
            "standard_tasks": "下游群众转移 | | 60\n调派救援队伍", "is_active": "on"}
    data.update(over)
    return data


def test_plan_pages_create_edit_with_field_errors(web, demo_county, hq):
    client = web("section")
    assert client.get("/plans/new/").status_code == 200
    assert web("observer").get("/plans/new/").status_code == 403
    assert web("observer").post("/plans/new/", _form(demo_county, hq)).status_code == 403
    syntax = client.post("/plans/new/", _form(demo_county, hq, conditions_III="deaths > 3"))
    assert syntax.status_code == 400 and list(syntax.context["form"].errors) == ["conditions_III"]
    grade = client.post("/plans/new/", _form(demo_county, hq, conditions_II="grade >= huge"))
    assert grade.status_code == 400
    assert list(grade.context["form"].errors) == ["conditions_II"]
    number = client.post("/plans/new/", _form(demo_county, hq, conditions_IV="trapped >= lots"))
    assert list(number.context["form"].errors) == ["conditions_IV"]
    tasks = client.post("/plans/new/", _form(demo_county, hq, standard_tasks="a | b | soon"))
    assert list(tasks.context["form"].errors) == ["standard_tasks"]
    assert "is-invalid" in tasks.content.decode()
    assert not Plan.objects.filter(name="舞钢市尾矿库事故应急预案").exists()
    ok = client.post("/plans/new/", _form(demo_county, hq))
    assert ok.status_code == 302
    plan = Plan.objects.get(name="舞钢市尾矿库事故应急预案")
    assert plan.conditions == {"II": [{"field": "deaths", "min": 10}],
                               "III": [{"field": "deaths", "min": 3}, {"field": "grade", "min": "relatively_large"}]}
    assert plan.standard_tasks == [{"title": "下游群众转移", "unit": "", "due_minutes": 60},
                                   {"title": "调派救援队伍", "unit": "", "due_minutes": None}]
    assert plan.hq_id == hq.pk and plan.event_types == ["industrial_commercial_accident", "geological"]
    edit = client.get(f"/plans/{plan.pk}/edit/")
    assert edit.status_code == 200 and "死亡人数 &gt;= 3" in edit.content.decode()
    assert "事故等级 &gt;= 较大" in edit.content.decode()
    changed = client.post(f"/plans/{plan.pk}/edit/", _form(demo_county, hq, conditions_II="", is_active=""))
    assert changed.status_code == 302
    plan.refresh_from_db()
    assert "II" not in plan.conditions and not plan.is_active
    detail = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "下游群众转移" in detail and 'id="yj-plan-edit"' in detail
    assert 'id="yj-plan-edit"' not in web("observer").get(f"/plans/{plan.pk}/").content.decode()
    assert web("observer").get(f"/plans/{plan.pk}/edit/").status_code == 403
    assert web("township1").get(f"/plans/{plan.pk}/").status_code == 404


def test_plan_list_page_filters_and_exports(web, demo_county):
    client = web("observer")
    page = client.get("/plans/", {"kind": "overall"})
    assert page.status_code == 200
    names = [p.name for p in page.context["page"]]
    assert names and all(Plan.objects.get(name=n).kind == "overall" for n in names)
    covering = client.get("/plans/", {"event_type": "flood_drought"}).context["page"]
    assert all("flood_drought" in p.event_types for p in covering) and len(covering) >= 1
    export = client.get("/plans/", {"export": "csv"})
    assert export.status_code == 200
    own = web("enterprise1").get("/plans/")  # an enterprise account lists its own enterprise's plans only
    assert own.status_code == 200
    assert all(p.enterprise_id is not None for p in own.context["page"])


def test_plan_conditions_round_trip_in_chinese(web, demo_county, hq):
    """The edit form shows conditions with Chinese names (死亡人数 >= 3, 事故等级 >= 较大); saving them unchanged keeps
    the plan's conditions, and a condition may be typed either way."""
    client = web("section")
    plan = next(p for p in Plan.objects.order_by("pk") if p.standard_tasks
                and any(c["field"] == "grade" for cs in p.conditions.values() for c in cs))
    before = plan.conditions
    form = client.get(f"/plans/{plan.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else "" if v in (None, False) else v) for k, v in data.items()}
    assert any("事故等级 >= " in (data.get(f"conditions_{lv}") or "") for lv in ("I", "II", "III", "IV"))
    assert client.post(f"/plans/{plan.pk}/edit/", data).status_code == 302
    plan.refresh_from_db()
    assert plan.conditions == before
    mixed = {**data, "conditions_IV": "被困人数 >= 2\nalarm_level >= 橙色\ngrade >= 一般"}
    assert client.post(f"/plans/{plan.pk}/edit/", mixed).status_code == 302
    plan.refresh_from_db()
    assert plan.conditions["IV"] == [{"field": "trapped", "min": 2}, {"field": "alarm_level", "min": "orange"},
                                     {"field": "grade", "min": "ordinary"}]

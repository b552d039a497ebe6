"""Plan matching (which plans, which level, why), activation by a commander (HQ stood up, standard tasks created),
tasks and their workflow; auth, scope, grants, validation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import Organisation, User
from yingji.incidents import plans
from yingji.incidents.models import Incident, IncidentEvent, Plan, Task


@pytest.fixture
def incident(api, demo_county):
    response = api("duty").post("/api/v1/incidents", {
        "event_type": "industrial_commercial_accident", "title": "化工厂爆炸", "source": "phone",
        "occurred_at": (timezone.now() - timedelta(minutes=30)).isoformat(), "region_code": demo_county["township"],
        "deaths": 3, "serious_injuries": 2})
    assert response.status_code == 201, response.content
    return Incident.objects.get(pk=response.json()["id"])


def test_conditions_are_data_and_validated():
    assert plans.validate_conditions({"III": [{"field": "deaths", "min": 3}]}) == []
    assert plans.validate_conditions({"V": []})
    assert plans.validate_conditions({"I": [{"field": "mood", "min": 1}]})
    assert plans.validate_conditions({"I": [{"field": "grade", "min": "huge"}]})
    assert plans.validate_conditions([])


def test_plan_matching_with_levels_and_reasons(api, incident):
    response = api("duty").get(f"/api/v1/incidents/{incident.pk}/plans")
    assert response.status_code == 200, response.content
    matches = response.json()
    names = [m["name"] for m in matches]
    assert any("安全生产事故" in n for n in names) and any("火灾事故" in n for n in names)
    assert not any("防汛" in n for n in names)
    special = next(m for m in matches if "安全生产事故" in m["name"])
    assert special["level"] == "III"
    assert "Level III response: accident grade Relatively large (at least Relatively large)" in special["reasons"]
    assert "Level III response: deaths 3 (at least 3)" in special["reasons"]
    assert special["reasons"][0] == ("covers incident type safety accidents in industrial, mining and commercial "
                                     "enterprises")
    assert special["hq_name"] == "舞钢市安全生产事故应急救援指挥部"
    assert all(m["level"] == "III" for m in matches)  # the overall plan starts at III too
    assert_error_shape(api("township2").get(f"/api/v1/incidents/{incident.pk}/plans"), 404)
    assert_error_shape(api(None).get(f"/api/v1/incidents/{incident.pk}/plans"), 401)


def test_activation_stands_up_the_hq_and_creates_tasks(api, incident):
    plan = Plan.objects.get(name__contains="安全生产事故")
    path = f"/api/v1/incidents/{incident.pk}/activation"
    assert_error_shape(api("duty").post(path, {"plan_id": plan.pk}), 403)
    flood = Plan.objects.get(name__contains="防汛")
    assert_error_shape(api("commander").post(path, {"plan_id": flood.pk}), 422)
    assert_error_shape(api("commander").post(path, {"plan_id": 10**9}), 422)
    assert_error_shape(api("commander").post(path, {"plan_id": plan.pk, "level": "V"}), 422)
    assert_error_shape(api("commander").get(path), 404)
    response = api("commander").post(path, {"plan_id": plan.pk, "deputy_name": "副指挥长王某"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["level"] == "III" and body["commander"]
    hq = Organisation.objects.get(pk=plan.hq_id)
    expected_units = {hq.lead_unit_id, *hq.member_units.values_list("pk", flat=True)}
    assert {u["id"] for u in body["member_units"]} == expected_units
    assert body["tasks"] == len(plan.standard_tasks) == 4
    tasks = Task.objects.filter(incident=incident)
    assert all(t.unit_id in expected_units and t.due_at for t in tasks)
    incident.refresh_from_db()
    assert incident.state == "responding"
    kinds = list(IncidentEvent.objects.filter(incident=incident).values_list("kind", flat=True))
    assert "activated" in kinds and "transition" in kinds
    assert api("observer").get(path).json()["plan_name"] == plan.name
    assert_error_shape(api("commander").post(path, {"plan_id": plan.pk}), 409)


def test_task_assign_acknowledge_start_complete(api, incident):
    section = User.objects.get(username="section")
    path = f"/api/v1/incidents/{incident.pk}/tasks"
    due = (timezone.now() + timedelta(hours=1)).isoformat()
    assert_error_shape(api("observer").post(path, {"title": "x", "assignee_id": section.pk}), 403)
    assert_error_shape(api("commander").post(path, {"title": "x"}), 422)
    assert_error_shape(api("commander").post(path, {"title": "x", "assignee_id": 10**9}), 422)
    assert_error_shape(api("commander").post(path, {"title": "x", "assignee_id": section.pk,
                                                    "due_at": "2020-01-01T00:00:00+08:00"}), 422)
    assert_error_shape(api("township2").post(path, {"title": "x", "assignee_id": section.pk}), 404)
    created = api("commander").post(path, {"title": "核实伤亡人数", "assignee_id": section.pk, "due_at": due})
    assert created.status_code == 201, created.content
    task = created.json()
    assert task["state"] == "assigned" and not task["overdue"]
    assert section.inbox.filter(subject__contains="核实伤亡人数").exists()
    tpath = f"/api/v1/tasks/{task['id']}/transitions"
    assert_error_shape(api("inspector").post(tpath, {"action": "acknowledge"}), 403)
    assert_error_shape(api("commander").post(tpath, {"action": "acknowledge"}), 403)  # only the assignee
    assert_error_shape(api("township2").post(tpath, {"action": "acknowledge"}), 404)
    ack = api("section").post(tpath, {"action": "acknowledge", "note": "收到"})
    assert ack.status_code == 200 and ack.json()["state"] == "acknowledged"
    assert_error_shape(api("section").post(tpath, {"action": "acknowledge"}), 409)
    assert api("section").post(tpath, {"action": "start"}).json()["state"] == "in_progress"
    assert_error_shape(api("section").post(tpath, {"action": "complete"}), 422)
    done = api("section").post(tpath, {"action": "complete", "note": "3死2重伤，已核实"})
    assert done.json()["state"] == "done" and done.json()["progress"] == "3死2重伤，已核实"
    listed = api("observer").get(path).json()
    assert [t["state"] for t in listed] == ["done"]
    assert api("observer").get(f"/api/v1/tasks/{task['id']}").status_code == 200
    task_events = IncidentEvent.objects.filter(incident=incident, kind="task").count()
    assert task_events == 4  # assigned, acknowledged, started, completed


def test_overdue_tasks_are_flagged(incident):
    task = Task.objects.create(incident=incident, region_code=incident.region_code, title="x",
                               due_at=timezone.now() - timedelta(minutes=1))
    assert task.is_overdue
    Task.objects.filter(pk=task.pk).update(state="done")
    task.refresh_from_db()
    assert not task.is_overdue


def test_plans_api_and_demo(api, demo_county):
    body = api("observer").get("/api/v1/plans", limit=100).json()
    county = [p for p in body["items"] if p["region_code"] == demo_county["county"] and p["kind"] != "township"]
    # The county's overall plan and one special plan per HQ (townships and departments add their own plans).
    assert sum(1 for p in county if p["hq_id"]) == 11
    assert any(p["kind"] == "overall" for p in county)
    # An enterprise account sees its own enterprise's plans only (issue 15 §1), never the county's.
    own = api("enterprise1")
    items = own.get("/api/v1/plans", limit=100).json()["items"]
    assert items and {p["enterprise_id"] for p in items} == {own.user.enterprise_id}
    township = api("township1").get("/api/v1/plans", limit=100).json()["items"]
    assert all(p["region_code"].startswith(demo_county["township"]) for p in township)  # county plans are the county's


def test_incident_page_activation_and_tasks(web, incident):
    commander = web("commander")
    page = commander.get(f"/incidents/{incident.pk}/").content.decode()
    assert "yj-plan-matches" in page and "yj-activate-form" in page
    assert "yj-activate-form" not in web("duty").get(f"/incidents/{incident.pk}/").content.decode()
    plan = Plan.objects.get(name__contains="安全生产事故")
    assert web("duty").post(f"/incidents/{incident.pk}/activation/", {"plan_id": plan.pk}).status_code == 403
    response = commander.post(f"/incidents/{incident.pk}/activation/", {"plan_id": plan.pk, "level": ""})
    assert response.status_code == 302
    assert incident.tasks.count() == 4
    section = User.objects.get(username="section")
    response = commander.post(f"/incidents/{incident.pk}/tasks/", {"title": "网页任务", "assignee_id": section.pk})
    assert response.status_code == 302
    task = Task.objects.get(title="网页任务")
    page = web("section").get(f"/incidents/{incident.pk}/").content.decode()
    assert "yj-task-acknowledge" in page and "yj-activation" in page
    assert web("section").post(f"/tasks/{task.pk}/acknowledge/").status_code == 302
    task.refresh_from_db()
    assert task.state == "acknowledged"
    assert web("township2").post(f"/tasks/{task.pk}/start/").status_code == 404


def test_alarm_level_conditions_follow_the_alarm_the_incident_was_opened_from(demo_county):
    """"Rainfall alarm level ≥ orange" as data: an incident opened from a red rainstorm alarm reaches the flood
    plan's level II through its alarm; the same incident without an alarm matches no level."""
    from tests.monitoring.helpers import make_station, ts
    from yingji.monitoring import links, services
    from yingji.monitoring.models import Alarm

    assert plans.validate_conditions({"III": [{"field": "alarm_level", "min": "orange"}]}) == []
    assert plans.validate_conditions({"III": [{"field": "alarm_level", "min": "purple"}]})
    assert plans.validate_conditions({"III": [{"field": "alarm_level", "min": 3}]})

    make_station("T-RAIN", region_code=demo_county["township"], lat=33.3, lon=113.5)
    services.ingest(None, [{"station": "T-RAIN", "sensor": "rain", "ts": ts(5), "value": 120}])
    alarm = Alarm.objects.get(station__code="T-RAIN", rule__kind="rainstorm")
    duty = User.objects.get(username="duty")
    incident = links.open_incident(duty, alarm.pk)
    flood = Plan.objects.get(name__contains="防汛抗旱")
    assert incident.event_type in flood.event_types and alarm.level == "red"
    level, reasons = plans.evaluate(flood, Incident.objects.get(pk=incident.pk))
    assert level == "II" and "Ⅱ级响应:报警级别 红色(不低于红色)" in reasons

    Alarm.objects.filter(pk=alarm.pk).update(level="yellow")
    level, reasons = plans.evaluate(flood, Incident.objects.get(pk=incident.pk))
    assert level == "IV" and "Ⅳ级响应:报警级别 黄色(不低于黄色)" in reasons
    Alarm.objects.filter(pk=alarm.pk).update(incident=None)
    assert plans.evaluate(flood, Incident.objects.get(pk=incident.pk))[0] is None

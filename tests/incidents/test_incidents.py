"""Incidents: logging with grade and reporting clock, follow-up reports that regrade, marking levels reported,
state transitions, the accident-grade calculator, deadline warnings, pages; auth, scope, grants, validation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import Notification, User
from yingji.incidents import services
from yingji.incidents.models import Incident, IncidentEvent, IncidentReport, ReportingDeadline


def _payload(demo_county, **over):
    data = {"event_type": "industrial_commercial_accident", "title": "车间爆炸", "source": "phone",
            "occurred_at": (timezone.now() - timedelta(minutes=20)).isoformat(),
            "region_code": demo_county["township"], "deaths": 2, "serious_injuries": 1,
            "direct_loss_yuan": "500000", "reporter_name": "张三", "reporter_phone": "13812345678"}
    data.update(over)
    return data


@pytest.fixture
def incident(api, demo_county):
    response = api("duty").post("/api/v1/incidents", _payload(demo_county))
    assert response.status_code == 201, response.content
    return Incident.objects.get(pk=response.json()["id"])


def test_create_grades_and_starts_the_clock(api, demo_county):
    response = api("duty").post("/api/v1/incidents", _payload(demo_county))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grade"] == "ordinary"
    assert body["category"] == "accident_disaster"
    assert [d["level"] for d in body["deadlines"]] == ["county", "city"]
    county = body["deadlines"][0]
    assert county["status"] == "done" and county["reported_at"]
    assert body["deadlines"][1]["status"] in ("running", "near")
    assert [r["seq"] for r in body["reports"]] == [1]
    assert body["timeline"][0]["kind"] == "created"
    assert body["state"] == "reported"


def test_follow_up_raising_deaths_to_three_regrades_and_extends_chain_to_province(api, incident):
    client = api("duty")
    response = client.post(f"/api/v1/incidents/{incident.pk}/reports", {"deaths": 3, "note": "又发现1名遇难者"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grade"] == "relatively_large"
    assert body["deaths"] == 3 and body["serious_injuries"] == 1  # omitted figures keep their value
    assert [d["level"] for d in body["deadlines"]] == ["county", "city", "province"]
    versions = body["reports"]
    assert [(r["seq"], r["deaths"], r["grade"]) for r in versions] == [
        (1, 2, "ordinary"), (2, 3, "relatively_large")]
    kinds = [e["kind"] for e in body["timeline"]]
    assert kinds[-2:] == ["figures", "regraded"]
    assert body["timeline"][-1]["data"]["levels_added"] == ["province"]
    assert IncidentReport.objects.filter(incident=incident).count() == 2
    listed = client.get(f"/api/v1/incidents/{incident.pk}/reports").json()
    assert [r["deaths"] for r in listed] == [2, 3]
    # Going back down drops the unreported province level but keeps both versions.
    down = client.post(f"/api/v1/incidents/{incident.pk}/reports", {"deaths": 2}).json()
    assert down["grade"] == "ordinary"
    assert [d["level"] for d in down["deadlines"]] == ["county", "city"]
    assert len(down["reports"]) == 3


def test_mark_level_reported(api, incident):
    client = api("duty")
    path = f"/api/v1/incidents/{incident.pk}/deadlines/city/reported"
    assert_error_shape(client.post(path, {"method": "", "reported_to": "市应急局"}), 422)
    ok = client.post(path, {"method": "电话", "reported_to": "市应急局值班室"})
    assert ok.status_code == 200, ok.content
    city = [d for d in ok.json()["deadlines"] if d["level"] == "city"][0]
    assert city["status"] == "done" and city["reported_to"] == "市应急局值班室" and city["reported_by"]
    assert_error_shape(client.post(path, {"method": "电话", "reported_to": "x"}), 409)
    assert_error_shape(client.post(f"/api/v1/incidents/{incident.pk}/deadlines/province/reported",
                                   {"method": "电话", "reported_to": "x"}), 422)
    assert_error_shape(client.post(f"/api/v1/incidents/{incident.pk}/deadlines/moon/reported",
                                   {"method": "电话", "reported_to": "x"}), 422)
    assert_error_shape(api("section").post(path, {"method": "电话", "reported_to": "x"}), 403)
    assert IncidentEvent.objects.filter(incident=incident, kind="reported_up").count() == 1


def test_transitions_respond_and_close_requires_summary(api, incident):
    duty, commander = api("duty"), api("commander")
    path = f"/api/v1/incidents/{incident.pk}/transitions"
    assert duty.post(path, {"action": "respond"}).json()["state"] == "responding"
    assert_error_shape(duty.post(path, {"action": "close", "summary": "done"}), 403)
    assert_error_shape(commander.post(path, {"action": "close"}), 422)
    assert_error_shape(commander.post(path, {"action": "fly"}), 422)
    closed = commander.post(path, {"action": "close", "summary": "处置完毕"})
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert_error_shape(commander.post(path, {"action": "respond"}), 409)
    assert_error_shape(duty.post(f"/api/v1/incidents/{incident.pk}/reports", {"deaths": 5}), 409)
    body = assert_error_shape(commander.post(path, {"action": "reopen"}), 422)
    assert body["errors"][0]["field"] == "reason"
    stale = assert_error_shape(commander.post(path, {"action": "reopen", "reason": "x", "version": 0}), 409)
    assert "Someone else" in stale["detail"]
    reopened = commander.post(path, {"action": "reopen", "reason": "发现新的遇难者"}).json()
    assert reopened["state"] == "responding"
    assert IncidentEvent.objects.filter(incident=incident, kind="transition", note="发现新的遇难者").exists()


def test_create_validation(api, demo_county):
    client = api("duty")
    body = assert_error_shape(client.post("/api/v1/incidents", _payload(demo_county, event_type="alien")), 422)
    assert body["errors"][0]["field"] == "event_type"
    body = assert_error_shape(client.post("/api/v1/incidents", _payload(demo_county, deaths=-1)), 422)
    assert body["errors"][0]["field"] == "deaths"
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    body = assert_error_shape(client.post("/api/v1/incidents", _payload(demo_county, occurred_at=future)), 422)
    assert body["errors"][0]["field"] == "occurred_at"
    body = assert_error_shape(client.post("/api/v1/incidents", _payload(
        demo_county, category="natural_disaster")), 422)
    assert body["errors"][0]["field"] == "event_type"
    assert_error_shape(client.post("/api/v1/incidents", _payload(demo_county, region_code="410481999")), 422)
    assert_error_shape(client.post(f"/api/v1/incidents/{999999}/reports", {"deaths": 1}), 404)


def test_auth_grant_and_scope(api, demo_county, incident):
    assert_error_shape(api(None).get("/api/v1/incidents"), 401)
    assert_error_shape(api(None).post("/api/v1/incidents", _payload(demo_county)), 401)
    assert_error_shape(api("observer").post("/api/v1/incidents", _payload(demo_county)), 403)
    assert_error_shape(api("observer").post(f"/api/v1/incidents/{incident.pk}/reports", {"deaths": 3}), 403)
    assert_error_shape(api("enterprise1").get("/api/v1/incidents"), 403)
    # township2 is outside the incident's township: it is invisible (404), also for writes.
    other = api("township2")
    assert_error_shape(other.get(f"/api/v1/incidents/{incident.pk}"), 404)
    assert_error_shape(other.post(f"/api/v1/incidents/{incident.pk}/reports", {"deaths": 3}), 404)
    assert_error_shape(other.post(f"/api/v1/incidents/{incident.pk}/transitions", {"action": "respond"}), 404)
    assert incident.pk not in [i["id"] for i in other.get("/api/v1/incidents", limit=500).json()["items"]]
    # ... and cannot log one outside its jurisdiction.
    assert_error_shape(other.post("/api/v1/incidents", _payload(demo_county)), 403)
    own = api("township1").get(f"/api/v1/incidents/{incident.pk}")
    assert own.status_code == 200
    observer = api("observer").get(f"/api/v1/incidents/{incident.pk}").json()
    assert observer["reporter_phone"] == "138****5678"


def test_list_filters(api, incident):
    client = api("duty")
    body = client.get("/api/v1/incidents", open="true", grade="ordinary", limit=500).json()
    assert incident.pk in [i["id"] for i in body["items"]]
    assert all(i["state"] != "closed" for i in body["items"])
    assert client.get("/api/v1/incidents", q="车间爆炸").json()["count"] >= 1
    assert_error_shape(client.get("/api/v1/incidents", grade="huge"), 422)


def test_accident_grade_tool_saves_nothing(api):
    before = Incident.objects.count()
    response = api("observer").post("/api/v1/tools/accident-grade", {
        "deaths": 3, "serious_injuries": 0, "direct_loss_yuan": 0, "occurred_at": "2026-03-01T03:00:00+08:00"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["grade"] == "relatively_large"
    assert [d["level"] for d in body["deadlines"]] == ["county", "city", "province"]
    assert body["deadlines"][0]["due_at"].startswith("2026-03-01T04:00")
    assert Incident.objects.count() == before
    assert_error_shape(api("observer").post("/api/v1/tools/accident-grade", {"deaths": -1,
                                                                              "occurred_at": "2026-03-01T03:00"}), 422)
    assert_error_shape(api(None).post("/api/v1/tools/accident-grade", {"occurred_at": "2026-03-01T03:00"}), 401)


def test_deadline_warnings_are_idempotent(api, incident):
    city = ReportingDeadline.objects.get(incident=incident, level="city")
    duty = User.objects.get(username="duty")
    commander = User.objects.get(username="commander")
    far = city.due_at - timedelta(hours=1)
    # Only this incident's clocks run: the demo county's open incident has deadlines of its own, set when the demo
    # was built, which come due in the window below when the suite runs long enough after that.
    ReportingDeadline.objects.exclude(incident=incident).filter(reported_at__isnull=True).update(
        reported_at=timezone.now())
    Notification.objects.filter(object_type="incidents.incident", object_id=str(incident.pk)).delete()
    assert services.notify_due_deadlines(far) == 0
    soon = city.due_at - timedelta(minutes=10)
    sent = services.notify_due_deadlines(soon)
    assert sent >= 2
    assert services.notify_due_deadlines(soon) == 0
    notes = Notification.objects.filter(object_id=str(incident.pk), object_type="incidents.incident")
    assert {n.recipient for n in notes} >= {duty, commander}
    assert all("报告" in n.subject and incident.title in n.subject for n in notes)  # the county's language
    assert services.notify_due_deadlines(city.due_at + timedelta(minutes=1)) >= 2  # the overdue warning
    assert notes.filter(subject__contains="已超时").exists()
    ReportingDeadline.objects.filter(pk=city.pk).update(reported_at=timezone.now())
    assert services.notify_due_deadlines(city.due_at + timedelta(hours=3)) == 0


def test_periodic_job_registered():
    from yingji.core.tasks import PERIODIC_JOBS

    assert any(name.endswith("warn_reporting_deadlines") for name in PERIODIC_JOBS)


def test_pages(web, incident):
    client = web("duty")
    page = client.get("/incidents/")
    assert page.status_code == 200 and "车间爆炸" in page.content.decode()
    detail = client.get(f"/incidents/{incident.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "yj-incident-clock" in html and "text-bg-success" in html
    assert client.get("/incidents/", {"export": "csv"}).status_code == 200
    assert web("township2").get(f"/incidents/{incident.pk}/").status_code == 404
    assert web("enterprise1").get("/incidents/").status_code == 403


def test_demo_has_an_open_incident_with_a_running_clock(demo_county):
    open_ones = Incident.objects.filter(state__in=["reported", "responding"], title__contains="机械伤害")
    assert open_ones.exists()
    assert ReportingDeadline.objects.filter(incident__in=open_ones, reported_at__isnull=True).exists()

"""Duty desk: rosters and who is on duty, the duty log filed or turned into an incident, handovers; the console
page; auth, scope (404), grants (403), validation (422)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import User
from yingji.duty.models import DutyLogEntry, DutyShift, Handover
from yingji.incidents.models import Incident, Task


@pytest.fixture
def entry(api):
    response = api("duty").post("/api/v1/duty/log", {"source": "phone", "caller_name": "李四",
                                                    "caller_phone": "13912345678",
                                                    "content": "八里镇一工厂发生爆炸，有人员伤亡"})
    assert response.status_code == 201, response.content
    return DutyLogEntry.objects.get(pk=response.json()["id"])


def test_roster_create_list_and_now(api, demo_county):
    client = api("duty")
    officer = User.objects.get(username="duty")
    date = (timezone.localdate() + timedelta(days=30)).isoformat()
    response = client.post("/api/v1/duty/rosters", {"date": date, "shift": "night", "leader_name": "王局长",
                                                    "officer_names": "张三、李四", "officer_ids": [officer.pk]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["officer_ids"] == [officer.pk]
    assert body["starts_at"].endswith("T12:00:00Z")  # 20:00 Beijing time
    assert_error_shape(client.post("/api/v1/duty/rosters", {"date": date, "shift": "night", "leader_name": "x",
                                                            "officer_names": "y"}), 409)
    assert_error_shape(client.post("/api/v1/duty/rosters", {"date": date, "shift": "noon", "leader_name": "x",
                                                            "officer_names": "y"}), 422)
    assert_error_shape(client.post("/api/v1/duty/rosters", {"date": date, "shift": "day", "leader_name": "x",
                                                            "officer_names": "y", "officer_ids": [10**9]}), 422)
    assert_error_shape(api("observer").post("/api/v1/duty/rosters", {"date": date, "shift": "day",
                                                                     "leader_name": "x", "officer_names": "y"}), 403)
    listed = client.get("/api/v1/duty/rosters", date_from=date).json()
    assert [s["shift"] for s in listed["items"]] == ["night"]
    now = client.get("/api/v1/duty/now").json()
    assert len(now["shifts"]) == 1  # the demo roster covers this week and next
    assert DutyShift.objects.filter(starts_at__lte=timezone.now(), ends_at__gt=timezone.now()).count() == 1
    assert_error_shape(api(None).get("/api/v1/duty/now"), 401)
    assert_error_shape(api("enterprise1").get("/api/v1/duty/rosters"), 403)


def test_log_entry_filed(api, entry):
    client = api("duty")
    assert entry.logged_by.username == "duty"
    listed = client.get("/api/v1/duty/log", state="open").json()
    assert entry.pk in [e["id"] for e in listed["items"]]
    got = client.get(f"/api/v1/duty/log/{entry.pk}").json()
    assert got["available_actions"] == ["file", "escalate"]
    filed = client.post(f"/api/v1/duty/log/{entry.pk}/transitions", {"action": "file"})
    assert filed.status_code == 200 and filed.json()["state"] == "filed"
    assert_error_shape(client.post(f"/api/v1/duty/log/{entry.pk}/transitions", {"action": "file"}), 409)


def test_log_entry_turned_into_an_incident(api, entry, demo_county):
    client = api("duty")
    path = f"/api/v1/duty/log/{entry.pk}/transitions"
    bad = assert_error_shape(client.post(path, {"action": "escalate", "incident": {
        "title": "爆炸", "event_type": "nonsense", "region_code": demo_county["township"]}}), 422)
    assert bad["errors"][0]["field"] == "incident.event_type"
    assert not Incident.objects.filter(title="爆炸").exists()
    ok = client.post(path, {"action": "escalate", "incident": {
        "title": "工厂爆炸", "event_type": "industrial_commercial_accident", "region_code": demo_county["township"],
        "deaths": 1}})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["state"] == "incident" and body["incident_id"]
    incident = Incident.objects.get(pk=body["incident_id"])
    assert incident.source == "phone" and incident.reporter_name == "李四"
    assert incident.received_at == entry.received_at
    assert incident.deadlines.count() == 2


def test_log_validation_grant_and_scope(api, demo_county):
    assert_error_shape(api("duty").post("/api/v1/duty/log", {"source": "pigeon", "content": "x"}), 422)
    assert_error_shape(api("duty").post("/api/v1/duty/log", {"source": "phone", "content": ""}), 422)
    assert_error_shape(api("observer").post("/api/v1/duty/log", {"source": "phone", "content": "x"}), 403)
    assert_error_shape(api(None).get("/api/v1/duty/log"), 401)
    # A township desk logs in its own township; the county log is invisible to it.
    own = api("township1").post("/api/v1/duty/log", {"source": "subordinate", "content": "村里报告"})
    assert own.status_code == 201 and own.json()["region_code"] == demo_county["township"]
    county_entry = DutyLogEntry.objects.filter(region_code="410481").first()
    assert_error_shape(api("township1").get(f"/api/v1/duty/log/{county_entry.pk}"), 404)
    assert_error_shape(api("township1").post(f"/api/v1/duty/log/{county_entry.pk}/transitions",
                                             {"action": "file"}), 404)
    assert_error_shape(api("township2").get(f"/api/v1/duty/log/{own.json()['id']}"), 404)
    assert_error_shape(api("township1").post("/api/v1/duty/log", {"source": "phone", "content": "x",
                                                                  "region_code": "410481"}), 403)
    assert_error_shape(api("observer").post(f"/api/v1/duty/log/{county_entry.pk}/transitions",
                                            {"action": "file"}), 403)


def test_handover_acknowledged_by_the_incoming_officer(api, entry, demo_county):
    outgoing = api("duty")
    response = outgoing.post("/api/v1/duty/handovers", {"notes": "夜班平稳", "items": ["跟进八里镇爆炸伤员情况"]})
    assert response.status_code == 201, response.content
    body = response.json()
    texts = [i["text"] for i in body["items"]]
    assert texts[0] == "跟进八里镇爆炸伤员情况"
    assert entry.pk in [i["log_entry_id"] for i in body["items"]]  # open entries are carried over
    path = f"/api/v1/duty/handovers/{body['id']}/transitions"
    assert_error_shape(outgoing.post(path, {"action": "acknowledge"}), 403)
    assert_error_shape(api("observer").post(path, {"action": "acknowledge"}), 403)
    assert_error_shape(api("township1").post(path, {"action": "acknowledge"}), 404)
    assert_error_shape(api("admin").post(path, {"action": "sleep"}), 422)
    ack = api("admin").post(path, {"action": "acknowledge"})
    assert ack.status_code == 200, ack.content
    assert ack.json()["state"] == "acknowledged" and ack.json()["received_by"]
    assert_error_shape(api("admin").post(path, {"action": "acknowledge"}), 409)
    assert api("observer").get(f"/api/v1/duty/handovers/{body['id']}").status_code == 200
    assert api("observer").get("/api/v1/duty/handovers").json()["count"] >= 1
    assert_error_shape(api("observer").post("/api/v1/duty/handovers", {}), 403)
    assert_error_shape(api(None).post("/api/v1/duty/handovers", {}), 401)
    assert Handover.objects.get(pk=body["id"]).received_by.username == "admin"


def test_console_pages(web, demo_county):
    client = web("duty")
    page = client.get("/duty/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'hx-trigger="every 10s"' in html and "<script>" not in html
    assert "yj-on-duty" in html and "yj-open-incidents" in html and "机械伤害" in html
    panel = client.get("/duty/panel/")
    assert panel.status_code == 200 and "<html" not in panel.content.decode()
    created = client.post("/duty/log/new/", {"source": "phone", "kind": "call", "content": "网页记录的来电"})
    assert created.status_code == 302
    entry = DutyLogEntry.objects.get(content="网页记录的来电")
    form = client.get(f"/duty/log/{entry.pk}/incident/")
    assert form.status_code == 200
    done = client.post(f"/duty/log/{entry.pk}/incident/", {
        "title": "网页事件", "event_type": "traffic_accident", "occurred_at": "2026-01-01T01:00",
        "deaths": 0, "missing": 0, "serious_injuries": 0, "minor_injuries": 0, "trapped": 0, "direct_loss_yuan": 0})
    assert done.status_code == 302, done.content.decode()[:2000]
    incident = Incident.objects.get(title="网页事件")
    assert done["Location"] == f"/incidents/{incident.pk}/"
    Task.objects.create(incident=incident, region_code=incident.region_code, title="逾期任务",
                        due_at=timezone.now() - timedelta(minutes=5))
    panel = client.get("/duty/panel/").content.decode()
    assert "yj-overdue-tasks" in panel and "逾期任务" in panel
    assert web("enterprise1").get("/duty/").status_code == 403
    assert web("observer").post("/duty/log/new/", {"source": "phone", "kind": "call", "content": "x"}).status_code \
        == 403

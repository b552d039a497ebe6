"""Disaster reporting beyond the reports themselves (issue 16 §4): opening and ending an event on its pages and
through the API, the village's phone report (sent through the inspection field pages' offline queue: a resend of
the same submission key stores nothing twice, a report failing a check keeps nothing), the casualty list with
names masked for roles without personal-data rights."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from yingji.core.models import User
from yingji.disasters.models import Casualty, DisasterEvent, DisasterReport
from yingji.disasters.services import reports as svc


@pytest.fixture
def event(demo_county):
    return svc.open_event(User.objects.get(username="admin"), {
        "region_code": demo_county["county"], "title": "测试暴雨洪涝", "hazard": "flood",
        "started_at": timezone.now() - timezone.timedelta(hours=2)})


def _send(client, event, record, key=None):
    return client.post(f"/api/v1/disaster-events/{event.pk}/quick-reports",
                       {"submission_key": key or str(uuid.uuid4()), "record": json.dumps(record)})


def test_an_event_is_opened_and_ended_on_its_pages(web, demo_county):
    client = web("section")
    page = client.get(reverse("disaster_event_create"))
    assert page.status_code == 200
    made = client.post(reverse("disaster_event_create"), {
        "title": "七月暴雨", "region_code": demo_county["county"], "hazard": "flood",
        "started_at": (timezone.localtime() - timezone.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")})
    assert made.status_code == 302, made.content.decode()[:2000]
    event = DisasterEvent.objects.get(title="七月暴雨")
    detail = client.get(reverse("disaster_event_detail", args=[event.pk])).content.decode()
    assert 'id="yj-event-end"' in detail and 'id="yj-quick-report"' in detail
    ended = client.post(reverse("disaster_event_end", args=[event.pk]),
                        {"ended_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M")})
    assert ended.status_code == 302
    event.refresh_from_db()
    assert event.ended_at is not None
    assert 'id="yj-event-end"' not in client.get(reverse("disaster_event_detail", args=[event.pk])).content.decode()
    # A township may not open or end county events; grid members never open one.
    assert web("grid1").get(reverse("disaster_event_create")).status_code == 403
    assert web("township1").post(reverse("disaster_event_end", args=[event.pk]), {}).status_code in (403, 404)


def test_an_event_is_opened_and_ended_through_the_api(api, demo_county):
    section = api("section")
    made = section.post("/api/v1/disaster-events", {"title": "接口暴雨", "region_code": demo_county["county"],
                                                     "started_at": "2026-07-10T03:00:00+08:00"})
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    early = section.post(f"/api/v1/disaster-events/{pk}/end", {"ended_at": "2026-07-09T03:00:00+08:00"})
    assert early.status_code == 422
    ended = section.post(f"/api/v1/disaster-events/{pk}/end", {"ended_at": "2026-07-12T09:00:00+08:00"})
    assert ended.status_code == 200 and ended.json()["ended_at"].startswith("2026-07-12")
    assert section.post(f"/api/v1/disaster-events/{pk}/end",
                        {"ended_at": "2026-07-13T09:00:00+08:00"}).status_code == 409
    outside = api("township1").post("/api/v1/disaster-events", {
        "title": "越权", "region_code": demo_county["township2"], "started_at": "2026-07-10T03:00:00+08:00"})
    assert outside.status_code == 403
    assert api("grid1").post("/api/v1/disaster-events", {
        "title": "网格员", "region_code": demo_county["township"], "started_at": "2026-07-10T03:00:00+08:00"}
    ).status_code == 403


def test_the_phone_page_runs_on_the_field_queue(web, event):
    page = web("grid1").get(reverse("disaster_quick_report", args=[event.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-collect="fields"' in html and "enforcement/field.js" in html
    assert f"/api/v1/disaster-events/{event.pk}/quick-reports" in html and 'name="affected_people"' in html
    worker = web("grid1").get(reverse("disaster_quick_report_sw"))
    assert worker.status_code == 200 and "yj-field-v1" in worker.content.decode()
    assert web("observer").get(reverse("disaster_quick_report", args=[event.pk])).status_code == 403


def test_a_village_report_is_stored_once_however_often_it_is_sent(web, event, demo_county):
    client = web("grid1")
    key = str(uuid.uuid4())
    record = {"affected_people": "120", "evacuated": "30", "needs_relief": "10", "deaths": "1",
              "casualties": "李某 死亡 男 67 房屋倒塌", "collapsed_households": "2", "collapsed_rooms": "5",
              "loss_total": "35.5", "remarks": "夜间山洪"}
    first = _send(client, event, record, key)
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["created"] and body["state"] == "submitted" and body["region_code"] == demo_county["village"]
    report = DisasterReport.objects.get(pk=body["id"])
    assert report.stage == "initial" and report.figures["affected_people"] == 120
    assert list(report.casualties.values_list("name", "kind", "age")) == [("李某", "dead", 67)]
    again = _send(client, event, record, key)
    assert again.status_code == 200 and again.json()["id"] == report.pk and not again.json()["created"]
    assert DisasterReport.objects.filter(event=event).count() == 1
    # The key cannot be reused for another event.
    other = svc.open_event(User.objects.get(username="admin"), {
        "region_code": demo_county["county"], "title": "另一过程", "started_at": timezone.now()})
    assert _send(client, other, record, key).status_code == 409


def test_a_report_failing_a_check_keeps_nothing(web, event):
    client = web("grid1")
    unnamed = _send(client, event, {"affected_people": "50", "deaths": "2", "casualties": "李某 死亡"})
    assert unnamed.status_code == 422
    assert any(e["field"] == "deaths" or "deaths" in e["field"] for e in unnamed.json()["errors"]), unnamed.json()
    too_many = _send(client, event, {"affected_people": "5", "evacuated": "9"})
    assert too_many.status_code == 422
    garbled = _send(client, event, {"affected_people": "5", "casualties": "只有名字"})
    assert garbled.status_code == 422 and garbled.json()["errors"][0]["field"] == "casualties"
    assert client.post(f"/api/v1/disaster-events/{event.pk}/quick-reports",
                       {"submission_key": "not-a-uuid", "record": "{}"}).status_code == 422
    assert client.post(f"/api/v1/disaster-events/{event.pk}/quick-reports",
                       {"submission_key": str(uuid.uuid4()), "record": "[1]"}).status_code == 422
    assert not DisasterReport.objects.filter(event=event).exists()


def test_a_village_reports_only_for_itself(web, event, demo_county):
    other_village = "410481002001"
    answer = _send(web("grid1"), event, {"affected_people": "3", "region_code": other_village})
    assert answer.status_code == 403
    assert not DisasterReport.objects.filter(event=event).exists()


def test_the_casualty_list_masks_names_without_personal_data_rights(web):
    casualty = Casualty.objects.order_by("pk").first()
    assert casualty is not None and len(casualty.name) >= 2
    masked = casualty.name[0] + "*" * (len(casualty.name) - 2) + casualty.name[-1] if len(casualty.name) > 2 \
        else casualty.name[0] + "*"
    observer = web("observer").get(reverse("casualty_list")).content.decode()
    assert masked in observer and casualty.name not in observer
    export = web("observer").get(reverse("casualty_list"), {"export": "csv"})
    content = b"".join(export.streaming_content).decode("utf-8-sig") if export.streaming else \
        export.content.decode("utf-8-sig")
    assert casualty.name not in content and masked in content
    full = web("admin").get(reverse("casualty_list")).content.decode()
    assert casualty.name in full
    township2 = web("township2").get(reverse("casualty_list")).content.decode()
    if not casualty.region_code.startswith("410481002"):
        assert casualty.name not in township2 and masked not in township2

"""Campaigns: scope (a township never sees another's task, on the page or the API), reports by deadline (late
after it), the overdue job, and the findings rolled up from prevention's hazards."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import Notification, Organisation, User
from yingji.enforcement.choices import TaskState
from yingji.enforcement.models import CampaignTask
from yingji.enforcement.services import campaigns
from yingji.prevention.choices import HazardLevel, HazardState
from yingji.prevention.models import Hazard


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def campaign(demo_county):
    today = timezone.localdate()
    made = campaigns.create_campaign(user("section"), {
        "title": "有限空间作业专项整治", "kind": "special_rectification", "basis": "舞钢应急〔2026〕9号",
        "starts_on": today - datetime.timedelta(days=60), "ends_on": today + datetime.timedelta(days=60),
        "industries": ["confined_space", "hazardous_chemicals"]})
    return made


def _task(campaign, township: str, *deadlines: datetime.date) -> CampaignTask:
    return campaigns.add_task(user("section"), campaign, {"township": township, "content": "逐企检查",
                                                          "deadlines": list(deadlines)})


def test_a_township_never_sees_another_townships_task(campaign, demo_county, api, web):
    today = timezone.localdate()
    own = _task(campaign, demo_county["township"], today + datetime.timedelta(days=10))
    other = _task(campaign, demo_county["township2"], today + datetime.timedelta(days=10))
    client = api("township1")
    assert client.get(f"/api/v1/campaign-tasks/{own.pk}").status_code == 200
    assert_error_shape(client.get(f"/api/v1/campaign-tasks/{other.pk}"), 404)
    listed = client.get("/api/v1/campaign-tasks", campaign=campaign.pk).json()
    assert [t["id"] for t in listed["items"]] == [own.pk]
    assert client.get(f"/api/v1/campaigns/{campaign.pk}").status_code == 200  # it has a task there
    page = web("township1")
    assert page.get(reverse("campaign_task_detail", args=[other.pk])).status_code == 404
    assert page.get(reverse("campaign_task_detail", args=[own.pk])).status_code == 200
    body = page.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert reverse("campaign_task_detail", args=[own.pk]) in body
    assert reverse("campaign_task_detail", args=[other.pk]) not in body
    # A campaign without a task for the township does not exist for it; enterprises see none of this.
    bare = campaigns.create_campaign(user("section"), {
        "title": "大检查", "kind": "general_inspection", "basis": "通知", "starts_on": today, "ends_on": today})
    assert_error_shape(client.get(f"/api/v1/campaigns/{bare.pk}"), 404)
    assert api("enterprise1").get("/api/v1/campaigns").status_code == 403
    assert_error_shape(api("enterprise1").get(f"/api/v1/campaign-tasks/{own.pk}"), 404)


def test_a_report_after_its_deadline_is_late_and_the_next_deadline_follows(campaign, demo_county, api):
    today = timezone.localdate()
    first, second = today + datetime.timedelta(days=3), today + datetime.timedelta(days=20)
    task = _task(campaign, demo_county["township"], second, first)
    assert task.deadlines == [first.isoformat(), second.isoformat()] and task.due_on == first
    figures = {"enterprises_checked": 4, "hazards_found": 3, "hazards_rectified": 1, "major_hazards": 0,
               "text": "已检查4家"}
    client = api("township1")
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(first, datetime.time(23, 0))),
                             tick=False):
        on_time = client.post(f"/api/v1/campaign-tasks/{task.pk}/reports", figures)
    assert on_time.status_code == 201 and on_time.json()["late"] is False and on_time.json()["due_on"] == str(first)
    task.refresh_from_db()
    assert task.due_on == second and task.state == TaskState.OPEN
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(second + datetime.timedelta(days=1),
                                                                           datetime.time(9, 0))), tick=False):
        late = client.post(f"/api/v1/campaign-tasks/{task.pk}/reports", figures)
        assert late.status_code == 201 and late.json()["late"] is True
        task.refresh_from_db()
        assert task.due_on is None and task.state == TaskState.DONE
        assert_error_shape(client.post(f"/api/v1/campaign-tasks/{task.pk}/reports", figures), 409)


def test_reports_are_validated_and_only_the_assignee_reports(campaign, demo_county, api):
    today = timezone.localdate()
    task = _task(campaign, demo_county["township"], today + datetime.timedelta(days=5))
    bad = api("township1").post(f"/api/v1/campaign-tasks/{task.pk}/reports", {
        "enterprises_checked": 1, "hazards_found": 1, "hazards_rectified": 2, "major_hazards": 0, "text": "x"})
    assert {e["field"] for e in assert_error_shape(bad, 422)["errors"]} == {"hazards_rectified"}
    good = {"enterprises_checked": 1, "hazards_found": 0, "hazards_rectified": 0, "major_hazards": 0, "text": "无"}
    assert_error_shape(api("section").post(f"/api/v1/campaign-tasks/{task.pk}/reports", good), 403)
    assert_error_shape(api("township2").post(f"/api/v1/campaign-tasks/{task.pk}/reports", good), 404)
    housing = Organisation.objects.get(short_name="住建局")
    dept = campaigns.add_task(user("section"), campaign, {"organisation": housing.pk, "content": "燃气检查",
                                                          "deadlines": [today + datetime.timedelta(days=5)]})
    with pytest.raises(NotAllowed):
        campaigns.submit_report(user("inspector"), dept, good)
    # A department without accounts reports on paper: the county section enters it.
    assert campaigns.submit_report(user("section"), dept, good).late is False
    with pytest.raises(ValidationFailed):
        campaigns.add_task(user("section"), campaign, {"township": demo_county["township"],
                                                       "organisation": housing.pk, "content": "x",
                                                       "deadlines": [today]})
    with pytest.raises(ValidationFailed) as exc:
        campaigns.add_task(user("section"), campaign, {"township": demo_county["township"], "content": "x",
                                                       "deadlines": [today + datetime.timedelta(days=400)]})
    assert exc.value.errors[0]["field"] == "deadlines"


def test_the_overdue_job_marks_a_missed_deadline_once(campaign, demo_county):
    today = timezone.localdate()
    task = _task(campaign, demo_county["township2"], today + datetime.timedelta(days=2))
    assert campaigns.flag_overdue_tasks(today) == 0
    later = today + datetime.timedelta(days=3)
    assert campaigns.flag_overdue_tasks(later) == 1
    task.refresh_from_db()
    assert task.state == TaskState.OVERDUE and task.overdue_since == today + datetime.timedelta(days=3)
    told = Notification.objects.filter(object_type="enforcement.campaigntask", object_id=str(task.pk),
                                       subject__contains="已逾期")
    assert told.filter(recipient__username="township2").count() == 1
    assert told.filter(recipient__username="section").count() == 1
    assert campaigns.flag_overdue_tasks(later) == 0  # nobody is told twice
    # The late report clears the flag (there is no further deadline).
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(later, datetime.time(10))), tick=False):
        report = campaigns.submit_report(user("township2"), task, {
            "enterprises_checked": 2, "hazards_found": 0, "hazards_rectified": 0, "major_hazards": 0,
            "text": "补报"})
    task.refresh_from_db()
    assert report.late and task.state == TaskState.DONE


def test_findings_roll_up_the_hazards_of_enterprises_in_scope(campaign, demo_county, api):
    scope = campaigns.scope_enterprises(campaign)
    start = timezone.make_aware(datetime.datetime.combine(campaign.starts_on, datetime.time()))
    expected = Hazard.objects.filter(enterprise__in=scope, found_at__gte=start)
    assert scope.exists() and all(e.confined_space or e.hazchem_production or e.hazchem_business or e.hazchem_use
                                  for e in scope)
    result = campaigns.findings(campaign, user("section"))
    assert result["totals"]["found"] == expected.count()
    assert result["totals"]["major"] == expected.filter(level=HazardLevel.MAJOR).count()
    assert result["totals"]["rectified"] == expected.filter(
        state__in=(HazardState.RECTIFIED, HazardState.VERIFIED, HazardState.CLOSED)).count()
    # Reports are cumulative: a task counts with its latest one; a department has its own row.
    today = timezone.localdate()
    task = _task(campaign, demo_county["township"], today + datetime.timedelta(days=1),
                 today + datetime.timedelta(days=9))
    for checked, found in ((3, 2), (5, 4)):
        campaigns.submit_report(user("township1"), task, {"enterprises_checked": checked, "hazards_found": found,
                                                          "hazards_rectified": 1, "major_hazards": 0, "text": "进展"})
    housing = Organisation.objects.get(short_name="住建局")
    dept = campaigns.add_task(user("section"), campaign, {"organisation": housing.pk, "content": "燃气检查",
                                                          "deadlines": [today + datetime.timedelta(days=5)]})
    campaigns.submit_report(user("section"), dept, {"enterprises_checked": 7, "hazards_found": 1,
                                                    "hazards_rectified": 1, "major_hazards": 0, "text": "完成"})
    rolled = campaigns.findings(campaign, user("section"))
    own = next(r for r in rolled["rows"] if r["code"] == demo_county["township"])
    assert (own["reported_checked"], own["reported_found"]) == (5, 4)
    assert rolled["rows"][-1]["name"] == str(housing) and rolled["rows"][-1]["reported_checked"] == 7
    assert rolled["totals"]["reported_checked"] == 12
    mine = campaigns.findings(campaign, user("township1"))
    assert all(r["code"] == demo_county["township"] for r in mine["rows"])
    assert mine["totals"]["found"] == expected.filter(region_code__startswith=demo_county["township"]).count()


def test_campaign_api_create_and_validation(api, demo_county):
    today = timezone.localdate()
    client = api("section")
    made = client.post("/api/v1/campaigns", {
        "title": "安全生产大检查", "kind": "general_inspection", "basis": "舞安委〔2026〕3号",
        "starts_on": str(today), "ends_on": str(today + datetime.timedelta(days=30)),
        "townships": [demo_county["township"]]})
    assert made.status_code == 201, made.content
    campaign_id = made.json()["id"]
    task = client.post(f"/api/v1/campaigns/{campaign_id}/tasks", {
        "township": demo_county["township"], "content": "全面检查", "deadlines": [str(today)]})
    assert task.status_code == 201 and task.json()["due_on"] == str(today)
    outside = client.post(f"/api/v1/campaigns/{campaign_id}/tasks", {
        "township": demo_county["township2"], "content": "全面检查", "deadlines": [str(today)]})
    assert assert_error_shape(outside, 422)["errors"][0]["field"] == "township"
    wrong = client.post("/api/v1/campaigns", {"title": "x", "kind": "party", "basis": "b", "starts_on": str(today),
                                              "ends_on": str(today - datetime.timedelta(days=1))})
    assert assert_error_shape(wrong, 422)["errors"][0]["field"] in ("kind", "ends_on")
    assert_error_shape(api("township1").post("/api/v1/campaigns", {
        "title": "x", "kind": "general_inspection", "basis": "b", "starts_on": str(today),
        "ends_on": str(today)}), 403)
    figures = {"enterprises_checked": 0, "hazards_found": 0, "hazards_rectified": 0, "major_hazards": 0, "text": "a"}
    made_task = CampaignTask.objects.get(pk=task.json()["id"])
    stale = CampaignTask.objects.get(pk=made_task.pk)
    campaigns.submit_report(user("township1"), made_task, figures)
    with pytest.raises(Conflict):  # a second report for the one deadline (a stale page) is refused
        campaigns.submit_report(user("township1"), stale, figures)

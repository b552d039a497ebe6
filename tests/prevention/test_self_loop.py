"""The enterprise's own loop (隐患自查自改自报闭环) and the regulators' sample checks: a general hazard the enterprise
found runs its whole loop inside the enterprise, visible to the regulator; a share of last month's is drawn each
month (and any can be drawn by hand); a failed check reopens the hazard and counts against the enterprise."""

from __future__ import annotations

import datetime
import math
import random

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import ApiClient, assert_error_shape
from tests.prevention.conftest import future, png
from yingji.core import policy
from yingji.core.errors import Conflict
from yingji.core.models import Notification
from yingji.prevention import services
from yingji.prevention import tasks as prevention_tasks
from yingji.prevention.choices import AttachmentPurpose, HazardLevel, HazardSource, HazardState, SampleState
from yingji.prevention.models import Hazard, HazardEvent, HazardSample, SamplingRun


def _self_closed(users, title="安全出口指示灯损坏") -> Hazard:
    """A general hazard enterprise1 found, taken through the enterprise's own loop."""
    e1, e2 = users["enterprise1"], users["enterprise2"]
    hazard = services.report_hazard(e1, {"enterprise": e1.enterprise_id, "title": title, "description": "巡检发现"})
    hazard = services.perform(e1, hazard, "confirm", {"level": "general", "due_at": future(),
                                                      "responsible_person": "赵工"})
    hazard = services.perform(e1, hazard, "start", {})
    services.add_attachment(e1, hazard, png(), AttachmentPurpose.EVIDENCE)
    hazard = services.perform(e1, hazard, "rectify", {"description": "已更换指示灯"})
    hazard = services.perform(e2, hazard, "verify", {})
    return services.perform(e2, hazard, "close", {})


def test_the_enterprise_runs_its_own_loop_and_the_regulator_sees_it(users, api):
    hazard = _self_closed(users)
    assert hazard.state == HazardState.CLOSED and services.self_closed_loop(hazard)
    actors = list(hazard.events.order_by("time", "id").values_list("kind", "actor__username"))
    assert actors == [("report", "enterprise1"), ("confirm", "enterprise1"), ("start", "enterprise1"),
                      ("attach", "enterprise1"), ("rectify", "enterprise1"), ("verify", "enterprise2"),
                      ("close", "enterprise2")]
    seen = api("township1").get(f"/api/v1/hazards/{hazard.pk}").json()
    assert seen["state"] == "closed" and seen["source"] == HazardSource.SELF_CHECK


def test_the_rectifier_cannot_verify_and_major_hazards_stay_with_the_regulator(users, make_hazard):
    e1, e2 = users["enterprise1"], users["enterprise2"]
    rectified = make_hazard(HazardState.RECTIFIED)
    with pytest.raises(Exception, match="someone else must verify"):
        services.perform(e1, rectified, "verify", {})
    reported = make_hazard(HazardState.REPORTED)
    refused = ApiClient(e1).post(f"/api/v1/hazards/{reported.pk}/transitions", {
        "action": "confirm", "level": "major", "due_at": future(90), "responsible_person": "李总",
        "measures": "停产整改", "funds": "10000"})
    assert assert_error_shape(refused, 422)["errors"][0]["field"] == "level"
    major = make_hazard(HazardState.RECTIFIED, HazardLevel.MAJOR)
    assert ApiClient(e2).post(f"/api/v1/hazards/{major.pk}/transitions", {"action": "verify"}).status_code == 403
    found_by_inspector = services.report_hazard(users["inspector"], {
        "enterprise": e1.enterprise_id, "title": "配电箱未接地", "description": "执法检查发现"})
    assert "confirm" not in services.available_actions(found_by_inspector, e2)
    assert "confirm" in services.available_actions(found_by_inspector, users["township1"])


def test_a_failed_sample_reopens_the_hazard_and_counts_against_the_enterprise(users, api):
    hazard = _self_closed(users)
    assert api("enterprise1").post("/api/v1/hazard-samples", {"hazard_id": hazard.pk}).status_code == 403
    drawn = api("township1").post("/api/v1/hazard-samples", {"hazard_id": hazard.pk, "note": "随机抽查"})
    assert drawn.status_code == 201, drawn.content
    sample = drawn.json()
    assert sample["state"] == "pending" and sample["drawn_by"] == str(users["township1"])
    again = api("inspector").post("/api/v1/hazard-samples", {"hazard_id": hazard.pk})
    assert assert_error_shape(again, 409)
    assert api("township2").get(f"/api/v1/hazard-samples/{sample['id']}").status_code == 404
    stored = HazardSample.objects.get(pk=sample["id"])  # a scope reached through a relation (hazard__region_code)
    assert policy.sees(users["township1"], stored) and not policy.sees(users["township2"], stored)
    assert policy.sees(users["enterprise2"], stored)

    path = f"/api/v1/hazard-samples/{sample['id']}/result"
    no_deadline = api("township1").post(path, {"passed": False, "note": "指示灯仍不亮"})
    assert assert_error_shape(no_deadline, 422)["errors"][0]["field"] == "due_at"
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.CLOSED
    failed = api("township1").post(path, {"passed": False, "note": "指示灯仍不亮", "due_at": future(10)})
    assert failed.status_code == 200 and failed.json()["state"] == "failed"
    reopened = Hazard.objects.get(pk=hazard.pk)
    assert reopened.state == HazardState.RECTIFYING and reopened.closed_at is None
    assert reopened.version == hazard.version + 1
    assert HazardEvent.objects.filter(hazard=hazard, kind="reopen", note="指示灯仍不亮").count() == 1
    told = Notification.objects.filter(kind="reopened")
    assert {"enterprise1", "enterprise2"} <= set(told.values_list("recipient__username", flat=True))
    assert all("抽查未通过" in n.subject for n in told)  # in the county's language, not the template's English
    assert services.sample_record(hazard.enterprise_id) == {"checked": 1, "failed": 1, "pending": 0}
    assert assert_error_shape(api("township1").post(path, {"passed": True, "note": "再次"}), 409)


def test_a_passed_sample_leaves_the_hazard_closed_and_reopen_is_not_a_free_action(users, api):
    hazard = _self_closed(users)
    sample = services.draw_sample(users["inspector"], hazard, "")
    assert "reopen" not in services.available_actions(Hazard.objects.get(pk=hazard.pk), users["inspector"])
    direct = api("inspector").post(f"/api/v1/hazards/{hazard.pk}/transitions", {"action": "reopen"})
    assert assert_error_shape(direct, 422)
    services.check_sample(users["inspector"], sample, passed=True, note="整改到位")
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.CLOSED
    assert HazardEvent.objects.filter(hazard=hazard, kind="sample_passed").count() == 1
    stale = HazardSample.objects.get(pk=sample.pk)
    stale.state = SampleState.PENDING  # a second officer's page loaded before the first recorded the result
    with pytest.raises(Conflict):
        services.check_sample(users["township1"], stale, passed=False, note="x", due_at=future(5))
    assert Hazard.objects.get(pk=hazard.pk).state == HazardState.CLOSED


def test_a_hazard_outside_the_enterprise_loop_cannot_be_sampled(users, make_hazard):
    major = make_hazard(HazardState.CLOSED, HazardLevel.MAJOR)
    with pytest.raises(Conflict):
        services.draw_sample(users["section"], major)


def test_the_monthly_draw_takes_its_share_once_seeded_by_the_month(users, settings):
    settings.HAZARD_SAMPLE_SHARE = 0.25
    november = timezone.make_aware(datetime.datetime(2027, 11, 12, 10, 0))  # past the demo's own draws
    with time_machine.travel(november, tick=False):
        closed = [_self_closed(users, f"自查隐患{i}") for i in range(6)]
        major = services.report_hazard(users["inspector"], {"enterprise": users["enterprise1"].enterprise_id,
                                                            "title": "重大", "description": "x"})
    with time_machine.travel(november + datetime.timedelta(days=25), tick=False):
        later = _self_closed(users, "十二月关闭")
    population = sorted(Hazard.objects.filter(
        source=HazardSource.SELF_CHECK, state=HazardState.CLOSED, closed_at__month=11, closed_at__year=2027,
        criterion="").exclude(level=HazardLevel.MAJOR).values_list("pk", flat=True))
    assert {h.pk for h in closed} <= set(population) and later.pk not in population and major.pk not in population
    expected = random.Random("yingji-hazard-sample/2027-11").sample(population, math.ceil(len(population) * 0.25))

    with time_machine.travel(timezone.make_aware(datetime.datetime(2027, 12, 3, 8, 0)), tick=False):
        drawn = prevention_tasks.draw_monthly_hazard_samples.call()
        assert drawn == len(expected)
        assert prevention_tasks.draw_monthly_hazard_samples.call() == 0  # a month is drawn once
    run = SamplingRun.objects.get(period="2027-11")
    assert (run.population, run.drawn) == (len(population), len(expected))
    samples = HazardSample.objects.filter(period="2027-11")
    assert sorted(samples.values_list("hazard_id", flat=True)) == sorted(expected)
    assert all(s.drawn_by_id is None and s.state == SampleState.PENDING for s in samples)
    assert Notification.objects.filter(kind="sampled").exists()


def test_the_hazard_page_offers_the_check_to_regulators_only(users, web):
    hazard = _self_closed(users)
    url = reverse("hazard_detail", args=[hazard.pk])
    page = web("township1").get(url).content.decode()
    assert 'id="yj-self-loop"' in page and 'id="yj-sample-draw"' in page
    assert 'id="yj-sample-draw"' not in web("enterprise1").get(url).content.decode()
    response = web("township1").post(reverse("hazard_sample_draw", args=[hazard.pk]), {"note": "抽查"})
    assert response.status_code == 302
    sample = HazardSample.objects.get(hazard=hazard)
    page = web("township1").get(url).content.decode()
    assert 'id="yj-sample-result"' in page
    bad = web("township1").post(reverse("hazard_sample_result", args=[sample.pk]),
                                {"passed": "0", "note": "未整改"})
    assert bad.status_code == 400 and Hazard.objects.get(pk=hazard.pk).state == HazardState.CLOSED
    ok = web("township1").post(reverse("hazard_sample_result", args=[sample.pk]),
                               {"passed": "0", "note": "未整改", "due_at": future(7)})
    assert ok.status_code == 302 and Hazard.objects.get(pk=hazard.pk).state == HazardState.RECTIFYING
    listing = web("section").get(reverse("hazard_sample_list")).content.decode()
    assert hazard.title in listing

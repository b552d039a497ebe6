"""The pre-flood checks (汛前大排查): a check with problems registers them as hazards of the place in one
transaction, the progress by township counts exactly what the hazard lists hold (found, closed, open, overdue,
清零), the bulletin names the townships with overdue problems, a 督办单 presses an open problem through the
enforcement orders, scope holds (a township sees its own), and bad input answers with field errors."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core import policy
from yingji.core.errors import Conflict, ValidationFailed
from yingji.core.models import User
from yingji.disasters.flood_check_choices import CheckResult
from yingji.disasters.models import FloodCheckRecord, FloodCheckRound
from yingji.disasters.services import flood_checks as services
from yingji.enforcement.models import SupervisionOrder
from yingji.prevention import services as hazard_services
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard, HazardPlace
from yingji.prevention.origins import origins_of


def _user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def check_round(demo_county):
    today = timezone.localdate()
    return services.create_round(_user("section"), {
        "title": "测试汛前大排查", "starts_on": today - datetime.timedelta(days=10),
        "ends_on": today + datetime.timedelta(days=20), "rectify_days": 7})


def _place(user: str = "township1") -> HazardPlace:
    return HazardPlace.objects.filter(region_code__startswith=_user(user).scope_region_code).order_by("pk").first()


def _check(check_round, user="township1", place=None, findings=None, day=None, **extra):
    place = place or _place(user)
    data = {"place": place.pk, "checked_on": day or timezone.localdate(), "checked_by_unit": "乡镇应急办",
            "checkers": "王明", "result": CheckResult.PROBLEMS if findings else CheckResult.PASSED,
            "findings": findings or [], **extra}
    return services.record_check(_user(user), check_round, data)


def test_problems_found_become_hazards_of_the_place(check_round):
    place = _place()
    record = _check(check_round, place=place, findings="堤顶裂缝：堤顶路面出现纵向裂缝约5米\n警示牌缺失")
    hazards = list(record.hazards.order_by("pk"))
    assert [h.title for h in hazards] == ["堤顶裂缝", "警示牌缺失"]
    assert hazards[0].description == "堤顶路面出现纵向裂缝约5米"
    assert all(h.place_id == place.pk and h.enterprise_id is None and h.state == HazardState.REPORTED
               for h in hazards)
    assert all(timezone.localtime(h.found_at).date() == record.checked_on for h in hazards)
    origins = origins_of(hazards[0], _user("section"))
    assert any(o.kind == "flood_check" and check_round.title in o.label for o in origins)


def test_a_passed_check_registers_nothing_and_the_same_day_twice_conflicts(check_round):
    before = Hazard.objects.count()
    record = _check(check_round)
    assert record.result == CheckResult.PASSED and Hazard.objects.count() == before
    with pytest.raises(Conflict):
        _check(check_round, findings=[{"title": "重复"}])
    assert Hazard.objects.count() == before  # the refused check's hazards were not written either


@pytest.mark.parametrize(("change", "field"), [
    ({"result": CheckResult.PROBLEMS, "findings": []}, "findings"),
    ({"result": CheckResult.PASSED, "findings": "有问题"}, "findings"),
    ({"result": "maybe"}, "result"),
    ({"checked_by_unit": " "}, "checked_by_unit"),
    ({"checkers": ""}, "checkers"),
    ({"checked_on": "2020-01-01"}, "checked_on"),
    ({"checked_on": "not a date"}, "checked_on"),
    ({"findings": [{"title": ""}], "result": CheckResult.PROBLEMS}, "findings.0.title"),
])
def test_bad_checks_are_refused_with_the_field_named(check_round, change, field):
    place = _place()
    data = {"place": place.pk, "checked_on": timezone.localdate(), "checked_by_unit": "乡镇应急办",
            "checkers": "王明", "result": CheckResult.PASSED, **change}
    with pytest.raises(ValidationFailed) as caught:
        services.record_check(_user("township1"), check_round, data)
    assert field in {e["field"] for e in caught.value.errors}
    assert not FloodCheckRecord.objects.filter(round=check_round).exists()


def test_a_check_in_the_future_or_of_another_townships_place_is_refused(check_round):
    with pytest.raises(ValidationFailed) as caught:
        _check(check_round, day=timezone.localdate() + datetime.timedelta(days=1))
    assert caught.value.errors[0]["field"] == "checked_on"
    other = _place("township2")
    with pytest.raises(ValidationFailed) as caught:
        _check(check_round, place=other)
    assert caught.value.errors[0]["field"] == "place"


def test_progress_counts_what_the_hazard_lists_hold(check_round):
    section = _user("section")
    first = _check(check_round, findings=[{"title": "问题一"}, {"title": "问题二"}])
    _check(check_round, user="township2", findings=[{"title": "问题三"}])
    hazard = first.hazards.order_by("pk").first()
    Hazard.objects.filter(pk=hazard.pk).update(state=HazardState.CLOSED, closed_at=timezone.now())
    figures = services.progress(section, check_round)
    total = figures["total"]
    found = Hazard.objects.filter(flood_checks__round=check_round).distinct()
    assert total["found"] == found.count() == 3
    assert total["closed"] == found.filter(state=HazardState.CLOSED).count() == 1
    assert total["open"] == 2 and total["overdue"] == 0 and total["records"] == 2
    by_code = {r["code"]: r for r in figures["rows"]}
    t1, t2 = _user("township1").scope_region_code, _user("township2").scope_region_code
    assert by_code[t1]["found"] == 2 and by_code[t2]["found"] == 1
    assert by_code[t1]["places"] == HazardPlace.objects.filter(region_code__startswith=t1).count()
    assert sum(r["found"] for r in figures["rows"]) == total["found"]
    assert not by_code[t1]["cleared"]
    Hazard.objects.filter(flood_checks__round=check_round, region_code__startswith=t1).update(
        state=HazardState.CLOSED, closed_at=timezone.now())
    assert {r["code"]: r for r in services.progress(section, check_round)["rows"]}[t1]["cleared"]


def test_overdue_after_the_rectification_period_and_named_in_the_bulletin(check_round):
    record = _check(check_round, findings=[{"title": "山塘溢洪道堵塞"}])
    hazard = record.hazards.get()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=check_round.rectify_days - 1)):
        assert services.progress(_user("section"), check_round)["total"]["overdue"] == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=check_round.rectify_days + 1)):
        section = _user("section")
        assert services.progress(section, check_round)["total"]["overdue"] == 1
        bulletin = services.bulletin(section, check_round)
        township = _user("township1").scope_region_code
        assert [r["code"] for r in bulletin["named"]] == [township]
        assert bulletin["outstanding"][0]["hazard"] == hazard and bulletin["outstanding"][0]["overdue"]


def test_a_supervision_order_presses_an_open_problem(check_round):
    hazard = _check(check_round, findings=[{"title": "涵洞淤积"}]).hazards.get()
    deadline = timezone.now() + datetime.timedelta(days=10)
    assert not services.may_press(_user("township1")) and services.may_press(_user("section"))
    order = services.press(_user("section"), check_round, hazard, {"deadline": deadline})
    assert order.hazard_id == hazard.pk and order.region_code == hazard.region_code[:9]
    assert order.kind == "supervision"
    assert services.outstanding(_user("section"), check_round)[0]["orders"] == [order]
    other = Hazard.objects.filter(place__isnull=False).exclude(flood_checks__round=check_round).first()
    with pytest.raises(ValidationFailed):
        services.press(_user("section"), check_round, other, {"deadline": deadline})
    assert SupervisionOrder.objects.filter(hazard=other, title__startswith="汛前").count() == 0


def test_a_township_sees_the_countys_round_and_only_its_own_checks(check_round):
    _check(check_round, findings=[{"title": "甲"}])
    _check(check_round, user="township2")
    township1 = _user("township1")
    assert FloodCheckRound.objects.for_user(township1).filter(pk=check_round.pk).exists()
    codes = set(FloodCheckRecord.objects.for_user(township1).values_list("region_code", flat=True))
    assert codes and all(c.startswith(township1.scope_region_code) for c in codes)
    rows = services.progress(township1, check_round)["rows"]
    assert [r["code"] for r in rows] == [township1.scope_region_code]
    enterprise = User.objects.filter(enterprise__isnull=False).first()
    assert not policy.can(enterprise, "view", FloodCheckRound)
    assert not FloodCheckRound.objects.filter(FloodCheckRound.scope_q_for(enterprise)).exists()


def test_api_records_a_check_and_answers_progress(check_round, api):
    client = api("township1")
    place = _place()
    response = client.post(f"/api/v1/flood-check-rounds/{check_round.pk}/records", {
        "place_id": place.pk, "checked_on": timezone.localdate().isoformat(), "checked_by_unit": "乡镇应急办",
        "checkers": "王明", "result": "problems", "findings": [{"title": "堤脚渗水", "description": "背水坡脚渗水"}]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["hazard_ids"]) == 1 and body["place_id"] == place.pk
    assert Hazard.objects.get(pk=body["hazard_ids"][0]).title == "堤脚渗水"
    progress = client.get(f"/api/v1/flood-check-rounds/{check_round.pk}/progress").json()
    assert progress["total"]["found"] == 1 and progress["total"]["records"] == 1
    detail = client.get(f"/api/v1/flood-check-records/{body['id']}").json()
    assert detail["hazard_ids"] == body["hazard_ids"]
    bad = client.post(f"/api/v1/flood-check-rounds/{check_round.pk}/records", {
        "place_id": place.pk, "checked_on": "2019-05-01", "checked_by_unit": "乡镇应急办", "checkers": "王明",
        "result": "passed"})
    assert_error_shape(bad, 422)
    assert bad.json()["errors"][0]["field"] == "checked_on"
    press = client.post(f"/api/v1/flood-check-rounds/{check_round.pk}/orders", {
        "hazard_id": body["hazard_ids"][0], "deadline": (timezone.now() + datetime.timedelta(days=5)).isoformat()})
    assert_error_shape(press, 403)
    press = api("section").post(f"/api/v1/flood-check-rounds/{check_round.pk}/orders", {
        "hazard_id": body["hazard_ids"][0], "deadline": (timezone.now() + datetime.timedelta(days=5)).isoformat()})
    assert press.status_code == 201, press.content


def test_api_creates_a_round_and_refuses_a_bad_one(api):
    client = api("section")
    today = timezone.localdate()
    good = client.post("/api/v1/flood-check-rounds", {
        "title": "接口大排查", "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=9)).isoformat()})
    assert good.status_code == 201, good.content
    assert good.json()["year"] == today.year and good.json()["state"] == "running"
    bad = client.post("/api/v1/flood-check-rounds", {
        "title": "倒序", "starts_on": today.isoformat(), "ends_on": (today - datetime.timedelta(days=1)).isoformat()})
    assert_error_shape(bad, 422)
    assert "ends_on" in {e["field"] for e in bad.json()["errors"]}
    assert_error_shape(api("township1").post("/api/v1/flood-check-rounds", {
        "title": "乡镇不能", "starts_on": today.isoformat(), "ends_on": today.isoformat()}), 403)


def test_pages_render_in_chinese_and_the_form_records(check_round, web):
    client = web("township1")
    page = client.get(f"/disasters/flood-checks/{check_round.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "按乡镇进展" in text and "登记排查" in text
    form = client.get(f"/disasters/flood-checks/{check_round.pk}/record/")
    assert form.status_code == 200 and "发现的问题" in form.content.decode()
    place = _place()
    response = client.post(f"/disasters/flood-checks/{check_round.pk}/record/", {
        "place": place.pk, "checked_on": timezone.localdate().isoformat(), "checked_by_unit": "乡镇应急办",
        "checkers": "王明", "result": "problems", "findings": ""})
    assert response.status_code == 422 and "逐行" in response.content.decode()
    response = client.post(f"/disasters/flood-checks/{check_round.pk}/record/", {
        "place": place.pk, "checked_on": timezone.localdate().isoformat(), "checked_by_unit": "乡镇应急办",
        "checkers": "王明", "result": "problems", "findings": "护栏缺失：临水路段无护栏"})
    assert response.status_code == 302
    record = FloodCheckRecord.objects.get(round=check_round)
    assert record.hazards.get().title == "护栏缺失"
    bulletin = client.get(f"/disasters/flood-checks/{check_round.pk}/bulletin/")
    assert bulletin.status_code == 200 and "通报" in bulletin.content.decode()


def test_the_demo_has_a_cleared_spring_round_and_a_follow_up_with_an_order(demo_county):
    section = _user("section")
    rounds = list(FloodCheckRound.objects.order_by("starts_on"))
    assert len(rounds) == 2
    spring, follow = rounds
    spring_figures = services.progress(section, spring)["total"]
    assert spring_figures["checked"] == spring_figures["places"] == HazardPlace.objects.count()
    assert spring_figures["found"] > 0 and spring_figures["open"] == 0 and spring_figures["cleared"]
    follow_figures = services.progress(section, follow)["total"]
    assert follow_figures["open"] >= 1 and follow_figures["overdue"] >= 1
    assert any(item["orders"] for item in services.outstanding(section, follow))
    for record in FloodCheckRecord.objects.prefetch_related("hazards"):
        assert record.round.starts_on <= record.checked_on <= record.round.ends_on
        assert (record.result == CheckResult.PROBLEMS) == bool(list(record.hazards.all()))
        assert all(h.place_id == record.place_id for h in record.hazards.all())


def test_hazards_of_a_check_run_the_same_loop(check_round):
    hazard = _check(check_round, findings=[{"title": "排水沟堵塞"}]).hazards.get()
    actions = hazard_services.available_actions(hazard, _user("township1"))
    assert actions, "the township acts on its place's hazard"

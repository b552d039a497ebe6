"""Hazards that belong to places, not enterprises (issue 20 §3): a dike section, a gully, a village road… found by
townships and chased to zero through the same closed loop, scope and statistics as enterprises' hazards."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from tests.prevention.conftest import future, png
from yingji.core.models import Notification
from yingji.prevention import services, stats
from yingji.prevention.choices import AttachmentPurpose, HazardState, PlaceKind
from yingji.prevention.models import Hazard, HazardPlace


@pytest.fixture
def place(users, demo_county):
    return services_place(users["township1"], demo_county["village"], "试验村河段堤防")


def services_place(user, region_code: str, name: str) -> HazardPlace:
    from yingji.core.services import create_object

    return create_object(user, HazardPlace, {"kind": PlaceKind.DIKE, "name": name, "region_code": region_code,
                                             "responsible_unit": "试验村村民委员会", "responsible_person": "李村长",
                                             "responsible_phone": "13900001111"})


def _field(response) -> set[str]:
    return {e["field"] for e in response.json()["errors"]}


def test_a_township_registers_a_place_and_runs_its_hazard_through_the_whole_loop(users, api, demo_county):
    township = api("township1")
    made = township.post("/api/v1/hazard-places", {
        "kind": "flash_flood_gully", "name": "测试山洪沟", "region_code": demo_county["village"],
        "responsible_unit": "测试村村民委员会", "responsible_phone": "13900002222"})
    assert made.status_code == 201, made.content
    place_id = made.json()["id"]
    assert made.json()["open_hazards"] == 0
    reported = township.post("/api/v1/hazards", {"place_id": place_id, "title": "沟道内堆放建筑垃圾",
                                                 "description": "汛前检查发现沟道堵塞"})
    assert reported.status_code == 201, reported.content
    body = reported.json()
    assert body["enterprise_id"] is None and body["enterprise_name"] == ""
    assert body["place_id"] == place_id and body["place_name"] == "测试山洪沟"
    assert body["source"] == "township" and body["region_code"] == demo_county["village"]
    hazard = Hazard.objects.get(pk=body["id"])
    inspector, t1 = users["inspector"], users["township1"]
    hazard = services.perform(inspector, hazard, "confirm", {"level": "general", "due_at": future(),
                                                             "responsible_person": "王站长"})
    # Without an account made responsible, the township's staff covering the place rectify for its unit.
    assert "start" in services.available_actions(hazard, t1)
    assert "start" not in services.available_actions(hazard, users["township2"])
    hazard = services.perform(t1, hazard, "start", {})
    services.add_attachment(t1, hazard, png(), AttachmentPurpose.EVIDENCE)
    hazard = services.perform(t1, hazard, "rectify", {"description": "垃圾已清运"})
    assert "verify" not in services.available_actions(hazard, t1)  # never verified by who rectified it
    hazard = services.perform(inspector, hazard, "verify", {})
    hazard = services.perform(users["section"], hazard, "close", {})
    assert hazard.state == HazardState.CLOSED
    kinds = list(hazard.events.order_by("time", "id").values_list("kind", flat=True))
    assert kinds == ["report", "confirm", "start", "attach", "rectify", "verify", "close"]
    assert township.get(f"/api/v1/hazard-places/{place_id}").json()["open_hazards"] == 0


def test_an_account_made_responsible_is_the_only_rectifier(users, place):
    grid = users["grid1"]
    hazard = services.report_hazard(users["township1"], {"place": place.pk, "title": "堤顶裂缝",
                                                         "description": "堤顶路面裂缝"})
    hazard = services.perform(users["inspector"], hazard, "confirm", {
        "level": "general", "due_at": future(), "responsible_person": "网格员", "responsible_user_id": grid.pk})
    assert "start" in services.available_actions(hazard, grid)
    assert "start" not in services.available_actions(hazard, users["township1"])


@pytest.mark.parametrize(("payload", "field"), [
    ({"place_id": "PLACE", "enterprise_id": "ENTERPRISE"}, "place_id"),
    ({}, "enterprise"),
    ({"place_id": "PLACE", "criterion": "X"}, "criterion"),
    ({"place_id": "PLACE", "risk_point_id": 1}, "risk_point_id"),
    ({"place_id": "PLACE", "source": "self_check"}, "source"),
])
def test_bad_subjects_answer_field_errors(api, users, place, payload, field):
    enterprise = users["enterprise1"].enterprise_id
    payload = {k: (place.pk if v == "PLACE" else enterprise if v == "ENTERPRISE" else v) for k, v in payload.items()}
    before = Hazard.objects.count()
    response = api("inspector").post("/api/v1/hazards", {"title": "标题", "description": "描述", **payload})
    assert_error_shape(response, 422)
    assert field in _field(response), response.json()
    assert Hazard.objects.count() == before


def test_places_keep_to_their_scope(api, users, place, demo_county):
    hazard = services.report_hazard(users["township1"], {"place": place.pk, "title": "涵闸启闭不灵",
                                                         "description": "闸门锈蚀"})
    # Another township sees neither the place nor its hazard; an enterprise account sees no places at all.
    other = api("township2")
    assert other.get(f"/api/v1/hazard-places/{place.pk}").status_code == 404
    assert other.get(f"/api/v1/hazards/{hazard.pk}").status_code == 404
    listed = other.get("/api/v1/hazard-places?page_size=500").json()["items"]
    assert all(p["region_code"].startswith(demo_county["township2"]) for p in listed)
    enterprise = api("enterprise1")
    assert enterprise.get(f"/api/v1/hazard-places/{place.pk}").status_code in (403, 404)
    assert enterprise.get(f"/api/v1/hazards/{hazard.pk}").status_code == 404
    refused = enterprise.post("/api/v1/hazards", {"place_id": place.pk, "title": "t", "description": "d"})
    assert_error_shape(refused)
    assert not Hazard.objects.filter(title="t").exists()
    # A township cannot put a place in another township.
    made = api("township1").post("/api/v1/hazard-places", {
        "kind": "dike", "name": "越界堤段", "region_code": demo_county["township2"], "responsible_unit": "某单位"})
    assert_error_shape(made)
    assert not HazardPlace.objects.filter(name="越界堤段").exists()


def test_a_hazard_has_exactly_one_subject_in_the_database(users, place):
    enterprise = users["enterprise1"].enterprise
    base = {"title": "t", "description": "d", "source": "township", "found_at": timezone.now(),
            "region_code": place.region_code}
    for subject in ({}, {"enterprise": enterprise, "place": place}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Hazard.objects.create(**base, **subject)


def test_statistics_count_places_by_kind_and_apart_from_industries(users, place):
    before = stats.hazard_statistics(Hazard.objects.all(), "subject")
    keyed = {r["key"]: r["found"] for r in before.rows}
    services.report_hazard(users["township1"], {"place": place.pk, "title": "堤身渗水", "description": "d"})
    services.report_hazard(users["enterprise1"], {"enterprise": users["enterprise1"].enterprise_id,
                                                  "title": "通道堵塞", "description": "d"})
    after = {r["key"]: r for r in stats.hazard_statistics(Hazard.objects.all(), "subject").rows}
    assert after["dike"]["found"] == keyed.get("dike", 0) + 1
    assert after["enterprise"]["found"] == keyed.get("enterprise", 0) + 1
    assert str(after["dike"]["label"]) == str(PlaceKind.label("dike"))
    industry = {r["key"]: r for r in stats.hazard_statistics(Hazard.objects.all(), "industry").rows}
    assert industry["place"]["found"] == Hazard.objects.filter(place__isnull=False).count()
    total = stats.hazard_statistics(Hazard.objects.all(), "industry").total["found"]
    assert total == Hazard.objects.count()


def test_overdue_place_hazards_notify_the_township_not_every_bureau_account(users, place):
    hazard = services.report_hazard(users["township1"], {"place": place.pk, "title": "护栏缺失", "description": "d"})
    services.perform(users["inspector"], hazard, "confirm", {"level": "general", "due_at": future(3),
                                                             "responsible_person": "李村长"})
    with time_machine.travel(timezone.now() + datetime.timedelta(days=5), tick=False):
        assert services.escalate_overdue() >= 1
    notified = set(Notification.objects.filter(object_type="prevention.hazard", object_id=hazard.pk,
                                               kind="overdue").values_list("recipient__username", flat=True))
    assert "township1" in notified
    assert not notified & {"duty", "observer", "admin", "enterprise1", "township2"}


def test_pages_show_the_place_and_preset_the_report_form(users, place):
    client = Client()
    client.force_login(users["township1"])
    hazard = services.report_hazard(users["township1"], {"place": place.pk, "title": "山塘溢洪道堵塞",
                                                         "description": "d"})
    detail = client.get(reverse("hazard_place_detail", args=[place.pk])).content.decode()
    assert "山塘溢洪道堵塞" in detail and "在此报告隐患" in detail
    form = client.get(reverse("hazard_report") + f"?place={place.pk}").content.decode()
    assert f'<option value="{place.pk}" selected>' in form
    page = client.get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert reverse("hazard_place_detail", args=[place.pk]) in page and "试验村河段堤防" in page
    listed = client.get(reverse("hazard_list") + "?subject=place").content.decode()
    assert "山塘溢洪道堵塞" in listed
    posted = client.post(reverse("hazard_report"), {"place": place.pk, "title": "村道护栏缺失",
                                                    "description": "临水路段", "source": "township"})
    assert posted.status_code == 302
    assert Hazard.objects.get(title="村道护栏缺失").place_id == place.pk
    neither = client.post(reverse("hazard_report"), {"title": "x", "description": "y", "source": "township"})
    assert neither.status_code == 200 and "请选择企业或场所" in neither.content.decode()


def test_the_demo_has_places_with_a_closed_spring_check_and_open_findings(demo_county):
    hazards = Hazard.objects.filter(place__isnull=False)
    assert HazardPlace.objects.count() >= 10
    assert hazards.filter(state=HazardState.CLOSED).count() > hazards.exclude(state=HazardState.CLOSED).count()
    assert hazards.filter(level="major", supervised=True).exists()
    assert all(h.region_code == h.place.region_code for h in hazards.select_related("place"))

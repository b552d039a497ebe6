"""The responsibility system (issue 17 §1): scope of every list, a meeting's decision becoming a 交办单 that the
township replies to and the bureau verifies (the enforcement app's one mechanism), and validation errors answered
as 4xx with field messages."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.choices import OrganisationKind
from yingji.core.models import Organisation, User
from yingji.enforcement.choices import OrderState
from yingji.enforcement.models import SupervisionOrder
from yingji.enforcement.services import orders as order_services
from yingji.governance.choices import BodyKind
from yingji.governance.models import Body, Decision, Meeting, ResponsibilityLetter, Talk

LISTS = ["bodies", "members", "key-areas", "duty-lists", "meetings", "decisions", "responsibility-letters",
         "notices", "talks"]


def _soon(days=5):
    return (timezone.now() + datetime.timedelta(days=days)).replace(microsecond=0).isoformat()


def test_the_demo_structure(demo_county):
    kinds = set(Body.objects.values_list("kind", flat=True))
    assert {BodyKind.SAFETY_COMMITTEE, BodyKind.FLOOD_HQ, BodyKind.FOREST_HQ, BodyKind.DISASTER_COMMITTEE,
            BodyKind.OFFICE, BodyKind.PROFESSIONAL_COMMITTEE} <= kinds
    flood = Body.objects.get(kind=BodyKind.FLOOD_HQ)
    assert flood.organisation is not None and flood.organisation.kind == OrganisationKind.COMMAND_HQ
    safety = Body.objects.get(kind=BodyKind.SAFETY_COMMITTEE)
    assert safety.key_areas.count() == 7
    assert all(area.partner_units.exists() for area in safety.key_areas.all())
    assert Decision.objects.filter(order__isnull=False).exists()


@pytest.mark.parametrize("path", LISTS)
def test_every_list_answers_in_scope(api, path):
    county = api("section").get(f"/api/v1/governance/{path}", limit=500)
    assert county.status_code == 200, county.content[:300]
    township = User.objects.get(username="township1").scope_region_code
    mine = api("township1").get(f"/api/v1/governance/{path}", limit=500)
    assert mine.status_code == 200
    codes = [item.get("region_code") for item in mine.json()["items"]]
    assert all(code is None or code.startswith(township) for code in codes)
    assert mine.json()["count"] <= county.json()["count"]
    assert api("enterprise1").get(f"/api/v1/governance/{path}").status_code == 403


def test_a_township_sees_its_own_talk_not_another(api):
    talk = Talk.objects.filter(unit__isnull=False).first()
    owner = User.objects.get(username="township1").scope_region_code
    user = "township1" if talk.region_code.startswith(owner) else "township2"
    other = "township2" if user == "township1" else "township1"
    assert api(user).get(f"/api/v1/governance/talks/{talk.pk}").status_code == 200
    assert api(other).get(f"/api/v1/governance/talks/{talk.pk}").status_code == 404


def test_decision_becomes_an_order_replied_and_verified(api):
    section = api("section")
    meeting = Meeting.objects.filter(kind="plenary").first()
    township = User.objects.get(username="township1")
    created = section.post("/api/v1/governance/decisions", {
        "meeting": meeting.pk, "text": "开展汛后水毁设施排查，反馈排查台账",
        "township": township.scope_region_code, "deadline": _soon()})
    assert created.status_code == 201, created.content[:400]
    data = created.json()
    assert data["order_id"] and data["order_state"] == OrderState.ISSUED
    order = SupervisionOrder.objects.get(pk=data["order_id"])
    assert order.region_code == township.scope_region_code and meeting.title in order.title
    # The assignee replies and the bureau verifies through the enforcement app's order workflow.
    order_services.act_on_order(township, order, "reply", {"reply": "已排查，台账附后。"})
    order.refresh_from_db()
    order_services.act_on_order(User.objects.get(username="section"), order, "accept", {"note": "同意。"})
    shown = section.get(f"/api/v1/governance/decisions/{data['id']}").json()
    assert shown["order_state"] == OrderState.VERIFIED
    # An assigned decision keeps its assignment; assigning again is a conflict.
    assert_error_shape(section.post(f"/api/v1/governance/decisions/{data['id']}/assign"), 409)
    assert_error_shape(section.patch(f"/api/v1/governance/decisions/{data['id']}", {"text": "改"}), 409)


def test_a_recorded_decision_is_assigned_later(api, web):
    section = api("section")
    meeting = Meeting.objects.first()
    unit = Organisation.objects.filter(kind=OrganisationKind.MEMBER_UNIT).first()
    data = section.post("/api/v1/governance/decisions", {"meeting": meeting.pk, "text": "研究制定工作方案"}).json()
    assert data["order_id"] is None
    body = assert_error_shape(section.post(f"/api/v1/governance/decisions/{data['id']}/assign"), 422)
    assert [e["field"] for e in body["errors"]] == ["deadline"]
    section.patch(f"/api/v1/governance/decisions/{data['id']}", {"unit": unit.pk, "deadline": _soon(9)})
    page = web("section").post(reverse("decision_assign", args=[data["id"]]))
    assert page.status_code == 302
    decision = Decision.objects.get(pk=data["id"])
    assert decision.order.organisation_id == unit.pk and decision.order.state == OrderState.ISSUED
    # A township may read decisions but not assign them.
    assert api("township1").post(f"/api/v1/governance/decisions/{data['id']}/assign").status_code in (403, 404)


def test_validation_errors_name_their_fields(api):
    section = api("section")
    meeting = Meeting.objects.first()
    body = assert_error_shape(section.post("/api/v1/governance/decisions", {
        "meeting": meeting.pk, "text": "x", "township": "410481001",
        "unit": Organisation.objects.filter(kind=OrganisationKind.MEMBER_UNIT).first().pk, "deadline": _soon()}), 422)
    assert [e["field"] for e in body["errors"]] == ["township"]
    past = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0).isoformat()
    body = assert_error_shape(section.post("/api/v1/governance/decisions", {
        "meeting": meeting.pk, "text": "x", "township": "410481001", "deadline": past}), 422)
    assert [e["field"] for e in body["errors"]] == ["deadline"]
    unit = Organisation.objects.filter(kind=OrganisationKind.MEMBER_UNIT).first()
    body = assert_error_shape(section.post("/api/v1/governance/responsibility-letters", {
        "unit": unit.pk, "year": 2031, "indicators": "隐患整改率|80\n事故控制|30"}), 422)
    assert [e["field"] for e in body["errors"]] == ["indicators"]
    body = assert_error_shape(section.post("/api/v1/governance/talks", {
        "held_on": "2026-11-01", "reason": "failure", "interviewees": "负责人", "interviewers": "局长",
        "cause": "未落实"}), 422)
    assert [e["field"] for e in body["errors"]] == ["enterprise"]
    body = assert_error_shape(section.post("/api/v1/governance/members", {"name": "张三", "post": "member"}), 422)
    assert "body" in [e["field"] for e in body["errors"]]
    letter = ResponsibilityLetter.objects.first()
    body = assert_error_shape(section.post("/api/v1/governance/responsibility-letters", {
        "unit": letter.unit_id, "year": letter.year, "indicators": "事故控制|30"}), None)
    assert body["errors"]


def test_a_township_cannot_write(api):
    meeting = Meeting.objects.first()
    assert api("township1").post("/api/v1/governance/meetings", {
        "body": meeting.body_id, "kind": "topical", "title": "x", "held_on": "2026-11-01"}).status_code in (403, 404)


def test_pages_render_in_chinese(web):
    client = web("section")
    for name in ("governance_body_list", "meeting_list", "decision_list", "responsibility_letter_list", "talk_list",
                 "meeting_create", "decision_create"):
        assert client.get(reverse(name)).status_code == 200, name
    from yingji.governance.models import ResponsibilityLetter

    before = ResponsibilityLetter.objects.count()
    page = client.post(reverse("responsibility_letter_create"), {"unit": "", "year": "2026", "indicators": "a"})
    # The form comes back with its errors (the generic form page answers 200), nothing is stored.
    assert page.status_code == 200 and "is-invalid" in page.content.decode()
    assert ResponsibilityLetter.objects.count() == before

"""Supervision orders (交办单 / 督办单): numbering, the action × state × role matrix through the API, escalation
with time travel, a 409 when someone else acted first, and the reference to a 挂牌督办 hazard."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.errors import Conflict
from yingji.core.models import AuditRecord, Notification, User
from yingji.enforcement.choices import OrderState
from yingji.enforcement.models import OrderEvent, SupervisionOrder
from yingji.enforcement.services import orders
from yingji.prevention.models import Hazard

STATES = ["issued", "replied", "returned", "verified", "closed"]
ACTIONS = ["reply", "accept", "return", "close"]
ROLES = ["section", "township1", "township2", "inspector", "enterprise1"]
ALLOWED = {  # action → (from states, who)
    "reply": ({"issued", "returned"}, {"township1"}),
    "accept": ({"replied"}, {"section"}),
    "return": ({"replied"}, {"section"}),
    "close": ({"verified"}, {"section"}),
}
PAYLOAD = {"reply": {"reply": "已办理"}, "accept": {"note": "同意"}, "return": {"reason": "材料不全"},
           "close": {"note": "办结"}}


def user(name: str) -> User:
    return User.objects.get(username=name)


def issue(township: str, days: float = 5, **extra) -> SupervisionOrder:
    return orders.issue_order(user("section"), {
        "kind": extra.pop("kind", "assignment"), "title": "核查举报", "matter": "请核查并反馈",
        "township": township, "deadline": timezone.now() + datetime.timedelta(days=days), **extra})


def order_in(state: str, township: str) -> SupervisionOrder:
    order = issue(township)
    steps = {"issued": [], "replied": [("township1", "reply")], "returned": [("township1", "reply"),
                                                                              ("section", "return")],
             "verified": [("township1", "reply"), ("section", "accept")],
             "closed": [("township1", "reply"), ("section", "accept"), ("section", "close")]}[state]
    for who, action in steps:
        order = orders.act_on_order(user(who), order, action, PAYLOAD[action])
    assert order.state == state
    return order


def expected_status(action: str, state: str, role: str) -> int:
    if role in ("township2", "enterprise1"):
        return 404  # outside their scope, or not theirs to see at all
    states, who = ALLOWED[action]
    if state not in states:
        return 409
    return 200 if role in who else 403


@pytest.mark.parametrize("state", STATES)
def test_action_state_role_matrix(api, demo_county, state):
    for action in ACTIONS:
        for role in ROLES:
            order = order_in(state, demo_county["township"])
            response = api(role).post(f"/api/v1/supervision-orders/{order.pk}/transitions",
                                      {"action": action, **PAYLOAD[action]})
            want = expected_status(action, state, role)
            assert response.status_code == want, (action, state, role, response.content[:300])
            if want == 200:
                assert response.json()["state"] == orders.ORDER_WORKFLOW._by_action[action].target
            else:
                assert_error_shape(response)


def test_numbers_run_per_series_and_year(demo_county):
    year = timezone.localdate().year
    before = orders.next_serial("supervision", year)
    first = issue(demo_county["township"], kind="supervision")
    second = issue(demo_county["township2"], kind="supervision")
    other = issue(demo_county["township"], kind="assignment")
    assert (first.serial, second.serial) == (before, before + 1)
    assert first.number == f"舞钢应急督办〔{year}〕第{before}号" and other.number.startswith("舞钢应急交办")
    event = OrderEvent.objects.get(order=first, kind="issue")
    assert event.to_state == "issued" and event.params["number"] == first.number
    assert Notification.objects.filter(object_type="enforcement.supervisionorder", object_id=str(first.pk),
                                       recipient__username="township1").exists()


def test_reply_needs_text_return_can_move_the_deadline_and_all_is_on_the_timeline(demo_county):
    order = issue(demo_county["township"])
    with pytest.raises(Exception) as exc:
        orders.act_on_order(user("township1"), order, "reply", {"reply": "  "})
    assert exc.value.errors[0]["field"] == "reply"
    order = orders.act_on_order(user("township1"), order, "reply", {"reply": "已核查"})
    later = order.deadline + datetime.timedelta(days=3)
    order = orders.act_on_order(user("section"), order, "return", {"reason": "请补充照片", "deadline": later})
    assert order.state == OrderState.RETURNED and order.deadline == later and order.verification == "请补充照片"
    kinds = list(order.events.values_list("kind", flat=True))
    assert kinds == ["issue", "reply", "return"]
    assert AuditRecord.objects.filter(object_type="enforcement.supervisionorder", object_id=str(order.pk),
                                      action="transition").count() == 2


def test_a_race_answers_409(api, demo_county):
    order = issue(demo_county["township"])
    stale = SupervisionOrder.objects.get(pk=order.pk)
    orders.act_on_order(user("township1"), order, "reply", {"reply": "第一次"})
    with pytest.raises(Conflict):
        orders.act_on_order(user("township1"), stale, "reply", {"reply": "第二次"})
    # Same state, changed version: the compare-and-swap refuses the stale copy too.
    replied = SupervisionOrder.objects.get(pk=order.pk)
    stale2 = SupervisionOrder.objects.get(pk=order.pk)
    orders.act_on_order(user("section"), replied, "return", {"reason": "补充"})
    orders.act_on_order(user("township1"), SupervisionOrder.objects.get(pk=order.pk), "reply", {"reply": "再报"})
    assert stale2.state == "replied"
    with pytest.raises(Conflict):
        orders.act_on_order(user("section"), stale2, "accept", {"note": "同意"})
    again = api("township1").post(f"/api/v1/supervision-orders/{order.pk}/transitions",
                                  {"action": "reply", "reply": "重复"})
    assert_error_shape(again, 409)


def test_escalation_with_time_travel(demo_county):
    order = issue(demo_county["township2"], days=2)
    due = order.deadline

    def told(name: str) -> int:
        return Notification.objects.filter(object_type="enforcement.supervisionorder", object_id=str(order.pk),
                                           recipient__username=name, subject__contains="逾期").count()

    assert orders.escalate_overdue(due - datetime.timedelta(minutes=1)) == 0
    with time_machine.travel(due + datetime.timedelta(hours=1), tick=False):
        assert orders.escalate_overdue() >= 1  # the demo county's own orders may be due too
        assert orders.escalate_overdue() == 0  # idempotent
        order.refresh_from_db()
        assert order.escalation_level == 1 and order.is_overdue
        assert told("township2") == 1 and told("section") == 1 and told("admin") == 0
    with time_machine.travel(due + datetime.timedelta(days=4), tick=False):
        assert orders.escalate_overdue() >= 1
        order.refresh_from_db()
        assert order.escalation_level == 2 and told("section") == 2 and told("township2") == 1
    with time_machine.travel(due + datetime.timedelta(days=30), tick=False):
        assert orders.escalate_overdue() >= 1
        order.refresh_from_db()
        assert order.escalation_level == 3 and told("admin") == 1 and told("commander") == 1
        assert orders.escalate_overdue() == 0
        assert list(order.events.filter(kind="overdue").values_list("params__escalation_level", flat=True)) == [1, 2, 3]
        # A reply stops it: no order waits for the assignee any more.
        orders.act_on_order(user("township2"), order, "reply", {"reply": "已处置"})
    with time_machine.travel(due + datetime.timedelta(days=60), tick=False):
        assert orders.escalate_overdue() == 0


def test_an_order_about_a_major_hazard_leaves_its_listing_to_prevention(api, demo_county, web):
    hazard = Hazard.objects.filter(supervised=True).order_by("pk").first()
    response = api("section").post("/api/v1/supervision-orders", {
        "kind": "supervision", "title": "挂牌督办重大隐患", "matter": "督促整改", "hazard": hazard.pk,
        "deadline": (timezone.now() + datetime.timedelta(days=10)).isoformat()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["hazard_id"] == hazard.pk and body["enterprise_id"] == hazard.enterprise_id
    assert body["region_code"] == hazard.region_code[:9]
    hazard.refresh_from_db()
    assert hazard.supervised is True
    page = web("section").get(reverse("supervision_order_detail", args=[body["id"]])).content.decode()
    assert "挂牌督办" in page or "列入县级督办" in page or hazard.title in page


def test_only_the_county_issues_and_bad_input_is_422(api, demo_county):
    deadline = (timezone.now() + datetime.timedelta(days=3)).isoformat()
    base = {"kind": "assignment", "title": "事项", "matter": "内容", "township": demo_county["township"],
            "deadline": deadline}
    assert_error_shape(api("township1").post("/api/v1/supervision-orders", base), 403)
    past = api("section").post("/api/v1/supervision-orders", {**base, "deadline": "2020-01-01T00:00:00+08:00"})
    assert assert_error_shape(past, 422)["errors"][0]["field"] == "deadline"
    both = api("section").post("/api/v1/supervision-orders", {**base, "organisation": 1})
    assert assert_error_shape(both, 422)["errors"][0]["field"] == "township"
    assert api("enterprise1").get("/api/v1/supervision-orders").status_code == 403
    listed = api("township2").get("/api/v1/supervision-orders").json()
    assert all(o["region_code"].startswith(demo_county["township2"]) for o in listed["items"])

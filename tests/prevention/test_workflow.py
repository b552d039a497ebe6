"""The hazard closed loop: every action from every state by every demo account, driven by the workflow table;
the special rules (major-hazard sign-off, verifier ≠ rectifier, evidence, 五落实); and the timeline."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.conftest import ApiClient, assert_error_shape
from tests.prevention.conftest import STEPS, future, local_day, png
from yingji.core.errors import ValidationFailed
from yingji.core.models import AuditRecord
from yingji.prevention import services
from yingji.prevention.choices import AttachmentPurpose, HazardLevel, HazardState
from yingji.prevention.models import Hazard, HazardEvent

ACCOUNTS = ["admin", "duty", "section", "inspector", "commander", "approver", "observer", "township1", "township2",
            "grid1", "enterprise1", "enterprise2"]

# Who may take each action on a general hazard enterprise1 found in a self-check (the enterprise's own loop,
# 自查自改自报: it confirms, rectifies, verifies by another person and closes it; the regulator may still act), written
# out independently of the code. enterprise1 rectifies in the fixture, so only enterprise2 of the enterprise may
# verify. Accounts that cannot see the hazard get 404 before anything else.
MAY = {
    "confirm": {"section", "inspector", "township1", "enterprise1", "enterprise2"},
    "start": {"enterprise1", "enterprise2"},
    "rectify": {"enterprise1", "enterprise2"},
    "verify": {"section", "inspector", "township1", "enterprise2"},
    "reject": {"section", "inspector", "township1", "enterprise2"},
    "close": {"section", "inspector", "township1", "admin", "commander", "enterprise1", "enterprise2"},
    "extend": {"section", "inspector", "township1"},
}
MAY_CLOSE_MAJOR = {"admin", "section", "inspector", "commander"}
EXTEND_FROM = {HazardState.CONFIRMED, HazardState.RECTIFYING}


def payload_for(action: str) -> dict:
    return {
        "confirm": {"level": "general", "due_at": future(), "responsible_person": "王强"},
        "rectify": {"description": "已整改完毕"},
        "reject": {"reason": "整改不到位"},
        "extend": {"due_at": future(60), "reason": "设备到货延迟"},
    }.get(action, {"note": "ok"})


def test_the_workflow_table_is_the_documented_closed_loop():
    table = {(t.action, t.sources, t.target) for t in services.HAZARD_WORKFLOW.transitions}
    assert table == {
        ("confirm", ("reported",), "confirmed"), ("start", ("confirmed",), "rectifying"),
        ("rectify", ("rectifying",), "rectified"), ("verify", ("rectified",), "verified"),
        ("reject", ("rectified",), "rectifying"), ("close", ("verified",), "closed"),
        ("reopen", ("closed",), "rectifying"),
    }
    assert [*MAY] == services.ACTIONS


@pytest.fixture
def clients(users):
    return {name: ApiClient(users[name]) for name in ACCOUNTS}


def _visible(user, hazard) -> bool:
    if user.enterprise_id:
        return user.enterprise_id == hazard.enterprise_id
    return hazard.region_code.startswith(user.scope_region_code)


@pytest.mark.parametrize("state", STEPS)
def test_every_action_from_every_state_by_every_account(state, make_hazard, users, clients):
    hazard = make_hazard(state)
    by_action = {t.action: t for t in services.HAZARD_WORKFLOW.transitions}
    outcomes = {}
    for action in MAY:
        sources = EXTEND_FROM if action == "extend" else set(by_action[action].sources)
        for name in ACCOUNTS:
            user = users[name]
            if not _visible(user, hazard):
                expected = 404
            elif state not in sources:
                expected = 409
            elif name not in MAY[action]:
                expected = 403
            else:
                expected = 200
            with transaction.atomic():
                before = Hazard.objects.get(pk=hazard.pk)
                response = clients[name].post(f"/api/v1/hazards/{hazard.pk}/transitions",
                                              {"action": action, **payload_for(action)})
                outcomes[(action, name)] = response.status_code
                assert response.status_code == expected, (state, action, name, response.content[:300])
                after = Hazard.objects.get(pk=hazard.pk)
                if expected == 200:
                    target = state if action == "extend" else by_action[action].target
                    assert response.json()["state"] == after.state == target
                    assert after.version == before.version + 1
                else:
                    body = assert_error_shape(response)
                    assert body["detail"]
                    assert (after.state, after.version) == (before.state, before.version)
                transaction.set_rollback(True)
    assert 200 in outcomes.values() or state == HazardState.CLOSED


def test_refusals_say_why(make_hazard, clients):
    hazard = make_hazard(HazardState.RECTIFIED)
    wrong_state = clients["inspector"].post(f"/api/v1/hazards/{hazard.pk}/transitions",
                                            {"action": "confirm", **payload_for("confirm")})
    body = assert_error_shape(wrong_state, 409)
    assert "'confirm' is not allowed from state 'rectified'" in body["detail"]
    assert body["errors"] == [{"field": "action", "message": "allowed from: reported"}]
    wrong_role = clients["observer"].post(f"/api/v1/hazards/{hazard.pk}/transitions", {"action": "verify"})
    assert "verify" in assert_error_shape(wrong_role, 403)["detail"]
    unknown = clients["inspector"].post(f"/api/v1/hazards/{hazard.pk}/transitions", {"action": "approve"})
    assert assert_error_shape(unknown, 422)["errors"][0]["field"] == "action"


def test_a_major_hazard_needs_the_bureaus_sign_off_to_close(make_hazard, users, clients):
    hazard = make_hazard(HazardState.VERIFIED, HazardLevel.MAJOR)
    assert hazard.supervised
    for name in ACCOUNTS:
        if not _visible(users[name], hazard):
            continue
        with transaction.atomic():
            response = clients[name].post(f"/api/v1/hazards/{hazard.pk}/transitions", {"action": "close"})
            assert response.status_code == (200 if name in MAY_CLOSE_MAJOR else 403), (name, response.content)
            if name == "township1":
                assert "bureau" in response.json()["detail"]
            transaction.set_rollback(True)
    closed = services.perform(users["commander"], hazard, "close", {"note": "专家验收合格，同意销号"})
    assert closed.state == HazardState.CLOSED and closed.closed_by == users["commander"]


def test_the_rectifier_cannot_verify_their_own_work(make_hazard, users):
    hazard = make_hazard(HazardState.RECTIFIED, rectifier=users["inspector"], responsible_user=users["inspector"])
    assert hazard.rectified_by == users["inspector"]
    client = ApiClient(users["inspector"])
    for action, extra in (("verify", {}), ("reject", {"reason": "x"})):
        response = client.post(f"/api/v1/hazards/{hazard.pk}/transitions", {"action": action, **extra})
        assert "rectified this hazard" in assert_error_shape(response, 403)["detail"]
    assert "verify" not in services.available_actions(hazard, users["inspector"])
    assert "verify" in services.available_actions(hazard, users["township1"])
    verified = services.perform(users["township1"], hazard, "verify", {})
    assert verified.verified_by == users["township1"]


def test_the_responsible_account_may_rectify_and_enterprise_accounts_only_their_own(make_hazard, users):
    hazard = make_hazard(HazardState.CONFIRMED, responsible_user=users["township1"])
    assert "start" in services.available_actions(hazard, users["township1"])
    assert "start" in services.available_actions(hazard, users["enterprise1"])
    assert "start" not in services.available_actions(hazard, users["inspector"])
    started = services.perform(users["township1"], hazard, "start", {})
    assert started.state == HazardState.RECTIFYING
    with pytest.raises(ValidationFailed) as refused:
        make_hazard(HazardState.CONFIRMED, responsible_user=users["township2"])
    assert refused.value.errors[0]["field"] == "responsible_user_id"


def test_confirming_a_major_hazard_needs_measures_and_funds(make_hazard, clients):
    hazard = make_hazard()
    url = f"/api/v1/hazards/{hazard.pk}/transitions"
    base = {"action": "confirm", "level": "major", "due_at": future(90), "responsible_person": "李总"}
    body = assert_error_shape(clients["inspector"].post(url, base), 422)
    assert {e["field"] for e in body["errors"]} == {"measures", "funds"}
    assert assert_error_shape(clients["inspector"].post(url, {**base, "measures": "停产整改", "funds": 0}), 422)
    past = clients["inspector"].post(url, {**base, "measures": "停产整改", "funds": 5000, "due_at": "2020-01-01"})
    assert assert_error_shape(past, 422)["errors"][0]["field"] == "due_at"
    bad_date = clients["inspector"].post(url, {**base, "measures": "m", "funds": 5000, "due_at": "2026-13-45"})
    assert assert_error_shape(bad_date, 422)["errors"][0]["field"] == "due_at"
    ok = clients["inspector"].post(url, {**base, "measures": "停产整改", "funds": "150000.50",
                                         "interim_measures": "撤出人员"})
    assert ok.status_code == 200, ok.content
    data = ok.json()
    assert data["level"] == "major" and data["supervised"] is True and data["funds"] == 150000.5
    assert local_day(data["due_at"]) == future(90) and data["responsible_person"] == "李总"


def test_rectification_needs_a_description_and_evidence(make_hazard, users, clients):
    hazard = make_hazard(HazardState.CONFIRMED)
    services.perform(users["enterprise1"], hazard, "start", {})
    url = f"/api/v1/hazards/{hazard.pk}/transitions"
    no_evidence = clients["enterprise1"].post(url, {"action": "rectify", "description": "已整改"})
    assert assert_error_shape(no_evidence, 422)["errors"][0]["field"] == "evidence"
    services.add_attachment(users["enterprise1"], Hazard.objects.get(pk=hazard.pk), png(),
                            AttachmentPurpose.PHOTO)
    still_none = clients["enterprise1"].post(url, {"action": "rectify", "description": "已整改"})
    assert still_none.status_code == 422  # a photo of the hazard is not evidence of its rectification
    services.add_attachment(users["enterprise1"], Hazard.objects.get(pk=hazard.pk), png(),
                            AttachmentPurpose.EVIDENCE)
    no_text = clients["enterprise1"].post(url, {"action": "rectify"})
    assert assert_error_shape(no_text, 422)["errors"][0]["field"] == "description"
    done = clients["enterprise1"].post(url, {"action": "rectify", "description": "已整改"})
    assert done.status_code == 200 and done.json()["rectification"] == "已整改"


def test_reject_needs_a_reason_and_returns_to_rectifying(make_hazard, clients):
    hazard = make_hazard(HazardState.RECTIFIED)
    url = f"/api/v1/hazards/{hazard.pk}/transitions"
    assert assert_error_shape(clients["inspector"].post(url, {"action": "reject"}), 422)["errors"][0]["field"] \
        == "reason"
    response = clients["inspector"].post(url, {"action": "reject", "reason": "通道仍有杂物"})
    assert response.status_code == 200 and response.json()["state"] == HazardState.RECTIFYING
    event = HazardEvent.objects.filter(hazard=hazard).last()
    assert (event.kind, event.from_state, event.to_state, event.note) == ("reject", "rectified", "rectifying",
                                                                          "通道仍有杂物")


def test_deadline_extension_is_its_own_audited_action_with_a_reason(make_hazard, clients):
    hazard = make_hazard(HazardState.RECTIFYING)
    url = f"/api/v1/hazards/{hazard.pk}/transitions"
    assert assert_error_shape(clients["inspector"].post(url, {"action": "extend", "due_at": future(40)}),
                              422)["errors"][0]["field"] == "reason"
    earlier = clients["inspector"].post(url, {"action": "extend", "due_at": future(3), "reason": "x"})
    assert "later" in assert_error_shape(earlier, 422)["errors"][0]["message"]
    denied = clients["enterprise1"].post(url, {"action": "extend", "due_at": future(40), "reason": "来不及"})
    assert_error_shape(denied, 403)
    ok = clients["inspector"].post(url, {"action": "extend", "due_at": future(40), "reason": "设备到货延迟"})
    assert ok.status_code == 200 and local_day(ok.json()["due_at"]) == future(40)
    record = AuditRecord.objects.filter(object_type="prevention.hazard", object_id=str(hazard.pk),
                                        message__startswith="extend").get()
    assert local_day(record.after["due_at"]) == future(40) and "设备到货延迟" in record.message
    event = HazardEvent.objects.filter(hazard=hazard, kind="extend").get()
    assert event.note == "设备到货延迟" and event.actor.username == "inspector"


def test_timeline_and_audit_record_every_step(make_hazard, api):
    hazard = make_hazard(HazardState.CLOSED)
    events = list(HazardEvent.objects.filter(hazard=hazard).order_by("time", "id"))
    steps = [(e.kind, e.from_state, e.to_state, e.actor.username) for e in events if e.kind != "attach"]
    assert steps == [
        ("report", "", "reported", "enterprise1"), ("confirm", "reported", "confirmed", "inspector"),
        ("start", "confirmed", "rectifying", "enterprise1"), ("rectify", "rectifying", "rectified", "enterprise1"),
        ("verify", "rectified", "verified", "township1"), ("close", "verified", "closed", "section"),
    ]
    transitions = AuditRecord.objects.filter(object_type="prevention.hazard", object_id=str(hazard.pk),
                                             action="transition")
    assert transitions.count() == 5
    response = api("enterprise1").get(f"/api/v1/hazards/{hazard.pk}/events")
    assert response.status_code == 200
    assert [e["action"] for e in response.json()["items"] if e["action"] != "attach"] == [s[0] for s in steps]
    assert api("township2").get(f"/api/v1/hazards/{hazard.pk}/events").status_code == 404


def test_available_actions_endpoint_lists_what_the_user_may_do(make_hazard, api):
    hazard = make_hazard(HazardState.CONFIRMED)
    inspector = api("inspector").get(f"/api/v1/hazards/{hazard.pk}/transitions").json()
    assert inspector["state"] == "confirmed" and [a["action"] for a in inspector["available"]] == ["extend"]
    enterprise = api("enterprise1").get(f"/api/v1/hazards/{hazard.pk}/transitions").json()
    assert [(a["action"], a["target"]) for a in enterprise["available"]] == [("start", "rectifying")]
    assert api("enterprise1").get(f"/api/v1/hazards/{hazard.pk}").json()["available_actions"] == ["start"]

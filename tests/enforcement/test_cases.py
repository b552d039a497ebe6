"""Penalty cases (行政处罚案件): the workflow's full action × state × role matrix, the path of a simple and of a
major case with their documents, legal review before a major decision, the discretion benchmark and a fine outside
it, time limits with time travel, extensions, the late-payment surcharge, public disclosure and scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import Notification, User
from yingji.enforcement import services
from yingji.enforcement.models import CaseEvent, EnforcementDocument, EnforcementItem, Officer, PenaltyCase, Recusal
from yingji.enterprises.models import Enterprise
from yingji.standards import penalty

SIMPLE = "AQ-CF-102"  # 未采取措施消除事故隐患: unit up to 50 000 yuan
MAJOR = "AQ-CF-109"  # 未按规定投保安全生产责任保险: unit 50 000 – 100 000 yuan (a hearing right)
USERS = ["admin", "section", "inspector", "township1", "observer", "duty"]


def _at(day: datetime.date, hour=9):
    return time_machine.travel(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour))), tick=False)


def _item(code: str) -> EnforcementItem:
    return EnforcementItem.objects.filter(code=code, in_force=True).order_by("-version").first()


def _officers(enterprise, n=2, exclude_users=()) -> list[Officer]:
    recused = Recusal.objects.filter(enterprise=enterprise).values_list("officer_id", flat=True)
    today = timezone.localdate()
    return list(Officer.objects.filter(is_active=True, certificate_expires__gt=today + datetime.timedelta(days=400))
                .exclude(pk__in=recused).exclude(user__username__in=exclude_users).order_by("pk")[:n])


def _enterprise(username="section") -> Enterprise:
    return Enterprise.objects.for_user(User.objects.get(username=username)).order_by("pk").first()


def _case(code=SIMPLE, fine="20000", username="inspector", enterprise=None, discovered=None, **extra):
    enterprise = enterprise or _enterprise()
    data = {"enterprise": enterprise.pk, "title": "未采取措施消除事故隐患", "item": _item(code).pk, "tier": 0,
            "source": "inspection", "source_reference": "2026年3月双随机抽查",
            "discovered_on": (discovered or timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
            "officers": [o.pk for o in _officers(enterprise, exclude_users=("section", "admin"))],
            "facts": "二号库房安全出口被货物堵塞，经责令整改后逾期未改正。", "evidence": "现场检查记录、照片、询问笔录",
            "fine": fine, **extra}
    return services.open_case(User.objects.get(username=username), data)


def _act(username, case, action, **payload):
    return services.transition_case(User.objects.get(username=username), PenaltyCase.objects.get(pk=case.pk),
                                     action, payload)


def _to_notified(case, *, reviewer="section"):
    case = _act("section", case, "file")
    case = _act("inspector", case, "investigate")
    case = _act("inspector", case, "submit")
    if case.needs_legal_review:
        case = _act("inspector", case, "send_legal_review")
        case = _act(reviewer, case, "pass_legal_review", opinion="事实清楚，证据确凿，适用依据正确，程序合法。")
    return _act("inspector", case, "notify")


# --- registering: officers, item version, benchmark ----------------------------------------------------------


def test_a_case_needs_two_certified_officers_without_a_conflict(demo_county):
    enterprise = _enterprise()
    user = User.objects.get(username="inspector")
    base = {"enterprise": enterprise.pk, "title": "t", "item": _item(SIMPLE).pk, "source": "complaint",
            "discovered_on": timezone.localdate().isoformat()}
    good = _officers(enterprise)
    with pytest.raises(ValidationFailed) as one:
        services.open_case(user, {**base, "officers": [good[0].pk]})
    assert one.value.errors[0]["field"] == "officers"
    expired = Officer.objects.filter(certificate_expires__lt=timezone.localdate()).first()
    with pytest.raises(ValidationFailed):
        services.open_case(user, {**base, "officers": [good[0].pk, expired.pk]})
    Recusal.objects.create(officer=good[1], enterprise=enterprise, reason="近亲属在该企业任职")
    with pytest.raises(ValidationFailed) as recused:
        services.open_case(user, {**base, "officers": [o.pk for o in good]})
    assert good[1].name in recused.value.errors[0]["message"]


def test_the_case_keeps_its_item_version_and_the_benchmark_proposes_the_range(api, demo_county):
    case = _case()
    item = case.item
    assert (case.item_code, case.item_version) == (item.code, item.version)
    # 0 – 50 000 yuan, 一般 (30 %–60 % by the item's benchmark) → 15 000 – 30 000.
    assert (case.legal_min, case.legal_max) == (None, Decimal("50000.00"))
    expected = penalty.propose_fine_range(None, 50000, circumstance="ordinary",
                                          bands=services.cases._bands(item))
    assert (case.proposed_low, case.proposed_high) == (expected.low, expected.high)
    assert case.filing_due == case.discovered_on + datetime.timedelta(days=penalty.FILING_DAYS)
    # The item is adjusted: a new version; the case keeps its own.
    EnforcementItem.objects.filter(pk=item.pk).update(in_force=False)
    EnforcementItem.objects.create(code=item.code, version=item.version + 1, kind=item.kind, name=item.name,
                                   basis=item.basis, tiers=item.tiers, discretion=item.discretion)
    got = api("section").get(f"/api/v1/penalty-cases/{case.pk}").json()
    assert got["item_version"] == item.version and got["item_id"] == item.pk


def test_a_fine_outside_the_range_is_refused_without_a_written_reason(api, web, demo_county):
    case = _case()
    client = api("inspector")
    refused = client.patch(f"/api/v1/penalty-cases/{case.pk}", {"fine": "45000"})
    body = assert_error_shape(refused, 422)
    assert body["errors"][0]["field"] == "fine_reason"
    assert PenaltyCase.objects.get(pk=case.pk).fine == Decimal("20000.00")
    reason = "隐患长期存在且拒不配合检查，按较重情节从高处罚。"
    ok = client.patch(f"/api/v1/penalty-cases/{case.pk}", {"fine": "45000", "fine_reason": reason})
    assert ok.status_code == 200, ok.content
    assert ok.json()["fine_outside_range"] is True
    # Raising the circumstance to 严重 (80 %–100 %) brings 45 000 back inside.
    inside = client.patch(f"/api/v1/penalty-cases/{case.pk}", {"circumstance": "severe"}).json()
    assert inside["fine_outside_range"] is False and Decimal(str(inside["proposed_low"])) == Decimal("40000.00")
    client.patch(f"/api/v1/penalty-cases/{case.pk}", {"circumstance": "ordinary"})
    # The legal reviewer sees the reason on the case's page.
    page = web("section").get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "yj-case-outside-range" in page and reason in page


# --- the whole path ----------------------------------------------------------------------------------------------


def test_a_simple_case_from_filing_to_closing_with_its_documents(api, demo_county):
    client = api("inspector")
    enterprise = _enterprise()
    officers = [o.pk for o in _officers(enterprise, exclude_users=("section",))]
    created = client.post("/api/v1/penalty-cases", {
        "enterprise": enterprise.pk, "title": "未采取措施消除事故隐患", "item": _item(SIMPLE).pk,
        "source": "inspection",
        "discovered_on": timezone.localdate().isoformat(), "officers": officers, "fine": "20000",
        "facts": "安全出口堵塞，逾期未改正。", "evidence": "现场检查记录、照片"})
    assert created.status_code == 201, created.content
    case_id = created.json()["id"]
    assert created.json()["state"] == "pending"
    # 立案 is the head's decision: the inspector cannot file.
    assert client.post(f"/api/v1/penalty-cases/{case_id}/transitions", {"action": "file"}).status_code == 403
    section = api("section")
    filed = section.post(f"/api/v1/penalty-cases/{case_id}/transitions", {"action": "file"}).json()
    assert filed["decision_due"] == (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    for action in ("investigate", "submit"):
        assert client.post(f"/api/v1/penalty-cases/{case_id}/transitions", {"action": action}).status_code == 200
    case = PenaltyCase.objects.get(pk=case_id)
    assert not case.needs_legal_review and not case.needs_hearing_notice
    notified = client.post(f"/api/v1/penalty-cases/{case_id}/transitions", {"action": "notify"}).json()
    assert notified["state"] == "notified" and notified["hearing_request_due"] is None
    notice = EnforcementDocument.objects.get(case_id=case_id, kind="penalty_notice")
    assert "罚告" in notice.number and notice.content["fine"] == "20000.00"
    # The decision waits for the party's statements.
    early = section.post(f"/api/v1/penalty-cases/{case_id}/transitions", {"action": "decide"})
    assert_error_shape(early, 422)
    statement_due = datetime.date.fromisoformat(notified["statement_due"])
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(
            statement_due + datetime.timedelta(days=1), datetime.time(9))), tick=False):
        decided = section.post(f"/api/v1/penalty-cases/{case_id}/transitions", {"action": "decide"})
        assert decided.status_code == 200, decided.content
        decision = EnforcementDocument.objects.get(case_id=case_id, kind="penalty_decision")
        served = client.post(f"/api/v1/penalty-cases/{case_id}/transitions",
                             {"action": "serve", "recipient": "企业安全员", "method": "direct"}).json()
        receipt = EnforcementDocument.objects.get(case_id=case_id, kind="service_receipt")
        assert receipt.serves_id == decision.pk and decision.number in receipt.content["served_document"]
        today = timezone.localdate()
        assert served["payment_due"] == (today + datetime.timedelta(days=15)).isoformat()
        assert served["disclosure_due"] == penalty.disclosure_deadline(today).isoformat()
        # Closing waits for the payment.
        assert_error_shape(section.post(f"/api/v1/penalty-cases/{case_id}/transitions", {"action": "close"}), 422)
        paid = client.post(f"/api/v1/penalty-cases/{case_id}/transitions",
                           {"action": "record_payment", "amount": "20000"}).json()
        assert paid["state"] == "paid" and Decimal(str(paid["surcharge"])) == 0
        closed = section.post(f"/api/v1/penalty-cases/{case_id}/transitions", {"action": "close"}).json()
    assert closed["state"] == "closed"
    kinds = list(CaseEvent.objects.filter(case_id=case_id).order_by("id").values_list("kind", flat=True))
    assert kinds == ["open", "file", "investigate", "submit", "notify", "decide", "serve", "record_payment", "close"]
    numbers = [e.params.get("number") for e in CaseEvent.objects.filter(case_id=case_id, kind__in=[
        "notify", "decide", "serve"]).order_by("id")]
    assert numbers == [notice.number, decision.number, receipt.number]


def test_a_major_decision_needs_legal_review_hearing_and_collective_discussion(api, demo_county):
    case = _case(MAJOR, fine="70000")
    assert case.needs_hearing_notice and case.needs_legal_review and case.needs_collective_discussion
    case = _act("section", case, "file")
    case = _act("inspector", case, "investigate")
    case = _act("inspector", case, "submit")
    # Straight to the notice: refused, the legal review must pass first.
    with pytest.raises(ValidationFailed) as refused:
        _act("inspector", case, "notify")
    assert "法制审核" in refused.value.errors[0]["message"] or "legal review" in refused.value.errors[0]["message"]
    assert not EnforcementDocument.objects.filter(case=case).exists()
    case = _act("inspector", case, "send_legal_review")
    # An officer of the case cannot review it.
    officer_user = case.officers.first().user
    officer_user.roles.create(role="section_staff")
    with pytest.raises(ValidationFailed):
        services.transition_case(officer_user, PenaltyCase.objects.get(pk=case.pk), "pass_legal_review",
                                 {"opinion": "同意"})
    case = _act("section", case, "pass_legal_review", opinion="同意")
    assert case.legal_reviewer.username == "section"
    case = _act("inspector", case, "notify")
    notice = EnforcementDocument.objects.get(case=case, kind="penalty_notice")
    assert notice.content["hearing_right"] is True and case.hearing_request_due
    case = _act("inspector", case, "request_hearing")
    case = _act("inspector", case, "hold_hearing", report="当事人对违法事实无异议，请求从轻处罚。")
    with pytest.raises(ValidationFailed):
        _act("section", case, "decide")  # no collective discussion yet
    case = _act("section", case, "discuss", record="局长办公会集体讨论，同意按拟处罚意见作出决定。")
    case = _act("section", case, "decide")
    assert case.state == "decided"
    assert EnforcementDocument.objects.filter(case=case, kind="penalty_decision").count() == 1


def test_a_hearing_request_after_its_window_is_refused(demo_county):
    case = _to_notified(_case(MAJOR, fine="70000"))
    late = case.hearing_request_due + datetime.timedelta(days=1)
    with _at(late), pytest.raises(ValidationFailed) as refused:
        _act("inspector", case, "request_hearing")
    assert refused.value.errors[0]["field"] == "requested_on"


def test_late_payment_adds_three_per_cent_a_day_never_more_than_the_fine(api, demo_county):
    case = _to_notified(_case(fine="10000", circumstance="minor"))
    case = _act("section", case, "decide", waived=True)
    case = _act("inspector", case, "serve", recipient="法定代表人", method="direct")
    due = case.payment_due
    assert due == timezone.localdate() + datetime.timedelta(days=15)
    later = due + datetime.timedelta(days=10)
    with time_machine.travel(timezone.make_aware(datetime.datetime.combine(later, datetime.time(9))), tick=False):
        client = api("inspector")
        wrong = client.post(f"/api/v1/penalty-cases/{case.pk}/transitions",
                            {"action": "record_payment", "amount": "10000"})
        body = assert_error_shape(wrong, 422)
        assert "13000" in body["errors"][0]["message"]  # 10 000 + 10 × 3 % × 10 000
        paid = client.post(f"/api/v1/penalty-cases/{case.pk}/transitions",
                           {"action": "record_payment", "amount": "13000"}).json()
    assert Decimal(str(paid["surcharge"])) == Decimal("3000.00") == penalty.late_payment_surcharge(10000, due, later)
    assert penalty.late_payment_surcharge(10000, due, due + datetime.timedelta(days=60)) == Decimal("10000.00")


# --- the matrix --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", services.CASE_WORKFLOW.actions)
def test_every_action_from_every_state_for_every_role(demo_county, action):
    """Outside its source states an action answers 409; a role without it 403; otherwise the action either applies
    or its check refuses it with field errors (422), never anything else."""
    from yingji.enforcement.choices import CaseState

    transition = next(t for t in services.CASE_WORKFLOW.transitions if t.action == action)
    case = _case(MAJOR, fine="70000")
    for state in CaseState.values():
        for username in USERS:
            user = User.objects.get(username=username)
            PenaltyCase.objects.filter(pk=case.pk).update(state=state)
            fresh = PenaltyCase.objects.get(pk=case.pk)
            payload = {"reason": "r", "opinion": "o", "report": "r", "record": "r", "recipient": "x",
                       "amount": "70000", "waived": True}
            try:
                services.transition_case(user, fresh, action, payload)
            except Conflict:
                outcome = "409"
            except NotAllowed:
                outcome = "403"
            except ValidationFailed:
                outcome = "422"
            else:
                outcome = "ok"
            if state not in transition.sources:
                assert outcome == "409", (action, state, username, outcome)
            elif not (user.role_keys & transition.roles):
                assert outcome == "403", (action, state, username, outcome)
            else:
                assert outcome in ("ok", "422"), (action, state, username, outcome)
                if outcome == "ok":
                    assert PenaltyCase.objects.get(pk=case.pk).state == transition.target


def test_a_stale_case_answers_409(api, demo_county):
    case = _case()
    stale = PenaltyCase.objects.get(pk=case.pk)
    _act("section", case, "file")
    with pytest.raises(Conflict):
        services.transition_case(User.objects.get(username="section"), stale, "decline", {"reason": "x"})
    response = api("section").post(f"/api/v1/penalty-cases/{case.pk}/transitions", {"action": "file"})
    assert_error_shape(response, 409)


# --- time limits -------------------------------------------------------------------------------------------------


def test_deadlines_remind_then_mark_overdue_once(demo_county):
    discovered = timezone.localdate() - datetime.timedelta(days=1)
    case = _case(discovered=discovered)
    due = case.filing_due
    with _at(due - datetime.timedelta(days=2)):
        services.check_deadlines()
        services.check_deadlines()
    case.refresh_from_db()
    assert case.reminded == ["filing"] and case.overdue == []
    assert CaseEvent.objects.filter(case=case, kind="remind").count() == 1
    with _at(due + datetime.timedelta(days=1)):
        services.check_deadlines()
        services.check_deadlines()
    case.refresh_from_db()
    assert case.overdue == ["filing"] and case.is_overdue
    assert CaseEvent.objects.filter(case=case, kind="overdue").count() == 1
    assert Notification.objects.filter(object_type="enforcement.penaltycase", object_id=str(case.pk),
                                       kind="overdue").exists()
    # Filing ends that deadline; the decision's starts.
    with _at(due + datetime.timedelta(days=1)):
        case = _act("section", case, "file")
        services.check_deadlines()
    case.refresh_from_db()
    assert case.overdue == [] and case.decision_due == due + datetime.timedelta(days=31)
    with _at(case.decision_due + datetime.timedelta(days=1)):
        services.check_deadlines()
        listed = PenaltyCase.objects.filter(pk=case.pk).exclude(overdue=[])
        assert listed.exists()
    case.refresh_from_db()
    assert case.overdue == ["decision"]


def test_the_deadline_job_is_a_registered_periodic_task(demo_county):
    from yingji.core.tasks import PERIODIC_JOBS
    from yingji.enforcement.tasks import check_case_deadlines

    assert check_case_deadlines.module_path in PERIODIC_JOBS
    case = _case(discovered=timezone.localdate() - datetime.timedelta(days=30))
    check_case_deadlines.call()
    assert PenaltyCase.objects.get(pk=case.pk).overdue == ["filing"]


def test_the_head_extends_the_time_limit(api, demo_county):
    case = _act("section", _case(), "file")
    client = api("inspector")
    assert client.post(f"/api/v1/penalty-cases/{case.pk}/extension",
                       {"extension": "head", "reason": "案情复杂"}).status_code == 403
    ok = api("section").post(f"/api/v1/penalty-cases/{case.pk}/extension",
                             {"extension": "head", "reason": "案情复杂，经局长批准延长"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["decision_due"] == (case.filed_on + datetime.timedelta(days=90)).isoformat()
    again = api("section").post(f"/api/v1/penalty-cases/{case.pk}/extension", {"extension": "head", "reason": "x"})
    assert_error_shape(again, 422)
    assert CaseEvent.objects.filter(case=case, kind="extend").count() == 1


# --- public disclosure and scope ---------------------------------------------------------------------------------


def test_a_decision_is_published_with_personal_data_removed(api, web, client, demo_county):
    enterprise = _enterprise()
    Enterprise.objects.filter(pk=enterprise.pk).update(legal_representative="王建国")
    enterprise.refresh_from_db()
    case = _case(enterprise=enterprise, party_kind="individual", party_name="李小明", fine="5000",
                 facts="经查，李小明（身份证号410481198705061234，电话13812345678）作为主要负责人，"
                       "与法定代表人王建国未组织消除隐患。")
    case = _to_notified(case)
    case = _act("section", case, "decide", waived=True)
    assert case.disclosure_due == penalty.disclosure_deadline(case.decided_on)
    published = api("section").post(f"/api/v1/penalty-cases/{case.pk}/publication")
    assert published.status_code == 200, published.content
    page = client.get(reverse("public_penalty_detail", args=[case.pk])).content.decode()
    assert "李某某" in page and "王某某" in page
    for secret in ("李小明", "王建国", "410481198705061234", "13812345678"):
        assert secret not in page
    listing = client.get(reverse("public_penalty_list")).content.decode()
    assert reverse("public_penalty_detail", args=[case.pk]) in listing
    assert_error_shape(api("section").post(f"/api/v1/penalty-cases/{case.pk}/publication"), 409)
    # An unpublished case has no public page.
    other = _case()
    assert client.get(reverse("public_penalty_detail", args=[other.pk])).status_code == 404


def test_scope_of_cases(api, web, demo_county):
    own = _case(enterprise=_enterprise("township1"))
    other_ent = Enterprise.objects.filter(region_code__startswith=demo_county["township2"]).order_by("pk").first()
    other = _case(enterprise=other_ent)
    t1 = api("township1")
    assert t1.get(f"/api/v1/penalty-cases/{own.pk}").status_code == 200
    assert t1.get(f"/api/v1/penalty-cases/{other.pk}").status_code == 404
    assert web("township1").get(reverse("case_detail", args=[other.pk])).status_code == 404
    # Township staff follow cases but do not work them.
    assert t1.post(f"/api/v1/penalty-cases/{own.pk}/transitions", {"action": "file"}).status_code == 403
    # An enterprise sees no case file (it receives the documents served on it).
    assert api("enterprise1").get("/api/v1/penalty-cases").status_code == 403
    assert web("enterprise1").get(reverse("case_list")).status_code == 403
    assert api("grid1").get("/api/v1/penalty-cases").status_code == 403


def test_case_pages(web, demo_county):
    case = _to_notified(_case())
    page = web("section").get(reverse("case_detail", args=[case.pk])).content.decode()
    assert case.title in page and "罚告" in page and "yj-case-timeline" in page
    # Undecided: the head may still extend the time limit; the inspector may not.
    assert 'data-action="decide"' in page and "yj-case-extend" in page
    inspector_page = web("inspector").get(reverse("case_detail", args=[case.pk])).content.decode()
    assert "yj-case-extend" not in inspector_page and 'data-action="decide"' not in inspector_page
    listing = web("inspector").get(reverse("case_list"), {"state": "notified"}).content.decode()
    assert case.title in listing and "已告知" in listing
    form = web("inspector").get(reverse("case_create"))
    assert form.status_code == 200 and "案由" in form.content.decode()
    response = web("section").post(reverse("case_act", args=[case.pk, "decide"]),
                                   {"version": case.version, "waived": "on"})
    assert response.status_code == 302
    assert PenaltyCase.objects.get(pk=case.pk).state == "decided"

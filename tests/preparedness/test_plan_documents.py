"""Plan documents (issue 15 §1): the life-cycle workflow (action × state × role matrix, audit, compare-and-swap),
versions, expert reviews, filings with receipt numbers unique per year, evaluations, overdue revisions, scope
(an enterprise account never sees another enterprise's plan), coverage gaps, the statistics section."""

from datetime import date

import pytest
import time_machine

from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import AuditRecord, Notification, User
from yingji.enterprises.models import Enterprise
from yingji.incidents.choices import PlanState
from yingji.incidents.models import Plan
from yingji.preparedness import statistics
from yingji.preparedness.choices_plans import FilingState
from yingji.preparedness.models import PlanEvaluation, PlanFiling, PlanVersion
from yingji.preparedness.services import plans as svc
from yingji.resources.models import Expert
from yingji.standards import emergency_plans as rules

pytestmark = pytest.mark.django_db

ACCOUNTS = ["admin", "section", "township1", "observer", "enterprise1", "other_enterprise"]


@pytest.fixture
def accounts(demo_county):
    found = {name: User.objects.get(username=name) for name in ACCOUNTS if name != "other_enterprise"}
    own = found["enterprise1"].enterprise
    other = Enterprise.objects.exclude(pk=own.pk).order_by("pk").first()
    user = User.objects.create_user("plans-other-ent", password="x-Pass-12345", enterprise=other)
    user.roles.create(role="enterprise_user")
    found["other_enterprise"] = User.objects.get(pk=user.pk)
    return found


def _plan(state, enterprise=None, **kw):
    data = {"region_code": enterprise.region_code if enterprise else "410481", "name": f"测试预案-{state}",
            "kind": "enterprise" if enterprise else "special", "level": "enterprise" if enterprise else "county",
            "doc_kind": "ent_comprehensive" if enterprise else "special", "enterprise": enterprise,
            "state": state, "published_on": date(2026, 1, 5)} | kw
    return Plan.objects.create(**data)


# --- the matrix -----------------------------------------------------------------------------------------------

DIRECT = ("submit_review", "return_draft", "publish", "start_evaluation")
SOURCES = {"submit_review": {"drafting", "revision"}, "return_draft": {"review"}, "publish": {"review"},
           "start_evaluation": {"published", "filed"}}


def _expected(action, state, username, enterprise_plan):
    if state not in SOURCES[action]:
        return False
    if enterprise_plan:
        return username == "enterprise1"
    return username in ("admin", "section", "township1")


@pytest.mark.parametrize("enterprise_plan", [True, False])
@pytest.mark.parametrize("state", PlanState.values())
def test_action_state_role_matrix(accounts, state, enterprise_plan):
    """Which direct actions each role may take on a plan in each state (the buttons and the API's hints); the
    township's staff act on a county plan only where its scope lets them see it (checked by the service)."""
    plan = _plan(state, accounts["enterprise1"].enterprise if enterprise_plan else None)
    for username, user in accounts.items():
        got = {t.action for t in svc.available_actions(plan, user)}
        want = {a for a in DIRECT if _expected(a, state, username, enterprise_plan)}
        assert got == want, (username, state, enterprise_plan)


def test_indirect_actions_refused_as_buttons(accounts):
    plan = _plan(PlanState.PUBLISHED, accounts["enterprise1"].enterprise)
    with pytest.raises(ValidationFailed):
        svc.act_on_plan(accounts["section"], plan, "file")
    with pytest.raises(ValidationFailed):
        svc.act_on_plan(accounts["enterprise1"], plan, "keep")


def test_wrong_state_role_and_scope(accounts):
    county = _plan(PlanState.DRAFTING)
    PlanVersion.objects.create(plan=county, number=1, region_code=county.region_code)
    with pytest.raises(Conflict):
        svc.act_on_plan(accounts["section"], county, "publish")
    with pytest.raises(NotAllowed):
        svc.act_on_plan(accounts["observer"], county, "submit_review")
    from yingji.core.errors import NotFound

    with pytest.raises(NotFound):  # a township's staff do not see the county's plans
        svc.act_on_plan(accounts["township1"], county, "submit_review")
    with pytest.raises(NotFound):
        svc.act_on_plan(accounts["enterprise1"], county, "submit_review")


def test_compare_and_swap_refuses_a_stale_copy(accounts):
    plan = _plan(PlanState.DRAFTING)
    PlanVersion.objects.create(plan=plan, number=1, region_code=plan.region_code)
    stale = Plan.objects.get(pk=plan.pk)
    svc.act_on_plan(accounts["section"], plan, "submit_review")
    with pytest.raises(Conflict):
        svc.act_on_plan(accounts["section"], stale, "return_draft", {"reason": "再议"})
    record = AuditRecord.objects.filter(object_type="incidents.plan", object_id=str(plan.pk),
                                        action="transition").latest("pk")
    assert record.before["state"] == "drafting" and record.after["state"] == "review"


# --- the whole life cycle of an enterprise plan, through the API ---------------------------------------------


def _expert_ids(n=2):
    return list(Expert.objects.filter(region_code__startswith="410481").order_by("pk").values_list("pk", flat=True)[:n])


def test_enterprise_plan_life_cycle_through_the_api(api, accounts):
    ent = api("enterprise1")
    body = ent.post("/api/v1/plan-documents", {"name": "明泰汽车配件现场处置方案", "doc_kind": "ent_on_site"})
    assert body.status_code == 201, body.content
    plan = body.json()
    assert plan["state"] == "drafting" and plan["enterprise_id"] == accounts["enterprise1"].enterprise_id
    pid = plan["id"]
    # Submitting without a document is refused; with a version it goes to review.
    assert ent.post(f"/api/v1/plans/{pid}/transitions", {"action": "submit_review"}).status_code == 422
    version = ent.post("/api/v1/plan-versions", {"plan": pid, "change_note": "初稿"})
    assert version.status_code == 201 and version.json()["number"] == 1
    actions = [a["action"] for a in ent.get(f"/api/v1/plans/{pid}/transitions").json()]
    assert actions == ["submit_review"]
    assert ent.post(f"/api/v1/plans/{pid}/transitions", {"action": "submit_review"}).json()["state"] == "review"
    # Publishing needs a passed review; the review names experts from the county's pool with their opinions.
    assert ent.post(f"/api/v1/plans/{pid}/transitions", {"action": "publish"}).status_code == 422
    experts = _expert_ids()
    review = ent.post("/api/v1/plan-reviews", {"plan": pid, "date": "2026-11-02", "conclusion": "passed",
                                              "opinions": [{"expert": e, "opinion": "同意"} for e in experts]})
    assert review.status_code == 201, review.content
    assert [o["expert_id"] for o in review.json()["opinions"]] == experts
    published = ent.post(f"/api/v1/plans/{pid}/transitions", {"action": "publish", "published_on": "2026-11-10"})
    assert published.json()["state"] == "published" and published.json()["filing_due"] == "2026-12-08"
    # Filing: incomplete → the bureau cannot receive it, returns it; resubmitted complete → received.
    checklist = [i["key"] for i in svc.checklist_for(Plan.objects.get(pk=pid))]
    filing = ent.post("/api/v1/plan-filings", {"plan": pid, "checklist": checklist[1:]})
    assert filing.status_code == 201, filing.content
    fid = filing.json()["id"]
    assert filing.json()["missing"] == checklist[:1]
    assert ent.post("/api/v1/plan-filings", {"plan": pid, "checklist": checklist}).status_code == 409
    bureau = api("section")
    assert ent.post(f"/api/v1/plan-filings/{fid}/transitions", {"action": "receive"}).status_code == 403
    refused = bureau.post(f"/api/v1/plan-filings/{fid}/transitions", {"action": "receive"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "checklist"
    returned = bureau.post(f"/api/v1/plan-filings/{fid}/transitions", {"action": "return", "reason": "材料不全"})
    assert returned.json()["state"] == "returned" and "材料不全" in returned.json()["return_reason"]
    assert Notification.objects.filter(recipient=accounts["enterprise1"], object_id=str(fid)).exists()
    resubmitted = ent.post(f"/api/v1/plan-filings/{fid}/transitions", {"action": "resubmit", "checklist": checklist})
    assert resubmitted.json()["state"] == "submitted" and resubmitted.json()["missing"] == []
    received = bureau.post(f"/api/v1/plan-filings/{fid}/transitions", {"action": "receive"}).json()
    assert received["state"] == "received"
    assert received["receipt_number"].startswith(f"410481-{date.today().year}-")
    assert ent.get(f"/api/v1/plans/{pid}").json()["state"] == "filed"
    # Evaluation: no revision keeps it filed; revision needed sends it to revision by a date.
    assert ent.post(f"/api/v1/plans/{pid}/transitions", {"action": "start_evaluation"}).json()["state"] == "evaluation"
    kept = ent.post("/api/v1/plan-evaluations", {"plan": pid, "date": "2026-11-20", "conclusion": "no_revision",
                                                 "findings": "无需修订"})
    assert kept.status_code == 201, kept.content
    state = ent.get(f"/api/v1/plans/{pid}").json()
    assert state["state"] == "filed" and state["last_evaluated_on"] == "2026-11-20"
    ent.post(f"/api/v1/plans/{pid}/transitions", {"action": "start_evaluation"})
    missing_due = ent.post("/api/v1/plan-evaluations", {"plan": pid, "date": "2026-11-21", "conclusion": "revision",
                                                        "findings": "应急资源变化"})
    assert missing_due.status_code == 422
    ent.post("/api/v1/plan-evaluations", {"plan": pid, "date": "2026-11-21", "conclusion": "revision",
                                          "findings": "应急资源变化", "triggers": ["resources_changed"],
                                          "revision_due": "2027-01-31"})
    assert Plan.objects.get(pk=pid).state == PlanState.REVISION
    # Overdue revision: flagged once after its date.
    assert svc.flag_overdue(today=date(2027, 1, 31)) >= 0
    assert not Notification.objects.filter(recipient=accounts["enterprise1"], object_id=str(pid),
                                           subject__contains="修订").exists()
    svc.flag_overdue(today=date(2027, 2, 1))
    svc.flag_overdue(today=date(2027, 2, 9))
    assert Notification.objects.filter(recipient=accounts["enterprise1"], object_type="incidents.plan",
                                       object_id=str(pid), subject__contains="2027-01-31").count() == 1
    # Back to review with a new version (修订 → 评审).
    assert ent.post("/api/v1/plan-versions", {"plan": pid, "change_note": "修订稿"}).json()["number"] == 2
    assert ent.post(f"/api/v1/plans/{pid}/transitions", {"action": "submit_review"}).json()["state"] == "review"
    assert ent.get(f"/api/v1/plans/{pid}").json()["doc_version"] == 2


# --- scope ------------------------------------------------------------------------------------------------------


def test_enterprise_user_never_sees_another_enterprises_plan(api, accounts):
    own_id = accounts["enterprise1"].enterprise_id
    ent = api("enterprise1")
    listed = ent.get("/api/v1/plans", limit=500).json()
    assert listed["count"] >= 1 and {p["enterprise_id"] for p in listed["items"]} == {own_id}
    other = Plan.objects.exclude(enterprise=None).exclude(enterprise_id=own_id).first()
    assert ent.get(f"/api/v1/plans/{other.pk}").status_code == 404
    assert ent.get(f"/api/v1/plans/{other.pk}/transitions").status_code == 404
    county = Plan.objects.filter(enterprise=None).first()
    assert ent.get(f"/api/v1/plans/{county.pk}").status_code == 404
    for path, model in (("/api/v1/plan-filings", PlanFiling), ("/api/v1/plan-versions", PlanVersion),
                        ("/api/v1/plan-evaluations", PlanEvaluation)):
        items = ent.get(path, limit=500).json()["items"]
        assert all(i["enterprise_id"] == own_id for i in items)
        foreign = model.objects.exclude(enterprise_id=own_id).first()
        if foreign is not None:
            assert ent.get(f"{path}/{foreign.pk}").status_code == 404
    filing = PlanFiling.objects.exclude(enterprise_id=own_id).first()
    assert ent.post(f"/api/v1/plan-filings/{filing.pk}/transitions", {"action": "resubmit"}).status_code == 404
    assert all(r["unit_type"] == "enterprise" for r in ent.get("/api/v1/plans/coverage").json()["rows"])
    # Nor can it file, review or version another enterprise's plan.
    assert ent.post("/api/v1/plan-versions", {"plan": other.pk}).status_code == 422
    page = api("enterprise1").client
    page.force_login(accounts["enterprise1"])
    assert page.get(f"/plans/{other.pk}/").status_code == 404
    assert page.get(f"/preparedness/plan-filings/{filing.pk}/").status_code == 404


def test_township_staff_see_their_township_only(api, accounts):
    code = accounts["township1"].scope_region_code
    items = api("township1").get("/api/v1/plans", limit=500).json()["items"]
    assert items and all(p["region_code"].startswith(code) for p in items)


# --- receipts -----------------------------------------------------------------------------------------------------


def _submitted(accounts, name="受理测试预案"):
    ent = accounts["enterprise1"].enterprise
    plan = _plan(PlanState.PUBLISHED, ent, name=name)
    keys = [i["key"] for i in svc.checklist_for(plan)]
    return PlanFiling.objects.create(plan=plan, region_code=plan.region_code, enterprise=ent, checklist=keys,
                                     submitted_on=date(2026, 12, 1))


def test_receipt_numbers_are_unique_per_year(accounts, monkeypatch):
    section = accounts["section"]
    with time_machine.travel(date(2031, 3, 2), tick=False):
        first = svc.act_on_filing(section, _submitted(accounts, "甲"), "receive")
        # A concurrent receipt took the next serial between our read and our write: the constraint refuses the
        # duplicate and the receipt takes the following serial.
        real = svc.next_receipt
        calls = []

        def stale(year):
            calls.append(year)
            return (1, f"410481-{year}-0001-dup") if len(calls) == 1 else real(year)

        monkeypatch.setattr(svc, "next_receipt", stale)
        second = svc.act_on_filing(section, _submitted(accounts, "乙"), "receive")
        monkeypatch.setattr(svc, "next_receipt", real)
    assert (first.receipt_number, second.receipt_number) == ("410481-2031-0001", "410481-2031-0002")
    assert len(calls) == 2
    with time_machine.travel(date(2032, 1, 4), tick=False):
        third = svc.act_on_filing(section, _submitted(accounts, "丙"), "receive")
    assert third.receipt_number == "410481-2032-0001"
    assert Plan.objects.get(pk=third.plan_id).state == PlanState.FILED
    assert PlanFiling.objects.filter(receipt_number__startswith="410481-2031-").count() == 2


def test_receiving_needs_the_bureau(accounts):
    filing = _submitted(accounts)
    with pytest.raises(NotAllowed):
        svc.act_on_filing(accounts["enterprise1"], filing, "receive")
    with pytest.raises(NotAllowed):
        svc.act_on_filing(accounts["observer"], filing, "receive")
    assert PlanFiling.objects.get(pk=filing.pk).state == FilingState.SUBMITTED


# --- coverage ------------------------------------------------------------------------------------------------


def test_coverage_lists_the_gaps(api, accounts):
    steel = Enterprise.objects.get(name="河南嘉禾特钢有限公司")
    body = api("section").get("/api/v1/plans/coverage").json()
    row = next(r for r in body["rows"] if r["unit_type"] == "enterprise" and r["name"] == steel.name)
    statuses = {c["doc_kind"]: c["status"] for c in row["required"]}
    assert statuses == {"ent_comprehensive": "current", "ent_special": "current", "ent_on_site": "missing"}
    assert not row["complete"] and row in body["gaps"]
    assert all(not r["complete"] for r in body["gaps"])
    assert body["totals"]["township"]["units"] == 14
    # A township plan sent to revision is no longer current: its township becomes a gap.
    township_plan = Plan.objects.filter(level="township").order_by("region_code").first()
    Plan.objects.filter(pk=township_plan.pk).update(state=PlanState.REVISION)
    body = api("section").get("/api/v1/plans/coverage").json()
    gap = next(r for r in body["gaps"] if r["unit_type"] == "township"
               and r["region_code"] == township_plan.region_code[:9])
    assert gap["required"][0]["status"] == "not_in_force"
    # Past its evaluation date a plan is flagged overdue, not current.
    result = svc.coverage(accounts["section"], today=date(2040, 1, 1))
    assert all(c["status"] != "current" for r in result["rows"] if r["unit_type"] == "township"
               for c in r["required"])


def test_obliged_enterprises_follow_the_rules(accounts):
    kinds = {e.pk: svc.enterprise_unit_kinds(e) for e in Enterprise.objects.all()}
    rows = svc.coverage(accounts["section"])["rows"]
    listed = {r["name"] for r in rows if r["unit_type"] == "enterprise"}
    for enterprise in Enterprise.objects.all():
        assert (enterprise.name in listed) == bool(rules.required_plan_kinds(kinds[enterprise.pk]))


# --- pages and statistics --------------------------------------------------------------------------------------


def test_pages(web, accounts):
    client = web("section")
    plan = Plan.objects.filter(state=PlanState.FILED, enterprise__isnull=False).first()
    page = client.get(f"/plans/{plan.pk}/").content.decode()
    assert "yj-plan-lifecycle" in page and "已备案" in page
    coverage = client.get("/preparedness/plans/coverage/?gaps=1")
    assert coverage.status_code == 200 and "河南嘉禾特钢有限公司" in coverage.content.decode()
    filing = PlanFiling.objects.filter(state=FilingState.RECEIVED).first()
    assert filing.receipt_number in client.get(f"/preparedness/plan-filings/{filing.pk}/").content.decode()
    archive = client.get(f"/enterprises/{filing.enterprise_id}/").content.decode()
    assert filing.receipt_number in archive


def test_the_coverage_page_shows_every_unit_once_page_by_page(web, accounts):
    """Fifty units a page (the county's hundreds of obliged enterprises at once were most of its time), the gaps
    filter kept from page to page, each plan linked, a missing plan 未编制 (not 失踪, a missing person)."""
    import re

    from yingji.preparedness.views_plans import UNITS_PER_PAGE

    client = web("section")
    for gaps, expected in (("", svc.coverage(accounts["section"])["rows"]),
                           ("gaps=1&", svc.coverage(accounts["section"])["gaps"])):
        assert len(expected) > UNITS_PER_PAGE
        seen, number = [], 1
        while True:
            html = client.get(f"/preparedness/plans/coverage/?{gaps}page={number}").content.decode()
            table = html.split('id="yj-plan-coverage"')[1].split("</table>")[0]
            rows = re.findall(r"<tr(?: class=\"yj-gap\")?><td>(?:<a href=\"[^\"]*\">)?([^<]+)<", table)
            assert len(rows) <= UNITS_PER_PAGE
            seen += rows
            if f'page={number + 1}" rel="next"' not in html:
                break
            assert f'href="?{gaps}page={number + 1}" rel="next"' in html
            number += 1
        assert seen == [r["name"] for r in expected]
    first = client.get("/preparedness/plans/coverage/").content.decode()
    assert "未编制" in first and "失踪" not in first
    plan = next(c["plan"] for r in svc.coverage(accounts["section"])["rows"][:UNITS_PER_PAGE]
                for c in r["required"] if c["plan"])
    assert f'<a href="/plans/{plan.pk}/">{plan.name}</a>' in first


def test_new_plan_document_page_for_an_enterprise(web, accounts):
    client = web("enterprise1")
    assert client.get("/preparedness/plans/new/").status_code == 200
    response = client.post("/preparedness/plans/new/", {"name": "企业专项预案", "doc_kind": "ent_special"})
    assert response.status_code == 302
    plan = Plan.objects.get(name="企业专项预案")
    assert plan.enterprise_id == accounts["enterprise1"].enterprise_id and plan.state == PlanState.DRAFTING


def test_statistics_section(accounts):
    result = statistics.compute(accounts["section"], 2026, only="plans")
    section = result["sections"][0]
    total = section["figures"][0]["value"]
    assert total >= 40
    assert section["tables"][0]["rows"][-1][1] == total  # by document kind: the total row equals the figure
    assert section["tables"][1]["rows"][-1][1] == total  # by state
    assert section["tables"][0]["rows"][-1][2] == section["figures"][1]["value"]
    assert section["figures"][8]["value"] >= 1  # the road-traffic plan's evaluation is overdue

"""The annual inspection plan: classes of the demo county's enterprises, visits and months, the plan's workflow,
and planned against done with the inspections seam (``services.plans.done_counts``) substituted."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import AuditRecord, User
from yingji.enforcement.choices import PlanState
from yingji.enforcement.models import AnnualInspectionPlan, PlanItem, SupervisionClass
from yingji.enforcement.services import plans
from yingji.enterprises.choices import EnterpriseStatus
from yingji.enterprises.models import Enterprise
from yingji.prevention.models import RiskPoint
from yingji.standards import supervision_class as rules

NEXT_YEAR = timezone.localdate().year + 1


def user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def plan(demo_county):
    return plans.create_plan(user("section"), {"year": NEXT_YEAR, "region_code": demo_county["county"]})


def test_a_plan_holds_every_operating_enterprise_with_its_class_visits_and_months(plan, demo_county):
    operating = Enterprise.objects.filter(region_code__startswith=demo_county["county"],
                                          status=EnterpriseStatus.OPERATING)
    items = list(plan.items.select_related("enterprise"))
    assert len(items) == operating.count() > 20
    assert plan.state == PlanState.DRAFT and plan.title == f"{NEXT_YEAR}年舞钢市年度监督检查计划"
    classes = {c.enterprise_id: c for c in SupervisionClass.objects.filter(year=NEXT_YEAR)}
    for item in items:
        stored = classes[item.enterprise_id]
        assert item.supervision_class == stored.supervision_class
        assert (item.key_visits, item.random_visits) == rules.frequency(item.supervision_class)
        assert len(item.key_months) == item.key_visits and len(item.random_months) == item.random_visits
        assert len(set(item.months)) == item.visits  # never two visits in one month
        assert item.township_code == item.enterprise.region_code[:9]
    # Spread: A-class enterprises are visited once a quarter, the plan's visits fall in every month.
    a_items = [i for i in items if i.supervision_class == "A"]
    assert a_items and all(b - a == 3 for i in a_items for a, b in zip(i.months, i.months[1:], strict=False))
    busy = {m for i in items for m in i.months}
    assert busy == set(range(1, 13))
    assert {i.supervision_class for i in items} >= {"A", "B", "D"}


def test_the_class_reads_the_enterprises_risk_points_and_archive(plan):
    red = RiskPoint.objects.filter(colour="red").values_list("enterprise_id", flat=True).first()
    record = SupervisionClass.objects.get(enterprise_id=red, year=NEXT_YEAR)
    assert record.computed_class == "A" and "最高风险等级为红色（重大风险）" in record.computed_reason
    assert record.inputs["risk_colour"] == "red"
    level_one = Enterprise.objects.filter(major_hazard_level__in=[1, 2]).first()
    if level_one is not None:
        assert SupervisionClass.objects.get(enterprise=level_one, year=NEXT_YEAR).computed_class == "A"
    quiet = SupervisionClass.objects.filter(year=NEXT_YEAR, computed_class="D").first()
    assert quiet.inputs["risk_colour"] in (None, "blue") and not quiet.inputs["sectors"]
    assert AuditRecord.objects.filter(object_type="enforcement.supervisionclass", action="create").exists()


def test_one_plan_per_place_and_year_and_only_sections_draw_one_up(plan, demo_county):
    with pytest.raises(ValidationFailed) as exc:
        plans.create_plan(user("section"), {"year": NEXT_YEAR, "region_code": demo_county["county"]})
    assert exc.value.errors[0]["field"] == "year"
    with pytest.raises(ValidationFailed) as exc:
        plans.create_plan(user("section"), {"year": NEXT_YEAR + 5, "region_code": demo_county["county"]})
    assert exc.value.errors[0]["field"] == "year"
    with pytest.raises(NotAllowed):
        plans.create_plan(user("township1"), {"year": NEXT_YEAR, "region_code": demo_county["township"]})
    township_plan = plans.create_plan(user("section"), {"year": NEXT_YEAR, "region_code": demo_county["township"]})
    assert township_plan.items.exclude(township_code=demo_county["township"]).count() == 0


def test_an_override_needs_a_reason_is_audited_and_replans_a_draft(plan):
    item = plan.items.filter(supervision_class="D").select_related("enterprise").first()
    record = SupervisionClass.objects.get(enterprise=item.enterprise, year=NEXT_YEAR)
    with pytest.raises(ValidationFailed) as exc:
        plans.override_class(user("section"), record, {"override_class": "A", "override_reason": " "})
    assert exc.value.errors[0]["field"] == "override_reason"
    with pytest.raises(ValidationFailed):
        plans.override_class(user("section"), record, {"override_class": "E", "override_reason": "x"})
    with pytest.raises(NotAllowed):
        plans.override_class(user("township1"), record, {"override_class": "A", "override_reason": "举报"})
    plans.override_class(user("section"), record, {"override_class": "A", "override_reason": "群众举报线索多"})
    record.refresh_from_db()
    item.refresh_from_db()
    assert record.supervision_class == "A" and record.computed_class == "D" and record.reason == "群众举报线索多"
    assert item.supervision_class == "A" and item.key_visits == 4 and len(item.months) == 4
    audit = AuditRecord.objects.filter(object_type="enforcement.supervisionclass", object_id=str(record.pk),
                                       action="update").latest("id")
    assert audit.after["override_class"] == "A" and "群众举报线索多" in audit.message
    # Once approved, the plan stands: a later override does not change it.
    plans.act_on_plan(user("section"), plan, "approve")
    plans.override_class(user("section"), record, {"override_class": "", "override_reason": "核实后撤销"})
    item.refresh_from_db()
    record.refresh_from_db()
    assert record.supervision_class == "D" and item.supervision_class == "A"


def test_plan_workflow_and_races(plan):
    section = user("section")
    with pytest.raises(NotAllowed):
        plans.act_on_plan(user("township1"), plan, "approve")
    with pytest.raises(Conflict):
        plans.act_on_plan(section, plan, "publish")  # not from draft
    stale = AnnualInspectionPlan.objects.get(pk=plan.pk)
    plans.act_on_plan(section, plan, "approve")
    with pytest.raises(Conflict):
        plans.act_on_plan(section, stale, "approve")  # someone else approved first
    with pytest.raises(ValidationFailed):
        plans.act_on_plan(section, plan, "reopen", {"reason": ""})
    plans.act_on_plan(section, plan, "publish")
    plan.refresh_from_db()
    assert plan.state == PlanState.PUBLISHED and plan.approved_by == section and plan.published_at
    assert AuditRecord.objects.filter(object_type="enforcement.annualinspectionplan", object_id=str(plan.pk),
                                      action="transition").count() == 2


def test_planned_against_done_by_month_and_township(plan, demo_county, monkeypatch):
    items = list(plan.items.order_by("pk"))
    own = next(i for i in items if i.township_code == demo_county["township"] and i.key_months)
    other = next(i for i in items if i.township_code == demo_county["township2"] and i.months)
    month = own.months[0]
    # The seam: what the inspections area will answer. One enterprise done twice in its month, another township's
    # enterprise once, an enterprise outside the plan (ignored).
    monkeypatch.setattr(plans, "done_counts", lambda p: {
        (own.enterprise_id, month): 2, (other.enterprise_id, other.months[0]): 1, (10**9, 3): 5})
    county = plans.progress(plan, user("section"))
    assert county["planned"] == sum(i.visits for i in items) and county["done"] == 3
    row = next(r for r in county["rows"] if r["code"] == demo_county["township"])
    planned_here = sum(1 for i in items if i.township_code == demo_county["township"] for m in i.months if m == month)
    assert row["cells"][month - 1] == {"month": month, "planned": planned_here, "done": 2}
    assert county["totals"][month - 1]["done"] >= 2
    assert sum(county["distribution"].values()) == len(items)
    assert county["key_visits"] + county["random_visits"] == county["planned"]
    # A township's staff see their own township only: its planned visits, its done ones.
    township = plans.progress(plan, user("township1"))
    assert [r["code"] for r in township["rows"]] == [demo_county["township"]]
    assert township["done"] == 2 and township["planned"] == row["planned"]
    header, rows = plans.progress_table(plan, user("township1"))
    assert len(header) == 2 + 24 + 2 and rows[-1][-1] == 2 and rows[0][0] == row["name"]


def test_items_are_scoped_to_the_township(plan, demo_county):
    seen = plans.visible_items(user("township2"), plan)
    assert seen.exists() and not seen.exclude(region_code__startswith=demo_county["township2"]).exists()
    assert PlanItem.objects.filter(plan=plan).count() > seen.count()

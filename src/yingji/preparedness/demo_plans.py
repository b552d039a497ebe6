"""Demo plan documents (order 55, after the incidents demo made the county's overall and special plans).

- Each demo township's 突发事件总体应急预案, published in 2023/2024; department plans of a few safety-committee
  member units; enterprise 综合应急预案 for the first demo enterprises: most filed with the bureau (receipt numbers
  ``410481-<year>-<serial>``), one published whose filing was returned for missing materials, one still being
  drafted; twelve high-risk enterprises with their full set (综合、专项、现场处置) filed; the steel works (a major
  hazard source) keeps a comprehensive and a special plan but no on-site procedure yet (a coverage gap).
- Every published plan has its document (version 1) and the expert review that passed it; plans three years old
  were evaluated in 2026 and kept in force, except the county's road-traffic plan, whose evaluation is overdue;
  the flood-control plan was evaluated and is being revised (更新防汛防台应急预案), the forest-fire plan was revised
  and republished as version 2 in April 2026.
Uses its own ``random.Random("yingji-demo-plans")`` so the other generators' output is unchanged; dates are fixed
(no evaluation or filing dated after November 2026).
"""

from __future__ import annotations

import datetime
import random

from yingji.core.choices import OrganisationKind
from yingji.core.models import Organisation
from yingji.enterprises.models import Enterprise
from yingji.incidents.choices import PlanKind, PlanState
from yingji.incidents.models import Plan
from yingji.resources.models import Expert
from yingji.standards import emergency_plans as rules

from .choices_plans import EvaluationConclusion, FilingState, ReviewConclusion
from .models.plans import PlanEvaluation, PlanFiling, PlanReview, PlanVersion, ReviewOpinion
from .services import plans as plan_services

DEMO_LEVELS = ("township", "department", "enterprise")
D = datetime.date
#: The last day demo records may carry (the demo is loaded in December 2026 and later).
LATEST = D(2026, 11, 30)
OVERDUE_PLAN = "舞钢市道路交通事故应急专项应急预案"
REVISING_PLAN = "舞钢市防汛抗旱专项应急预案"
REVISED_PLAN = "舞钢市森林防灭火专项应急预案"
STEEL_WORKS = "河南嘉禾特钢有限公司"
#: High-risk enterprises that keep the full set of plans, all filed (the coverage page shows them complete).
FULL_SETS = 12
FULL_SET = (("ent_comprehensive", "生产安全事故综合应急预案"), ("ent_special", ""),
            ("ent_on_site", "重点岗位现场处置方案"))
#: The special plan's risk by unit kind (the first that applies).
SPECIAL_BY_KIND = (("mine", "边坡坍塌及爆破事故专项应急预案"), ("metal_smelting", "高温熔融金属事故专项应急预案"),
                   ("fireworks", "火灾爆炸事故专项应急预案"), ("hazardous_goods", "危险化学品泄漏事故专项应急预案"),
                   ("chemical_user", "危险化学品泄漏事故专项应急预案"), ("major_hazard", "重大危险源事故专项应急预案"))
OPINIONS = ["预案结构完整，职责分工明确，建议细化应急物资调用流程。",
            "风险评估较充分，建议补充夜间及恶劣天气条件下的处置措施。",
            "响应分级与上级预案衔接较好，建议更新通讯录并明确信息报送时限。",
            "处置措施具有可操作性，建议增加与周边单位的联动内容。"]


def generate(_shared_rng: random.Random) -> None:
    rng = random.Random("yingji-demo-plans")
    plans = []
    for org in Organisation.objects.filter(kind=OrganisationKind.TOWNSHIP_GOVERNMENT).order_by("region_code"):
        published = D(rng.choice([2023, 2024]), rng.randint(1, 12), rng.randint(1, 28))
        plans.append(Plan(region_code=org.region_code, name=f"{org.name}突发事件总体应急预案", kind=PlanKind.TOWNSHIP,
                          level="township", doc_kind="overall", owner=org, published_on=published))
    for org in Organisation.objects.filter(kind=OrganisationKind.MEMBER_UNIT).order_by("name")[:4]:
        published = D(2022 + rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
        plans.append(Plan(region_code=org.region_code, name=f"{org.name}部门应急预案", kind=PlanKind.DEPARTMENT,
                          level="department", doc_kind="department", owner=org, published_on=published))
    for i, enterprise in enumerate(Enterprise.objects.order_by("pk")[:8]):
        published = D(2024 + rng.randint(0, 1), rng.randint(1, 12), rng.randint(1, 28))
        state = PlanState.DRAFTING if i == 0 else PlanState.PUBLISHED if i == 1 else PlanState.FILED
        plans.append(Plan(region_code=enterprise.region_code, name=f"{enterprise.name}生产安全事故综合应急预案",
                          kind=PlanKind.ENTERPRISE, level="enterprise", doc_kind="ent_comprehensive",
                          enterprise=enterprise, state=state, is_active=state != PlanState.DRAFTING,
                          published_on=None if state == PlanState.DRAFTING else published))
    steel = Enterprise.objects.filter(name=STEEL_WORKS).first()
    if steel is not None:
        for doc_kind, title, day in (("ent_comprehensive", "生产安全事故综合应急预案", D(2025, 3, 18)),
                                     ("ent_special", "高温熔融金属泄漏专项应急预案", D(2025, 3, 18))):
            plans.append(Plan(region_code=steel.region_code, name=f"{steel.name}{title}", kind=PlanKind.ENTERPRISE,
                              level="enterprise", doc_kind=doc_kind, enterprise=steel, state=PlanState.FILED,
                              published_on=day))
    first = {p.enterprise_id for p in plans if p.enterprise_id}
    obliged = [e for e in Enterprise.objects.order_by("pk")
               if e.pk not in first and e != steel
               and rules.required_plan_kinds(plan_services.enterprise_unit_kinds(e))][:FULL_SETS]
    for enterprise in obliged:
        day = D(rng.choice([2025, 2026]), rng.randint(1, 9), rng.randint(1, 28))
        kinds = plan_services.enterprise_unit_kinds(enterprise)
        special = next(title for kind, title in SPECIAL_BY_KIND if kind in kinds)
        for doc_kind, title in FULL_SET:
            title = title or special
            plans.append(Plan(region_code=enterprise.region_code, name=f"{enterprise.name}{title}",
                              kind=PlanKind.ENTERPRISE, level="enterprise", doc_kind=doc_kind, enterprise=enterprise,
                              state=PlanState.FILED, published_on=day))
    Plan.objects.bulk_create(plans)
    _documents(rng)


def _experts(rng: random.Random, count: int) -> list[Expert]:
    pool = list(Expert.objects.filter(region_code__startswith="410481").order_by("pk"))
    return rng.sample(pool, min(count, len(pool)))


def _review(rng, plan: Plan, version: PlanVersion, day: datetime.date) -> None:
    review = PlanReview.objects.create(plan=plan, doc_version=version, region_code=plan.region_code,
                                       enterprise_id=plan.enterprise_id, date=day,
                                       conclusion=rng.choice([ReviewConclusion.PASSED,
                                                              ReviewConclusion.PASSED_WITH_CHANGES]),
                                       summary="经专家评审，预案符合有关法律法规和标准要求，同意通过评审。")
    ReviewOpinion.objects.bulk_create([ReviewOpinion(review=review, expert=e, opinion=rng.choice(OPINIONS))
                                       for e in _experts(rng, 3)])


def _version(plan: Plan, number: int, day: datetime.date, note: str) -> PlanVersion:
    return PlanVersion.objects.create(plan=plan, number=number, change_note=note, region_code=plan.region_code,
                                      enterprise_id=plan.enterprise_id,
                                      created_at=datetime.datetime.combine(day, datetime.time(9, 30),
                                                                           tzinfo=datetime.UTC))


def _evaluate(plan: Plan, day: datetime.date, conclusion: str, findings: str, **extra) -> None:
    PlanEvaluation.objects.create(plan=plan, region_code=plan.region_code, enterprise_id=plan.enterprise_id, date=day,
                                  conclusion=conclusion, findings=findings, **extra)
    Plan.objects.filter(pk=plan.pk).update(last_evaluated_on=day)


def _documents(rng: random.Random) -> None:
    serials: dict[int, int] = {}
    for plan in Plan.objects.select_related("enterprise").order_by("published_on", "pk"):
        if plan.published_on is None:
            if plan.state == PlanState.DRAFTING:
                _version(plan, 1, D(2026, 10, 20), "初稿")
                Plan.objects.filter(pk=plan.pk).update(doc_version=1)
            continue
        version = _version(plan, 1, plan.published_on - datetime.timedelta(days=30), "首次发布")
        _review(rng, plan, version, plan.published_on - datetime.timedelta(days=12))
        if plan.enterprise_id and plan.state == PlanState.FILED:
            handled = plan.published_on + datetime.timedelta(days=9)
            serial = serials[handled.year] = serials.get(handled.year, 0) + 1
            kind = {"ent_comprehensive": "comprehensive", "ent_special": "special"}.get(plan.doc_kind, "on_site")
            PlanFiling.objects.create(
                plan=plan, region_code=plan.region_code, enterprise_id=plan.enterprise_id, doc_version=1,
                state=FilingState.RECEIVED, submitted_on=plan.published_on + datetime.timedelta(days=6),
                checklist=[i["key"] for i in rules.filing_checklist(kind)], handled_on=handled,
                receipt_year=handled.year, receipt_serial=serial,
                receipt_number=f"410481-{handled.year}-{serial:04d}")
        elif plan.enterprise_id and plan.state == PlanState.PUBLISHED:
            checklist = [i["key"] for i in rules.filing_checklist("comprehensive", review_required=False)
                         if i["key"] != "materials.risk_and_resources"]
            PlanFiling.objects.create(
                plan=plan, region_code=plan.region_code, enterprise_id=plan.enterprise_id, doc_version=1,
                state=FilingState.RETURNED, submitted_on=plan.published_on + datetime.timedelta(days=15),
                checklist=checklist, handled_on=plan.published_on + datetime.timedelta(days=19),
                return_reason="备案材料不齐全，请补充后重新报送。\n缺少：风险评估结果和应急资源调查清单")
        if plan.enterprise_id is None:
            _government_cycle(rng, plan)


def _government_cycle(rng: random.Random, plan: Plan) -> None:
    """Evaluations of government plans now three years old (kept in force), except the one left overdue; the
    flood-control plan under revision, the forest-fire plan revised and republished."""
    if plan.name == REVISED_PLAN:
        _evaluate(plan, D(2026, 1, 12), EvaluationConclusion.REVISION,
                  "上位预案及机构改革后指挥体系调整，需修订指挥部组成及响应分级。",
                  triggers=["law_changed", "command_changed"], revision_due=D(2026, 4, 30))
        version = _version(plan, 2, D(2026, 3, 20), "按机构改革调整森林防灭火指挥部组成，修订响应分级和扑救力量调度。")
        _review(rng, plan, version, D(2026, 4, 2))
        Plan.objects.filter(pk=plan.pk).update(doc_version=2, published_on=D(2026, 4, 15))
        return
    if plan.name == REVISING_PLAN:
        _evaluate(plan, D(2026, 3, 5), EvaluationConclusion.REVISION,
                  "2025年汛期应对中发现转移避险责任人和预警响应衔接不足，需修订。",
                  triggers=["drill_or_response_findings", "risk_changed"], revision_due=D(2027, 3, 31))
        _version(plan, 2, D(2026, 10, 28), "修订稿：完善山洪灾害预警与人员转移避险衔接。")
        Plan.objects.filter(pk=plan.pk).update(state=PlanState.REVISION, doc_version=2)
        return
    due = rules.evaluation_due(plan.last_evaluated_on or plan.published_on)
    if plan.last_evaluated_on and plan.last_evaluated_on > LATEST:
        Plan.objects.filter(pk=plan.pk).update(last_evaluated_on=None)
    if due <= LATEST + datetime.timedelta(days=60) and plan.name != OVERDUE_PLAN:
        day = min(due - datetime.timedelta(days=rng.randint(10, 60)), LATEST)
        _evaluate(plan, day, EvaluationConclusion.NO_REVISION,
                  "预案组织体系、响应程序与当前风险和资源状况相符，无需修订。")


def clear() -> None:
    ReviewOpinion.objects.all().delete()
    PlanReview.objects.all().delete()
    PlanFiling.objects.all().delete()
    PlanEvaluation.objects.all().delete()
    PlanVersion.objects.all().delete()
    Plan.objects.filter(level__in=DEMO_LEVELS).delete()

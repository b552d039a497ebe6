"""Plan documents (应急预案) over their life cycle: new plan documents, versions, expert reviews, the workflow, filings
with the bureau, periodic evaluations, deadlines and overdue reminders, coverage and statistics.

The plan record is ``incidents.Plan`` (activation rules plus the life-cycle fields of issue 15 §1); deadlines and
the filing checklist come from ``yingji.standards.emergency_plans`` (生产安全事故应急预案管理办法, 应急管理部令第2号;
GB/T 29639-2020).

Plan workflow (``PLAN_WORKFLOW``: each a compare-and-swap on state and version, an audit record; 409 when not
allowed from the state or when someone else acted first). "Owner side": an enterprise plan's own enterprise
accounts, else staff (county sections, township staff for their township's plans; scope decides which plans):

================  ================================  ======================================================
action            from → to                         who may
================  ================================  ======================================================
submit_review     drafting, revision → review       owner side; needs a document version
return_draft      review → drafting                 owner side; needs a reason (review not passed)
publish           review → published                owner side; needs a passed review of the current version
file              published → filed                 the bureau (admin, section staff), only by receiving a
                                                    filing (:func:`act_on_filing` ``receive``)
start_evaluation  published, filed → evaluation     owner side
keep              evaluation → published            owner side, by recording an evaluation "no revision"
keep_filed        evaluation → filed                as ``keep``, for a plan whose current version is filed
revise            evaluation → revision             owner side, by recording an evaluation "revision needed"
================  ================================  ======================================================

Filing workflow (``FILING_WORKFLOW``): submitted → received (the bureau; the checklist complete, 办法 第二十七条; a
receipt number unique per year issued and the plan filed in the same transaction) | returned (the bureau, with the
reason; the missing items listed); returned → submitted (the enterprise, resubmit).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _l

from yingji.core import attachments, audit, notifications, policy
from yingji.core.choices import AuditAction, OrganisationKind, RegionLevel, Role
from yingji.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from yingji.core.models import Organisation, Region, User
from yingji.core.surfaces import url_maker
from yingji.core.workflow import Transition, Workflow
from yingji.enterprises.models import Enterprise
from yingji.incidents.choices import PlanDocKind, PlanKind, PlanLevel, PlanState
from yingji.incidents.models import Plan
from yingji.resources.models import Expert
from yingji.standards import emergency_plans as rules
from yingji.standards import gb2260

from ..choices_plans import EvaluationConclusion, FilingState, ReviewConclusion
from ..models.plans import BUREAU, KEEPERS, PlanEvaluation, PlanFiling, PlanReview, PlanVersion, ReviewOpinion

NOTIFY_KIND = "plan"
#: States in which a plan is in force (published, filed, or being evaluated while still valid).
IN_FORCE_STATES = (PlanState.PUBLISHED, PlanState.FILED, PlanState.EVALUATION)
#: An enterprise plan's document kind → the 办法 第六条 plan kind of the standards module.
ENTERPRISE_KINDS = {PlanDocKind.ENTERPRISE_COMPREHENSIVE: "comprehensive",
                    PlanDocKind.ENTERPRISE_SPECIAL: "special", PlanDocKind.ENTERPRISE_ON_SITE: "on_site"}
UNIT_KIND_DOC_KINDS = {v: k for k, v in ENTERPRISE_KINDS.items()}
#: Level → the document kinds a plan of that level may be, and the old ``kind`` (activation matching) it keeps.
LEVEL_DOC_KINDS = {
    PlanLevel.COUNTY: (PlanDocKind.OVERALL, PlanDocKind.SPECIAL, PlanDocKind.ON_SITE),
    PlanLevel.TOWNSHIP: (PlanDocKind.OVERALL, PlanDocKind.SPECIAL, PlanDocKind.ON_SITE),
    PlanLevel.DEPARTMENT: (PlanDocKind.DEPARTMENT, PlanDocKind.SPECIAL, PlanDocKind.ON_SITE),
    PlanLevel.ENTERPRISE: tuple(ENTERPRISE_KINDS),
}
#: Employees from which an enterprise counts as 中型规模以上 (办法 第三十五条) where no better figure is kept: the
#: industrial threshold of 《统计上大中小微型企业划分办法（2017）》 (从业人员300人及以上) [approximation, local rule].
MEDIUM_EMPLOYEES = 300


# --- what rules apply to a plan ------------------------------------------------------------------------------


#: The enterprise's fields ``enterprise_unit_kinds`` reads.
UNIT_KIND_FIELDS = ("major_hazard", "hazchem_production", "hazchem_business", "hazchem_use", "non_coal_mine",
                    "tailings_pond", "metallurgy", "fireworks", "employee_count")


def enterprise_unit_kinds(enterprise: Enterprise) -> set[str]:
    """The 办法's unit kinds of an enterprise, from its recorded activities (危化品, 矿山, 冶金, 烟花爆竹) and its
    major hazard sources (GB 18218)."""
    kinds = set()
    if enterprise.major_hazard:
        kinds.add("major_hazard")
    if enterprise.hazchem_production or enterprise.hazchem_business:
        kinds.add("hazardous_goods")
    if enterprise.hazchem_use:
        kinds.add("chemical_user")
    if enterprise.non_coal_mine or enterprise.tailings_pond:
        kinds.add("mine")
    if enterprise.metallurgy:
        kinds.add("metal_smelting")
    if enterprise.fireworks:
        kinds.add("fireworks")
    if (enterprise.employee_count or 0) >= MEDIUM_EMPLOYEES:
        kinds.add("medium_or_larger")
    return kinds


def review_required(plan: Plan) -> bool:
    """办法 第二十一条: the unit kinds that must have their plans reviewed by experts (the same kinds as 第三十五条);
    government plans are reviewed as well (国办发〔2024〕5号) [unverified]."""
    if plan.enterprise_id is None:
        return True
    return rules.evaluation_required(enterprise_unit_kinds(plan.enterprise) - {"major_hazard"})


def evaluation_due(plan: Plan) -> date | None:
    """Next evaluation: three years after the last evaluation or publication for government plans and the unit
    kinds 办法 第三十五条 names; None for other enterprises (``standards.emergency_plans.next_evaluation_due``)."""
    start = plan.last_evaluated_on or plan.published_on
    if not start:
        return None
    if plan.enterprise_id is None:
        return rules.next_evaluation_due(start, government=True)
    return rules.next_evaluation_due(start, enterprise_unit_kinds(plan.enterprise) - {"major_hazard"})


def filing_due(plan: Plan) -> date | None:
    """Last day to file an enterprise plan: 20 working days after publication (办法 第二十六条)."""
    if plan.enterprise_id is None or plan.published_on is None:
        return None
    return rules.filing_deadline(plan.published_on)


def revision_due(plan: Plan) -> date | None:
    """The date by which a plan under revision was to be revised (its latest evaluation's)."""
    if plan.state != PlanState.REVISION:
        return None
    latest = plan.evaluations.order_by("-date", "-id").first()
    return latest.revision_due if latest else None


def is_current(plan: Plan, today: date) -> bool:
    """In force and not past its evaluation deadline."""
    if not plan.is_active or plan.state not in IN_FORCE_STATES:
        return False
    due = evaluation_due(plan)
    return due is None or due >= today


def owner_side(plan: Plan, actor) -> bool:
    """An enterprise keeps its own plans; staff (their scope decides which) the county's, townships' and
    departments' plans."""
    if plan.enterprise_id:
        return actor.enterprise_id == plan.enterprise_id
    return not actor.enterprise_id


def bureau_side(obj, actor) -> bool:
    return not actor.enterprise_id


def _filed_now(plan: Plan) -> bool:
    return plan.filings.filter(state=FilingState.RECEIVED, doc_version=plan.doc_version).exists()


def _ensure_visible(actor, obj) -> None:
    model = type(obj)
    if not policy.can(actor, "view", model) or not policy.in_scope(actor, obj):
        raise NotFound(f"{model._meta.model_name} {obj.pk} not found")


def _text(payload: Mapping[str, Any], name: str, *, required: bool = False, limit: int = 5000) -> str:
    value = str(payload.get(name) or "").strip()
    if required and not value:
        raise ValidationFailed.from_dict({name: [gettext("This field is required")]})
    if len(value) > limit:
        raise ValidationFailed.from_dict({name: [gettext("At most %(n)s characters") % {"n": limit}]})
    return value


def _date(payload: Mapping[str, Any], name: str, *, default: date | None = None, required: bool = True) -> date | None:
    value = payload.get(name)
    if value in (None, ""):
        if default is not None or not required:
            return default
        raise ValidationFailed.from_dict({name: [gettext("This field is required")]})
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValidationFailed.from_dict({name: [gettext("Enter a valid date")]}) from None
    if not isinstance(value, date):
        raise ValidationFailed.from_dict({name: [gettext("Enter a valid date")]})
    return value


def _choice(payload: Mapping[str, Any], name: str, choices) -> str:
    value = payload.get(name)
    if value not in choices.values():
        raise ValidationFailed.from_dict({name: [gettext("Choose one of the listed values")]})
    return value


# --- the plan workflow -----------------------------------------------------------------------------------------


def _has_version(plan, actor, payload):
    if not plan.doc_versions.exists():
        raise ValidationFailed.from_dict({"action": [gettext("Add the plan's document (a version) first")]})
    return None


def _return_draft(plan, actor, payload):
    _text(payload, "reason", required=True)
    return None


def _publish(plan, actor, payload):
    latest = plan.reviews.order_by("-date", "-id").first()
    current = plan.doc_versions.order_by("-number").first()
    if latest is None or latest.conclusion not in ReviewConclusion.PASSING:
        raise ValidationFailed.from_dict({"action": [gettext("The latest expert review has not passed the plan")]})
    if current is not None and latest.doc_version_id not in (None, current.pk):
        raise ValidationFailed.from_dict({"action": [gettext("The latest version has not been reviewed")]})
    published = _date(payload, "published_on", default=timezone.localdate())
    if published < latest.date:
        raise ValidationFailed.from_dict({"published_on": [gettext("Publication cannot precede the review")]})
    return {"published_on": published, "is_active": True}


def _keep_allowed(plan, actor) -> bool:
    return owner_side(plan, actor) and not _filed_now(plan)


def _keep_filed_allowed(plan, actor) -> bool:
    return owner_side(plan, actor) and _filed_now(plan)


def _file_allowed(plan, actor) -> bool:
    return plan.enterprise_id is not None and bureau_side(plan, actor)


OWNER_ROLES = frozenset(KEEPERS)
BUREAU_ROLES = frozenset(BUREAU)
PLAN_WORKFLOW = Workflow(
    model=Plan,
    transitions=[
        Transition("submit_review", (PlanState.DRAFTING, PlanState.REVISION), PlanState.REVIEW, OWNER_ROLES,
                   label=_l("Submit for expert review"), check=_has_version, allowed=owner_side),
        Transition("return_draft", (PlanState.REVIEW,), PlanState.DRAFTING, OWNER_ROLES,
                   label=_l("Back to drafting"), check=_return_draft, allowed=owner_side),
        Transition("publish", (PlanState.REVIEW,), PlanState.PUBLISHED, OWNER_ROLES,
                   label=_l("Sign and publish"), check=_publish, allowed=owner_side),
        Transition("file", (PlanState.PUBLISHED,), PlanState.FILED, BUREAU_ROLES,
                   label=_l("Filed with the bureau"), allowed=_file_allowed),
        Transition("start_evaluation", (PlanState.PUBLISHED, PlanState.FILED), PlanState.EVALUATION, OWNER_ROLES,
                   label=_l("Start evaluation"), allowed=owner_side),
        Transition("keep", (PlanState.EVALUATION,), PlanState.PUBLISHED, OWNER_ROLES,
                   label=_l("Evaluated: no revision needed"), allowed=_keep_allowed),
        Transition("keep_filed", (PlanState.EVALUATION,), PlanState.FILED, OWNER_ROLES,
                   label=_l("Evaluated: no revision needed"), allowed=_keep_filed_allowed),
        Transition("revise", (PlanState.EVALUATION,), PlanState.REVISION, OWNER_ROLES,
                   label=_l("Evaluated: revise the plan"), allowed=owner_side),
    ],
)
#: Actions taken only through other records (a received filing, a recorded evaluation), never by a bare button.
INDIRECT_ACTIONS = ("file", "keep", "keep_filed", "revise")


def act_on_plan(actor, plan: Plan, action: str, payload: Mapping[str, Any] | None = None) -> Plan:
    """Take a direct plan action (``submit_review``, ``return_draft``, ``publish``, ``start_evaluation``)."""
    _ensure_visible(actor, plan)
    if action in INDIRECT_ACTIONS:
        raise ValidationFailed.from_dict({"action": [gettext("This action is taken by recording a filing or an "
                                                             "evaluation")]})
    plan = PLAN_WORKFLOW.apply(actor, plan, action, payload)
    if action == "publish" and plan.enterprise_id:
        _notify(_bureau_staff(), _msg(MESSAGES["published"], name=plan.name, due=str(filing_due(plan) or "")),
                plan, f"plan:{plan.pk}:published:{plan.version}", actor)
    return plan


def available_actions(plan: Plan, actor) -> list[Transition]:
    return PLAN_WORKFLOW.available(plan, actor, exclude=INDIRECT_ACTIONS)


# --- new plan documents ------------------------------------------------------------------------------------------


def create_plan_document(actor, data: Mapping[str, Any]) -> Plan:
    """A new plan document in drafting (编制): an enterprise account drafts its own enterprise's plans; staff draft
    the county's, townships' and departments' plans inside their jurisdiction. Activation rules (incident types,
    conditions) stay on the plan page of incidents."""
    if not (actor.role_keys & OWNER_ROLES):
        raise NotAllowed()
    name = _text(data, "name", required=True, limit=200)
    if actor.enterprise_id:
        level = PlanLevel.ENTERPRISE
        enterprise = actor.enterprise
    else:
        level = _choice(data, "level", PlanLevel)
        enterprise = None
        if level == PlanLevel.ENTERPRISE:
            raise ValidationFailed.from_dict({"level": [gettext("Enterprise plans are drafted by the enterprise")]})
    doc_kind = data.get("doc_kind")
    if doc_kind not in LEVEL_DOC_KINDS[level]:
        raise ValidationFailed.from_dict({"doc_kind": [gettext("Not a document kind of this plan level")]})
    owner = None
    if enterprise is not None:
        region_code = enterprise.region_code
    else:
        region_code = _text(data, "region_code", required=True, limit=12)
        policy.require_region_in_scope(actor, region_code)
        if not Region.objects.filter(code=region_code).exists():
            raise policy.reference_error(Region, "region_code")
        if data.get("owner"):
            owner = policy.get_in_scope_or_field_error(Organisation, data["owner"], actor, "owner")
    kind = (PlanKind.ENTERPRISE if level == PlanLevel.ENTERPRISE else PlanKind.TOWNSHIP
            if level == PlanLevel.TOWNSHIP else PlanKind.DEPARTMENT if level == PlanLevel.DEPARTMENT
            else PlanKind.OVERALL if doc_kind == PlanDocKind.OVERALL else PlanKind.SPECIAL)
    plan = Plan(region_code=region_code, name=name, kind=kind, level=level, doc_kind=doc_kind, owner=owner,
                enterprise=enterprise, state=PlanState.DRAFTING, is_active=False, doc_version=0,
                event_types=[], conditions={}, standard_tasks=[])
    with transaction.atomic():
        plan.full_clean(exclude=["event_types", "conditions", "standard_tasks"])
        plan.save()
        audit.record_change(AuditAction.CREATE, plan, None, audit.snapshot(plan), actor=actor)
    return plan


# --- versions, reviews --------------------------------------------------------------------------------------------


def _of_plan(actor, data: Mapping[str, Any], states: Iterable[str] | None, model) -> Plan:
    plan = data.get("plan")
    plan = plan if isinstance(plan, Plan) else policy.get_in_scope_or_field_error(Plan, plan, actor, "plan")
    policy.require(actor, "add", model)
    if not owner_side(plan, actor):
        raise NotAllowed()
    if states is not None and plan.state not in states:
        raise Conflict(gettext("Not possible in the plan's current state"),
                       [{"field": "plan", "message": str(PlanState.label(plan.state))}])
    return plan


def _scoped_fields(plan: Plan, actor) -> dict:
    return {"plan": plan, "region_code": plan.region_code, "enterprise_id": plan.enterprise_id, "created_by": actor}


def add_version(actor, data: Mapping[str, Any], uploaded=None) -> PlanVersion:
    """A new version of the plan's document (drafting or revising only), numbered one after the last; the
    optional file is attached to it. The plan's ``doc_version`` follows."""
    plan = _of_plan(actor, data, (PlanState.DRAFTING, PlanState.REVISION), PlanVersion)
    note = _text(data, "change_note")
    with transaction.atomic():
        number = (plan.doc_versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = PlanVersion(number=number, change_note=note, **_scoped_fields(plan, actor))
        try:
            with transaction.atomic():
                version.save()
        except IntegrityError:
            raise Conflict(gettext("Someone else added a version first; reload and try again")) from None
        Plan.objects.filter(pk=plan.pk).update(doc_version=number)
        audit.record_change(AuditAction.CREATE, version, None, audit.snapshot(version), actor=actor)
        if uploaded is not None:
            attachments.attach(actor, version, uploaded, purpose="plan_document")
    return version


def attach_file(actor, version: PlanVersion, uploaded):
    _ensure_visible(actor, version)
    policy.require(actor, "attach", version)
    if not owner_side(version.plan, actor):
        raise NotAllowed()
    return attachments.attach(actor, version, uploaded, purpose="plan_document")


def experts_for(actor):
    """The experts a plan's keeper may name in a review: those in scope; an enterprise invites them from its
    county's expert pool (the pool is the county's, not the enterprise's)."""
    if actor.enterprise_id:
        return Expert.objects.filter(region_code__startswith=actor.enterprise.region_code[:6])
    return Expert.objects.filter(policy.scope_q(actor, Expert))


def record_review(actor, data: Mapping[str, Any]) -> PlanReview:
    """An expert review (评审) of a plan under review: date, conclusion, summary and one opinion per expert
    (``opinions``: ``[{"expert": id, "opinion": text, "agrees": bool}]``, at least one)."""
    plan = _of_plan(actor, data, (PlanState.REVIEW,), PlanReview)
    day = _date(data, "date")
    conclusion = _choice(data, "conclusion", ReviewConclusion)
    summary = _text(data, "summary")
    opinions = data.get("opinions") or []
    if not isinstance(opinions, list) or not opinions:
        raise ValidationFailed.from_dict({"opinions": [gettext("Give at least one expert's opinion")]})
    county = actor.enterprise.region_code[:6] if actor.enterprise_id else None
    experts = policy.get_many_in_scope_or_field_error(
        Expert, [o.get("expert") if isinstance(o, Mapping) else None for o in opinions], actor, "opinions",
        widen=Q(region_code__startswith=county) if county else None)
    if len(experts) != len(opinions):
        raise ValidationFailed.from_dict({"opinions": [gettext("Each expert gives one opinion")]})
    texts = [str(o.get("opinion") or "").strip()[:5000] for o in opinions]
    if not all(texts):
        raise ValidationFailed.from_dict({"opinions": [gettext("Give each expert's opinion")]})
    version = plan.doc_versions.order_by("-number").first()
    with transaction.atomic():
        review = PlanReview.objects.create(doc_version=version, date=day, conclusion=conclusion, summary=summary,
                                           **_scoped_fields(plan, actor))
        ReviewOpinion.objects.bulk_create([ReviewOpinion(review=review, expert=e, opinion=t,
                                                         agrees=bool(o.get("agrees", True)))
                                           for e, t, o in zip(experts, texts, opinions, strict=True)])
        audit.record_change(AuditAction.CREATE, review, None,
                            {**audit.snapshot(review), "experts": [e.pk for e in experts]}, actor=actor)
    return review


# --- filings -----------------------------------------------------------------------------------------------------


def checklist_for(plan: Plan) -> list[dict]:
    """The completeness checklist of an enterprise plan's filing (``standards.emergency_plans``)."""
    kind = ENTERPRISE_KINDS.get(plan.doc_kind)
    if kind is None:
        return []
    return rules.filing_checklist(kind, review_required=review_required(plan))


def missing_items(filing: PlanFiling) -> list[dict]:
    provided = set(filing.checklist or ())
    return [item for item in checklist_for(filing.plan) if item["key"] not in provided]


def _checklist(plan: Plan, data: Mapping[str, Any]) -> list[str]:
    keys = data.get("checklist") or []
    if isinstance(keys, str) or not isinstance(keys, Iterable):
        raise ValidationFailed.from_dict({"checklist": [gettext("Choose among the checklist items")]})
    known = [item["key"] for item in checklist_for(plan)]
    keys = list(dict.fromkeys(str(k) for k in keys))
    if any(k not in known for k in keys):
        raise ValidationFailed.from_dict({"checklist": [gettext("Choose among the checklist items")]})
    return [k for k in known if k in keys]


def submit_filing(actor, data: Mapping[str, Any]) -> PlanFiling:
    """The enterprise files a published plan with the bureau (办法 第二十六条), declaring the checklist items its
    materials hold; one open filing per plan."""
    plan = _of_plan(actor, data, (PlanState.PUBLISHED,), PlanFiling)
    if plan.enterprise_id is None or not actor.enterprise_id:
        raise ValidationFailed.from_dict({"plan": [gettext("Only enterprise plans are filed with the bureau")]})
    checklist = _checklist(plan, data)
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        if plan.filings.filter(state=FilingState.SUBMITTED).exists():
            raise Conflict(gettext("This plan already has a filing waiting for the bureau"))
        filing = PlanFiling.objects.create(doc_version=plan.doc_version, checklist=checklist,
                                           submitted_on=timezone.localdate(), **_scoped_fields(plan, actor))
        audit.record_change(AuditAction.CREATE, filing, None, audit.snapshot(filing), actor=actor)
    _notify(_bureau_staff(), _msg(MESSAGES["submitted"], name=plan.name), filing,
            f"plan-filing:{filing.pk}:submitted:{filing.version}", actor)
    return filing


def next_receipt(year: int) -> tuple[int, str]:
    """The next serial of ``year`` and its receipt number ``<county>-<year>-<serial>`` (备案编号)."""
    serial = (PlanFiling.objects.filter(receipt_year=year).aggregate(n=Max("receipt_serial"))["n"] or 0) + 1
    return serial, f"{settings.COUNTY_CODE}-{year}-{serial:04d}"


def _receive(filing, actor, payload):
    missing = missing_items(filing)
    if missing:
        raise ValidationFailed(gettext("The filing is incomplete; return it with the missing items"),
                               [{"field": "checklist", "message": item["label"]} for item in missing])
    if filing.plan.state != PlanState.PUBLISHED:
        raise Conflict(gettext("Not possible in the plan's current state"))
    day = timezone.localdate()
    serial, number = next_receipt(day.year)
    return {"handled_on": day, "handled_by_id": actor.pk, "receipt_year": day.year, "receipt_serial": serial,
            "receipt_number": number}


def _return(filing, actor, payload):
    reason = _text(payload, "reason", required=True)
    missing = [item["label"] for item in missing_items(filing)]
    if missing:
        reason = f"{reason}\n{gettext('Missing')}：{'、'.join(missing)}"
    return {"handled_on": timezone.localdate(), "handled_by_id": actor.pk, "return_reason": reason}


def _resubmit(filing, actor, payload):
    return {"checklist": _checklist(filing.plan, payload) if "checklist" in payload else filing.checklist,
            "submitted_on": timezone.localdate()}


def _filing_owner(filing, actor) -> bool:
    return bool(actor.enterprise_id) and actor.enterprise_id == filing.enterprise_id


FILING_WORKFLOW = Workflow(
    model=PlanFiling,
    transitions=[
        Transition("receive", (FilingState.SUBMITTED,), FilingState.RECEIVED, BUREAU_ROLES,
                   label=_l("Receive and file"), check=_receive, allowed=bureau_side),
        Transition("return", (FilingState.SUBMITTED,), FilingState.RETURNED, BUREAU_ROLES,
                   label=_l("Return for missing materials"), check=_return, allowed=bureau_side),
        Transition("resubmit", (FilingState.RETURNED,), FilingState.SUBMITTED, frozenset({Role.ENTERPRISE_USER}),
                   label=_l("Resubmit"), check=_resubmit, allowed=_filing_owner),
    ],
)
RECEIPT_ATTEMPTS = 5


def act_on_filing(actor, filing: PlanFiling, action: str, payload: Mapping[str, Any] | None = None) -> PlanFiling:
    """Receive (with a receipt number unique per year; the plan becomes filed in the same transaction), return or
    resubmit a filing. Two receipts issued at once cannot share a number: the (year, serial) constraint refuses
    the second, which then takes the next serial."""
    _ensure_visible(actor, filing)
    payload = dict(payload or {})
    if action != "receive":
        filing = FILING_WORKFLOW.apply(actor, filing, action, payload)
    else:
        for attempt in range(RECEIPT_ATTEMPTS):
            try:
                with transaction.atomic():
                    filing = FILING_WORKFLOW.apply(actor, filing, action, payload)
                    PLAN_WORKFLOW.apply(actor, Plan.objects.get(pk=filing.plan_id), "file",
                                        {"note": filing.receipt_number})
                break
            except IntegrityError:
                if attempt == RECEIPT_ATTEMPTS - 1:
                    raise Conflict(gettext("Someone else changed this object first; reload and try again")) from None
                filing.refresh_from_db()
    recipients = list(User.objects.filter(is_active=True, enterprise_id=filing.enterprise_id))
    if action in ("receive", "return"):
        _notify(recipients, _msg(MESSAGES[action], name=filing.plan.name, number=filing.receipt_number or ""),
                filing, f"plan-filing:{filing.pk}:{action}:{filing.version}", actor)
    elif action == "resubmit":
        _notify(_bureau_staff(), _msg(MESSAGES["submitted"], name=filing.plan.name), filing,
                f"plan-filing:{filing.pk}:submitted:{filing.version}", actor)
    return filing


# --- evaluations -------------------------------------------------------------------------------------------------


def record_evaluation(actor, data: Mapping[str, Any]) -> PlanEvaluation:
    """A periodic evaluation (办法 第三十五条) of a plan under evaluation: the plan stays in force (``keep`` /
    ``keep_filed``) or goes to revision (``revise``, with the date the revision is due), in one transaction."""
    plan = _of_plan(actor, data, (PlanState.EVALUATION,), PlanEvaluation)
    day = _date(data, "date")
    conclusion = _choice(data, "conclusion", EvaluationConclusion)
    findings = _text(data, "findings", required=True)
    triggers = data.get("triggers") or []
    if isinstance(triggers, str) or any(t not in rules.REVISION_TRIGGERS for t in triggers):
        raise ValidationFailed.from_dict({"triggers": [gettext("Choose among the listed triggers")]})
    due = _date(data, "revision_due", required=False)
    if conclusion == EvaluationConclusion.REVISION:
        if due is None:
            raise ValidationFailed.from_dict({"revision_due": [gettext("This field is required")]})
        if due < day:
            raise ValidationFailed.from_dict({"revision_due": [gettext("The revision cannot be due before the "
                                                                       "evaluation")]})
        action = "revise"
    else:
        due = None
        action = "keep_filed" if _filed_now(plan) else "keep"
    if plan.published_on and day < plan.published_on:
        raise ValidationFailed.from_dict({"date": [gettext("The evaluation cannot precede the publication")]})
    with transaction.atomic():
        evaluation = PlanEvaluation.objects.create(date=day, conclusion=conclusion, findings=findings,
                                                   triggers=list(dict.fromkeys(triggers)), revision_due=due,
                                                   **_scoped_fields(plan, actor))
        audit.record_change(AuditAction.CREATE, evaluation, None, audit.snapshot(evaluation), actor=actor)
        PLAN_WORKFLOW.apply(actor, plan, action, {"note": findings[:200]}, updates={"last_evaluated_on": day})
    return evaluation


# --- reminders ---------------------------------------------------------------------------------------------------


def overdue(plans, today: date) -> list[tuple[Plan, str, date]]:
    """(plan, "evaluation"|"filing"|"revision", due) for each plan past a deadline on ``today``."""
    result = []
    for plan in plans:
        if not plan.is_active and plan.state != PlanState.REVISION:
            continue
        if plan.state == PlanState.REVISION:
            due = revision_due(plan)
            if due is not None and due < today:
                result.append((plan, "revision", due))
            continue
        if plan.state not in IN_FORCE_STATES:
            continue
        due = evaluation_due(plan)
        if due is not None and due < today:
            result.append((plan, "evaluation", due))
        due = filing_due(plan)
        if due is not None and due < today and plan.state == PlanState.PUBLISHED and not _filed_now(plan):
            result.append((plan, "filing", due))
    return result


def _bureau_staff() -> list:
    return list(User.objects.filter(is_active=True, enterprise__isnull=True,
                                    roles__role__in=[Role.ADMIN, Role.SECTION_STAFF]).distinct())


def _recipients(plan: Plan):
    users = User.objects.filter(is_active=True)
    staff = users.filter(roles__role__in=[Role.ADMIN, Role.SECTION_STAFF])
    if plan.enterprise_id is not None:
        return list(staff.distinct()) + list(users.filter(enterprise_id=plan.enterprise_id))
    return list(staff.distinct())


def _msg(template, **params) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return (str(template) % params)[:200]


def _link(obj) -> str:
    if isinstance(obj, Plan):
        return reverse("plan_detail", args=[obj.pk])
    return reverse("plan_filing_detail", args=[obj.pk])


def _notify(recipients, subject: str, obj, key: str, actor=None) -> int:
    return len(notifications.notify(recipients, subject, link=_link(obj), obj=obj, kind=NOTIFY_KIND,
                                    dedupe_key=key, exclude=actor))


MESSAGES = {
    "evaluation": _l("Plan “%(name)s”: the evaluation due %(due)s is overdue."),
    "filing": _l("Plan “%(name)s”: filing was due %(due)s."),
    "revision": _l("Plan “%(name)s”: the revision due %(due)s is overdue."),
    "published": _l("Enterprise plan “%(name)s” published; to be filed by %(due)s."),
    "submitted": _l("Plan “%(name)s” submitted for filing."),
    "receive": _l("Plan “%(name)s” filed: receipt number %(number)s."),
    "return": _l("Plan “%(name)s”: the filing was returned."),
}


def flag_overdue(today: date | None = None) -> int:
    """Notify once per plan, deadline kind and due date (idempotent through the notification dedupe key)."""
    today = today or timezone.localdate()
    sent = 0
    plans = (Plan.objects.filter(Q(is_active=True, state__in=IN_FORCE_STATES) | Q(state=PlanState.REVISION))
             .select_related("enterprise"))
    for plan, what, due in overdue(plans, today):
        sent += _notify(_recipients(plan), _msg(MESSAGES[what], name=plan.name, due=due.isoformat()), plan,
                        f"plan:{plan.pk}:{what}:{due.isoformat()}")
    return sent


# --- coverage ----------------------------------------------------------------------------------------------------

#: Coverage status of one required plan.
CURRENT, OVERDUE, NOT_IN_FORCE, MISSING = "current", "overdue", "not_in_force", "missing"
STATUS_LABELS = {CURRENT: _l("Current"), OVERDUE: _l("Evaluation overdue"), NOT_IN_FORCE: _l("Not in force"),
                 MISSING: pgettext_lazy("plan coverage", "Missing")}
STATUS_COLOURS = {CURRENT: "success", OVERDUE: "warning", NOT_IN_FORCE: "secondary", MISSING: "danger"}


def _status(plans: list[Plan], today: date) -> tuple[str, Plan | None]:
    if not plans:
        return MISSING, None
    best = sorted(plans, key=lambda p: (not is_current(p, today), p.state not in IN_FORCE_STATES, -p.pk))[0]
    if is_current(best, today):
        return CURRENT, best
    if best.state in IN_FORCE_STATES and best.is_active:
        return OVERDUE, best
    return NOT_IN_FORCE, best


def coverage(user, today: date | None = None) -> dict:
    """Which obliged units have a current plan (in force, evaluation not overdue) of each required kind:

    - each township: its 总体应急预案 (突发事件应对法, 国办发〔2024〕5号);
    - each 安委会 member unit: its 部门应急预案;
    - each enterprise of the unit kinds of ``standards.emergency_plans.PLAN_SET_UNIT_KINDS``: 综合、专项 and 现场处置
      (办法 第六条, 第十三条 to 第十五条).

    Answers ``{"today", "rows": [{"unit_type", "name", "region_code", "url", "required": [{"doc_kind", "status",
    "plan"}], "complete"}], "gaps": [rows not complete], "totals"}``; an enterprise account sees its own only."""
    today = today or timezone.localdate()
    policy.require(user, "view", Plan)
    plans = list(Plan.objects.for_user(user).select_related("enterprise"))
    rows = []
    if not user.enterprise_id:
        townships = Region.objects.filter(policy.scope_q(user, Region), level=RegionLevel.TOWNSHIP).order_by("code")
        for township in townships:
            found = [p for p in plans if p.level == PlanLevel.TOWNSHIP and p.doc_kind == PlanDocKind.OVERALL
                     and p.region_code[:9] == township.code]
            rows.append(_row("township", township.name, township.code, "", [(PlanDocKind.OVERALL, found)], today))
        units = Organisation.objects.filter(policy.scope_q(user, Organisation),
                                            kind=OrganisationKind.MEMBER_UNIT).order_by("name")
        for unit in units:
            found = [p for p in plans if p.owner_id == unit.pk and p.doc_kind == PlanDocKind.DEPARTMENT]
            rows.append(_row("department", unit.name, unit.region_code, "", [(PlanDocKind.DEPARTMENT, found)],
                             today))
    by_enterprise: dict[int, list[Plan]] = {}
    for p in plans:
        if p.enterprise_id:
            by_enterprise.setdefault(p.enterprise_id, []).append(p)
    enterprise_url = url_maker("enterprise_detail")
    for enterprise in (Enterprise.objects.filter(policy.scope_q(user, Enterprise)).order_by("region_code", "name")
                       .only("id", "name", "region_code", *UNIT_KIND_FIELDS)):
        required = rules.required_plan_kinds(enterprise_unit_kinds(enterprise))
        if not required:
            continue
        own = by_enterprise.get(enterprise.pk, [])
        rows.append(_row("enterprise", enterprise.name, enterprise.region_code, enterprise_url(enterprise.pk),
                         [(UNIT_KIND_DOC_KINDS[k], [p for p in own if p.doc_kind == UNIT_KIND_DOC_KINDS[k]])
                          for k in required], today))
    gaps = [r for r in rows if not r["complete"]]
    totals = {kind: {"units": sum(1 for r in rows if r["unit_type"] == kind),
                     "complete": sum(1 for r in rows if r["unit_type"] == kind and r["complete"])}
              for kind in ("township", "department", "enterprise")}
    return {"today": today, "rows": rows, "gaps": gaps, "totals": totals}


UNIT_TYPE_LABELS = {"township": _l("Township"), "department": _l("Department"), "enterprise": _l("Enterprise")}


def _row(unit_type: str, name: str, region_code: str, url: str, required, today: date) -> dict:
    cells = []
    for doc_kind, found in required:
        status, plan = _status(found, today)
        cells.append({"doc_kind": doc_kind, "doc_kind_label": PlanDocKind.label(doc_kind), "status": status,
                      "status_label": STATUS_LABELS[status], "colour": STATUS_COLOURS[status], "plan": plan})
    return {"unit_type": unit_type, "unit_type_label": UNIT_TYPE_LABELS[unit_type], "name": name,
            "region_code": region_code, "url": url, "required": cells,
            "complete": all(c["status"] == CURRENT for c in cells)}


# --- statistics --------------------------------------------------------------------------------------------------


def statistics(user, year: int) -> dict:
    """Plans the user may see: counts by document kind and by state, plans published and evaluated in ``year``,
    enterprise plans filed, and evaluations due in ``year`` (办法 第三十五条)."""
    plans = Plan.objects.for_user(user)
    by_kind = dict(plans.values_list("doc_kind").annotate(n=Count("pk")).order_by())
    by_state = dict(plans.values_list("state").annotate(n=Count("pk")).order_by())
    due_in_year = 0
    if not 1 <= year <= date.max.year - 1:  # the ORM's year lookups need year + 1 to exist
        return {"year": year, "total": plans.count(), "by_kind": by_kind, "by_state": by_state, "published": 0,
                "evaluated": 0, "enterprise_filed": 0, "evaluations_due": 0}
    for plan in plans.filter(state__in=IN_FORCE_STATES, is_active=True).select_related("enterprise"):
        due = evaluation_due(plan)
        if due is not None and due.year == year:
            due_in_year += 1
    in_year = Q(published_on__year=year)
    return {
        "year": year,
        "total": plans.count(),
        "by_kind": by_kind,
        "by_state": by_state,
        "published": plans.filter(in_year).count(),
        "evaluated": plans.filter(last_evaluated_on__year=year).count(),
        "enterprise_filed": plans.filter(enterprise__isnull=False, state=PlanState.FILED).count(),
        "evaluations_due": due_in_year,
    }


def figures(user, year: int, region_code: str | None = None, industry: str | None = None) -> dict:
    """The plans section of the preparedness statistics (``statistics.register``): plans by document kind and by
    state, plans published, filings received and returned, evaluations recorded and due in ``year`` (办法
    第三十五条), from the plans the user may see, narrowed to ``region_code`` (prefix) and ``industry`` (enterprise
    plans of that GB/T 4754 section or division). Each table's total row equals its figure."""
    from ..statistics import industry_divisions

    plans = Plan.objects.for_user(user).select_related("enterprise")
    if region_code:
        plans = plans.filter(region_code__startswith=gb2260.prefix(region_code))
    divisions = industry_divisions(industry)
    if divisions is not None:
        plans = plans.filter(enterprise__industry_division__in=divisions)
    rows = list(plans)
    ids = [p.pk for p in rows]
    filings = PlanFiling.objects.filter(policy.scope_q(user, PlanFiling), plan_id__in=ids, handled_on__year=year)
    received = filings.filter(state=FilingState.RECEIVED).count()
    returned = filings.filter(state=FilingState.RETURNED).count()
    evaluations = PlanEvaluation.objects.filter(policy.scope_q(user, PlanEvaluation), plan_id__in=ids,
                                                date__year=year)
    evaluated = evaluations.count()
    needing_revision = evaluations.filter(conclusion=EvaluationConclusion.REVISION).count()
    in_force = [p for p in rows if p.is_active and p.state in IN_FORCE_STATES]
    dues = [evaluation_due(p) for p in in_force]
    due_in_year = sum(1 for d in dues if d is not None and d.year == year)
    today = timezone.localdate()
    overdue_now = sum(1 for d in dues if d is not None and d < today)
    published = [p for p in rows if p.published_on and p.published_on.year == year]

    force_ids, published_ids = {p.pk for p in in_force}, {p.pk for p in published}

    def kind_row(label, of_kind):
        return [label, len(of_kind), sum(1 for p in of_kind if p.pk in force_ids),
                sum(1 for p in of_kind if p.pk in published_ids)]

    kind_rows = [kind_row(PlanDocKind.label(kind), [p for p in rows if p.doc_kind == kind])
                 for kind in PlanDocKind.values()]
    unclassified = [p for p in rows if p.doc_kind not in PlanDocKind.values()]
    if unclassified:
        kind_rows.append(kind_row(gettext("Not classified"), unclassified))
    state_rows = [[PlanState.label(s), sum(1 for p in rows if p.state == s)] for s in PlanState.values()]
    total_label = gettext("Total")
    return {
        "figures": [
            {"label": gettext("Plans"), "value": len(rows)},
            {"label": gettext("Plans in force"), "value": len(in_force)},
            {"label": gettext("Plans published in the year"), "value": len(published)},
            {"label": gettext("Filings received"), "value": received},
            {"label": gettext("Filings returned"), "value": returned},
            {"label": gettext("Evaluations recorded"), "value": evaluated},
            {"label": gettext("Evaluations concluding revision"), "value": needing_revision},
            {"label": gettext("Evaluations due in the year"), "value": due_in_year},
            {"label": gettext("Evaluations overdue today"), "value": overdue_now},
        ],
        "tables": [
            {"title": gettext("By document kind"),
             "headers": [gettext("Document kind"), gettext("Plans"), gettext("In force"), gettext("Published")],
             "rows": [*kind_rows, [total_label, len(rows), len(in_force), len(published)]], "summary_rows": 1},
            {"title": gettext("By life-cycle state"), "headers": [gettext("State"), gettext("Plans")],
             "rows": [*state_rows, [total_label, len(rows)]], "summary_rows": 1},
        ],
    }

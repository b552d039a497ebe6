"""Declared surfaces of plan documents: versions, expert reviews, filings and evaluations (lists, detail pages,
forms, exports and the CRUD API are drawn by core from these). The plan itself keeps the incidents surface; its
page shows the life-cycle panel registered here (``plan_panel``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l

from yingji.core import attachments, policy
from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, register
from yingji.incidents.choices import PlanState
from yingji.standards import emergency_plans as rules

from . import filters_plans as filters
from . import forms_plans as forms
from .choices_plans import EvaluationConclusion, FilingState, ReviewConclusion
from .models.plans import PlanEvaluation, PlanFiling, PlanReview, PlanVersion
from .services import plans as services


def _links(request):
    return {"links": [(reverse("plan_list"), _l("Emergency plans")), (reverse("plan_coverage"), _l("Plan coverage")),
                      (reverse("plan_version_list"), _l("Plan document versions")),
                      (reverse("plan_review_list"), _l("Plan reviews")),
                      (reverse("plan_filing_list"), _l("Plan filings")),
                      (reverse("plan_evaluation_list"), _l("Plan evaluations"))]}


def _plan_column():
    return Column("plan", _l("Emergency plan"), link="plan", export_path="plan.name")


def _version_detail(request, version, view):
    return {"files": attachments.for_object(version), "file_form": forms.VersionFileForm(),
            "can_attach": policy.can(request.user, "attach", version) and services.owner_side(version.plan,
                                                                                               request.user)}


VERSIONS = Surface(
    model=PlanVersion, prefix="plan_version", title=_l("Plan document versions"),
    singular=_l("Plan document version"), export_name="plan-versions",
    subtitle=_l("Each version of a plan's document, with its file and what changed."),
    filterset=filters.PlanVersionFilterSet,
    queryset=lambda: PlanVersion.objects.select_related("plan", "created_by"),
    list_context=_links,
    columns=[
        _plan_column(), Column("number", _l("Version number")), Column("change_note", _l("Change note")),
        Column("created_by", _l("Recorded by"), export_path="created_by.username"),
        Column("created_at", _l("Recorded")), Region(table=False),
    ],
    detail_template="preparedness/plan_version_detail.html", detail_context=_version_detail,
)


def _experts(review) -> str:
    return "、".join(o.expert.name for o in review.opinions.all())


def _review_detail(request, review, view):
    return {"opinions": review.opinions.select_related("expert")}


REVIEWS = Surface(
    model=PlanReview, prefix="plan_review", title=_l("Plan reviews"), singular=_l("Plan review"),
    export_name="plan-reviews",
    subtitle=_l("Expert reviews (评审) of plan documents, each expert's opinion and the conclusion."),
    filterset=filters.PlanReviewFilterSet, form=forms.PlanReviewForm, create=services.record_review,
    create_title=_l("Record an expert review"),
    queryset=lambda: PlanReview.objects.select_related("plan", "doc_version__plan").prefetch_related(
        "opinions__expert"),
    list_context=_links,
    columns=[
        Column("date", _l("Review date"), link="self"), _plan_column(),
        Column("doc_version", _l("Version reviewed")), Computed("experts", _l("Experts"), _experts),
        Badge("conclusion", _l("Conclusion"), ReviewConclusion), Column("summary", _l("Review summary"), table=False),
        Region(table=False),
    ],
    detail_template="preparedness/plan_review_detail.html", detail_context=_review_detail,
)


def _filing_detail(request, filing, view):
    user = request.user
    actions = [{"action": t.action, "label": t.label} for t in services.FILING_WORKFLOW.available(filing, user)]
    provided = set(filing.checklist or ())
    return {"checklist": [{**item, "provided": item["key"] in provided} for item in services.checklist_for(
                filing.plan)],
            "actions": actions, "action_form": forms.FilingActionForm() if actions else None,
            "check_due": rules.filing_check_deadline(filing.submitted_on)
            if filing.state == FilingState.SUBMITTED else None}


FILINGS = Surface(
    model=PlanFiling, prefix="plan_filing", title=_l("Plan filings"), singular=_l("Plan filing"),
    export_name="plan-filings",
    subtitle=_l("Enterprise plans filed with the bureau (备案): the checklist, the receipt number or the reason "
                "for return."),
    filterset=filters.PlanFilingFilterSet, form=forms.PlanFilingForm, create=services.submit_filing,
    create_title=_l("File a plan with the bureau"),
    queryset=lambda: PlanFiling.objects.select_related("plan", "enterprise"),
    list_context=_links,
    columns=[
        Column("submitted_on", _l("Submitted on"), link="self"), _plan_column(),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Column("doc_version", _l("Document version filed")), Badge("state", _l("State"), FilingState),
        Column("receipt_number", _l("Receipt number")), Column("handled_on", _l("Handled on"), table=False),
        Column("return_reason", _l("Reason for return"), table=False), Region(table=False),
    ],
    detail_template="preparedness/plan_filing_detail.html", detail_context=_filing_detail,
)

EVALUATIONS = Surface(
    model=PlanEvaluation, prefix="plan_evaluation", title=_l("Plan evaluations"), singular=_l("Plan evaluation"),
    export_name="plan-evaluations",
    subtitle=_l("Periodic evaluations (评估) of plans: findings and whether the plan must be revised."),
    filterset=filters.PlanEvaluationFilterSet, form=forms.PlanEvaluationForm, create=services.record_evaluation,
    create_title=_l("Record an evaluation"),
    queryset=lambda: PlanEvaluation.objects.select_related("plan"),
    list_context=_links,
    columns=[
        Column("date", _l("Evaluation date"), link="self"), _plan_column(),
        Badge("conclusion", _l("Conclusion"), EvaluationConclusion), Column("revision_due", _l("Revision due")),
        Column("findings", _l("Findings"), table=False),
        Computed("triggers", _l("Revision triggers"),
                 lambda e: "、".join(rules.REVISION_TRIGGERS.get(t, t) for t in e.triggers or ()), table=False),
        Region(table=False),
    ],
)


def plan_panel(request, plan) -> dict:
    """The life-cycle panel of a plan's page: state, deadlines, the actions the viewer may take, the versions,
    reviews, filings and evaluations (each cut to the viewer's scope)."""
    user = request.user
    today = timezone.localdate()
    actions = [{"action": t.action, "label": t.label} for t in services.available_actions(plan, user)]
    evaluation_due = services.evaluation_due(plan) if plan.state in services.IN_FORCE_STATES else None
    keeper = services.owner_side(plan, user) and bool(user.role_keys & services.OWNER_ROLES)
    return {
        "plan": plan, "actions": actions, "action_form": forms.PlanActionForm() if actions else None,
        "evaluation_due": evaluation_due, "evaluation_overdue": bool(evaluation_due and evaluation_due < today),
        "filing_due": services.filing_due(plan) if plan.state == PlanState.PUBLISHED else None,
        "revision_due": services.revision_due(plan),
        "versions": PlanVersion.objects.filter(policy.scope_q(user, PlanVersion), plan=plan),
        "reviews": PlanReview.objects.filter(policy.scope_q(user, PlanReview), plan=plan),
        "filings": PlanFiling.objects.filter(policy.scope_q(user, PlanFiling), plan=plan),
        "evaluations": PlanEvaluation.objects.filter(policy.scope_q(user, PlanEvaluation), plan=plan),
        "can_add_version": keeper and plan.state in (PlanState.DRAFTING, PlanState.REVISION),
        "can_review": keeper and plan.state == PlanState.REVIEW,
        "can_evaluate": keeper and plan.state == PlanState.EVALUATION,
        "can_file": (keeper and bool(user.enterprise_id) and plan.state == PlanState.PUBLISHED
                     and plan.enterprise_id is not None),
    }


def register_all() -> None:
    register(VERSIONS, REVIEWS, FILINGS, EVALUATIONS)

"""The declared surfaces of supervision and enforcement: the powers list, the officers and the draws, rendered by
core's generic pages and API (``core.generic``, ``core.crud``). A draw's page is bespoke (its pairs and how to
re-run it)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, When, register

from . import filters, forms, services
from .choices import CertificateStatus, PowerKind
from .models import EnforcementItem, Officer, RandomDraw


def _with_training_days():
    year = timezone.localdate().year
    return (Officer.objects.select_related("organisation", "user")
            .annotate(days_this_year=Sum("training__days", filter=Q(training__date__year=year)))
            .order_by("name", "id"))  # an aggregate's GROUP BY drops Meta.ordering


def _days(officer) -> Decimal:
    return officer.training_days()


ITEMS = Surface(
    model=EnforcementItem, prefix="power", title=_l("Powers list"), singular=_l("Enforcement item"),
    export_name="powers-list",
    subtitle=_l("The bureau's penalty, coercion and inspection powers with their legal basis and discretion "
                "benchmarks; an adjusted item gets a new version and cases keep theirs."),
    filterset=filters.EnforcementItemFilterSet,
    columns=[
        Column("code", _l("Code"), link="self"), Column("version", _l("Version")),
        Badge("kind", _l("Kind"), PowerKind), Column("name", pgettext_lazy("power", "Name")),
        Column("basis", _l("Legal basis")), Column("in_force", _l("In force")),
        Column("effective_from", _l("Effective from"), table=False),
        Computed("acts_text", _l("Acts covered"), lambda item: "；".join(item.acts or []), table=False),
        Column("source", _l("Source"), table=False), Column("verified", _l("Verified against the legal text"),
                                                             table=False),
    ],
    detail_template="enforcement/item_detail.html",
    detail_context=lambda request, item, view: {"tiers": services.tier_rows(item),
                                                "discretion": services.discretion_rows(item),
                                                "note": services.note_text(item)},
)

OFFICERS = Surface(
    model=Officer, prefix="officer", title=_l("Enforcement officers"), singular=_l("Enforcement officer"),
    export_name="enforcement-officers",
    subtitle=_l("Certified law-enforcement officers, their certificates and this year's training days (at least "
                "ten a year)."),
    filterset=filters.OfficerFilterSet, form=forms.OfficerForm, queryset=_with_training_days,
    create=services.create_officer, update=services.update_officer,
    create_title=_l("New enforcement officer"), edit_title=_l("Edit enforcement officer"),
    columns=[
        Column("name", pgettext_lazy("person", "Name"), link="self"), Region(label=_l("Jurisdiction")),
        Column("organisation", pgettext_lazy("organisation", "Unit"), export_path="organisation.name"),
        Column("certificate_no", _l("Certificate number")), Column("certificate_expires", _l("Certificate expires")),
        Badge("certificate_badge", _l("Certificate"), CertificateStatus),
        Computed("training_days_text", _l("Training days this year"), _days),
        Computed("training_owed", _l("Training days owed"), lambda o: o.training_shortfall),
        Column("is_active", _l("Active"), table=False),
    ],
    detail_template="enforcement/officer_detail.html",
    detail_context=lambda request, officer, view: {
        "training": officer.training.all()[:50], "recusals": officer.recusals.select_related("enterprise"),
        "can_change": policy.can(request.user, "change", Officer),
        "training_form": forms.TrainingForm(user=request.user)},
)

DRAWS = Surface(
    model=RandomDraw, prefix="draw", title=_l("Random draws"), singular=_l("Random draw"),
    export_name="random-draws",
    subtitle=_l("双随机: enterprises and officers drawn at random, reproducible from the published seed."),
    filterset=filters.RandomDrawFilterSet, queryset=lambda: RandomDraw.objects.select_related("created_by"),
    list_context=lambda request: {"links": [(reverse("public_draw_list"), _l("Public page"))]},
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Region(label=_l("Drawn for")),
        Column("count", _l("Enterprises drawn")), Column("per_enterprise", _l("Officers per enterprise")),
        Column("seed", _l("Seed"), table=False), Column("input_digest", _l("Input digest"), table=False),
        Column("created_by", _l("Drawn by")), When("created_at", _l("Drawn at")),
    ],
    detail_page=True,
)


# --- documents and penalty cases -----------------------------------------------------------------------------------

from .choices import Adjustment, CaseExtension, CaseSource, CaseState, Circumstance, DocumentKind, PartyKind  # noqa: E402,E501
from .models import EnforcementDocument, PenaltyCase  # noqa: E402


def _document_detail(request, document, view) -> dict:
    from .services import documents as document_services

    return {"rows": document_services.body_rows(document),
            "corrections": document.corrections.order_by("issued_at", "id"),
            "receipts": document.receipts.order_by("issued_at", "id"),
            "pdf_url": reverse("document_pdf", args=[document.pk])}


def _document_status(document) -> str:
    return str(_l("Corrected")) if document.is_superseded else str(_l("In force"))


DOCUMENTS = Surface(
    model=EnforcementDocument, prefix="document", title=_l("Enforcement documents"),
    singular=_l("Enforcement document"), export_name="enforcement-documents",
    subtitle=_l("Documents issued to enterprises, numbered per series and year; an issued document is never "
                "changed: a correction is a new document."),
    filterset=filters.EnforcementDocumentFilterSet,
    queryset=lambda: (EnforcementDocument.objects.select_related("enterprise", "case", "corrects", "serves")
                      .annotate(n_corrections=Count("corrections")).order_by("-issued_at", "-id")),
    columns=[
        Column("number", _l("Document number"), link="self"), Badge("kind", _l("Kind"), DocumentKind),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Region(), Column("case", _l("Penalty case"), link="case", table=False, export_path="case.title"),
        Column("corrects", _l("Corrects"), link="corrects", table=False, export_path="corrects.number"),
        Column("serves", _l("Service of"), link="serves", table=False, export_path="serves.number"),
        When("issued_at", _l("Issued")), Column("issued_by_name", pgettext_lazy("document", "Issued by")),
        Computed("status", pgettext_lazy("document", "Status"), _document_status),
    ],
    detail_template="enforcement/document_detail.html", detail_context=_document_detail,
)


def _case_detail(request, case, view) -> dict:
    from . import forms as case_forms
    from .services import cases as case_services

    overdue, soon = case_services.deadline_status(case)
    return {
        "case": case, "actions": case_services.available_actions(case, request.user),
        "action_form": case_forms.CaseActionForm(), "action_fields": case_forms.CaseActionForm.ACTION_FIELDS,
        "documents": case.documents.order_by("issued_at", "id"), "events": case.events.order_by("time", "id"),
        "officers": case.officers.order_by("name"),
        "hearing": case.hearing_right(), "legal_review": case.legal_review(),
        "discussion": case.collective_discussion(), "overdue": overdue, "soon": soon,
        # The time limits running in the case's stage (a past one is on the timeline).
        "deadlines": [(name, label, getattr(case, column)) for name, (column, states, label)
                      in case_services.DEADLINES.items() if getattr(case, column) and case.state in states
                      and not (name == "disclosure" and case.published_at)],
        "can_extend": case.state in CaseState.UNDECIDED and bool(request.user.role_keys & {"admin", "section_staff"}),
        "can_publish": (case.state in CaseState.PUBLISHABLE and case.published_at is None
                        and policy.can(request.user, "change", PenaltyCase)),
        "extensions": [(v, lbl) for v, lbl in CaseExtension.choices() if v != CaseExtension.NONE],
        # The facts and the proposed penalty are fixed once the party is told.
        **({} if case.state in case_services.EDITABLE_STATES else {"edit_url": ""}),
    }


def _fine_range(case) -> str:
    if case.proposed_low is None:
        return ""
    return f"{case.proposed_low}–{case.proposed_high}"


CASES = Surface(
    model=PenaltyCase, prefix="case", title=_l("Penalty cases"), singular=_l("Penalty case"),
    export_name="penalty-cases",
    subtitle=_l("Administrative penalty cases from filing to closing, each step checked, with its documents and "
                "time limits."),
    filterset=filters.PenaltyCaseFilterSet, form=forms.PenaltyCaseForm,
    create=lambda user, data: services.open_case(user, data),
    update=lambda user, case, data: services.update_case(user, case, data),
    create_title=_l("New penalty case"), edit_title=_l("Edit penalty case"),
    queryset=lambda: PenaltyCase.objects.select_related("enterprise", "item", "legal_reviewer"),
    list_context=lambda request: {"links": [(reverse("public_penalty_list"), _l("Public page"))]},
    columns=[
        Column("title", _l("Cause of action"), link="self"),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Column("party_name", _l("Party's name"), table=False),
        Badge("party_kind", _l("Party"), PartyKind, table=False),
        Region(), Badge("source", _l("Source"), CaseSource), Column("source_reference", _l("Source reference"),
                                                                    table=False),
        Computed("item_text", _l("Enforcement item"), lambda c: f"{c.item_code} v{c.item_version} {c.item.name}",
                 table=False),
        Badge("state", _l("State"), CaseState), Column("discovered_on", _l("Discovered on"), table=False),
        Column("filed_on", _l("Filed on")), Column("decision_due", _l("Decide by")),
        Badge("circumstance", _l("Circumstance"), Circumstance, table=False),
        Badge("adjustment", _l("Adjustment"), Adjustment, table=False),
        Computed("legal_range", _l("Legal range (CNY)"),
                 lambda c: f"{c.legal_min or 0}–{c.legal_max}" if c.legal_max is not None else "", table=False),
        Computed("benchmark", _l("Benchmark range (CNY)"), _fine_range, table=False),
        Column("fine", _l("Fine (CNY)")),
        Column("fine_reason", _l("Reason for departing from the benchmark"), table=False),
        Column("facts", _l("Facts"), table=False), Column("evidence", _l("Evidence"), table=False),
        Column("legal_reviewer", _l("Legal reviewer"), table=False),
        Column("legal_review_opinion", _l("Legal review opinion"), table=False),
        Column("notified_on", _l("Notified on"), table=False), Column("statement_due", _l("Statements until"),
                                                                      table=False),
        Column("hearing_request_due", _l("A hearing may be requested until"), table=False),
        Column("hearing_report", _l("Hearing report"), table=False),
        Column("statements", _l("Party's statements and defence"), table=False),
        Column("discussion_record", _l("Collective discussion record"), table=False),
        Column("decided_on", _l("Decided on"), table=False), Column("served_on", _l("Served on"), table=False),
        Column("payment_due", _l("Pay by"), table=False), Column("paid_on", _l("Paid on"), table=False),
        Column("surcharge", _l("Late-payment surcharge (CNY)"), table=False),
        When("published_at", _l("Published"), table=False), Column("closed_on", _l("Closed on"), table=False),
        Column("end_reason", _l("Reason"), table=False),
        Computed("overdue_text", pgettext_lazy("deadline", "Overdue"),
                 lambda c: "、".join(str(services.DEADLINES[n][2]) for n in c.overdue or []
                                    if n in services.DEADLINES)),
    ],
    detail_template="enforcement/case_detail.html", detail_context=_case_detail,
)


def register_all() -> None:
    register(ITEMS, OFFICERS, DRAWS, DOCUMENTS, CASES)


# --- annual plan, campaigns and supervision orders -----------------------------------------------------------

from yingji.core.surfaces import ChoiceList  # noqa: E402

from .choices import (  # noqa: E402
    CampaignKind,
    CampaignSector,
    OrderKind,
    OrderState,
    PlanState,
    SupervisionClassChoice,
    TaskState,
)
from .models import (  # noqa: E402
    AnnualInspectionPlan,
    Campaign,
    CampaignTask,
    PlanItem,
    SupervisionClass,
    SupervisionOrder,
)
from .services import campaigns as campaign_services  # noqa: E402
from .services import plans as plan_services  # noqa: E402


def _inputs_text(record: SupervisionClass) -> str:
    inputs = record.inputs or {}
    parts = []
    if inputs.get("major_hazard_level"):
        parts.append(_l("Major hazard source level %(n)s") % {"n": inputs["major_hazard_level"]})
    if inputs.get("risk_colour"):
        parts.append(str(_l("Highest risk %(colour)s")) % {"colour": _colour(inputs["risk_colour"])})
    if inputs.get("sectors"):
        parts.append("、".join(str(CampaignSector.label(s)) for s in inputs["sectors"]))
    for key, label in (("accidents", _l("accidents")), ("major_hazards", _l("major hazards")),
                       ("penalties", _l("penalties"))):
        parts.append(f"{label} {inputs.get(key, 0)}")
    return "；".join(str(p) for p in parts)


def _colour(value: str) -> str:
    from yingji.prevention.choices import RiskColour

    return str(RiskColour.label(value))


CLASSES = Surface(
    model=SupervisionClass, prefix="supervision_class", title=_l("Supervision classes"),
    singular=_l("Supervision class"), export_name="supervision-classes",
    subtitle=_l("分类分级: each enterprise's class for the year, computed from its risk colour, major hazard "
                "sources, sector and record; section staff may set another class with a written reason."),
    filterset=filters.SupervisionClassFilterSet, form=forms.ClassOverrideForm, update=plan_services.override_class,
    edit_title=_l("Set the supervision class"),
    queryset=lambda: SupervisionClass.objects.select_related("enterprise", "overridden_by"),
    columns=[
        # The first cell leads to the class's own page (where staff set it); the enterprise is linked from there.
        Column("enterprise", _l("Enterprise"), export_path="enterprise.name", detail=False),
        Column("enterprise", _l("Enterprise"), link="enterprise", table=False, export=False),
        Column("year", _l("Year")), Region(),
        Badge("supervision_class", _l("Supervision class"), SupervisionClassChoice),
        Badge("computed_class", _l("Computed class"), SupervisionClassChoice),
        Computed("reason_text", _l("Reason"), lambda r: r.reason),
        Computed("inputs_text", _l("What the grading read"), _inputs_text, table=False),
        Column("computed_reason", _l("Reason for the computed class"), table=False),
        Column("overridden_by", _l("Changed by")), When("overridden_at", _l("Changed"), table=False),
    ],
)

PLANS = Surface(
    model=AnnualInspectionPlan, prefix="inspection_plan", title=_l("Annual inspection plans"),
    singular=_l("Annual inspection plan"), export_name="inspection-plans",
    subtitle=_l("年度监督检查计划: each enterprise's class and visits by month; planned against done by township."),
    filterset=filters.InspectionPlanFilterSet,
    queryset=lambda: AnnualInspectionPlan.objects.select_related("created_by", "approved_by"),
    list_context=lambda request: {"links": [(reverse("supervision_class_list"), _l("Supervision classes"))]},
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Column("year", _l("Year")),
        Region(label=_l("Covers")), Badge("state", _l("State"), PlanState), Column("created_by", _l("Drawn up by")),
        Column("approved_by", _l("Approved by")), When("approved_at", _l("Approved")),
        When("published_at", _l("Published")),
    ],
    detail_page=True,
)


def _months(item: PlanItem) -> str:
    key = "、".join(f"{m}月" for m in item.key_months)
    drawn = "、".join(f"{m}月" for m in item.random_months)
    parts = [(_l("Key inspections"), key), (_l("Random inspections"), drawn)]
    return "；".join(f"{label}：{months}" for label, months in parts if months)


PLAN_ITEMS = Surface(
    model=PlanItem, prefix="plan_item", title=_l("Plan items"), singular=_l("Plan item"),
    export_name="inspection-plan-items",
    subtitle=_l("The enterprises of the annual plans with their class and planned months."),
    filterset=filters.PlanItemFilterSet,
    queryset=lambda: PlanItem.objects.select_related("plan", "enterprise"),
    detail_page=False, row_url=lambda item: reverse("inspection_plan_detail", args=[item.plan_id]),
    columns=[
        Column("plan", _l("Plan"), export_path="plan.title"),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Region(label=_l("Responsible township")),
        Badge("supervision_class", _l("Supervision class"), SupervisionClassChoice),
        Column("key_visits", _l("Key inspections")), Column("random_visits", _l("Random inspections")),
        Computed("months_text", _l("Planned months"), _months),
    ],
)


def _townships_text(campaign: Campaign) -> str:
    from yingji.core.regions import region_path

    return "、".join(region_path(code).split(" / ")[-1] for code in campaign.townships) or str(_l("Whole county"))


def _campaign_detail(request, campaign, view):
    from . import views_plans

    return views_plans.campaign_detail_context(request, campaign)


CAMPAIGNS = Surface(
    model=Campaign, prefix="campaign", title=_l("Campaigns"), singular=_l("Campaign"), export_name="campaigns",
    subtitle=_l("专项整治 and 安全生产大检查: scope, tasks to townships and departments, progress reports by deadline "
                "and the findings rolled up."),
    filterset=filters.CampaignFilterSet, form=forms.CampaignForm, create=campaign_services.create_campaign,
    update=campaign_services.update_campaign, create_title=_l("New campaign"), edit_title=_l("Edit campaign"),
    queryset=lambda: Campaign.objects.select_related("lead_org", "created_by"),
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Badge("kind", _l("Kind"), CampaignKind),
        Column("basis", _l("Basis document")), Column("starts_on", _l("Starts")), Column("ends_on", _l("Ends")),
        ChoiceList("industries", _l("Sectors"), CampaignSector),
        Computed("townships_text", _l("Townships"), _townships_text),
        Column("lead_org", _l("Lead unit"), export_path="lead_org.name"),
        Column("description", _l("Aims and requirements"), table=False),
    ],
    detail_template="enforcement/campaign_detail.html", detail_context=_campaign_detail,
)


def _deadlines_text(task: CampaignTask) -> str:
    return "、".join(task.deadlines)


def _task_detail(request, task, view):
    from . import views_plans

    return views_plans.task_detail_context(request, task)


TASKS = Surface(
    model=CampaignTask, prefix="campaign_task", title=_l("Campaign tasks"), singular=_l("Campaign task"),
    export_name="campaign-tasks",
    subtitle=_l("Tasks of the campaigns for townships and departments, with their report deadlines."),
    filterset=filters.CampaignTaskFilterSet,
    queryset=lambda: CampaignTask.objects.select_related("campaign", "organisation"),
    columns=[
        Computed("assignee", _l("Assignee"), lambda t: t.assignee_name),
        Column("campaign", _l("Campaign"), link="campaign", export_path="campaign.title"),
        Column("content", _l("Task")), Computed("deadlines_text", _l("Report deadlines"), _deadlines_text),
        Column("due_on", _l("Next report due")), Badge("state", _l("State"), TaskState),
        Region(table=False),
    ],
    detail_template="enforcement/campaign_task_detail.html", detail_context=_task_detail,
)


def _order_detail(request, order, view):
    from . import views_plans

    return views_plans.order_detail_context(request, order)


ORDERS = Surface(
    model=SupervisionOrder, prefix="supervision_order", title=_l("Supervision orders"),
    singular=_l("Supervision order"), export_name="supervision-orders",
    subtitle=_l("交办单 and 督办单: a matter for a township or department with a deadline, the reply and its "
                "verification; overdue orders are escalated."),
    filterset=filters.SupervisionOrderFilterSet,
    queryset=lambda: SupervisionOrder.objects.select_related("organisation", "hazard", "enterprise", "issued_by"),
    columns=[
        Column("number", _l("Number"), link="self"), Badge("kind", _l("Kind"), OrderKind),
        Column("title", pgettext_lazy("heading", "Title")),
        Computed("assignee", _l("Assignee"), lambda o: o.assignee_name),
        When("deadline", _l("Deadline")), Badge("state", _l("State"), OrderState),
        Column("escalation_level", _l("Overdue escalation level")),
        Column("hazard", _l("Hazard"), link="hazard", export_path="hazard.title", table=False),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name", table=False),
        Column("matter", _l("Matter"), table=False),
        Column("issued_by", pgettext_lazy("order", "Issued by"), table=False),
        When("issued_at", pgettext_lazy("order", "Issued at"), table=False), Column("reply", _l("Reply"), table=False),
        When("replied_at", _l("Replied"), table=False),
        Column("verification", _l("Verification opinion"), table=False),
    ],
    detail_template="enforcement/order_detail.html", detail_context=_order_detail,
)


def register_plans() -> None:
    register(CLASSES, PLANS, PLAN_ITEMS, CAMPAIGNS, TASKS, ORDERS)


# --- inspections -----------------------------------------------------------------------------------------------

from django.utils.translation import gettext  # noqa: E402

from yingji.core import attachments  # noqa: E402
from yingji.core.surfaces import url_for  # noqa: E402

from .choices import ExamAudience, FindingResult, InspectionOrigin, InspectionState, SignerRole  # noqa: E402
from .models import Inspection  # noqa: E402


def _finding_count(**conditions):
    """The inspection's findings (meeting ``conditions``) counted by a correlated subquery: a join with GROUP BY
    made the database group every inspection, wide rows and all, before the page's LIMIT (235 ms for 50 rows)."""
    from .models import InspectionFinding

    return Coalesce(Subquery(InspectionFinding.objects.filter(inspection=OuterRef("pk"), **conditions).order_by()
                             .values("inspection").annotate(n=Count("pk")).values("n")), 0)


def _inspections():
    return (Inspection.objects.select_related("enterprise", "random_draw", "exam")
            .defer("random_draw__enterprise_pool")  # the draw's whole pool: not shown in a list
            .annotate(finding_count=_finding_count(),
                      non_compliant_count=_finding_count(result=FindingResult.NON_COMPLIANT),
                      hazard_count=_finding_count(hazard__isnull=False))
            .order_by("-planned_on", "-id"))


def _exam_text(inspection) -> str:
    exam = getattr(inspection, "exam", None)
    if exam is None:
        return ""
    verdict = _l("passed") if exam.passed else _l("failed")
    return f"{exam.score} ({verdict})"


def _inspection_detail(request, inspection, view) -> dict:
    user = request.user
    files = {a.pk: a for a in attachments.for_object(inspection)}
    findings = list(inspection.findings.prefetch_related("photos").select_related("hazard"))
    for finding in findings:
        finding.hazard_url = url_for(finding.hazard, user) if finding.hazard_id else ""
    # The officers' signatures first, then the enterprise's representative.
    signatures = sorted(inspection.signatures.select_related("image"), key=lambda s: s.role != SignerRole.OFFICER)
    exam = getattr(inspection, "exam", None)
    exam_rows = []
    if exam is not None:
        paper = {q.id: q for q in services.exam_paper(inspection, exam.audience).questions}
        for qid in exam.questions:
            question = paper.get(qid)
            given = exam.answers.get(qid)
            if isinstance(given, bool):
                given = gettext("True") if given else gettext("False")
            elif isinstance(given, str):
                given = "、".join(given)
            exam_rows.append({"id": qid, "text": question.text if question else qid,
                              "given": "—" if given in (None, "") else given,
                              "right": qid not in exam.wrong and given not in (None, "")})
    return {
        "inspection": inspection, "findings": findings, "signatures": signatures, "exam": exam,
        "exam_rows": exam_rows, "exam_audience": ExamAudience.label(exam.audience) if exam else "",
        "events": inspection.events.select_related("actor"),
        "files": list(files.values()),
        "actions": [{"action": t.action, "label": t.label, "needs_reason": t.action == "cancel"}
                    for t in services.INSPECTION_WORKFLOW.available(inspection, user)
                    if t.action in ("close", "cancel", "start")],
        "can_fill": inspection.state in InspectionState.OPEN and policy.can(user, "change", Inspection)
        and services.may_act(inspection, user),
        "documents": services.issued_documents(inspection, user),
        "can_issue": inspection.state in (InspectionState.RECORDED, InspectionState.CLOSED)
        and services.may_issue_documents(user) and policy.sees(user, inspection)
        and not inspection.documents.filter(kind=DocumentKind.SITE_INSPECTION_RECORD).exists(),
        "missing": services.record_problems(inspection) if inspection.state == InspectionState.IN_PROGRESS else {},
    }


INSPECTIONS = Surface(
    model=Inspection, prefix="inspection", title=_l("Inspections"),
    singular=pgettext_lazy("enforcement", "Inspection"),
    export_name="inspections",
    subtitle=_l("On-site inspections of enterprises: checklist results, photos, signatures, the on-site exam and "
                "the hazards they found."),
    # Planned through its own page (``views_inspections.inspection_create``): an inspection has no edit page, it
    # changes only through its workflow and the field record.
    filterset=filters.InspectionFilterSet, queryset=_inspections, create=services.plan_inspection,
    # The checklist as filled (10 kB a record) and the exam's questions and answers: shown on the detail page only.
    list_defer=("checklist_items", "exam__questions", "exam__answers", "exam__wrong"),
    list_context=lambda request: {"links": [(reverse("inspection_field_list"), _l("Field work (phone)"))]},
    columns=[
        Column("number", pgettext_lazy("inspection", "No."), link="self"),
        Column("enterprise", _l("Enterprise"), link="enterprise", export_path="enterprise.name"),
        Region(),
        Badge("origin", _l("Origin"), InspectionOrigin),
        Column("random_draw", _l("Random draw"), link="random_draw", table=False, export_path="random_draw.title"),
        Column("planned_on", _l("Planned date")),
        Column("officer_names", pgettext_lazy("enforcement", "Officers")),
        Badge("state", _l("State"), InspectionState),
        When("started_at", _l("Started"), table=False), When("finished_at", _l("Finished"), table=False),
        Computed("checklist_text", _l("Checklist"), lambda i: f"{i.checklist_name}（{i.checklist_version}）",
                 table=False),
        Computed("findings_text", _l("Non-compliant items"),
                 lambda i: f"{i.non_compliant_count} / {i.finding_count}" if i.finding_count else ""),
        Computed("hazards_text", _l("Hazards"), lambda i: i.hazard_count or ""),
        Computed("exam_text", _l("On-site exam"), _exam_text),
        Column("summary", _l("Purpose and notes"), table=False),
    ],
    detail_template="enforcement/inspection_detail.html", detail_context=_inspection_detail,
)


def register_inspections() -> None:
    register(INSPECTIONS)

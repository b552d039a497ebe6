"""The declared surfaces of supervision and enforcement: the powers list, the officers and the draws, rendered by
core's generic pages and API (``core.generic``, ``core.crud``). A draw's page is bespoke (its pairs and how to
re-run it)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Q, Sum
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
            .annotate(days_this_year=Sum("training__days", filter=Q(training__date__year=year))))


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


def register_all() -> None:
    register(ITEMS, OFFICERS, DRAWS)


# --- inspections -----------------------------------------------------------------------------------------------

from django.db.models import Count  # noqa: E402  (this area's section)
from django.utils.translation import gettext  # noqa: E402

from yingji.core import attachments  # noqa: E402
from yingji.core.surfaces import url_for  # noqa: E402

from .choices import ExamAudience, FindingResult, InspectionOrigin, InspectionState, SignerRole  # noqa: E402
from .models import Inspection  # noqa: E402


def _inspections():
    return (Inspection.objects.select_related("enterprise", "random_draw", "exam")
            .annotate(finding_count=Count("findings", distinct=True),
                      non_compliant_count=Count("findings", filter=Q(findings__result=FindingResult.NON_COMPLIANT),
                                                distinct=True),
                      hazard_count=Count("findings", filter=Q(findings__hazard__isnull=False), distinct=True))
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

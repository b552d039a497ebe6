"""The declared surfaces of supervision and enforcement: the powers list, the officers and the draws, rendered by
core's generic pages and API (``core.generic``, ``core.crud``). A draw's page is bespoke (its pairs and how to
re-run it)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, Sum
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

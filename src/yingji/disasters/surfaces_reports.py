"""Declared surfaces of disaster reporting: events, reports, the county relief plan's thresholds."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.surfaces import EMPTY, Badge, Column, Computed, Phone, Region, Surface, View, When, _Computed, register
from yingji.standards import relief as relief_rules

from . import filters_reports as filters
from . import forms_reports as forms
from .choices_reports import CasualtyKind, HazardKind, PlanIndicator, ReliefLevel, ReportStage, ReportState
from .models import Casualty, DisasterEvent, DisasterReport, ReliefThreshold
from .services import reports as services


def _event_detail(request, event, view) -> dict:
    can_end = event.ended_at is None and policy.can(request.user, "change", event)
    now = timezone.localtime().replace(second=0, microsecond=0)
    return {**services.event_detail_context(request, event, view),
            "end_form": forms.EndEventForm(initial={"ended_at": now}) if can_end else None,
            "quick_url": reverse("disaster_quick_report", args=[event.pk])
            if event.ended_at is None and policy.can(request.user, "add", DisasterReport) else ""}


EVENTS = Surface(
    model=DisasterEvent, prefix="disaster_event", title=_l("Disaster events"), singular=_l("Disaster event"),
    export_name="disaster-events",
    subtitle=_l("Natural disasters being counted: initial, follow-up and verified reports from villages up, "
                "with their deadlines and the relief response level they reach."),
    filterset=filters.DisasterEventFilterSet, form=forms.DisasterEventForm, create=services.open_event,
    create_title=_l("Open a disaster event"),
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Region(label=_l("Area")),
        Badge("hazard", _l("Disaster type"), HazardKind), When("started_at", _l("Disaster began")),
        When("ended_at", _l("Disaster stable")), Column("major", _l("Major disaster (daily follow-up)")),
        Badge("relief_level", _l("Relief response level"), ReliefLevel),
    ],
    list_context=lambda request: {"links": [(reverse("disaster_report_list"), _l("Disaster reports")),
                                            (reverse("casualty_list"), _l("Casualty list"))]},
    detail_template="disasters/event_detail.html",
    detail_context=_event_detail,
)

REPORTS = Surface(
    model=DisasterReport, prefix="disaster_report", title=_l("Disaster reports"), singular=_l("Disaster report"),
    export_name="disaster-reports",
    subtitle=_l("Reports of the natural-disaster statistics system by village, township and county."),
    filterset=filters.DisasterReportFilterSet,
    queryset=lambda: DisasterReport.objects.select_related("event", "submitted_by"),
    columns=[
        Column("event", _l("Disaster event"), link="self", export_path="event.title"),
        Region(label=_l("Reporting area")), Badge("stage", _l("Stage"), ReportStage),
        Column("seq", _l("Number")), Badge("state", _l("State"), ReportState), When("as_of", _l("Figures as at")),
        When("due_at", _l("Due")), When("submitted_at", pgettext_lazy("disaster report time", "Submitted")),
        Computed("affected_text", _l("People affected"), lambda r: (r.figures or {}).get("affected_people", 0)),
        Computed("dead_text", _l("Dead and missing"),
                 lambda r: (r.figures or {}).get("deaths", 0) + (r.figures or {}).get("missing", 0)),
        Computed("loss_text", _l("Direct loss (10k CNY)"), lambda r: (r.figures or {}).get("loss_total", "0")),
    ],
)

THRESHOLDS = Surface(
    model=ReliefThreshold, prefix="relief_threshold", title=_l("Relief plan thresholds"),
    singular=_l("Relief plan threshold"), export_name="relief-plan-thresholds",
    subtitle=_l("Start conditions of the county disaster relief plan: a level starts when any one indicator "
                "reaches its threshold. Seeded from an unverified example; replace with the plan's own figures."),
    filterset=filters.ReliefThresholdFilterSet, form=forms.ReliefThresholdForm,
    create=services.create_threshold, update=services.update_threshold,
    create_title=_l("New relief plan threshold"), edit_title=_l("Edit relief plan threshold"),
    columns=[
        Badge("level", _l("Response level"), ReliefLevel, link="self"),
        Badge("indicator", _l("Indicator"), PlanIndicator), Column("minimum", _l("Threshold (at least)")),
        Column("source", _l("Source")), Column("verified", _l("Verified against the plan")),
    ],
)


class PersonName(Phone):
    """A casualty's name: full for roles granted ``view_pii`` (the page audits it), 张*明 otherwise."""

    def text(self, obj, view: View):
        value = self.value(obj)
        if not value:
            return EMPTY
        return value if view.reveal else relief_rules.mask_name(value)

    def html(self, obj, view: View):
        return self.text(obj, view)

    def export_columns(self, view: View):
        if not self.export:
            return []
        if view.reveal:
            return [(self.name, self.export_label)]
        return [(_Computed(lambda obj: relief_rules.mask_name(self.value(obj) or "")), self.export_label)]


def _submitted(report) -> str:
    return ReportState.label(report.state)


CASUALTIES = Surface(
    model=Casualty, prefix="casualty", title=_l("Casualty list"), singular=_l("Casualty"),
    export_name="disaster-casualties",
    subtitle=_l("The dead and missing named in the disaster reports (因灾死亡失踪人口一览表); names are shown in full "
                "only to roles with personal-data rights."),
    filterset=filters.CasualtyFilterSet,
    queryset=lambda: Casualty.objects.select_related("report", "report__event"),
    detail_page=False, row_url=lambda c: reverse("disaster_report_detail", args=[c.report_id]),
    columns=[
        PersonName("name", pgettext_lazy("person", "Name")), Badge("kind", _l("Kind"), CasualtyKind),
        Column("gender", _l("Gender")), Column("age", _l("Age")), Column("cause", _l("Cause")),
        Region(label=_l("Reporting area")),
        Column("report.event", _l("Disaster event"), link="report.event", export_path="report.event.title"),
        Column("report", _l("Disaster report"), link="report", export_path="report.id"),
        Computed("report_state", _l("Report state"), lambda c: _submitted(c.report)),
    ],
)


def register_all() -> None:
    for surface in (EVENTS, REPORTS, THRESHOLDS, CASUALTIES):
        register(surface)

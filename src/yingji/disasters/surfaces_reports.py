"""Declared surfaces of disaster reporting: events, reports, the county relief plan's thresholds."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from yingji.core.surfaces import Badge, Column, Computed, Region, Surface, When, register

from . import filters_reports as filters
from . import forms_reports as forms
from .choices_reports import HazardKind, PlanIndicator, ReliefLevel, ReportStage, ReportState
from .models import DisasterEvent, DisasterReport, ReliefThreshold
from .services import reports as services

EVENTS = Surface(
    model=DisasterEvent, prefix="disaster_event", title=_l("Disaster events"), singular=_l("Disaster event"),
    export_name="disaster-events",
    subtitle=_l("Natural disasters being counted: initial, follow-up and verified reports from villages up, "
                "with their deadlines and the relief response level they reach."),
    filterset=filters.DisasterEventFilterSet,
    columns=[
        Column("title", pgettext_lazy("heading", "Title"), link="self"), Region(label=_l("Area")),
        Badge("hazard", _l("Disaster type"), HazardKind), When("started_at", _l("Disaster began")),
        When("ended_at", _l("Disaster stable")), Column("major", _l("Major disaster (daily follow-up)")),
        Badge("relief_level", _l("Relief response level"), ReliefLevel),
    ],
    detail_template="disasters/event_detail.html",
    detail_context=services.event_detail_context,
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
        When("due_at", _l("Due")), When("submitted_at", _l("Submitted")),
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


def register_all() -> None:
    for surface in (EVENTS, REPORTS, THRESHOLDS):
        register(surface)

"""Filters of the disaster reporting lists (shared by the page, the export and the API)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices_reports import CasualtyKind, ReliefLevel, ReportStage, ReportState
from .models import Casualty, DisasterEvent, DisasterReport, ReliefThreshold


class DisasterEventFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title",)
    region_code = RegionFilter()
    relief_level = django_filters.ChoiceFilter(choices=ReliefLevel.choices(), label=_("Relief response level"))

    class Meta:
        model = DisasterEvent
        fields = ["region_code", "relief_level"]


class DisasterReportFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("event__title",)
    region_code = RegionFilter()
    stage = django_filters.ChoiceFilter(choices=ReportStage.choices(), label=_("Stage"))
    state = django_filters.ChoiceFilter(choices=ReportState.choices(), label=_("State"))

    class Meta:
        model = DisasterReport
        fields = ["region_code", "stage", "state"]


class ReliefThresholdFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("indicator",)
    level = django_filters.ChoiceFilter(choices=ReliefLevel.choices(), label=_("Response level"))

    class Meta:
        model = ReliefThreshold
        fields = ["level"]


class CasualtyFilterSet(SearchFilterSet):
    # Not searchable by name: a search would tell a viewer without personal-data rights who is on the list.
    SEARCH_FIELDS = ("report__event__title",)
    region_code = RegionFilter()
    kind = django_filters.ChoiceFilter(choices=CasualtyKind.choices(), label=_("Kind"))
    event = django_filters.NumberFilter(field_name="report__event_id", label=_("Disaster event"))

    class Meta:
        model = Casualty
        fields = ["region_code", "kind", "event"]

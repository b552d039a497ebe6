"""FilterSets of the duty desk, shared by the console, the API and exports."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.filters import FilterSet, RegionFilter, SearchFilterSet
from yingji.incidents.services import InformationSource

from .choices import EntryKind, EntryState, HandoverState, Shift
from .models import DutyLogEntry, DutyShift, Handover


class DutyShiftFilterSet(FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                          label=pgettext_lazy("date range", "From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte",
                                        label=pgettext_lazy("date range", "To"))
    shift = django_filters.ChoiceFilter(choices=Shift.choices(), label=_("Shift"))

    class Meta:
        model = DutyShift
        fields = []


class DutyLogFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("content", "caller_name")
    state = django_filters.ChoiceFilter(choices=EntryState.choices(), label=_("State"))
    kind = django_filters.ChoiceFilter(choices=EntryKind.choices(), label=_("Kind"))
    source = django_filters.ChoiceFilter(choices=InformationSource.choices(), label=_("Source"))
    since = django_filters.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte", label=_("Since"))

    class Meta:
        model = DutyLogEntry
        fields = []


class HandoverFilterSet(FilterSet):
    region_code = RegionFilter()
    state = django_filters.ChoiceFilter(choices=HandoverState.choices(), label=_("State"))
    date_from = django_filters.DateFilter(field_name="handed_over_at", lookup_expr="date__gte",
                                          label=pgettext_lazy("date range", "From"))
    date_to = django_filters.DateFilter(field_name="handed_over_at", lookup_expr="date__lte",
                                        label=pgettext_lazy("date range", "To"))

    class Meta:
        model = Handover
        fields = []

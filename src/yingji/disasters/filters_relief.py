"""Filters of the relief lists (pages, exports and the API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices_relief import ApplicationState, ReliefKind
from .models.relief import ReliefApplication, ReliefDisbursement, ReliefStandard


class ReliefStandardFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("source", "unit")
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=2100)
    kind = django_filters.ChoiceFilter(label=_("Relief kind"), choices=ReliefKind.choices())

    class Meta:
        model = ReliefStandard
        fields = ["year", "kind"]


class ReliefApplicationFilterSet(SearchFilterSet):
    # Names only: identity numbers are not searchable, so a masked list cannot be probed for them.
    SEARCH_FIELDS = ("head_name",)
    region_code = RegionFilter()
    event = django_filters.NumberFilter(label=_("Disaster event"), field_name="event_id")
    kind = django_filters.ChoiceFilter(label=_("Relief kind"), choices=ReliefKind.choices())
    state = django_filters.ChoiceFilter(label=_("State"), choices=ApplicationState.choices())

    class Meta:
        model = ReliefApplication
        fields = ["region_code", "event", "kind", "state"]


class ReliefDisbursementFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("application__head_name",)
    region_code = RegionFilter()
    event = django_filters.NumberFilter(label=_("Disaster event"), field_name="event_id")
    kind = django_filters.ChoiceFilter(label=_("Relief kind"), choices=ReliefKind.choices())

    class Meta:
        model = ReliefDisbursement
        fields = ["region_code", "event", "kind"]

"""Filters of the pre-flood check lists (pages, exports and the API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .flood_check_choices import CheckResult
from .models.flood_checks import FloodCheckRecord, FloodCheckRound


class FloodCheckRoundFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "basis")
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=2100)

    class Meta:
        model = FloodCheckRound
        fields = ["year"]


class FloodCheckRecordFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("place__name", "checked_by_unit", "checkers")
    region_code = RegionFilter()
    round = django_filters.NumberFilter(label=_("Check round"), field_name="round_id")
    result = django_filters.ChoiceFilter(label=_("Result"), choices=CheckResult.choices())
    place = django_filters.NumberFilter(label=_("Place"), field_name="place_id")

    class Meta:
        model = FloodCheckRecord
        fields = ["region_code", "round", "result", "place"]

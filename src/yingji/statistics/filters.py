"""Filters of the entered historical figures (page, export and API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices import Indicator
from .models import HistoricalFigure


class HistoricalFigureFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("source",)
    region_code = RegionFilter()
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=2100)
    indicator = django_filters.ChoiceFilter(label=_("Indicator"), choices=Indicator.choices())

    class Meta:
        model = HistoricalFigure
        fields = ["region_code", "year", "indicator"]

"""Filters of the danger-zone lists (pages, exports and the API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .models.zones import DangerZone, Household, Transfer
from .zone_choices import HouseholdState, TransferState, ZoneKind


class DangerZoneFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "responsible_name")
    region_code = RegionFilter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ZoneKind.choices())
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = DangerZone
        fields = ["region_code", "kind", "is_active"]


class HouseholdFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("head_name", "address")
    region_code = RegionFilter()
    zone = django_filters.NumberFilter(label=_("Danger zone"), field_name="zone_id")

    class Meta:
        model = Household
        fields = ["region_code", "zone"]


class TransferFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("zone__name", "warning__headline")
    region_code = RegionFilter()
    state = django_filters.ChoiceFilter(label=_("State"), choices=TransferState.choices())
    warning = django_filters.NumberFilter(label=_("Warning"), field_name="warning_id")

    class Meta:
        model = Transfer
        fields = ["region_code", "state", "warning"]


__all__ = ["DangerZoneFilterSet", "HouseholdFilterSet", "TransferFilterSet", "HouseholdState"]

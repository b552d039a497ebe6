"""Filters of the risk census lists (pages, exports and the API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices_census import BodyKind, CensusHazard, CensusRisk, Structure
from .models.census import CensusBody, HazardSource, RiskZone


class CensusBodyFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "census_id", "address")
    region_code = RegionFilter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=BodyKind.choices())
    structure = django_filters.ChoiceFilter(label=_("Structure"), choices=Structure.choices())
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=CensusRisk.choices())
    danger_zone = django_filters.NumberFilter(label=_("Danger zone"), field_name="danger_zone_id")

    class Meta:
        model = CensusBody
        fields = ["region_code", "kind", "structure", "risk_level", "danger_zone"]


class HazardSourceFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "census_id")
    region_code = RegionFilter()
    hazard = django_filters.ChoiceFilter(label=_("Disaster kind"), choices=CensusHazard.choices())
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=CensusRisk.choices())

    class Meta:
        model = HazardSource
        fields = ["region_code", "hazard", "risk_level"]


class RiskZoneFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "census_id")
    region_code = RegionFilter()
    hazard = django_filters.ChoiceFilter(label=_("Disaster kind"), choices=CensusHazard.choices())
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=CensusRisk.choices())

    class Meta:
        model = RiskZone
        fields = ["region_code", "hazard", "risk_level"]

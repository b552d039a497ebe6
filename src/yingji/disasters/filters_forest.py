"""Filters of the forest fire and geological hazard lists (pages, exports and the API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices_forest import CheckpointKind, FireDangerLevel, FireState, PatrolFinding, PermitState, ViolationKind
from .choices_geo import GeoHazardKind, GeoPatrolFinding, GeoPointState, GeoScale
from .models.forest import FirePermit, FireViolation, ForestArea, ForestCheckpoint, ForestFire, ForestPatrol
from .models.geo import EarthquakeReport, GeoHazardPoint, GeoPatrol


class ForestAreaFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "responsible_unit", "responsible_name")
    region_code = RegionFilter()
    danger_level = django_filters.ChoiceFilter(label=_("Fire-danger level"), choices=FireDangerLevel.choices())

    class Meta:
        model = ForestArea
        fields = ["region_code", "danger_level"]


class CheckpointFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "staffed_by")
    region_code = RegionFilter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=CheckpointKind.choices())
    area = django_filters.NumberFilter(label=_("Forest area"), field_name="area_id")

    class Meta:
        model = ForestCheckpoint
        fields = ["region_code", "kind", "area"]


class PatrolFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("ranger_name", "note")
    region_code = RegionFilter()
    finding = django_filters.ChoiceFilter(label=_("Finding"), choices=PatrolFinding.choices())
    area = django_filters.NumberFilter(label=_("Forest area"), field_name="area_id")

    class Meta:
        model = ForestPatrol
        fields = ["region_code", "finding", "area"]


class PermitFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("applicant_name", "place")
    region_code = RegionFilter()
    state = django_filters.ChoiceFilter(label=_("State"), choices=PermitState.choices())

    class Meta:
        model = FirePermit
        fields = ["region_code", "state"]


class ViolationFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("place", "offender_name")
    region_code = RegionFilter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ViolationKind.choices())

    class Meta:
        model = FireViolation
        fields = ["region_code", "kind"]


class FireFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("place", "cause")
    region_code = RegionFilter()
    state = django_filters.ChoiceFilter(label=_("State"), choices=FireState.choices())

    class Meta:
        model = ForestFire
        fields = ["region_code", "state"]


class GeoPointFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("code", "name", "monitor_name")
    region_code = RegionFilter()
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=GeoHazardKind.choices())
    threat_grade = django_filters.ChoiceFilter(label=_("Danger grade"), choices=GeoScale.choices())
    state = django_filters.ChoiceFilter(label=_("State"), choices=GeoPointState.choices())

    class Meta:
        model = GeoHazardPoint
        fields = ["region_code", "kind", "threat_grade", "state"]


class GeoPatrolFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("patroller_name", "point__name")
    region_code = RegionFilter()
    finding = django_filters.ChoiceFilter(label=_("Finding"), choices=GeoPatrolFinding.choices())
    point = django_filters.NumberFilter(label=_("Hazard point"), field_name="point_id")

    class Meta:
        model = GeoPatrol
        fields = ["region_code", "finding", "point"]


class QuakeFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("epicentre",)

    class Meta:
        model = EarthquakeReport
        fields: list = []

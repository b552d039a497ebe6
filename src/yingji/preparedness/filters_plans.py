"""Filters of the plan document pages (shared by the lists, their exports and the API)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices_plans import EvaluationConclusion, FilingState, ReviewConclusion
from .models.plans import PlanEvaluation, PlanFiling, PlanReview, PlanVersion


class PlanVersionFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("plan__name", "change_note")
    plan = django_filters.NumberFilter(field_name="plan", label=_("Emergency plan"))
    region_code = RegionFilter()

    class Meta:
        model = PlanVersion
        fields = ["plan", "region_code"]


class PlanReviewFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("plan__name", "summary")
    plan = django_filters.NumberFilter(field_name="plan", label=_("Emergency plan"))
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"), min_value=1900,
                                      max_value=2100)
    conclusion = django_filters.ChoiceFilter(choices=ReviewConclusion.choices(), label=_("Conclusion"))
    region_code = RegionFilter()

    class Meta:
        model = PlanReview
        fields = ["plan", "year", "conclusion", "region_code"]


class PlanFilingFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("plan__name", "receipt_number", "enterprise__name")
    plan = django_filters.NumberFilter(field_name="plan", label=_("Emergency plan"))
    state = django_filters.ChoiceFilter(choices=FilingState.choices(), label=_("State"))
    year = django_filters.NumberFilter(field_name="submitted_on", lookup_expr="year", label=_("Year"),
                                      min_value=1900, max_value=2100)
    region_code = RegionFilter()

    class Meta:
        model = PlanFiling
        fields = ["plan", "state", "year", "region_code"]


class PlanEvaluationFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("plan__name", "findings")
    plan = django_filters.NumberFilter(field_name="plan", label=_("Emergency plan"))
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"), min_value=1900,
                                      max_value=2100)
    conclusion = django_filters.ChoiceFilter(choices=EvaluationConclusion.choices(), label=_("Conclusion"))
    region_code = RegionFilter()

    class Meta:
        model = PlanEvaluation
        fields = ["plan", "year", "conclusion", "region_code"]

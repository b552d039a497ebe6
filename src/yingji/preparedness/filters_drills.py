"""Filters of the drill pages (shared by the list, its export and the API)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices_drills import DrillKind, OrganiserLevel, PlanType, ProblemState
from .models.drills import Drill, DrillPlan, DrillProblem


class DrillPlanFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("organiser", "scenario")
    year = django_filters.NumberFilter(label=_("Year"), min_value=1900, max_value=2100)
    organiser_level = django_filters.ChoiceFilter(choices=OrganiserLevel.choices(), label=_("Organiser level"))
    region_code = RegionFilter()

    class Meta:
        model = DrillPlan
        fields = ["year", "organiser_level", "region_code"]


class DrillFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "organiser", "scenario", "place")
    year = django_filters.NumberFilter(field_name="date", lookup_expr="year", label=_("Year"), min_value=1900,
                                      max_value=2100)
    organiser_level = django_filters.ChoiceFilter(choices=OrganiserLevel.choices(), label=_("Organiser level"))
    kind = django_filters.ChoiceFilter(choices=DrillKind.choices(), label=_("Form"))
    plan_type = django_filters.ChoiceFilter(choices=PlanType.choices(), label=_("Plan type"))
    region_code = RegionFilter()
    team = django_filters.NumberFilter(field_name="teams", label=_("Team"))

    class Meta:
        model = Drill
        fields = ["year", "organiser_level", "kind", "plan_type", "region_code", "team"]


class DrillProblemFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("description", "owner", "drill__title")
    state = django_filters.ChoiceFilter(choices=ProblemState.choices(), label=_("State"))
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("Overdue"))
    region_code = RegionFilter()

    class Meta:
        model = DrillProblem
        fields = ["state", "overdue", "region_code"]

    def only_overdue(self, queryset, name, value):
        from django.utils import timezone

        if value is None:
            return queryset
        cond = {"state": ProblemState.OPEN, "deadline__lt": timezone.localdate()}
        return queryset.filter(**cond) if value else queryset.exclude(**cond)

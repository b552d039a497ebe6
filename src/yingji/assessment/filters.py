"""Filters of the assessment's lists (page, export and API share them)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import SearchFilterSet

from .choices import AssessmentState, Grade, ItemKind, RubricState, Target
from .models import Assessment, Rubric, RubricItem


class RubricFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title",)
    year = django_filters.NumberFilter(label=_("Year"), min_value=2000, max_value=2100)
    target = django_filters.ChoiceFilter(label=_("Assessed units"), choices=Target.choices())
    state = django_filters.ChoiceFilter(label=_("State"), choices=RubricState.choices())

    class Meta:
        model = Rubric
        fields = ["year", "target", "state"]


class RubricItemFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "section")
    rubric = django_filters.NumberFilter(label=_("Assessment rubric"))
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ItemKind.choices())

    class Meta:
        model = RubricItem
        fields = ["rubric", "kind"]


class AssessmentFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("organisation__name",)
    rubric = django_filters.NumberFilter(label=_("Assessment rubric"))
    year = django_filters.NumberFilter(label=_("Year"), field_name="rubric__year", min_value=2000, max_value=2100)
    state = django_filters.ChoiceFilter(label=_("State"), choices=AssessmentState.choices())
    grade = django_filters.ChoiceFilter(label=_("Grade"), choices=Grade.choices())

    class Meta:
        model = Assessment
        fields = ["rubric", "year", "state", "grade"]

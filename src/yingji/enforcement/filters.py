"""FilterSets shared by the enforcement list pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices import PowerKind
from .models import EnforcementItem, Officer, RandomDraw


class EnforcementItemFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("code", "name", "basis")
    kind = django_filters.ChoiceFilter(choices=PowerKind.choices(), label=_("Kind"))
    in_force = django_filters.BooleanFilter(label=_("In force"))

    class Meta:
        model = EnforcementItem
        fields = ["kind", "in_force"]


class OfficerFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "certificate_no")
    region_code = RegionFilter()
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Officer
        fields = ["region_code", "is_active"]


class RandomDrawFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "seed")
    region_code = RegionFilter()

    class Meta:
        model = RandomDraw
        fields = ["region_code"]

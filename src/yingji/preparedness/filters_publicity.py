"""FilterSets of the publicity list, shared by the page, its export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .models.publicity import PublicityActivity, PublicityKind


class PublicityActivityFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "place", "audience", "organiser__name")
    kind = django_filters.ChoiceFilter(choices=PublicityKind.choices(), label=_("Kind"))
    region_code = RegionFilter()
    year = django_filters.NumberFilter(field_name="held_on", lookup_expr="year", label=_("Year"),
                                       min_value=1900, max_value=2100)
    since = django_filters.DateFilter(field_name="held_on", lookup_expr="gte", label=_("From"))
    until = django_filters.DateFilter(field_name="held_on", lookup_expr="lte", label=_("Until"))

    class Meta:
        model = PublicityActivity
        fields = ["kind", "region_code", "year", "since", "until"]

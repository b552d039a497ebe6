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


# --- inspections -----------------------------------------------------------------------------------------------

from .choices import InspectionOrigin, InspectionState  # noqa: E402  (this area's section)
from .models import Inspection  # noqa: E402


class InspectionFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("enterprise__name", "officer_record", "checklist_name")
    region_code = RegionFilter()
    state = django_filters.ChoiceFilter(choices=InspectionState.choices(), label=_("State"))
    origin = django_filters.ChoiceFilter(choices=InspectionOrigin.choices(), label=_("Origin"))
    planned_from = django_filters.DateFilter(field_name="planned_on", lookup_expr="gte", label=_("Planned from"))
    planned_to = django_filters.DateFilter(field_name="planned_on", lookup_expr="lte", label=_("Planned until"))
    random_draw = django_filters.NumberFilter(field_name="random_draw_id", label=_("Random draw"))

    class Meta:
        model = Inspection
        fields = ["region_code", "state", "origin", "planned_from", "planned_to", "random_draw"]

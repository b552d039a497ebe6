"""FilterSets shared by the resource list pages, their exports and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.filters import FilterSet, RegionFilter, SearchFilterSet, yes_no_filter

from .choices import (
    ActivityKind,
    Capability,
    EquipmentItem,
    EquipmentStatus,
    HolderKind,
    MovementKind,
    Readiness,
    ShelterKind,
    ShelterLevel,
    ShelterStatus,
    SupplyCategory,
    TeamKind,
    TransferState,
    WarehouseLevel,
)
from .models import (
    Equipment,
    Expert,
    Shelter,
    StockBatch,
    StockMovement,
    SupplyItem,
    Team,
    TeamActivity,
    Transfer,
    Warehouse,
)


def region_prefix():
    return RegionFilter()


class TeamFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "leader", "address")
    kind = django_filters.ChoiceFilter(choices=TeamKind.choices(), label=_("Type"))
    readiness = django_filters.ChoiceFilter(choices=Readiness.choices(), label=_("Readiness"))
    capability = django_filters.ChoiceFilter(choices=Capability.choices(), method="with_capability",
                                             label=_("Capability"))
    region_code = region_prefix()

    class Meta:
        model = Team
        fields = ["kind", "readiness", "capability", "region_code"]

    def with_capability(self, queryset, name, value):
        return queryset.filter(capabilities__icontains=f'"{value}"')


class ExpertFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "specialty", "unit", "title")
    field = django_filters.ChoiceFilter(choices=Capability.choices(), label=pgettext_lazy("expertise", "Field"))
    available = yes_no_filter(_("Available"))
    region_code = region_prefix()

    class Meta:
        model = Expert
        fields = ["field", "available", "region_code"]


class EquipmentFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("model_name", "holder_name")
    item = django_filters.ChoiceFilter(choices=EquipmentItem.choices(), label=_("Item"))
    status = django_filters.ChoiceFilter(choices=EquipmentStatus.choices(), label=_("Status"))
    holder_kind = django_filters.ChoiceFilter(choices=HolderKind.choices(), label=_("Holder type"))
    region_code = region_prefix()

    class Meta:
        model = Equipment
        fields = ["item", "status", "holder_kind", "region_code"]


class WarehouseFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "address", "manager")
    level = django_filters.ChoiceFilter(choices=WarehouseLevel.choices(), label=_("Level"))
    region_code = region_prefix()

    class Meta:
        model = Warehouse
        fields = ["level", "region_code"]


class SupplyItemFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "code", "spec")
    category = django_filters.ChoiceFilter(choices=SupplyCategory.choices(), label=_("Category"))

    class Meta:
        model = SupplyItem
        fields = ["category"]


class StockFilterSet(FilterSet):
    warehouse = django_filters.NumberFilter(field_name="warehouse_id", label=_("Warehouse"))
    item = django_filters.NumberFilter(field_name="item_id", label=_("Item"))
    expires_before = django_filters.DateFilter(field_name="expires_on", lookup_expr="lte",
                                               label=_("Expires on or before"))
    region_code = region_prefix()

    class Meta:
        model = StockBatch
        fields = ["warehouse", "item", "expires_before", "region_code"]


class MovementFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(choices=MovementKind.choices(), label=_("Kind"))
    batch = django_filters.NumberFilter(field_name="batch_id", label=_("Batch"))

    class Meta:
        model = StockMovement
        fields = ["kind", "batch"]


class TransferFilterSet(FilterSet):
    state = django_filters.ChoiceFilter(choices=TransferState.choices(), label=_("State"))

    class Meta:
        model = Transfer
        fields = ["state"]


class ShelterFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "address", "manager")
    level = django_filters.ChoiceFilter(choices=ShelterLevel.choices(), label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=ShelterKind.choices(), label=_("Type"))
    status = django_filters.ChoiceFilter(choices=ShelterStatus.choices(), label=_("Status"))
    region_code = region_prefix()

    class Meta:
        model = Shelter
        fields = ["level", "kind", "status", "region_code"]


class TeamActivityFilterSet(FilterSet):
    kind = django_filters.ChoiceFilter(choices=ActivityKind.choices(), label=_("Kind"))
    team = django_filters.NumberFilter(field_name="team_id", label=_("Team"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                          label=pgettext_lazy("date range", "From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte",
                                        label=pgettext_lazy("date range", "To"))
    region_code = region_prefix()

    class Meta:
        model = TeamActivity
        fields = ["kind", "team", "date_from", "date_to", "region_code"]

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


# --- documents and penalty cases -----------------------------------------------------------------------------------

from .choices import CaseSource, CaseState, DocumentKind  # noqa: E402
from .models import EnforcementDocument, PenaltyCase  # noqa: E402


class EnforcementDocumentFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("number", "enterprise__name")
    kind = django_filters.ChoiceFilter(choices=DocumentKind.choices(), label=_("Kind"))
    region_code = RegionFilter()
    year = django_filters.NumberFilter(label=_("Year"))

    class Meta:
        model = EnforcementDocument
        fields = ["kind", "region_code", "year"]


class PenaltyCaseFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "party_name", "enterprise__name", "source_reference")
    state = django_filters.ChoiceFilter(choices=CaseState.choices(), label=_("State"))
    source = django_filters.ChoiceFilter(choices=CaseSource.choices(), label=_("Source"))
    region_code = RegionFilter()
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = PenaltyCase
        fields = ["state", "source", "region_code"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.exclude(overdue=[]) if value else queryset.filter(overdue=[])


# --- annual plan, campaigns and supervision orders -----------------------------------------------------------

from .choices import CampaignKind, OrderKind, OrderState, PlanState, SupervisionClassChoice, TaskState  # noqa: E402
from .models import (  # noqa: E402
    AnnualInspectionPlan,
    Campaign,
    CampaignTask,
    PlanItem,
    SupervisionClass,
    SupervisionOrder,
)


class SupervisionClassFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("enterprise__name", "computed_reason", "override_reason")
    year = django_filters.NumberFilter(label=_("Year"))
    computed_class = django_filters.ChoiceFilter(choices=SupervisionClassChoice.choices(), label=_("Computed class"))
    override_class = django_filters.ChoiceFilter(choices=SupervisionClassChoice.choices(),
                                                 label=_("Class set by staff"))
    region_code = RegionFilter()

    class Meta:
        model = SupervisionClass
        fields = ["year", "computed_class", "override_class", "region_code"]


class InspectionPlanFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title",)
    year = django_filters.NumberFilter(label=_("Year"))
    state = django_filters.ChoiceFilter(choices=PlanState.choices(), label=_("State"))

    class Meta:
        model = AnnualInspectionPlan
        fields = ["year", "state"]


class PlanItemFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("enterprise__name",)
    plan = django_filters.NumberFilter(label=_("Plan"))
    supervision_class = django_filters.ChoiceFilter(choices=SupervisionClassChoice.choices(),
                                                    label=_("Supervision class"))
    region_code = RegionFilter()

    class Meta:
        model = PlanItem
        fields = ["plan", "supervision_class", "region_code"]


class CampaignFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "basis")
    kind = django_filters.ChoiceFilter(choices=CampaignKind.choices(), label=_("Kind"))

    class Meta:
        model = Campaign
        fields = ["kind"]


class CampaignTaskFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("campaign__title", "content", "organisation__name")
    campaign = django_filters.NumberFilter(label=_("Campaign"))
    state = django_filters.ChoiceFilter(choices=TaskState.choices(), label=_("State"))
    region_code = RegionFilter()

    class Meta:
        model = CampaignTask
        fields = ["campaign", "state", "region_code"]


class SupervisionOrderFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("number", "title", "matter")
    kind = django_filters.ChoiceFilter(choices=OrderKind.choices(), label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=OrderState.choices(), label=_("State"))
    region_code = RegionFilter()

    class Meta:
        model = SupervisionOrder
        fields = ["kind", "state", "region_code"]


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
    mine = django_filters.BooleanFilter(method="filter_mine", label=_("Mine (I am one of the officers)"))

    class Meta:
        model = Inspection
        fields = ["region_code", "state", "origin", "planned_from", "planned_to", "random_draw", "mine"]

    def filter_mine(self, queryset, name, value):
        user = getattr(self.request, "user", None)
        if value is None or user is None or not user.is_authenticated:
            return queryset
        mine = queryset.filter(officers__user=user).values("pk")
        return queryset.filter(pk__in=mine) if value else queryset.exclude(pk__in=mine)

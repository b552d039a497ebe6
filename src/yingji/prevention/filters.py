"""FilterSets of risk points and hazards, shared by the list pages, their exports and the API."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core import policy
from yingji.core.filters import RegionFilter, SearchFilterSet
from yingji.enterprises.models import Enterprise

from .choices import (
    AccidentType,
    AssessmentMethod,
    ControlTier,
    HazardLevel,
    HazardSource,
    HazardState,
    PlaceKind,
    ProgrammeStage,
    RiskColour,
    SampleState,
)
from .models import Hazard, HazardPlace, HazardSample, ProgrammeStep, RiskPoint
from .stats import overdue_q


def _enterprises(request):
    user = getattr(request, "user", None)
    return Enterprise.objects.filter(policy.scope_q(user, Enterprise)).order_by("name")


class _PlaceFilterSet(SearchFilterSet):
    """Adds a township / village choice (inside the user's scope) and an enterprise choice."""

    township = RegionFilter()
    enterprise = django_filters.ModelChoiceFilter(queryset=_enterprises, label=_("Enterprise"))


class RiskPointFilterSet(_PlaceFilterSet):
    SEARCH_FIELDS = ("name", "location", "enterprise__name", "responsible_person")
    colour = django_filters.ChoiceFilter(choices=RiskColour.choices(), label=_("Colour"))
    accident_type = django_filters.ChoiceFilter(choices=AccidentType.choices(), label=_("Hazard type"))
    method = django_filters.ChoiceFilter(choices=AssessmentMethod.choices(), label=_("Method"))
    responsible_tier = django_filters.ChoiceFilter(choices=ControlTier.choices(), label=_("Responsible tier"))
    review_due = django_filters.BooleanFilter(method="filter_review_due", label=_("Review due"))

    class Meta:
        model = RiskPoint
        fields = ["colour", "accident_type", "method", "responsible_tier", "township", "enterprise", "review_due"]

    def filter_review_due(self, queryset, name, value):
        today = timezone.localdate()
        if value is None:
            return queryset
        due = queryset.filter(review_date__lte=today)
        return due if value else queryset.exclude(pk__in=due.values("pk"))


class HazardFilterSet(_PlaceFilterSet):
    SEARCH_FIELDS = ("title", "description", "location", "enterprise__name", "place__name")
    subject = django_filters.ChoiceFilter(
        method="filter_subject", label=_("Belongs to"),
        choices=(("enterprise", _("An enterprise")), ("place", _("A place"))))
    place_kind = django_filters.ChoiceFilter(field_name="place__kind", choices=PlaceKind.choices(),
                                             label=_("Kind of place"))
    state = django_filters.ChoiceFilter(choices=HazardState.choices(), label=_("State"))
    level = django_filters.ChoiceFilter(choices=HazardLevel.choices(), label=_("Hazard level"))
    source = django_filters.ChoiceFilter(choices=HazardSource.choices(), label=_("Source"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))
    supervised = django_filters.BooleanFilter(label=_("Listed for county supervision"))
    is_open = django_filters.BooleanFilter(method="filter_open", label=pgettext_lazy("hazard filter", "Open"))
    found_since = django_filters.DateFilter(field_name="found_at", lookup_expr="date__gte", label=_("Found from"))
    found_until = django_filters.DateFilter(field_name="found_at", lookup_expr="date__lte", label=_("Found until"))

    class Meta:
        model = Hazard
        fields = ["state", "level", "source", "township", "enterprise", "subject", "place_kind", "overdue",
                  "supervised", "is_open", "found_since", "found_until"]

    def filter_subject(self, queryset, name, value):
        if value == "place":
            return queryset.filter(place__isnull=False)
        if value == "enterprise":
            return queryset.filter(enterprise__isnull=False)
        return queryset

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(overdue_q()) if value else queryset.exclude(overdue_q())

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (queryset.filter(state__in=HazardState.OPEN) if value
                else queryset.exclude(state__in=HazardState.OPEN))


class HazardSampleFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("hazard__title", "hazard__enterprise__name", "note")
    township = RegionFilter(field_name="hazard__region_code")
    state = django_filters.ChoiceFilter(choices=SampleState.choices(), label=_("State"))
    period = django_filters.CharFilter(label=_("Month sampled"), help_text=_("As 2026-11"))

    class Meta:
        model = HazardSample
        fields = ["township", "state", "period"]


class HazardPlaceFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "address", "responsible_unit", "responsible_person")
    township = RegionFilter()
    kind = django_filters.ChoiceFilter(choices=PlaceKind.choices(), label=_("Kind of place"))

    class Meta:
        model = HazardPlace
        fields = ["township", "kind"]


class ProgrammeStepFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("enterprise__name", "note")
    township = RegionFilter(field_name="enterprise__region_code")
    stage = django_filters.ChoiceFilter(choices=ProgrammeStage.choices(), label=_("Programme stage"))

    class Meta:
        model = ProgrammeStep
        fields = ["township", "stage"]

"""FilterSets of incidents and plans, shared by the list pages, their exports and the API."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet, yes_no_filter

from .choices import AccidentGrade, IncidentState, InformationSource, PlanKind, category_choices, event_type_choices
from .models import Incident, Plan


class IncidentFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "address", "description", "reporter_name")
    state = django_filters.ChoiceFilter(choices=IncidentState.choices(), label=_("State"))
    grade = django_filters.ChoiceFilter(choices=AccidentGrade.choices(), label=_("Grade"))
    category = django_filters.ChoiceFilter(choices=category_choices, label=_("Category"))
    event_type = django_filters.ChoiceFilter(choices=event_type_choices, label=_("Type"))
    source = django_filters.ChoiceFilter(choices=InformationSource.choices(), label=_("Source"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open only"))
    township = RegionFilter()
    # The API's code-prefix parameter; pages pick the region by name with ``township``.
    under = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith", max_length=12,
                                      label=_("Within region (code prefix)"), widget=forms.HiddenInput)
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte",
                                                      label=_("Occurred after"))
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt",
                                                       label=_("Occurred before"))

    class Meta:
        model = Incident
        fields = []

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return (queryset.filter(state__in=IncidentState.OPEN) if value
                else queryset.exclude(state__in=IncidentState.OPEN))


class PlanFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name",)
    kind = django_filters.ChoiceFilter(choices=PlanKind.choices(), label=_("Kind"))
    event_type = django_filters.ChoiceFilter(choices=event_type_choices,
                                             method="filter_event_type", label=_("Covers incident type"))
    is_active = yes_no_filter(_("In force"))

    class Meta:
        model = Plan
        fields = []

    def filter_event_type(self, queryset, name, value):
        # JSON containment is not portable to SQLite, so match the list in Python over the (few) plans.
        ids = [pk for pk, types in queryset.values_list("pk", "event_types") if value in (types or [])]
        return queryset.filter(pk__in=ids)

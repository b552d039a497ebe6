"""FilterSet of incidents, shared by the list page, its export and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import SearchFilterSet
from yingji.standards import events

from .choices import AccidentGrade, IncidentState, InformationSource
from .models import Incident


class IncidentFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("title", "address", "description", "reporter_name")
    state = django_filters.ChoiceFilter(choices=IncidentState.choices(), label=_("State"))
    grade = django_filters.ChoiceFilter(choices=AccidentGrade.choices(), label=_("Grade"))
    category = django_filters.ChoiceFilter(choices=[(c.key, c.name_en) for c in events.categories()],
                                           label=_("Category"))
    event_type = django_filters.ChoiceFilter(choices=[(t.key, t.name_en) for t in events.types()], label=_("Type"))
    source = django_filters.ChoiceFilter(choices=InformationSource.choices(), label=_("Source"))
    open = django_filters.BooleanFilter(method="filter_open", label=_("Open only"))
    under = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith", max_length=12,
                                      label=_("Within region (code prefix)"))
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

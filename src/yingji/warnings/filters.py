"""FilterSets shared by the warning and responsible-person list pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet

from .choices import MessageType, PersonKind, WarningLevel, WarningState
from .models import ResponsiblePerson, Warning


class WarningFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("headline", "event", "identifier")
    state = django_filters.ChoiceFilter(choices=WarningState.choices(), label=_("State"))
    level = django_filters.ChoiceFilter(choices=WarningLevel.choices(), label=_("Level"))
    msg_type = django_filters.ChoiceFilter(choices=MessageType.choices(), label=_("Message type"))
    in_force = django_filters.BooleanFilter(method="filter_in_force", label=_("In force"))
    region_code = RegionFilter(label=_("Issued by (region)"))

    class Meta:
        model = Warning
        fields = ["state", "level", "msg_type", "in_force", "region_code"]

    def filter_in_force(self, queryset, name, value):
        from .services import in_force_q

        if value is None:
            return queryset
        return queryset.filter(in_force_q()) if value else queryset.exclude(in_force_q())


class ResponsiblePersonFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "title", "region_code")
    kind = django_filters.ChoiceFilter(choices=PersonKind.choices(), label=_("Kind"))
    region_code = RegionFilter()

    class Meta:
        model = ResponsiblePerson
        fields = ["kind", "region_code"]

"""FilterSets of stations and alarms, shared by the list pages and the API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import RegionFilter, SearchFilterSet, yes_no_filter

from .choices import AlarmLevel, AlarmState, RuleKind, StationStatus, StationType
from .models import Alarm, Rule, Station


class _TownshipFilterSet(SearchFilterSet):
    township = RegionFilter()


class StationFilterSet(_TownshipFilterSet):
    SEARCH_FIELDS = ("code", "name", "enterprise__name")
    type = django_filters.ChoiceFilter(choices=StationType.choices(), label=_("Type"))
    status = django_filters.ChoiceFilter(choices=StationStatus.choices(), label=_("Status"))
    offline = django_filters.BooleanFilter(method="filter_offline", label=_("Offline"))

    class Meta:
        model = Station
        fields = ["q", "type", "status", "township", "offline"]

    def filter_offline(self, queryset, name, value):
        from django.utils import timezone

        from .maps import offline_q

        if value is None:
            return queryset
        q = offline_q(timezone.now())
        return queryset.filter(q) if value else queryset.exclude(q)


class AlarmFilterSet(_TownshipFilterSet):
    SEARCH_FIELDS = ("station__code", "station__name", "rule__name", "message")
    state = django_filters.ChoiceFilter(choices=AlarmState.choices(), label=_("State"))
    active = django_filters.BooleanFilter(method="filter_active", label=_("Open or acknowledged"))
    level = django_filters.ChoiceFilter(choices=AlarmLevel.choices(), label=_("Level"))
    station_type = django_filters.ChoiceFilter(field_name="station__type", choices=StationType.choices(),
                                               label=_("Station type"))

    class Meta:
        model = Alarm
        fields = ["q", "state", "active", "level", "station_type", "township"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(state__in=AlarmState.ACTIVE) if value else queryset.filter(state=AlarmState.CLOSED)


class RuleFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "sensor_key", "station__code", "station__name")
    kind = django_filters.ChoiceFilter(choices=RuleKind.choices(), label=_("Kind"))
    station_type = django_filters.ChoiceFilter(choices=StationType.choices(), label=_("Station type"))
    level = django_filters.ChoiceFilter(choices=AlarmLevel.choices(), label=_("Level"))
    enabled = yes_no_filter(_("Enabled"))

    class Meta:
        model = Rule
        fields = ["q", "kind", "station_type", "level", "enabled"]

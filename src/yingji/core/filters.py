"""FilterSets shared by the list pages, their exports and the API."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import AuditAction, OrganisationKind, RegionLevel, Role
from .models import AuditRecord, Organisation, Region, User


def yes_no_filter(label):
    """A boolean filter shown as All / Yes / No (not Django's Unknown / Yes / No)."""
    return django_filters.BooleanFilter(label=label, widget=forms.Select(
        choices=[("", _("All")), ("true", _("Yes")), ("false", _("No"))]))


class SearchFilterSet(django_filters.FilterSet):
    """Adds ``q``: a case-insensitive search over ``SEARCH_FIELDS``."""

    SEARCH_FIELDS: tuple[str, ...] = ()
    q = django_filters.CharFilter(method="search", label=_("Search"), max_length=100)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        cond = Q()
        for field in self.SEARCH_FIELDS:
            cond |= Q(**{f"{field}__icontains": value})
        return queryset.filter(cond)


class RegionFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "code")
    level = django_filters.ChoiceFilter(choices=RegionLevel.choices(), label=_("Level"))
    parent_code = django_filters.CharFilter(field_name="parent__code", label=_("Parent code"), max_length=12)
    under = django_filters.CharFilter(field_name="code", lookup_expr="startswith", max_length=12,
                                      label=_("Within region (code prefix)"))

    class Meta:
        model = Region
        fields = ["level", "parent_code", "under"]


class OrganisationFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "short_name", "duties")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices(), label=_("Kind"))
    region_code = django_filters.CharFilter(field_name="region_code", lookup_expr="startswith", max_length=12,
                                            label=_("Within region (code prefix)"))
    is_active = yes_no_filter(_("Active"))

    class Meta:
        model = Organisation
        fields = ["kind", "region_code", "is_active"]


class UserFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("username", "display_name", "email")
    role = django_filters.ChoiceFilter(choices=Role.choices(), field_name="roles__role", label=_("Role"),
                                       distinct=True)
    is_active = yes_no_filter(_("Active"))
    scope = django_filters.CharFilter(method="in_scope", max_length=12, label=_("Scope within region"))

    class Meta:
        model = User
        fields = ["role", "is_active", "scope"]

    def in_scope(self, queryset, name, value):
        return queryset.filter(Q(scope_region_code__startswith=value) | Q(enterprise__region_code__startswith=value))


class AuditFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("object_repr", "message", "username")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices(), label=_("Action"))
    username = django_filters.CharFilter(label=_("User"), max_length=150)
    object_type = django_filters.CharFilter(label=_("Object type"), max_length=100)
    object_id = django_filters.CharFilter(label=_("Object id"), max_length=64)
    region_code = django_filters.CharFilter(lookup_expr="startswith", max_length=12, label=_("Within region"))
    since = django_filters.DateTimeFilter(field_name="time", lookup_expr="gte", label=_("From"))
    until = django_filters.DateTimeFilter(field_name="time", lookup_expr="lt", label=_("Until"))

    class Meta:
        model = AuditRecord
        fields = ["action", "username", "object_type", "object_id", "region_code", "since", "until"]

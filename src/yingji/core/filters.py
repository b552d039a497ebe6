"""FilterSets shared by the list pages, their exports and the API.

Every FilterSet derives from ``FilterSet`` here, which makes the filters mean the same thing everywhere:
- yes/no filters offer All / Yes / No and default to All (never Django's Unknown / Yes / No);
- region filters pick a township or village by name from the user's jurisdiction (the value stays the region code,
  matched as a prefix, so the API keeps its parameter and values);
- filters that make no sense for the user are not shown (a region filter when the jurisdiction is a single village
  or an enterprise, an enterprise filter for an enterprise account); they still apply when a link carries them.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yingji.standards import gb2260

from . import policy
from . import regions as region_cache
from .choices import AuditAction, OrganisationKind, RegionLevel, Role
from .models import AuditRecord, Organisation, Region, User

YES_NO_CHOICES = [("", _("All")), ("true", _("Yes")), ("false", _("No"))]


def yes_no_filter(label, **kwargs):
    """A boolean filter shown as All / Yes / No (every BooleanFilter of a ``FilterSet`` is shown so anyway)."""
    return django_filters.BooleanFilter(label=label, widget=forms.Select(choices=YES_NO_CHOICES), **kwargs)


class RegionCodeField(django_filters.fields.ChoiceField):
    """Offers the regions by name; accepts any region code or code prefix (API clients send codes, and a code
    outside the user's jurisdiction simply matches nothing, since the queryset is already scoped)."""

    def valid_value(self, value) -> bool:
        return isinstance(value, str) and value.isdigit() and len(value) <= 12


class RegionFilter(django_filters.ChoiceFilter):
    """A region of the user's jurisdiction, picked by name (townships, each with its villages); the objects whose
    ``field_name`` (a region code) lies within it match."""

    field_class = RegionCodeField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "region_code")
        kwargs.setdefault("lookup_expr", "startswith")
        kwargs.setdefault("label", _("Township / village"))
        kwargs.setdefault("choices", [])
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        # A city's code (410400) selects its counties by their shared prefix (4104), GB/T 2260.
        return super().filter(qs, gb2260.prefix(value) if value and self.lookup_expr == "startswith" else value)


def region_choices(user) -> list:
    """The townships and villages inside ``user``'s jurisdiction as grouped choices: a township first, then its
    villages indented under it. The county itself is offered (as the first option) to county-level users."""
    if user is None or not getattr(user, "is_authenticated", False) or user.enterprise_id:
        return []
    # Kept for the request (``core.regions`` drops it with the region names): a page of counts by area builds a
    # FilterSet per figure, each offering the same regions.
    key = (user.pk, user.scope_region_code, tuple(sorted(user.role_keys)))
    cached = _region_choices.get(key)
    if cached is None:
        cached = _region_choices[key] = _region_choices_of(user)
    return list(cached)


_region_choices: dict[tuple, list] = {}
region_cache.on_clear(_region_choices.clear)


def _region_choices_of(user) -> list:
    regions = list(Region.objects.filter(policy.scope_q(user, Region))
                   .order_by("code").values_list("code", "name", "level"))
    choices: list = []
    township_children: dict[str, list] = {}
    for code, name, level in regions:
        if level in (RegionLevel.CITY, RegionLevel.COUNTY):
            choices.append((code, name))
        elif level == RegionLevel.TOWNSHIP:
            township_children[code] = [(code, name)]
            choices.append((name, township_children[code]))
        elif code[:9] in township_children:
            township_children[code[:9]].append((code, "\u3000" + name))
        else:
            choices.append((code, name))
    return choices


def flat_region_choices(user) -> list[tuple[str, str]]:
    """``region_choices`` as one list of options (a plain select: the villages keep their indent)."""
    flat: list[tuple[str, str]] = []
    for value, label in region_choices(user):
        flat.extend(label if isinstance(label, list | tuple) else [(value, label)])
    return flat


def _choice_count(choices) -> int:
    return sum(len(c[1]) if isinstance(c[1], list | tuple) else 1 for c in choices)


class FilterSet(django_filters.FilterSet):
    """The base of every FilterSet of the platform (see the module docstring)."""

    #: Filters an enterprise account never needs (it sees one enterprise).
    ENTERPRISE_FILTERS = ("enterprise",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        regions = None
        for name, flt in list(self.filters.items()):
            # The form field is built from ``extra`` once and kept on the filter: one built on the class's own
            # filter (and deep-copied here) would ignore what is set below for this request.
            flt.__dict__.pop("_field", None)
            if isinstance(flt, django_filters.BooleanFilter) and "widget" not in flt.extra:
                flt.extra["widget"] = forms.Select(choices=YES_NO_CHOICES)
            elif isinstance(flt, RegionFilter):
                if regions is None:
                    regions = region_choices(user)
                flt.extra["choices"] = regions
                if _choice_count(regions) < 2:
                    flt.extra["widget"] = forms.HiddenInput
            elif name in self.ENTERPRISE_FILTERS and getattr(user, "enterprise_id", None):
                flt.extra["widget"] = forms.HiddenInput


class SearchFilterSet(FilterSet):
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
    parent_code = RegionFilter(field_name="parent__code", lookup_expr="exact", label=_("Parent"))
    under = RegionFilter(field_name="code", label=_("Within region"))

    class Meta:
        model = Region
        fields = ["level", "parent_code", "under"]


class OrganisationFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "short_name", "duties")
    kind = django_filters.ChoiceFilter(choices=OrganisationKind.choices(), label=_("Kind"))
    region_code = RegionFilter()
    is_active = yes_no_filter(_("Active"))

    class Meta:
        model = Organisation
        fields = ["kind", "region_code", "is_active"]


class UserFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("username", "display_name", "email")
    role = django_filters.ChoiceFilter(choices=Role.choices(), field_name="roles__role", label=_("Role"),
                                       distinct=True)
    is_active = yes_no_filter(_("Active"))
    scope = RegionFilter(method="in_scope", label=_("Scope within region"))

    class Meta:
        model = User
        fields = ["role", "is_active", "scope"]

    def in_scope(self, queryset, name, value):
        value = gb2260.prefix(value)
        return queryset.filter(Q(scope_region_code__startswith=value) | Q(enterprise__region_code__startswith=value))


class AuditFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("object_repr", "message", "username")
    action = django_filters.ChoiceFilter(choices=AuditAction.choices(), label=_("Action"))
    username = django_filters.CharFilter(label=_("User"), max_length=150)
    object_type = django_filters.CharFilter(label=_("Object type"), max_length=100)
    object_id = django_filters.CharFilter(label=_("Object id"), max_length=64)
    region_code = RegionFilter()
    since = django_filters.DateTimeFilter(field_name="time", lookup_expr="gte", label=_("From"))
    until = django_filters.DateTimeFilter(field_name="time", lookup_expr="lt", label=_("Until"))

    class Meta:
        model = AuditRecord
        fields = ["action", "username", "object_type", "object_id", "region_code", "since", "until"]

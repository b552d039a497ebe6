"""FilterSets shared by the enterprise pages, their exports and the API."""

import datetime

import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from yingji.core.filters import RegionFilter, SearchFilterSet
from yingji.core.models import Organisation

from . import industries
from .choices import (
    FLAG_FIELDS,
    CustodianRole,
    EnterpriseScale,
    EnterpriseStatus,
    LicenceKind,
    LicenceState,
    MajorHazardLevel,
    MineScale,
    MineStatus,
    MiningMethod,
    Sector,
    TailingsGrade,
    TailingsStatus,
    UnitKind,
)
from .models import (
    EXPIRY_WARNING_DAYS,
    SUPERVISOR_KINDS,
    CustodianCheck,
    Enterprise,
    Licence,
    MajorHazardFiling,
    Mine,
    TailingsPond,
    Unit,
)


def flag_choices():
    return [(name, Enterprise._meta.get_field(name).verbose_name) for name in (*FLAG_FIELDS, "major_hazard")]


def level_choices():
    return [(str(value), label) for value, label in MajorHazardLevel.choices()]


class EnterpriseFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "credit_code", "address", "industry", "principal", "safety_manager")
    region_code = RegionFilter()
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices(), label=_("Status"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices(), label=_("Supervision sector"))
    industry_section = django_filters.ChoiceFilter(choices=industries.section_choices(), label=_("Industry section"))
    industry_division = django_filters.ChoiceFilter(choices=industries.division_choices(),
                                                    label=_("Industry division"))
    industry = django_filters.CharFilter(lookup_expr="icontains", max_length=100, label=_("Industry"))
    supervising_unit = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.filter(kind__in=SUPERVISOR_KINDS).order_by("kind", "name"),
        label=_("Supervising department"))
    scale = django_filters.ChoiceFilter(choices=EnterpriseScale.choices(), label=_("Scale"))
    flag = django_filters.ChoiceFilter(choices=flag_choices, method="with_flag", label=_("Special supervision"))
    major_hazard_level = django_filters.ChoiceFilter(choices=level_choices, label=_("Major hazard level"))

    class Meta:
        model = Enterprise
        fields = ["region_code", "status", "sector", "industry_section", "industry_division", "industry",
                  "supervising_unit", "scale", "flag", "major_hazard_level"]

    def with_flag(self, queryset, name, value):
        if value not in (*FLAG_FIELDS, "major_hazard"):
            return queryset.none()
        return queryset.filter(**{value: True})


def register_enterprise_filter(name: str, flt: django_filters.Filter) -> None:
    """A filter on enterprises that an app above this one owns (prevention's risk colour): it joins the list page,
    its export and the API like the declared ones. Registered from that app's ``AppConfig.ready``."""
    if name in EnterpriseFilterSet.declared_filters:
        raise ValueError(f"The enterprise filter {name!r} is declared here already")
    EnterpriseFilterSet.base_filters[name] = flt


class LicenceFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("number", "issuer", "holder", "enterprise__name")
    kind = django_filters.ChoiceFilter(choices=LicenceKind.choices(), label=_("Kind"))
    state = django_filters.ChoiceFilter(choices=LicenceState.choices(), method="in_state", label=_("Validity"))
    expiring_within_days = django_filters.NumberFilter(method="expiring_within", min_value=0, max_value=3650,
                                                       label=_("Expiring within (days)"))
    region_code = RegionFilter(field_name="enterprise__region_code")
    enterprise = django_filters.NumberFilter(field_name="enterprise_id", label=_("Enterprise (id)"))

    class Meta:
        model = Licence
        fields = ["kind", "state", "expiring_within_days", "region_code", "enterprise"]

    def in_state(self, queryset, name, value):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=EXPIRY_WARNING_DAYS)
        if value == LicenceState.EXPIRED:
            return queryset.filter(expires_on__lt=today)
        if value == LicenceState.EXPIRING:
            return queryset.filter(expires_on__gte=today, expires_on__lte=soon)
        if value == LicenceState.VALID:
            return queryset.filter(Q(expires_on__isnull=True) | Q(expires_on__gt=soon))
        return queryset

    def expiring_within(self, queryset, name, value):
        """Not yet expired and expiring within the given number of days."""
        today = timezone.localdate()
        return queryset.filter(expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=int(value)))


class MajorHazardFilterSet(SearchFilterSet):
    """The county-wide list of major hazard sources (units whose assessment says S ≥ 1)."""

    SEARCH_FIELDS = ("name", "enterprise__name", "enterprise__credit_code")
    township = RegionFilter(field_name="enterprise__region_code")
    level = django_filters.ChoiceFilter(choices=level_choices, label=_("Level"))
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices(), label=_("Kind"))
    sector = django_filters.ChoiceFilter(choices=Sector.choices(), field_name="enterprise__sector",
                                         label=_("Supervision sector"))

    class Meta:
        model = Unit
        fields = ["township", "level", "kind", "sector"]


def _grade_choices():
    return [(str(v), label) for v, label in TailingsGrade.choices()]


class TailingsPondFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "enterprise__name", "downstream_villages")
    township = RegionFilter(field_name="enterprise__region_code")
    grade = django_filters.ChoiceFilter(choices=_grade_choices, label=_("Grade"))
    status = django_filters.ChoiceFilter(choices=TailingsStatus.choices(), label=_("Status"))
    head_top = django_filters.BooleanFilter(label=_("Head-top pond"))
    online_monitoring = django_filters.BooleanFilter(label=_("Online monitoring"))

    class Meta:
        model = TailingsPond
        fields = ["township", "grade", "status", "head_top", "online_monitoring"]


class MineFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "mineral", "licence_no", "enterprise__name")
    township = RegionFilter(field_name="enterprise__region_code")
    method = django_filters.ChoiceFilter(choices=MiningMethod.choices(), label=_("Mining method"))
    scale = django_filters.ChoiceFilter(choices=MineScale.choices(), label=_("Scale"))
    status = django_filters.ChoiceFilter(choices=MineStatus.choices(), label=_("Status"))
    online_monitoring = django_filters.BooleanFilter(label=_("Online monitoring"))

    class Meta:
        model = Mine
        fields = ["township", "method", "scale", "status", "online_monitoring"]


class MajorHazardFilingFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("filing_no", "unit__name", "enterprise__name", "principal", "technical", "operational")
    township = RegionFilter(field_name="enterprise__region_code")
    level = django_filters.ChoiceFilter(choices=level_choices, field_name="unit__level", label=_("Level"))

    class Meta:
        model = MajorHazardFiling
        fields = ["township", "level"]


class CustodianCheckFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("person", "findings", "filing__unit__name", "enterprise__name")
    township = RegionFilter(field_name="enterprise__region_code")
    role = django_filters.ChoiceFilter(choices=CustodianRole.choices(), label=_("Custodian"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte",
                                          label=pgettext_lazy("date range", "From"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=pgettext_lazy("date range", "To"))

    class Meta:
        model = CustodianCheck
        fields = ["township", "role", "date_from", "date_to"]

import django_filters
from django.utils.translation import gettext_lazy as _

from yingji.core.filters import SearchFilterSet

from .choices import EnterpriseStatus
from .models import Enterprise


class EnterpriseFilterSet(SearchFilterSet):
    SEARCH_FIELDS = ("name", "credit_code", "address")
    region_code = django_filters.CharFilter(lookup_expr="startswith", max_length=12, label=_("Within region"))
    status = django_filters.ChoiceFilter(choices=EnterpriseStatus.choices(), label=_("Status"))
    industry = django_filters.CharFilter(lookup_expr="icontains", max_length=100, label=_("Industry"))

    class Meta:
        model = Enterprise
        fields = ["region_code", "status", "industry"]

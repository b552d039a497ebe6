from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from yingji.core import policy
from yingji.core.models import AuditRecord
from yingji.core.views import _get, _require, list_page

from .filters import EnterpriseFilterSet
from .models import Enterprise

ENTERPRISE_COLUMNS = [
    ("name", _("Name")), ("credit_code", _("Unified social credit code")), ("region_code", _("Region code")),
    ("address", _("Address")), ("industry", _("Industry")), ("status", _("Status")),
    ("safety_manager", _("Safety manager")), ("employee_count", _("Employees")),
]


@login_required
def enterprise_list(request):
    denied = _require(request, "view", Enterprise)
    if denied:
        return denied
    return list_page(request, Enterprise.objects.for_user(request.user), EnterpriseFilterSet,
                     template="enterprises/enterprise_list.html", export_name="enterprises",
                     columns=ENTERPRISE_COLUMNS)


@login_required
def enterprise_detail(request, pk: int):
    enterprise = _get(request, Enterprise, pk)
    history = None
    if policy.can(request.user, "view", AuditRecord):
        history = AuditRecord.objects.for_user(request.user).filter(
            object_type="enterprises.enterprise", object_id=str(enterprise.pk))[:20]
    return render(request, "enterprises/enterprise_detail.html", {"enterprise": enterprise, "history": history})

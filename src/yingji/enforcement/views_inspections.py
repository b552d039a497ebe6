"""Pages of inspections beyond the generic list, detail and planning form: the workflow buttons of the detail page,
and the field pages for a phone (the officer's open inspections, one inspection's record filled item by item) with
the service worker that keeps them working without a signal.

The field pages carry their data in the page (a JSON block the script reads; no inline script, the CSP allows
none) and send the record to ``POST /api/v1/inspections/{id}/submissions`` with a key made on the phone, so a
record queued offline and sent again is stored once."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import policy
from yingji.core.errors import ServiceError
from yingji.core.generic import form_page, get_for_page, require_page, save_form

from . import forms, services
from .choices import InspectionState
from .models import SUPERVISORS, Inspection

#: The static files the field pages need, cached by the phone with the pages themselves.
FIELD_ASSETS = ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap-icons/bootstrap-icons.min.css",
                "yingji/app.css", "enforcement/field.css", "enforcement/field.js")
FIELD_CACHE = "yj-field-v1"


def _field_assets() -> list[str]:
    return [static(path) for path in FIELD_ASSETS]


@login_required
@require_http_methods(["GET", "POST"])
def inspection_create(request):
    """Plan an inspection (the service checks the officers: two at least, certified on the day, not recused)."""
    require_page(request, "add", Inspection)
    form = forms.InspectionForm(request.POST or None, user=request.user)
    made = save_form(request, form, lambda data: services.plan_inspection(request.user, data))
    if made is not None:
        return redirect("inspection_detail", pk=made.pk)
    return form_page(request, form, _("Plan an inspection"), reverse("inspection_list"),
                     status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def inspection_act(request, pk: int, action: str):
    """A workflow button of the detail page (close, cancel, start); the record itself comes from the field page."""
    inspection = get_for_page(request, Inspection, pk, "change")
    payload = {"reason": request.POST.get("reason", ""), "note": request.POST.get("note", "")}
    try:
        services.act_on_inspection(request.user, inspection, action, payload)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        text = "；".join(e["message"] for e in exc.errors) or exc.detail
        messages.error(request, _("Not done: %(reason)s") % {"reason": text})
        return redirect("inspection_detail", pk=inspection.pk)
    messages.success(request, _("Done."))
    return redirect("inspection_detail", pk=inspection.pk)


@login_required
@require_POST
def inspection_documents(request, pk: int):
    """Issue a recorded inspection's documents (the 现场检查记录 and, with findings, the 责令限期整改指令书)."""
    inspection = get_for_page(request, Inspection, pk)
    if not services.may_issue_documents(request.user):
        raise PermissionDenied
    try:
        issued = services.issue_inspection_documents(request.user, inspection)
    except ServiceError as exc:
        messages.error(request, _("Not done: %(reason)s") % {"reason": exc.detail})
        return redirect("inspection_detail", pk=inspection.pk)
    messages.success(request, _("Issued: %(numbers)s") % {"numbers": "、".join(d.number for d in issued) or "—"})
    return redirect("inspection_detail", pk=inspection.pk)


def _mine(user):
    """Open inspections the user goes on (as one of the officers), or all open ones for the section."""
    qs = Inspection.objects.for_user(user).filter(state__in=InspectionState.OPEN).select_related("enterprise")
    if not user.has_role(*SUPERVISORS):
        qs = qs.filter(Q(officers__user=user)).distinct()
    return qs.order_by("planned_on", "id")


@never_cache
@login_required
def inspection_field_list(request):
    """The officer's open inspections on a phone; opening it online caches each one's field page for offline."""
    require_page(request, "change", Inspection)
    inspections = list(_mine(request.user)[:50])
    return render(request, "enforcement/field_list.html", {
        "inspections": inspections, "today": timezone.localdate(), "assets": _field_assets(),
        "cache_name": FIELD_CACHE})


@never_cache
@login_required
def inspection_field(request, pk: int):
    """One inspection's field record: checklist item by item, photos, signatures, the exam; kept offline."""
    inspection = get_for_page(request, Inspection, pk, "change")
    if not services.may_act(inspection, request.user):
        raise PermissionDenied
    return render(request, "enforcement/field.html", {
        "inspection": inspection, "data": services.field_data(inspection), "assets": _field_assets(),
        "cache_name": FIELD_CACHE, "open": inspection.state in InspectionState.OPEN,
        "can_submit": policy.can(request.user, "change", Inspection)})


def field_service_worker(request):
    """The service worker of the field pages (served under their path so its scope covers them)."""
    response = render(request, "enforcement/field_sw.js", {
        "cache_name": FIELD_CACHE, "assets": _field_assets(), "static_prefix": settings.STATIC_URL},
        content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/enforcement/field/"
    return response

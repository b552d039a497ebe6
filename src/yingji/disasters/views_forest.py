"""Pages of forest fire prevention and geological hazards beyond the generic surfaces: the workflow actions of a
permit, a fire and a hazard point, the ranger's phone-sized check-in (with its offline queue), the fire-danger
computation for the forest areas, and opening an earthquake's incident."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from yingji.core import policy
from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.generic import get_for_page, require_page
from yingji.incidents.models import Incident

from . import forms_forest as forms
from .models.forest import FirePermit, ForestArea, ForestFire, ForestPatrol
from .models.geo import EarthquakeReport, GeoHazardPoint
from .services import forest as services
from .services import geo as geo_services


def _refuse(request, exc: ServiceError) -> None:
    if isinstance(exc, NotAllowed):
        raise PermissionDenied
    details = "；".join(e["message"] for e in exc.errors) if exc.errors else ""
    messages.error(request, f"{exc.detail}{'：' + details if details else ''}")


def _act(request, model, pk: int, action: str, act, detail: str):
    obj = get_for_page(request, model, pk)
    form = forms.ActionForm(request.POST)
    form.is_valid()
    payload = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    try:
        act(request.user, obj, action, payload)
    except ServiceError as exc:
        _refuse(request, exc)
    else:
        messages.success(request, _("Done."))
    return redirect(detail, pk=obj.pk)


@login_required
@require_POST
def permit_act(request, pk: int, action: str):
    return _act(request, FirePermit, pk, action, services.act_on_permit, "fire_permit_detail")


@login_required
@require_POST
def fire_act(request, pk: int, action: str):
    return _act(request, ForestFire, pk, action, services.act_on_fire, "forest_fire_detail")


@login_required
@require_POST
def point_act(request, pk: int, action: str):
    return _act(request, GeoHazardPoint, pk, action, geo_services.act_on_point, "geohazard_point_detail")


@login_required
@require_http_methods(["GET", "POST"])
def checkin(request):
    """The ranger's check-in on a phone. The page's script sends it with fetch (JSON answer) and keeps it in a
    queue while offline; without the script the form posts as usual."""
    require_page(request, "add", ForestPatrol)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    form = forms.PatrolForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
            try:
                patrol, created = services.check_in(request.user, data)
            except ServiceError as exc:
                if wants_json:
                    return JsonResponse({"detail": str(exc.detail), "errors": exc.errors}, status=exc.status)
                for error in exc.errors:
                    form.add_error(error["field"] if error["field"] in form.fields else None, error["message"])
            else:
                if wants_json:
                    return JsonResponse({"id": patrol.pk, "created": created}, status=201 if created else 200)
                messages.success(request, _("Checked in."))
                return redirect("forest_checkin")
        elif wants_json:
            return JsonResponse({"detail": _("Check the fields."),
                                 "errors": [{"field": f, "message": str(m[0])} for f, m in form.errors.items()]},
                                status=422)
    recent = ForestPatrol.objects.for_user(request.user).filter(ranger=request.user)[:10]
    return render(request, "disasters/forest_checkin.html", {"form": form, "recent": recent},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def danger(request):
    """Compute the day's fire-danger level from the weather and set it on the forest areas in the user's scope."""
    require_page(request, "view", ForestArea)
    form = forms.DangerForm(request.POST or None, initial={"day": timezone.localdate()})
    result = None
    if request.method == "POST":
        require_page(request, "change", ForestArea)
        if form.is_valid():
            data = form.cleaned_data
            areas = list(ForestArea.objects.for_user(request.user, "change"))
            try:
                result = services.set_danger(request.user, areas, data["day"], data)
            except ServiceError as exc:
                _refuse(request, exc)
            else:
                messages.success(request, _("Fire-danger level set on %(n)s forest areas.") % {"n": len(areas)})
    return render(request, "disasters/forest_danger.html",
                  {"form": form, "result": result, "areas": ForestArea.objects.for_user(request.user)},
                  status=400 if request.method == "POST" and not form.is_valid() else 200)


@login_required
@require_POST
def quake_incident(request, pk: int):
    report = get_for_page(request, EarthquakeReport, pk, "change")
    if not policy.can(request.user, "add", Incident):
        raise PermissionDenied
    try:
        incident = geo_services.feed_incident(request.user, report)
    except ServiceError as exc:
        _refuse(request, exc)
        return redirect("earthquake_report_detail", pk=report.pk)
    messages.success(request, _("The incident has the intensity report."))
    return redirect(reverse("incident_detail", args=[incident.pk]))


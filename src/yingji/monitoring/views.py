"""Pages of monitoring: open alarms (duty console list), alarm detail with acknowledge/close and its links
(draft a warning, open an incident), stations with their latest values, alarm rules (list, detail, create, edit,
disable). Reads go through ``policy``, writes through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core import policy
from yingji.core.errors import NotAllowed, ServiceError
from yingji.core.models import AuditRecord
from yingji.core.views import _get, _require, list_page, service_errors_to_form

from . import charts, links, rules, services
from .filters import AlarmFilterSet
from .models import Alarm, Reading, Rule, Station

STATUS_OF_ERROR = {403: 403, 404: 404, 409: 409, 422: 400}


@login_required
def alarm_list(request):
    denied = _require(request, "view", Alarm)
    if denied:
        return denied
    qs = Alarm.objects.for_user(request.user).select_related("station", "rule", "sensor")
    if not request.GET:
        request.GET = request.GET.copy()
        request.GET["active"] = "true"
    return list_page(request, qs, AlarmFilterSet, template="monitoring/alarm_list.html")


def _alarm_page(request, alarm, status=200):
    return render(request, "monitoring/alarm_detail.html", {
        "alarm": alarm, "events": alarm.events.all(),
        "actions": services.ALARM_WORKFLOW.available(alarm, request.user),
        **links.alarm_panels(request, alarm)}, status=status)


@login_required
def alarm_detail(request, pk: int):
    alarm = _get(request, Alarm, pk, queryset=Alarm.objects.select_related("station", "rule", "sensor"))
    return _alarm_page(request, alarm)


@login_required
@require_POST
def alarm_act(request, pk: int, action: str):
    alarm = _get(request, Alarm, pk, queryset=Alarm.objects.select_related("station", "rule", "sensor"))
    try:
        services.transition_alarm(request.user, alarm, action, request.POST.get("note", "")[:2000])
    except ServiceError as exc:
        for error in exc.errors or [{"message": exc.detail}]:
            messages.error(request, error["message"])
        return _alarm_page(request, alarm, status=STATUS_OF_ERROR.get(exc.status, 400))
    messages.success(request, _("Alarm updated."))
    return redirect("alarm_detail", pk=alarm.pk)


@login_required
def station_detail(request, pk: int):
    station = _get(request, Station, pk, queryset=Station.objects.select_related("enterprise"))
    sensors = station.sensors.select_related("latest").order_by("key")
    recent = Reading.objects.filter(station=station).select_related("sensor").order_by("-ts")[:50]
    alarms = Alarm.objects.for_user(request.user).filter(station=station).select_related("rule")[:20]
    range_key = request.GET.get("range", charts.DEFAULT_RANGE)
    if range_key not in charts.RANGES:
        range_key = charts.DEFAULT_RANGE
    return render(request, "monitoring/station_detail.html", {
        "station": station, "sensors": sensors, "recent": recent, "alarms": alarms, "range": range_key,
        "ranges": charts.range_labels(),
        "chart_sensors": [s for s in sensors if station.type != "video"]})


@login_required
def station_sensor_chart(request, pk: int, sensor_id: int):
    """One sensor's chart spec (JSON) over ``?range=6h|24h|7d|30d``: scoped as the station page (404 outside)."""
    from django.http import JsonResponse

    station = _get(request, Station, pk)
    sensor = station.sensors.filter(pk=sensor_id).select_related("station").first()
    if sensor is None:
        return JsonResponse({"detail": _("Not found"), "errors": []}, status=404)
    range_key = request.GET.get("range", charts.DEFAULT_RANGE)
    if range_key not in charts.RANGES:
        return JsonResponse({"detail": _("Validation failed"), "errors": [
            {"field": "range", "message": _("Choose one of: %(choices)s") % {
                "choices": "、".join(str(label) for _key, label in charts.range_labels())}}]}, status=422)
    return JsonResponse(charts.sensor_chart(sensor, range_key))


@login_required
@require_POST
def alarm_open_incident(request, pk: int):
    alarm = _get(request, Alarm, pk, queryset=Alarm.objects.select_related("station", "rule", "sensor"))
    try:
        incident = links.open_incident(request.user, alarm.pk)
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        for error in exc.errors or [{"message": exc.detail}]:
            messages.error(request, error["message"])
        return redirect("alarm_detail", pk=alarm.pk)
    messages.success(request, _("Incident opened from the alarm."))
    return redirect("incident_detail", pk=incident.pk)


# --- rules ---------------------------------------------------------------------------------------------------


@login_required
def rule_detail(request, pk: int):
    rule = _get(request, Rule, pk, queryset=Rule.objects.select_related("station"))
    history = (AuditRecord.objects.filter(object_type="monitoring.rule", object_id=str(rule.pk))
               .order_by("-time")[:50] if policy.can(request.user, "view", AuditRecord) else [])
    alarms = Alarm.objects.for_user(request.user).filter(rule=rule).select_related("station")[:20]
    return render(request, "monitoring/rule_detail.html", {
        "rule": rule, "alarms": alarms, "history": history,
        "can_change": policy.can(request.user, "change", Rule)})


def _form_errors(form, exc: ServiceError) -> None:
    """Service errors onto the form (the API's ``station_id`` is the form's ``station``); a refusal with no field
    is a 403."""
    if isinstance(exc, NotAllowed) and not exc.errors:
        raise PermissionDenied from None
    for error in exc.errors or []:
        if error.get("field", "").endswith("_id") and error["field"][:-3] in form.fields:
            error["field"] = error["field"][:-3]
    service_errors_to_form(form, exc)


@login_required
@require_POST
def rule_set_enabled(request, pk: int, enabled: int):
    rule = _get(request, Rule, pk, "change")
    try:
        rules.set_enabled(request.user, rule, bool(enabled))
    except NotAllowed:
        raise PermissionDenied from None
    except ServiceError as exc:
        for error in exc.errors or [{"message": exc.detail}]:
            messages.error(request, error["message"])
        return redirect("rule_detail", pk=rule.pk)
    messages.success(request, _("Rule enabled.") if enabled else _("Rule disabled."))
    return redirect("rule_detail", pk=rule.pk)

"""Pages of monitoring: open alarms (duty console list), alarm detail with acknowledge/close, stations with their
latest values. Reads go through ``policy``, writes through ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yingji.core.errors import ServiceError
from yingji.core.views import _get, _require, list_page

from . import services
from .filters import AlarmFilterSet, StationFilterSet
from .models import Alarm, Reading, Sensor, Station

STATUS_OF_ERROR = {403: 403, 404: 404, 409: 409, 422: 400}


@login_required
def alarm_list(request):
    denied = _require(request, "view", Alarm)
    if denied:
        return denied
    qs = Alarm.objects.for_user(request.user).select_related("station", "rule")
    if not request.GET:
        request.GET = request.GET.copy()
        request.GET["active"] = "true"
    return list_page(request, qs, AlarmFilterSet, template="monitoring/alarm_list.html")


def _alarm_page(request, alarm, status=200):
    return render(request, "monitoring/alarm_detail.html", {
        "alarm": alarm, "events": alarm.events.select_related("actor"),
        "actions": services.ALARM_WORKFLOW.available(alarm, request.user)}, status=status)


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
def station_list(request):
    denied = _require(request, "view", Station)
    if denied:
        return denied
    qs = Station.objects.for_user(request.user).select_related("enterprise").prefetch_related(
        Prefetch("sensors", queryset=Sensor.objects.select_related("latest").order_by("key")))
    return list_page(request, qs, StationFilterSet, template="monitoring/station_list.html")


@login_required
def station_detail(request, pk: int):
    station = _get(request, Station, pk, queryset=Station.objects.select_related("enterprise"))
    sensors = station.sensors.select_related("latest").order_by("key")
    recent = Reading.objects.filter(station=station).select_related("sensor").order_by("-ts")[:50]
    alarms = Alarm.objects.for_user(request.user).filter(station=station).select_related("rule")[:20]
    return render(request, "monitoring/station_detail.html", {
        "station": station, "sensors": sensors, "recent": recent, "alarms": alarms})

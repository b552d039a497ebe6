"""From an alarm to the work it starts: an incident opened through the incidents services (the link is kept on the
alarm) and the warnings drafted from it (``warning.source_alarm``; drafted by the warnings services).

Monitoring lies below incidents and warnings: it never imports them. The apps above register here what an alarm
can start and what its page shows of them (``register_incident_opener``, ``register_alarm_panel``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from yingji.core import audit, policy
from yingji.core.choices import AuditAction
from yingji.core.errors import Conflict, ValidationFailed

from .choices import AlarmEventKind, StationType
from .models import Alarm, AlarmEvent

#: Incident type (2006 master plan §1.3, ``standards.events``) an alarm at a station of this type suggests.
INCIDENT_TYPE_BY_STATION = {
    StationType.RAIN: "meteorological",
    StationType.WIND: "meteorological",
    StationType.WATER_LEVEL: "flood_drought",
    StationType.GEOHAZARD: "geological",
    StationType.TAILINGS: "industrial_commercial_accident",
    StationType.GAS: "industrial_commercial_accident",
    StationType.TANK: "industrial_commercial_accident",
}


_incident_opener: list = []
_panels: list = []


def register_incident_opener(create) -> None:
    """``create(actor, fields) -> incident``: how an incident is opened from an alarm (the incidents app)."""
    _incident_opener[:] = [create]


def register_alarm_panel(context) -> None:
    """``context(request, alarm) -> dict``: what an app shows on the alarm page (its template reads the keys)."""
    if context not in _panels:
        _panels.append(context)


def alarm_panels(request, alarm) -> dict:
    found = {}
    for context in _panels:
        found.update(context(request, alarm))
    return found


def _alarm(actor, alarm_id) -> Alarm:
    return policy.get_object(actor, Alarm, alarm_id, queryset=Alarm.objects.select_related("station", "rule"))


def incident_defaults(alarm: Alarm) -> dict:
    s = alarm.station
    return {"event_type": INCIDENT_TYPE_BY_STATION.get(s.type, ""),
            "title": f"{s.name}：{alarm.rule.name}"[:200],
            "region_code": alarm.region_code, "occurred_at": alarm.first_at, "source": "monitoring",
            "description": f"{s.code} {alarm.message}（告警 {alarm.pk}）"[:2000],
            "lat": s.lat, "lon": s.lon, "enterprise_id": s.enterprise_id}


def open_incident(actor, alarm_id, data: Mapping[str, Any] | None = None):
    """Open an incident from an alarm the actor may see (404 otherwise), pre-filled from the alarm and its
    station; ``data`` overrides. The alarm keeps the link; a second incident for the same alarm is a conflict."""
    if not _incident_opener:
        raise Conflict("Incidents cannot be opened here: the incidents module is not installed")
    alarm = _alarm(actor, alarm_id)
    if alarm.incident_id:
        raise Conflict(f"Alarm {alarm.pk} already has incident {alarm.incident_id}")
    fields = incident_defaults(alarm) | {k: v for k, v in dict(data or {}).items() if v not in (None, "")}
    if not fields["event_type"]:
        raise ValidationFailed.from_dict({"event_type": [gettext("Choose the incident type")]})
    with transaction.atomic():
        incident = _incident_opener[0](actor, fields)
        if not Alarm.objects.filter(pk=alarm.pk, incident__isnull=True).update(incident=incident):
            raise Conflict(f"Alarm {alarm.pk} was linked to another incident meanwhile")
        AlarmEvent.objects.create(alarm=alarm, kind=AlarmEventKind.INCIDENT, actor=actor, level=alarm.level,
                                  note=f"{incident.pk} {incident.title}"[:2000])
        audit.record(AuditAction.UPDATE, alarm, actor=actor, message=f"incident {incident.pk} opened from the alarm")
    return incident


def record_warning_drafted(actor, alarm_id, warning) -> None:
    """Note on the alarm's timeline that a warning was drafted from it (called by the warnings services)."""
    alarm = Alarm.objects.get(pk=alarm_id)
    AlarmEvent.objects.create(alarm=alarm, kind=AlarmEventKind.WARNING, actor=actor, level=alarm.level,
                              note=f"{warning.pk} {warning.headline}"[:2000])


# How this module's audit messages read on pages.
audit.message_pattern(r"incident (?P<id>\d+) opened from the alarm",
                      gettext_lazy("Incident %(id)s opened from the alarm"))

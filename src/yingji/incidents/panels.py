"""What incidents add to the pages of lower apps: the alarm page's incident panel (registered with
``monitoring.links``) and the command map's incident layer (registered with ``core.maps``)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from yingji.core import policy

from .choices import AccidentGrade, IncidentState
from .models import Incident


def alarm_incident(request, alarm) -> dict:
    """The incident opened from the alarm (when the viewer may see it) and whether one may be opened."""
    user = request.user
    can_view = policy.can(user, "view", Incident)
    incident = (Incident.objects.for_user(user).filter(pk=alarm.incident_id).first()
                if alarm.incident_id and can_view else None)
    return {"incident": incident,
            "can_open_incident": not alarm.incident_id and policy.can(user, "add", Incident)}


#: The distance rings drawn around an open incident on the command map (1, 3 and 5 km), in metres.
RINGS_M = (1000, 3000, 5000)


def incident_points(user) -> list[dict]:
    """Open incidents (reported or responding) in scope with a point."""
    if not policy.can(user, "view", Incident):
        return []
    points = []
    rows = Incident.objects.for_user(user).filter(state__in=IncidentState.OPEN, lat__isnull=False)
    for i in rows.only("id", "title", "lat", "lon", "state", "grade", "occurred_at", "address")[:500]:
        try:
            url = reverse("incident_detail", args=[i.pk])
        except NoReverseMatch:
            url = ""
        points.append({"kind": "incident", "id": i.pk, "name": i.title, "lat": float(i.lat), "lon": float(i.lon),
                       "url": url, "rings": list(RINGS_M), "fields": [pair for pair in (
                           [_("State"), IncidentState.label(i.state)], [_("Grade"), AccidentGrade.label(i.grade)],
                           [_("Occurred"), timezone.localtime(i.occurred_at).strftime("%Y-%m-%d %H:%M")],
                           [_("Address"), i.address]) if pair[1]]})
    return points

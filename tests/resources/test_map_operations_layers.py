"""Issue 12 §5: the command map's operational layers hold exactly what the user's scope holds: stations by state,
active alarms, warnings in force with their areas, overdue hazards, major hazard sources, incidents with rings;
and the offline base is always there."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yingji.core.models import User
from yingji.enterprises.models import Enterprise
from yingji.incidents.models import Incident
from yingji.monitoring.choices import AlarmState
from yingji.monitoring.models import Alarm, Station
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard
from yingji.warnings.models import Warning  # noqa: A004
from yingji.warnings.services import warnings_in_force

pytestmark = pytest.mark.django_db


def _layers(web, username):
    response = web(username).get("/resources/map/layers/")
    assert response.status_code == 200
    return response.json()


def _expected(user):
    now = timezone.now()
    overdue = [h for h in Hazard.objects.for_user(user).filter(state__in=HazardState.DEADLINE_RUNNING,
                                                                 due_at__lt=now).select_related("enterprise", "place")
               if (h.enterprise_id and h.enterprise.lat is not None) or (h.place_id and h.place.lat is not None)]
    return {
        "stations": Station.objects.for_user(user).filter(lat__isnull=False).count(),
        "alarms": Alarm.objects.for_user(user).filter(state__in=AlarmState.ACTIVE,
                                                      station__lat__isnull=False).count(),
        "warnings": warnings_in_force().filter(pk__in=Warning.objects.for_user(user).values("pk")).count(),
        "hazards": len(overdue),
        "major_hazards": Enterprise.objects.for_user(user).filter(major_hazard_level__isnull=False,
                                                                  lat__isnull=False).count(),
    }


@pytest.mark.parametrize("username", ["admin", "township1"])
def test_layers_hold_what_the_scope_holds(web, demo_county, username):
    data = _layers(web, username)
    expected = _expected(User.objects.get(username=username))
    got = {name: len(data["layers"][name]) for name in expected}
    assert got == expected
    assert len(data["base"]["features"]) == 7


def test_the_demo_county_has_something_on_each_layer(web, demo_county):
    data = _layers(web, "admin")
    for name in ("stations", "warnings", "major_hazards", "incidents"):
        assert data["layers"][name], name
    states = {p["state"] for p in data["layers"]["stations"]}
    assert states <= {"online", "offline", "alarm", "inactive"} and states
    assert all(p["rings"] == [1000, 3000, 5000] for p in data["layers"]["incidents"])


def test_township_never_sees_another_townships_station_or_hazard(web, demo_county):
    other = demo_county["township2"]
    station = Station.objects.filter(region_code__startswith=other, lat__isnull=False).first()
    assert station is not None
    ids = {p["id"] for p in _layers(web, "township1")["layers"]["stations"]}
    assert station.pk not in ids
    assert all(not Station.objects.get(pk=i).region_code.startswith(other) for i in ids)


def test_station_states_follow_alarms_and_silence(web, demo_county):
    station = Station.objects.filter(lat__isnull=False, status="active").exclude(type="video").first()
    Station.objects.filter(pk=station.pk).update(last_reading_at=timezone.now() - timedelta(days=2))
    point = next(p for p in _layers(web, "admin")["layers"]["stations"] if p["id"] == station.pk)
    assert point["state"] == "offline"
    Station.objects.filter(pk=station.pk).update(last_reading_at=timezone.now())
    Alarm.objects.filter(station=station).exclude(rule__kind="no_data").update(state="closed")
    Alarm.objects.filter(station=station, rule__kind="no_data").update(state="closed")
    point = next(p for p in _layers(web, "admin")["layers"]["stations"] if p["id"] == station.pk)
    assert point["state"] == "online"


def test_warning_in_force_carries_its_area(web, demo_county):
    warnings = _layers(web, "admin")["layers"]["warnings"]
    with_area = [w for w in warnings if w["area"]]
    assert with_area
    for w in with_area:
        assert w["area"]["type"] == "MultiPolygon" and w["level"] in ("red", "orange", "yellow", "blue")


def test_open_incident_rings(web, demo_county):
    open_placed = Incident.objects.filter(state__in=("reported", "responding"), lat__isnull=False).count()
    assert len(_layers(web, "admin")["layers"]["incidents"]) == open_placed

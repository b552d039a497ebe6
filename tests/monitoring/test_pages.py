"""Pages: alarm list (open alarms by default, filters), alarm detail with acknowledge/close, stations."""

from __future__ import annotations

import pytest

from yingji.monitoring import services
from yingji.monitoring.models import Alarm, Station

from .helpers import make_station, ts


@pytest.fixture
def alarm(demo_county):
    make_station("T-RAIN")
    services.ingest(None, [{"station": "T-RAIN", "sensor": "rain", "ts": ts(5), "value": 150}])
    return Alarm.objects.filter(station__code="T-RAIN", rule__kind="rainstorm").get()


def test_alarm_list_shows_open_alarms_in_scope(web, alarm):
    response = web("duty").get("/alarms/")
    assert response.status_code == 200
    assert b"T-RAIN" in response.content
    assert b"T-RAIN" not in web("township2").get("/alarms/").content
    assert web("duty").get("/alarms/", {"state": "closed"}).content.count(b"T-RAIN") == 0


def test_alarm_detail_and_actions(web, alarm):
    client = web("duty")
    assert client.get(f"/alarms/{alarm.pk}/").status_code == 200
    assert web("township2").get(f"/alarms/{alarm.pk}/").status_code == 404
    assert web("observer").post(f"/alarms/{alarm.pk}/actions/acknowledge/").status_code == 403
    response = client.post(f"/alarms/{alarm.pk}/actions/acknowledge/", {"note": "seen"})
    assert response.status_code == 302
    assert client.post(f"/alarms/{alarm.pk}/actions/close/", {"note": ""}).status_code == 400
    client.post(f"/alarms/{alarm.pk}/actions/close/", {"note": "done"})
    alarm.refresh_from_db()
    assert alarm.state == "closed"


def test_station_pages(web, demo_county):
    station = Station.objects.get(code="RG410481001")
    response = web("township1").get("/stations/", {"type": "rain"})
    assert response.status_code == 200 and b"RG410481001" in response.content
    assert web("township1").get(f"/stations/{station.pk}/").status_code == 200
    assert web("township2").get(f"/stations/{station.pk}/").status_code == 404
    assert b"<script>" not in response.content and b"style=" not in response.content

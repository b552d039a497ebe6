"""Helpers of the duty desk tests: log entries, incidents and alarms at chosen places and times."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from yingji.core.models import User
from yingji.duty.models import DutyLogEntry
from yingji.duty.report import period
from yingji.incidents import services as incident_services
from yingji.monitoring.models import Alarm, Rule, Station


@pytest.fixture
def report_day() -> datetime.date:
    """A duty day ten days back: no demo data lies in it, and nothing in it is in the future."""
    return timezone.localdate() - datetime.timedelta(days=10)


@pytest.fixture
def window(report_day):
    return period(report_day)


def log(region_code: str, when: datetime.datetime, content: str, source: str = "phone", kind: str = "call"):
    return DutyLogEntry.objects.create(region_code=region_code, received_at=when, source=source, kind=kind,
                                       content=content, caller_name="来电人")


def incident(region_code: str, when: datetime.datetime, title: str, deaths: int = 0):
    return incident_services.create_incident(User.objects.get(username="admin"), {
        "event_type": "industrial_commercial_accident", "title": title, "source": "phone",
        "occurred_at": when - datetime.timedelta(minutes=10), "received_at": when, "region_code": region_code,
        "deaths": deaths, "serious_injuries": 0, "direct_loss_yuan": "1000"})


def alarm(region_code: str, when: datetime.datetime, level: str = "orange", message: str = "水位超警戒",
          state: str = "open") -> Alarm:
    station = Station.objects.filter(region_code__startswith=region_code, enterprise__isnull=True).order_by("id")[0]
    # One rule per alarm: a station has at most one active alarm per rule.
    rule = Rule.objects.create(name=f"{station.name}: {message}"[:100], kind="above", station=station,
                               sensor_key="water_level", threshold=1.0, level=level)
    return Alarm.objects.create(station=station, rule=rule, region_code=station.region_code, level=level,
                                state=state, message=message, first_at=when, last_at=when, raised_at=when)

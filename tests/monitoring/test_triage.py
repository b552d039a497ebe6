"""Alarms can be triaged: most severe first, then newest (list page, API default, duty console); the console shows
the rule and the value with its unit and never lets its limit hide a red alarm; alarm texts are translated
(Chinese by default) and carry units; one offline alarm per station, closed by itself when data returns."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from yingji.core.models import AuditRecord
from yingji.duty.views import RECENT_ALARMS
from yingji.monitoring import services
from yingji.monitoring.choices import AlarmLevel, AlarmState, RuleKind
from yingji.monitoring.models import Alarm, AlarmEvent, Rule, Sensor, Station

from .helpers import make_station, ts

RANK = {"red": 4, "orange": 3, "yellow": 2, "blue": 1}


def site(msgid: str, **params) -> str:
    """A text as stored: translated into the site's language (Chinese) whatever the request's language."""
    with translation.override("zh-hans"):
        return translation.gettext(msgid) % params


def _alarms(region="410481001", count=3, minutes=0):
    """Alarms of every level in the township, raised at different times, yellow ones newest (as a storm's
    rate alarms would be)."""
    station = Station.objects.filter(region_code=region, code__startswith="WL").get()
    sensor = Sensor.objects.get(station=station, key="water_level")
    now = timezone.now()
    made = []
    for i, (level, age) in enumerate([("yellow", 1), ("red", 50), ("blue", 2), ("orange", 30), ("red", 40),
                                      ("yellow", 3)] * count):
        kind = RuleKind.RATE if level == "yellow" else RuleKind.ABOVE
        rule = Rule.objects.create(name=f"T{i} {level}", kind=kind, station=station, sensor_key="water_level",
                                   threshold=0.5 if kind == RuleKind.RATE else 5.5, level=level)
        when = now - timedelta(minutes=age + i + minutes)
        made.append(Alarm.objects.create(station=station, sensor=sensor, rule=rule, region_code=region, level=level,
                                         message="m", first_at=when, last_at=when, raised_at=when,
                                         last_value=0.842 if kind == RuleKind.RATE else 5.81))
    return made


def _triage_key(alarm: Alarm):
    return (-RANK[alarm.level], -alarm.raised_at.timestamp(), -alarm.pk)


def test_default_order_is_level_then_newest(demo_county):
    _alarms()
    rows = list(Alarm.objects.all())
    assert [a.pk for a in rows] == [a.pk for a in sorted(rows, key=_triage_key)]
    assert rows[0].level == "red" and rows[-1].level in ("blue", "yellow")
    # The severity the database keeps follows an escalation.
    alarm = Alarm.objects.filter(level="blue").first()
    Alarm.objects.filter(pk=alarm.pk).update(level="red")
    assert Alarm.objects.values_list("severity", flat=True).get(pk=alarm.pk) == AlarmLevel.RANK["red"]


def test_api_lists_alarms_most_severe_first(api, demo_county):
    _alarms()
    body = api("duty").get("/api/v1/alarms?active=true&limit=500").json()
    levels = [RANK[item["level"]] for item in body["items"]]
    assert levels == sorted(levels, reverse=True) and body["count"] >= 18
    reds = [item for item in body["items"] if item["level"] == "red"]
    assert {item["value_text"] for item in reds} == {"5.81 m"}
    assert [r["raised_at"] for r in reds] == sorted((r["raised_at"] for r in reds), reverse=True)


def test_alarm_list_page_in_triage_order_with_values_and_units(web, demo_county):
    _alarms(count=1)
    html = web("duty").get("/alarms/").content.decode()
    table = html[html.index('id="yj-alarm-table"'):]
    ids = [int(i) for i in re.findall(r'data-href="/alarms/(\d+)/"', table)]
    shown = [Alarm.objects.get(pk=i) for i in ids]
    assert ids == [a.pk for a in sorted(shown, key=_triage_key)] and shown[0].level == "red"
    assert "5.81 m" in table and "0.842 m/h" in table


def test_console_shows_most_severe_first_and_never_cuts_red(web, demo_county):
    made = _alarms(count=3)  # 6 red, 3 orange, 6 yellow, 3 blue: more than the panel's limit
    html = web("duty").get("/duty/panel/").content.decode()
    panel = html[html.index('id="yj-recent-alarms"'):]
    panel = panel[:panel.index("</ul>")]
    ids = [int(i) for i in re.findall(r'data-alarm="(\d+)"', panel)]
    shown = [Alarm.objects.get(pk=i) for i in ids]
    active_red = set(Alarm.objects.filter(level="red", state__in=AlarmState.ACTIVE).values_list("pk", flat=True))
    assert active_red <= set(ids), "a red alarm was cut by the panel's limit"
    assert ids == [a.pk for a in sorted(shown, key=_triage_key)]
    assert len(ids) == max(RECENT_ALARMS, len(active_red))
    assert not {a.pk for a in made if a.level == "yellow"} & set(ids[:len(active_red)])
    # Rule name, value and unit, never a bare "0.842/h"; a link to all of them.
    red = next(a for a in made if a.level == "red")
    assert red.rule.name in panel and "5.81 m" in panel
    assert not re.search(r">\s*[\d.]+/h", panel)
    total = Alarm.objects.filter(state__in=AlarmState.ACTIVE).count()
    assert re.search(rf'href="/alarms/">[^<]*\b{total}\b', panel)


def test_console_shows_every_red_alarm_even_beyond_its_limit(web, demo_county):
    _alarms(count=6)  # 12 red
    html = web("duty").get("/duty/panel/").content.decode()
    ids = {int(i) for i in re.findall(r'data-alarm="(\d+)"', html)}
    red = set(Alarm.objects.filter(level="red", state__in=AlarmState.ACTIVE).values_list("pk", flat=True))
    assert len(red) > RECENT_ALARMS and ids == red


def test_console_with_few_alarms_shows_them_all(web, demo_county):
    made = _alarms(count=1)
    html = web("township1").get("/duty/panel/").content.decode()
    ids = re.findall(r'data-alarm="(\d+)"', html)
    assert sorted(int(i) for i in ids) == sorted(a.pk for a in made)


def test_rate_alarm_text_has_the_unit_and_real_interval(demo_county):
    station = make_station("T-WL", "water_level", sensors=[("water_level", 0, 30, False)])
    Sensor.objects.filter(station=station).update(unit="m")
    services.ingest(None, [{"station": "T-WL", "sensor": "water_level", "ts": ts(40), "value": 2.0}])
    # 0.4 m in 20 minutes: 1.2 m/h over the real 20 minutes, not over an assumed interval.
    services.ingest(None, [{"station": "T-WL", "sensor": "water_level", "ts": ts(20), "value": 2.4}])
    alarm = Alarm.objects.select_related("rule", "sensor").get(station=station, rule__kind=RuleKind.RATE)
    assert alarm.last_value == pytest.approx(1.2)
    assert alarm.message == site("rising %(rate)s %(unit)s/h (over %(minutes)s min)", rate="1.2", unit="m",
                                 minutes="20")
    with translation.override("en"):
        assert alarm.value_text == "1.2 m/h"
        assert services._rate_message(1.2, "m", 20) == "rising 1.2 m/h (over 20 min)"
        assert services._rate_message(-0.6, "m", 10) == "falling 0.6 m/h (over 10 min)"


def test_threshold_and_rolling_alarm_texts_have_units(demo_county):
    make_station("T-RAIN")
    services.ingest(None, [{"station": "T-RAIN", "sensor": "rain", "ts": ts(5), "value": 45.0}])
    alarm = Alarm.objects.select_related("rule", "sensor").get(station__code="T-RAIN",
                                                               rule__kind=RuleKind.ROLLING_SUM)
    assert alarm.message == site("%(value)s %(unit)s in %(hours)s h", value="45.0", unit="mm", hours=1)
    with translation.override("en"):
        assert alarm.value_text == "45 mm in 1 h"
    gas = make_station("T-GAS", "gas", sensors=[("gas", 0, 100, False)])
    Sensor.objects.filter(station=gas).update(unit="%LEL")
    services.ingest(None, [{"station": "T-GAS", "sensor": "gas", "ts": ts(5), "value": 31.5}])
    alarm = Alarm.objects.select_related("rule", "sensor").get(station=gas)
    assert alarm.message == site("%(value)s %(unit)s, at or above %(threshold)s %(unit)s", value="31.5",
                                 unit="%LEL", threshold="25")
    assert alarm.value_text == "31.5 %LEL"


# --- offline: one alarm per station, closed when data returns --------------------------------------------------


def _silent_station(code="T-OFF"):
    station = make_station(code, "tank", expected_interval=60, sensors=[
        ("pressure", 0, 10, False), ("temperature", -40, 200, False), ("level", 0, 100, False)])
    services.ingest(None, [{"station": code, "sensor": key, "ts": ts(30), "value": 1.0}
                           for key in ("pressure", "temperature", "level")])
    return station


def test_offline_is_one_alarm_per_station_whatever_its_sensors_and_rules(demo_county):
    station = _silent_station()
    # A second no-data rule for the station's type must not give the station a second offline alarm.
    Rule.objects.create(name="储罐离线", kind=RuleKind.NO_DATA, station_type="tank", threshold=5, level="yellow")
    now = timezone.now()
    for minute in range(5):
        services.check_offline(now + timedelta(minutes=minute))
    alarms = Alarm.objects.filter(station=station)
    assert alarms.count() == 1
    alarm = alarms.get()
    assert alarm.rule.kind == RuleKind.NO_DATA and alarm.sensor_id is None and alarm.trigger_count == 5
    assert alarm.rule.name == "储罐离线"  # the station type's rule before the general one
    minutes = f"{alarm.last_value:.0f}"
    assert alarm.message == site("no data for %(minutes)s min", minutes=minutes)
    with translation.override("en"):
        assert alarm.value_text == f"{minutes} min without data"


def test_offline_alarm_closes_itself_when_data_returns(demo_county):
    station = _silent_station()
    services.check_offline()
    alarm = Alarm.objects.get(station=station, rule__kind=RuleKind.NO_DATA)
    assert alarm.state == AlarmState.OPEN
    services.ingest(None, [{"station": "T-OFF", "sensor": "pressure", "ts": ts(0), "value": 0.8}])
    alarm.refresh_from_db()
    assert alarm.state == AlarmState.CLOSED and alarm.closed_at is not None and alarm.closed_by is None
    event = AlarmEvent.objects.filter(alarm=alarm).order_by("-id").first()
    assert event.kind == "close" and event.note == site("Data received again: closed automatically.")
    assert AuditRecord.objects.filter(object_type="monitoring.alarm", object_id=str(alarm.pk),
                                      action="transition").exists()
    # Back online: no new offline alarm; the next outage gets a new one.
    assert not services.check_offline()
    later = timezone.now() + timedelta(minutes=10)
    services.check_offline(later)
    assert Alarm.objects.filter(station=station, state=AlarmState.OPEN, rule__kind=RuleKind.NO_DATA).count() == 1
    assert Alarm.objects.filter(station=station).count() == 2


def test_other_alarms_stay_open_when_data_returns(demo_county):
    station = _silent_station()
    services.ingest(None, [{"station": "T-OFF", "sensor": "pressure", "ts": ts(1), "value": 2.0}])  # ≥ 1.6 MPa
    services.ingest(None, [{"station": "T-OFF", "sensor": "pressure", "ts": ts(0), "value": 0.8}])
    alarm = Alarm.objects.get(station=station)
    assert alarm.rule.kind == RuleKind.ABOVE and alarm.state == AlarmState.OPEN


def test_an_offline_alarm_closed_by_a_person_is_not_raised_again_in_the_same_outage(demo_county):
    from yingji.core.models import User

    station = _silent_station()
    services.check_offline()
    alarm = Alarm.objects.get(station=station)
    services.transition_alarm(User.objects.get(username="duty"), alarm, "close", "设备检修，已知")
    services.check_offline(timezone.now() + timedelta(minutes=3))
    assert Alarm.objects.filter(station=station).count() == 1

"""From an alarm: "draft a warning" (pre-filled from the station's area and the alarm's level, source_alarm set)
and "open an incident" (created by the incidents services, the link kept on the alarm); both on the alarm page,
within the user's scope."""

from __future__ import annotations

import pytest
from django.utils import timezone

from yingji.core.models import User
from yingji.incidents.models import Incident
from yingji.monitoring import links, services
from yingji.monitoring.models import Alarm, AlarmEvent
from yingji.warnings import services as warnings
from yingji.warnings.models import Warning

from .helpers import make_station, ts


def _rain_alarm(code="T-RAIN", region_code="410481001") -> Alarm:
    make_station(code, region_code=region_code, lat=33.3, lon=113.5)
    services.ingest(None, [{"station": code, "sensor": "rain", "ts": ts(5), "value": 120}])
    return Alarm.objects.get(station__code=code, rule__kind="rainstorm")


def _gas_alarm(demo_county) -> Alarm:
    make_station("T-GAS", "gas", region_code=demo_county["village"], sensors=[("gas", 0, 100, False)])
    services.ingest(None, [{"station": "T-GAS", "sensor": "gas", "ts": ts(5), "value": 60}])
    return Alarm.objects.get(station__code="T-GAS")


def test_prefill_follows_the_alarm_level_area_and_template(demo_county):
    alarm = _rain_alarm()
    assert alarm.level == "red"
    duty = User.objects.get(username="duty")
    data = warnings.alarm_prefill(duty, alarm.pk)
    assert data["template"] == "rainstorm_red" and data["level"] == "red"
    assert data["area_codes"] == [alarm.region_code] and data["source_alarm"] == str(alarm.pk)
    assert alarm.station.name in data["description"]
    warning = warnings.draft_from_alarm(duty, alarm.pk)
    assert (warning.source_alarm, warning.level, warning.area_codes) == (str(alarm.pk), "red", [alarm.region_code])
    assert "level" in warning.locked_fields and warning.state == "draft"
    assert AlarmEvent.objects.filter(alarm=alarm, kind="warning").exists()
    assert list(warnings.warnings_from_alarm(duty, alarm.pk)) == [warning]


def test_locked_template_fields_cannot_be_overridden_from_the_alarm(demo_county):
    alarm = _rain_alarm()
    from yingji.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as exc:
        warnings.draft_from_alarm(User.objects.get(username="duty"), alarm.pk, {"level": "blue"})
    assert exc.value.errors[0]["field"] == "level"


def test_an_alarm_without_a_template_still_gives_level_and_area(demo_county):
    alarm = _gas_alarm(demo_county)
    data = warnings.alarm_prefill(User.objects.get(username="duty"), alarm.pk)
    assert "template" not in data and data["level"] == alarm.level
    assert data["area_codes"] == [demo_county["village"]] and data["category"] == "Safety"


def test_open_incident_links_the_alarm_once(demo_county):
    alarm = _gas_alarm(demo_county)
    duty = User.objects.get(username="duty")
    incident = links.open_incident(duty, alarm.pk)
    alarm.refresh_from_db()
    assert alarm.incident_id == incident.pk
    assert (incident.event_type, incident.source, incident.region_code) == (
        "industrial_commercial_accident", "monitoring", demo_county["village"])
    assert AlarmEvent.objects.filter(alarm=alarm, kind="incident").exists()
    from yingji.core.errors import Conflict

    with pytest.raises(Conflict):
        links.open_incident(duty, alarm.pk)
    assert Incident.objects.filter(pk=incident.pk).count() == 1


def test_alarm_page_buttons_and_links(web, demo_county):
    alarm = _gas_alarm(demo_county)
    client = web("duty")
    page = client.get(f"/alarms/{alarm.pk}/")
    body = page.content.decode()
    assert f"/warnings/new/?alarm={alarm.pk}" in body and f"/alarms/{alarm.pk}/incident/" in body
    form = client.get(f"/warnings/new/?alarm={alarm.pk}")
    assert form.status_code == 200
    initial = form.context["form"].initial
    assert initial["level"] == alarm.level and initial["area_codes"] == [demo_county["village"]]
    posted = {k: v for k, v in {
        "alarm": alarm.pk, "event_type": initial["event_type"], "event": initial["event"],
        "category": initial["category"], "level": initial["level"], "certainty": "Observed",
        "headline": initial["headline"], "description": initial["description"], "instruction": "撤离",
        "effective": timezone.localtime(initial["effective"]).strftime("%Y-%m-%dT%H:%M"),
        "expires": timezone.localtime(initial["expires"]).strftime("%Y-%m-%dT%H:%M"),
        "area_codes": demo_county["village"], "source_alarm": "999"}.items()}
    saved = client.post("/warnings/new/", posted)
    warning = Warning.objects.get(source_alarm=str(alarm.pk))
    assert saved.status_code == 302 and saved["Location"] == f"/warnings/{warning.pk}/"
    opened = client.post(f"/alarms/{alarm.pk}/incident/")
    alarm.refresh_from_db()
    assert opened.status_code == 302 and alarm.incident_id
    body = client.get(f"/alarms/{alarm.pk}/").content.decode()
    assert f"/incidents/{alarm.incident_id}/" in body and f"/warnings/{warning.pk}/" in body
    assert f"/alarms/{alarm.pk}/incident/" not in body  # no second incident offered
    assert f"/alarms/{alarm.pk}/" in client.get(f"/warnings/{warning.pk}/").content.decode()


def test_scope_and_roles(web, demo_county):
    alarm = _gas_alarm(demo_county)
    # Another township sees neither the alarm, nor can draft from it or open an incident for it.
    other = web("township2")
    assert other.get(f"/alarms/{alarm.pk}/").status_code == 404
    assert other.post(f"/alarms/{alarm.pk}/incident/").status_code == 404
    assert web("duty").get("/warnings/new/?alarm=999999").status_code == 404
    assert web("section").get(f"/warnings/new/?alarm={alarm.pk}").status_code == 200
    # An observer sees the alarm but is offered neither action, and posting is refused.
    observer = web("observer")
    body = observer.get(f"/alarms/{alarm.pk}/").content.decode()
    assert "/warnings/new/?alarm=" not in body and "/incident/" not in body
    assert observer.post(f"/alarms/{alarm.pk}/incident/").status_code == 403
    alarm.refresh_from_db()
    assert alarm.incident_id is None


def test_api_draft_and_incident_from_an_alarm(api, demo_county):
    from ..conftest import assert_error_shape

    alarm = _gas_alarm(demo_county)
    assert_error_shape(api("township2").post(f"/api/v1/warnings/from-alarm/{alarm.pk}", {}), 404)
    assert_error_shape(api("observer").post(f"/api/v1/warnings/from-alarm/{alarm.pk}", {}), 403)
    drafted = api("duty").post(f"/api/v1/warnings/from-alarm/{alarm.pk}", {"instruction": "立即撤离"})
    assert drafted.status_code == 201, drafted.content
    body = drafted.json()
    assert (body["source_alarm"], body["level"], body["area_codes"], body["instruction"]) == (
        str(alarm.pk), alarm.level, [demo_county["village"]], "立即撤离")
    assert_error_shape(api("township2").post(f"/api/v1/alarms/{alarm.pk}/incident", {}), 404)
    assert_error_shape(api("observer").post(f"/api/v1/alarms/{alarm.pk}/incident", {}), 403)
    opened = api("duty").post(f"/api/v1/alarms/{alarm.pk}/incident", {"title": "燃气泄漏"})
    assert opened.status_code == 201, opened.content
    incident = Incident.objects.get(pk=opened.json()["incident_id"])
    assert incident.title == "燃气泄漏"
    assert api("duty").get(f"/api/v1/alarms/{alarm.pk}").json()["incident_id"] == incident.pk
    assert_error_shape(api("duty").post(f"/api/v1/alarms/{alarm.pk}/incident", {}), 409)

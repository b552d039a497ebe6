"""The incident page's forms for the actions that the API already had: follow-up report, reported level, response
level, close and reopen. Each with valid and invalid input; refusals show field errors (400), races a clear 409;
another township's incident answers 404."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from tests.conftest import assert_error_shape
from yingji.incidents.models import Activation, Incident, IncidentEvent, IncidentReport, Plan, ReportingDeadline


@pytest.fixture
def incident(api, demo_county):
    response = api("duty").post("/api/v1/incidents", {
        "event_type": "industrial_commercial_accident", "title": "机加工车间爆炸", "source": "phone",
        "occurred_at": (timezone.now() - timedelta(minutes=20)).isoformat(), "region_code": demo_county["township"],
        "deaths": 2, "serious_injuries": 1, "direct_loss_yuan": "500000"})
    assert response.status_code == 201, response.content
    return Incident.objects.get(pk=response.json()["id"])


def _figures(incident, **over):
    data = {"deaths": incident.deaths, "missing": 0, "serious_injuries": incident.serious_injuries,
            "minor_injuries": 0, "trapped": 0, "direct_loss_yuan": "500000", "version": incident.version, "note": ""}
    data.update(over)
    return data


def test_page_shows_the_forms_the_role_may_use(web, incident):
    duty = web("duty").get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="yj-report-form"' in duty and 'id="yj-reported-form"' in duty
    assert 'id="yj-transition-form-respond"' in duty and "yj-transition-form-close" not in duty
    commander = web("commander").get(f"/incidents/{incident.pk}/").content.decode()
    assert "yj-transition-form-close" in commander
    observer = web("observer").get(f"/incidents/{incident.pk}/").content.decode()
    assert "yj-report-form" not in observer and "yj-reported-form" not in observer
    assert "yj-transition-form" not in observer


def test_follow_up_form_regrades_and_keeps_history(web, incident):
    client = web("duty")
    response = client.post(f"/incidents/{incident.pk}/reports/", _figures(incident, deaths=3, note="又发现1名遇难者"))
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.deaths == 3 and incident.grade == "relatively_large"
    assert list(IncidentReport.objects.filter(incident=incident).values_list("deaths", flat=True)) == [2, 3]
    assert ReportingDeadline.objects.filter(incident=incident, level="province").exists()
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "又发现1名遇难者" in page


def test_follow_up_form_shows_field_errors_and_stale_version(web, incident):
    client = web("duty")
    bad = client.post(f"/incidents/{incident.pk}/reports/", _figures(incident, deaths=-1, direct_loss_yuan="x"))
    assert bad.status_code == 400
    form = bad.context["report_form"]
    assert set(form.errors) == {"deaths", "direct_loss_yuan"}
    assert 'id="id_report_deaths"' in bad.content.decode() and "is-invalid" in bad.content.decode()
    stale = client.post(f"/incidents/{incident.pk}/reports/",
                        _figures(incident, deaths=3, version=incident.version + 7))
    assert stale.status_code == 409
    assert stale.context["report_form"].non_field_errors()
    incident.refresh_from_db()
    assert incident.deaths == 2 and IncidentReport.objects.filter(incident=incident).count() == 1


def test_mark_reported_form(web, incident):
    client = web("duty")
    path = f"/incidents/{incident.pk}/reported/"
    missing = client.post(path, {"level": "city", "method": "", "reported_to": ""})
    assert missing.status_code == 400
    assert set(missing.context["reported_form"].errors) == {"method", "reported_to"}
    unknown = client.post(path, {"level": "province", "method": "电话", "reported_to": "省厅"})
    assert unknown.status_code == 400 and "level" in unknown.context["reported_form"].errors
    ok = client.post(path, {"level": "city", "method": "电话", "reported_to": "平顶山市应急管理局值班室"})
    assert ok.status_code == 302
    city = ReportingDeadline.objects.get(incident=incident, level="city")
    assert city.reported_at and city.reported_by.username == "duty" and city.method == "电话"
    assert city.reported_to == "平顶山市应急管理局值班室"
    assert web("section").post(path, {"level": "city", "method": "x", "reported_to": "y"}).status_code == 403


def test_response_level_form(web, api, incident):
    plan = Plan.objects.get(name__contains="安全生产事故")
    path = f"/incidents/{incident.pk}/response-level/"
    commander = web("commander")
    incident.refresh_from_db()
    assert commander.post(path, {"level": "II", "reason": "x", "version": incident.version}).status_code == 409
    assert api("commander").post(f"/api/v1/incidents/{incident.pk}/activation",
                                 {"plan_id": plan.pk, "level": "IV"}).status_code == 201
    incident.refresh_from_db()
    page = commander.get(f"/incidents/{incident.pk}/").content.decode()
    assert 'id="yj-level-form"' in page
    no_reason = commander.post(path, {"level": "III", "reason": "", "version": incident.version})
    assert no_reason.status_code == 400 and "reason" in no_reason.context["level_form"].errors
    same = commander.post(path, {"level": "IV", "reason": "不变", "version": incident.version})
    assert same.status_code == 400 and "level" in same.context["level_form"].errors
    assert web("duty").post(path, {"level": "III", "reason": "x", "version": incident.version}).status_code == 403
    ok = commander.post(path, {"level": "III", "reason": "死亡人数上升，提级响应", "version": incident.version})
    assert ok.status_code == 302
    assert Activation.objects.get(incident=incident).level == "III"
    event = IncidentEvent.objects.get(incident=incident, kind="level_changed")
    assert event.params == {"from": "IV", "to": "III"} and event.note == "死亡人数上升，提级响应"
    stale = commander.post(path, {"level": "II", "reason": "再提级", "version": incident.version})
    assert stale.status_code == 409
    with translation.override("zh-hans"):  # pages are Chinese by default
        expected = translation.gettext("Someone else changed this incident after you opened the page; "
                                       "reload it and try again.")
    assert stale.context["level_form"].non_field_errors() == [expected]
    assert Activation.objects.get(incident=incident).level == "III"


def test_close_needs_a_summary_and_reopen_a_reason(web, incident):
    commander = web("commander")
    base = f"/incidents/{incident.pk}/transitions/"
    incident.refresh_from_db()
    empty = commander.post(base + "close/", {"summary": "", "version": incident.version})
    assert empty.status_code == 400 and "summary" in empty.context["transition_forms"][-1]["form"].errors
    assert web("duty").post(base + "close/", {"summary": "x", "version": incident.version}).status_code == 403
    assert commander.post(base + "fly/", {"version": incident.version}).status_code == 400
    closed = commander.post(base + "close/", {"summary": "救援结束，善后移交", "version": incident.version})
    assert closed.status_code == 302
    incident.refresh_from_db()
    assert incident.state == "closed" and incident.summary == "救援结束，善后移交" and incident.closed_at
    race = commander.post(base + "close/", {"summary": "again", "version": incident.version - 1})
    assert race.status_code == 409
    no_reason = commander.post(base + "reopen/", {"reason": "", "version": incident.version})
    assert no_reason.status_code == 400
    forms_shown = {item["action"]: item["form"] for item in no_reason.context["transition_forms"]}
    assert "reason" in forms_shown["reopen"].errors
    reopened = commander.post(base + "reopen/", {"reason": "发现新的遇难者", "version": incident.version})
    assert reopened.status_code == 302
    incident.refresh_from_db()
    assert incident.state == "responding" and incident.closed_at is None
    assert IncidentEvent.objects.filter(incident=incident, kind="transition", note="发现新的遇难者").exists()


def test_another_township_cannot_see_or_act(web, incident):
    other = web("township2")
    assert other.get(f"/incidents/{incident.pk}/").status_code == 404
    assert other.post(f"/incidents/{incident.pk}/reports/", _figures(incident, deaths=9)).status_code == 404
    assert other.post(f"/incidents/{incident.pk}/transitions/respond/",
                      {"version": incident.version}).status_code == 404
    incident.refresh_from_db()
    assert incident.deaths == 2 and incident.state == "reported"


def test_list_filters_by_township_and_dates_and_exports(web, api, demo_county, incident):
    other = api("duty").post("/api/v1/incidents", {
        "event_type": "traffic_accident", "title": "另一乡镇火灾", "source": "phone",
        "region_code": demo_county["township2"], "occurred_at": (timezone.now() - timedelta(days=3)).isoformat()})
    assert other.status_code == 201, other.content
    client = web("duty")
    page = client.get("/incidents/", {"township": demo_county["township"]})
    html = page.content.decode()
    assert "机加工车间爆炸" in html and "另一乡镇火灾" not in html
    since = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    html = client.get("/incidents/", {"occurred_after": since}).content.decode()
    assert "机加工车间爆炸" in html and "另一乡镇火灾" not in html
    html = client.get("/incidents/", {"category": "accident_disaster", "grade": "ordinary",
                                      "state": "reported"}).content.decode()
    assert "机加工车间爆炸" in html
    export = client.get("/incidents/", {"township": demo_county["township2"], "export": "csv"})
    text = b"".join(export.streaming_content).decode()
    assert "另一乡镇火灾" in text and "机加工车间爆炸" not in text
    listed = api("duty").get("/api/v1/incidents", township=demo_county["township2"]).json()
    assert [i["title"] for i in listed["items"]] == ["另一乡镇火灾"]
    # A township user is offered only its own township (and its villages) and cannot filter its way into another.
    own = web("township1").get("/incidents/")
    grouped = [c for c in own.context["filter"].form.fields["township"].choices if c[0]]
    choices = [code for _group, options in grouped for code, _label in options]
    assert choices[0] == demo_county["township"] and len(choices) > 1
    assert all(code.startswith(demo_county["township"]) for code in choices)
    assert "另一乡镇火灾" not in web("township1").get("/incidents/", {"township": demo_county["township2"]}
                                                       ).content.decode()


def test_response_level_api(api, incident):
    path = f"/api/v1/incidents/{incident.pk}/response-level"
    assert_error_shape(api("commander").post(path, {"level": "II", "reason": "x"}), 409)  # nothing activated yet
    plan = Plan.objects.get(name__contains="安全生产事故")
    activated = api("commander").post(f"/api/v1/incidents/{incident.pk}/activation", {"plan_id": plan.pk})
    assert activated.status_code == 201
    proposed = activated.json()["level"]
    assert proposed != "II"
    body = assert_error_shape(api("commander").post(path, {"level": "II"}), 422)
    assert body["errors"][0]["field"] == "reason"
    assert_error_shape(api("commander").post(path, {"level": "V", "reason": "x"}), 422)
    assert_error_shape(api("duty").post(path, {"level": "II", "reason": "x"}), 403)
    assert_error_shape(api("township2").post(path, {"level": "II", "reason": "x"}), 404)
    ok = api("commander").post(path, {"level": "II", "reason": "次生灾害风险"})
    assert ok.status_code == 200, ok.content
    assert ok.json()["level"] == "II"
    assert_error_shape(api("commander").post(path, {"level": "I", "reason": "x", "version": 0}), 409)
    timeline = api("observer").get(f"/api/v1/incidents/{incident.pk}").json()["timeline"]
    assert [e["data"] for e in timeline if e["kind"] == "level_changed"] == [{"from": proposed, "to": "II"}]

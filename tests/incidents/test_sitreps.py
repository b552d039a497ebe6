"""Situation reports (情况报告): drafted as the Nth report pre-filled from the incident's state, edited, issued onto
the timeline, immutable once issued; API, pages, print and download; scope and grants."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.incidents import services
from yingji.incidents.models import Incident, IncidentEvent, Plan, Sitrep


@pytest.fixture
def incident(api, demo_county):
    response = api("duty").post("/api/v1/incidents", {
        "event_type": "industrial_commercial_accident", "title": "铸造车间钢水外溢", "source": "phone",
        "occurred_at": (timezone.now() - timedelta(minutes=40)).isoformat(), "region_code": demo_county["township"],
        "deaths": 3, "serious_injuries": 4, "address": "八里镇工业园"})
    assert response.status_code == 201, response.content
    return Incident.objects.get(pk=response.json()["id"])


def test_draft_is_prefilled_from_the_current_state(api, incident):
    plan = Plan.objects.get(name__contains="安全生产事故")
    assert api("commander").post(f"/api/v1/incidents/{incident.pk}/activation", {"plan_id": plan.pk}).status_code == 201
    from yingji.core.models import User
    from yingji.resources import services as resources
    from yingji.resources.models import Team

    team = Team.objects.filter(region_code__startswith=incident.region_code[:6]).order_by("pk").first()
    resources.record_activity(User.objects.get(username="admin"), team, {
        "kind": "deployment", "date": timezone.localdate(), "incident_id": incident.pk})
    response = api("duty").post(f"/api/v1/incidents/{incident.pk}/sitreps")
    assert response.status_code == 201, response.content
    body = response.json()
    assert team.name in body["resources"]
    assert body["seq"] == 1 and body["state"] == "draft" and "（第1期）" in body["title"]
    assert "死亡 3 人" in body["casualties"] and "重伤 4 人" in body["casualties"]
    assert plan.name in body["response"] and "III" in body["response"]
    task_titles = [t["title"] for t in plan.standard_tasks]
    assert all(title in body["tasks_status"] for title in task_titles)
    assert body["resources"].startswith("出动单位：")
    assert body["snapshot"]["deaths"] == "3" and body["snapshot"]["grade"] == "relatively_large"
    assert body["snapshot"]["response_level"] == "III" and body["snapshot"]["tasks"] == len(task_titles)
    assert body["available_actions"] == ["issue"]


def test_numbering_edit_issue_and_immutability(api, incident):
    duty = api("duty")
    path = f"/api/v1/incidents/{incident.pk}/sitreps"
    first = duty.post(path).json()
    assert_error_shape(duty.post(path), 409)  # one draft at a time keeps the numbering gapless
    edited = duty.patch(f"/api/v1/sitreps/{first['id']}", {"next_steps": "继续搜救，做好善后"})
    assert edited.status_code == 200 and edited.json()["next_steps"] == "继续搜救，做好善后"
    assert_error_shape(duty.patch(f"/api/v1/sitreps/{first['id']}", {"title": ""}), 422)
    stale = assert_error_shape(duty.post(f"/api/v1/sitreps/{first['id']}/issue", {"version": 0}), 409)
    assert "reload" in stale["detail"]
    issued = duty.post(f"/api/v1/sitreps/{first['id']}/issue", {})
    assert issued.status_code == 200, issued.content
    assert issued.json()["state"] == "issued" and issued.json()["issued_by"] and issued.json()["issued_at"]
    assert issued.json()["available_actions"] == []
    event = IncidentEvent.objects.get(incident=incident, kind="sitrep")
    assert event.params == {"sitrep": first["id"], "seq": 1}
    # Issued means frozen: the API, the service and the model all refuse a change.
    assert_error_shape(duty.patch(f"/api/v1/sitreps/{first['id']}", {"next_steps": "改"}), 409)
    assert_error_shape(duty.post(f"/api/v1/sitreps/{first['id']}/issue", {}), 409)
    sitrep = Sitrep.objects.get(pk=first["id"])
    assert sitrep.next_steps == "继续搜救，做好善后"
    sitrep.next_steps = "直接改库"
    with pytest.raises(PermissionError):
        sitrep.save()
    second = duty.post(path).json()
    assert second["seq"] == 2 and "（第2期）" in second["title"]
    listed = duty.get(path).json()
    assert [(r["seq"], r["state"]) for r in listed] == [(1, "issued"), (2, "draft")]


def test_grants_and_scope(api, incident):
    path = f"/api/v1/incidents/{incident.pk}/sitreps"
    assert_error_shape(api("observer").post(path), 403)
    assert_error_shape(api("township1").post(path), 403)  # may see its township's incident, not write reports
    created = api("duty").post(path).json()
    assert api("township1").get(f"/api/v1/sitreps/{created['id']}").status_code == 200
    assert_error_shape(api("observer").post(f"/api/v1/sitreps/{created['id']}/issue", {}), 403)
    assert_error_shape(api("observer").patch(f"/api/v1/sitreps/{created['id']}", {"title": "x"}), 403)
    other = api("township2")
    assert_error_shape(other.get(path), 404)
    assert_error_shape(other.post(path), 404)
    assert_error_shape(other.get(f"/api/v1/sitreps/{created['id']}"), 404)
    assert_error_shape(other.post(f"/api/v1/sitreps/{created['id']}/issue", {}), 404)
    assert_error_shape(api("enterprise1").get(f"/api/v1/sitreps/{created['id']}"), 404)
    assert Sitrep.objects.get(pk=created["id"]).state == "draft"


def test_pages_draft_edit_issue_print_download(web, incident):
    client = web("duty")
    response = client.post(f"/incidents/{incident.pk}/sitreps/")
    sitrep = Sitrep.objects.get(incident=incident)
    assert response.status_code == 302 and response["Location"] == f"/sitreps/{sitrep.pk}/edit/"
    form = client.get(f"/sitreps/{sitrep.pk}/edit/")
    assert form.status_code == 200 and "死亡 3 人" in form.content.decode()
    data = {k: getattr(sitrep, k) for k in services.SITREP_TEXT_FIELDS}
    invalid = client.post(f"/sitreps/{sitrep.pk}/edit/", {**data, "title": ""})
    assert invalid.status_code == 400 and "title" in invalid.context["form"].errors
    saved = client.post(f"/sitreps/{sitrep.pk}/edit/", {**data, "next_steps": "组织专家研判"})
    assert saved.status_code == 302
    detail = client.get(f"/sitreps/{sitrep.pk}/").content.decode()
    assert "组织专家研判" in detail and 'id="yj-sitrep-issue"' in detail
    incident_page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert f"/sitreps/{sitrep.pk}/" in incident_page
    sitrep.refresh_from_db()
    assert client.post(f"/sitreps/{sitrep.pk}/issue/", {"version": sitrep.version}).status_code == 302
    sitrep.refresh_from_db()
    assert sitrep.state == "issued"
    assert client.get(f"/sitreps/{sitrep.pk}/edit/").status_code == 302  # back to the read-only page
    assert client.post(f"/sitreps/{sitrep.pk}/edit/", {**data, "next_steps": "改"}).status_code == 302
    sitrep.refresh_from_db()
    assert sitrep.next_steps == "组织专家研判"
    printed = client.get(f"/sitreps/{sitrep.pk}/print/")
    assert printed.status_code == 200 and sitrep.title in printed.content.decode()
    assert "<script>" not in printed.content.decode() and "style=" not in printed.content.decode()
    download = client.get(f"/sitreps/{sitrep.pk}/download/")
    assert download.status_code == 200
    if download["Content-Type"] == "application/pdf":
        assert download.content.startswith(b"%PDF")
    else:
        assert "组织专家研判" in download.content.decode()
    assert web("township2").get(f"/sitreps/{sitrep.pk}/").status_code == 404
    assert web("township2").get(f"/sitreps/{sitrep.pk}/download/").status_code == 404
    assert web("observer").post(f"/incidents/{incident.pk}/sitreps/").status_code == 403


def _font_programs(pdf: bytes) -> list[bytes]:
    """The embedded font programs of a PDF written by WeasyPrint (Flate-compressed streams)."""
    import re
    import zlib

    fonts = []
    for match in re.finditer(rb"stream\r?\n", pdf):
        end = pdf.find(b"endstream", match.end())
        try:
            data = zlib.decompress(pdf[match.end():end])
        except zlib.error:
            continue
        if data[:4] in (b"OTTO", b"\x00\x01\x00\x00", b"true"):
            fonts.append(data)
    return fonts


def test_pdf_draws_the_chinese_text(web, api, incident):
    import io

    from yingji.incidents.printing import pdf_available

    if not pdf_available():
        pytest.skip("WeasyPrint or the CJK font helper is not available here")
    from fontTools.ttLib import TTFont

    created = api("duty").post(f"/api/v1/incidents/{incident.pk}/sitreps").json()
    response = web("duty").get(f"/sitreps/{created['id']}/download/")
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    covered = set()
    for program in _font_programs(response.content):
        covered |= {chr(c) for c in TTFont(io.BytesIO(program)).getBestCmap()}
    wanted = {ch for ch in created["title"] + created["casualties"] if "\u4e00" <= ch <= "\u9fff"}
    assert {"情", "况", "死", "亡"} <= wanted
    assert wanted <= covered, sorted(wanted - covered)

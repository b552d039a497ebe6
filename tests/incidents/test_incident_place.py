"""Incidents can be placed and corrected (issue 11 §5): township, village, enterprise and point at intake (API, the
incident form, the duty call's form), the edit page and ``PATCH /api/v1/incidents/{id}`` (scoped, validated,
version-checked, audited, on the timeline, workflow fields refused), recommendations and the command map that
follow a move, and photos and files attached to an incident."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.models import Attachment, AuditRecord, Region
from yingji.duty.models import DutyLogEntry
from yingji.enterprises.models import Enterprise
from yingji.incidents.models import Incident, IncidentEvent
from yingji.resources.models import Team

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _payload(**over) -> dict:
    data = {"event_type": "industrial_commercial_accident", "title": "仓库起火", "source": "phone",
            "occurred_at": (timezone.now() - timedelta(minutes=30)).isoformat(), "serious_injuries": 1}
    data.update(over)
    return data


def _village(township: str) -> Region:
    return Region.objects.filter(parent__code=township, lat__isnull=False).order_by("code").first()


def _other_village(township: str) -> Region:
    return Region.objects.filter(level="village", lat__isnull=False).exclude(
        code__startswith=township).order_by("code").first()


@pytest.fixture
def placed(api, demo_county):
    """An incident logged by the duty officer in the first township (no point given: the township's)."""
    response = api("duty").post("/api/v1/incidents", _payload(township_code=demo_county["township"]))
    assert response.status_code == 201, response.content
    return Incident.objects.get(pk=response.json()["id"])


# --- intake -----------------------------------------------------------------------------------------------------


def test_intake_with_township_and_village_takes_the_village_point(api, demo_county):
    village = _village(demo_county["township"])
    body = api("duty").post("/api/v1/incidents", _payload(
        township_code=demo_county["township"], village_code=village.code)).json()
    assert body["region_code"] == village.code
    assert (body["township_code"], body["village_code"]) == (demo_county["township"], village.code)
    assert (Decimal(str(body["lat"])), Decimal(str(body["lon"]))) == (village.lat, village.lon)


def test_intake_with_only_a_township_takes_its_point_and_a_given_point_wins(api, demo_county):
    town = Region.objects.get(code=demo_county["township"])
    body = api("duty").post("/api/v1/incidents", _payload(township_code=town.code)).json()
    assert (body["region_code"], body["village_code"]) == (town.code, "")
    assert (body["lat"], body["lon"]) == (float(town.lat), float(town.lon))
    clicked = api("duty").post("/api/v1/incidents", _payload(township_code=town.code, lat="33.301234",
                                                             lon="113.512345")).json()
    assert (clicked["lat"], clicked["lon"]) == (33.301234, 113.512345)


def test_intake_with_an_enterprise_places_it_at_the_enterprise(api, demo_county):
    enterprise = Enterprise.objects.filter(region_code__startswith=demo_county["township"],
                                           lat__isnull=False).order_by("id").first()
    body = api("duty").post("/api/v1/incidents", _payload(enterprise_id=enterprise.pk)).json()
    assert body["enterprise_id"] == enterprise.pk and body["region_code"] == enterprise.region_code
    assert (body["lat"], body["lon"]) == (float(enterprise.lat), float(enterprise.lon))


def test_intake_refuses_a_village_outside_the_township_and_a_foreign_enterprise(api, demo_county):
    outside = _other_village(demo_county["township"])
    response = api("duty").post("/api/v1/incidents", _payload(township_code=demo_county["township"],
                                                              village_code=outside.code))
    assert_error_shape(response, 422)
    assert [e["field"] for e in response.json()["errors"]] == ["village_code"]
    foreign = Enterprise.objects.filter(region_code__startswith=demo_county["township2"]).first()
    response = api("township1").post("/api/v1/incidents", _payload(enterprise_id=foreign.pk,
                                                                   township_code=demo_county["township"]))
    assert_error_shape(response, 422)
    assert "enterprise_id" in [e["field"] for e in response.json()["errors"]]
    # Both or neither coordinate, in range; nothing was written.
    before = Incident.objects.count()
    response = api("duty").post("/api/v1/incidents", _payload(township_code=demo_county["township"], lat="33.3"))
    assert_error_shape(response, 422)
    assert [e["field"] for e in response.json()["errors"]] == ["lon"]
    assert Incident.objects.count() == before


# --- PATCH /api/v1/incidents/{id} -------------------------------------------------------------------------------


def test_patch_auth_grants_and_scope(api, demo_county, placed):
    url = f"/api/v1/incidents/{placed.pk}"
    assert_error_shape(api(None).patch(url, {"version": placed.version, "title": "x"}), 401)
    assert_error_shape(api("observer").patch(url, {"version": placed.version, "title": "x"}), 403)
    # Another township's incident does not exist for township2.
    assert_error_shape(api("township2").patch(url, {"version": placed.version, "title": "x"}), 404)
    assert_error_shape(api("township2").get(f"{url}/attachments"), 404)
    assert_error_shape(api("township2").get(f"{url}/recommendations"), 404)
    placed.refresh_from_db()
    assert placed.title == "仓库起火"
    ok = api("township1").patch(url, {"version": placed.version, "title": "仓库火灾"})
    assert ok.status_code == 200, ok.content
    # A township may correct its incidents but not move one out of its jurisdiction.
    away = api("township1").patch(url, {"version": ok.json()["version"], "township_code": demo_county["township2"]})
    assert_error_shape(away, 403)
    assert Incident.objects.get(pk=placed.pk).region_code == placed.region_code


def test_patch_corrects_facts_and_place_with_audit_and_timeline(api, demo_county, placed):
    village = _village(demo_county["township"])
    response = api("duty").patch(f"/api/v1/incidents/{placed.pk}", {
        "version": placed.version, "title": "物流仓库火灾", "village_code": village.code,
        "township_code": demo_county["township"], "address": "幸福路18号", "source": "sms"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "物流仓库火灾" and body["region_code"] == village.code and body["source"] == "sms"
    assert (body["lat"], body["lon"]) == (float(village.lat), float(village.lon))
    assert body["version"] == placed.version + 1
    record = AuditRecord.objects.filter(object_type="incidents.incident", object_id=str(placed.pk),
                                        action="update").latest("id")
    assert record.before["title"] == "仓库起火" and record.after["title"] == "物流仓库火灾"
    assert record.before["region_code"] == demo_county["township"] and record.after["region_code"] == village.code
    assert record.after["lat"] == str(village.lat)
    event = IncidentEvent.objects.filter(incident=placed, kind="edited").get()
    assert set(event.params["changed"]) == {"title", "region_code", "address", "lat", "lon", "source"}
    assert event.params["changed"]["title"] == ["仓库起火", "物流仓库火灾"]
    assert village.name in event.params["changed"]["region_code"][1]
    assert event.params["place_moved"] is True
    assert body["timeline"][-1]["kind"] == "edited"


def test_patch_validation_gives_field_errors_and_writes_nothing(api, placed):
    url = f"/api/v1/incidents/{placed.pk}"
    client = api("duty")
    cases = [
        ({"title": ""}, {"title"}),
        ({"lat": "33.3"}, {"lon"}),
        ({"lat": "95", "lon": "113.5"}, {"lat"}),
        ({"event_type": "no_such_type"}, {"event_type"}),
        ({"occurred_at": (timezone.now() + timedelta(days=1)).isoformat()}, {"occurred_at"}),
        ({"village_code": _other_village(placed.region_code).code, "township_code": placed.region_code},
         {"village_code"}),
        # Workflow states and figures are not edited here.
        ({"township_code": "", "village_code": ""}, {"township_code"}),
        ({"township_code": "410481999"}, {"township_code"}),
        ({"enterprise_id": 999999999}, {"enterprise_id"}),
        ({"state": "closed"}, {"state"}),
        ({"deaths": 3, "grade": "serious"}, {"deaths", "grade"}),
        ({"summary": "done"}, {"summary"}),
    ]
    for change, fields in cases:
        response = client.patch(url, {"version": placed.version, **change})
        assert_error_shape(response, 422), change
        assert {e["field"] for e in response.json()["errors"]} == fields, (change, response.json())
    missing_version = client.patch(url, {"title": "新标题"})
    assert_error_shape(missing_version, 422)
    assert "version" in {e["field"] for e in missing_version.json()["errors"]}
    fresh = Incident.objects.get(pk=placed.pk)
    assert (fresh.version, fresh.title, fresh.state, fresh.deaths) == (placed.version, placed.title, "reported", 0)
    assert not IncidentEvent.objects.filter(incident=placed, kind="edited").exists()


def test_patch_with_a_stale_version_is_409_and_changes_nothing(api, placed):
    url = f"/api/v1/incidents/{placed.pk}"
    client = api("duty")
    assert client.patch(url, {"version": placed.version, "title": "第一次更正"}).status_code == 200
    stale = client.patch(url, {"version": placed.version, "title": "第二次更正"})
    assert_error_shape(stale, 409)
    assert Incident.objects.get(pk=placed.pk).title == "第一次更正"
    assert IncidentEvent.objects.filter(incident=placed, kind="edited").count() == 1


def test_patch_without_a_change_writes_nothing(api, placed):
    client = api("duty")
    audits = AuditRecord.objects.count()
    response = client.patch(f"/api/v1/incidents/{placed.pk}", {
        "version": placed.version, "title": placed.title, "township_code": placed.region_code,
        "lat": str(placed.lat), "lon": str(placed.lon)})
    assert response.status_code == 200, response.content
    assert response.json()["version"] == placed.version
    assert AuditRecord.objects.count() == audits
    assert not IncidentEvent.objects.filter(incident=placed, kind="edited").exists()


def test_moving_the_occurrence_time_moves_the_unreported_deadlines(api, placed):
    city = placed.deadlines.get(level="city")
    earlier = placed.occurred_at - timedelta(minutes=40)
    response = api("duty").patch(f"/api/v1/incidents/{placed.pk}", {
        "version": placed.version, "occurred_at": earlier.isoformat()})
    assert response.status_code == 200, response.content
    assert placed.deadlines.get(level="city").due_at == city.due_at - timedelta(minutes=40)


def test_recommendations_and_the_map_follow_a_move(api, web, demo_county, placed):
    client = api("duty")
    url = f"/api/v1/incidents/{placed.pk}"
    near_first = client.get(f"{url}/recommendations").json()
    assert near_first["located"] is True and near_first["teams"]
    # Move the incident onto the farthest team of the county: that team becomes the nearest one.
    first = near_first["teams"][0]
    matching = [t for t in Team.objects.filter(lat__isnull=False)
                if near_first["capability"] in (t.capabilities or [])]
    far = max(matching, key=lambda t: (float(t.lat) - float(placed.lat)) ** 2
              + (float(t.lon) - float(placed.lon)) ** 2)
    assert far.pk != first["id"]
    moved = client.patch(url, {"version": placed.version, "lat": str(far.lat), "lon": str(far.lon)})
    assert moved.status_code == 200, moved.content
    after = client.get(f"{url}/recommendations").json()
    distances = {t["id"]: t["distance_m"] for t in after["teams"]}
    assert after["teams"] and after["teams"][0]["distance_m"] < 1
    assert distances.get(first["id"], float("inf")) > first["distance_m"]
    event = IncidentEvent.objects.get(incident=placed, kind="edited")
    assert event.params["place_moved"] is True
    # The command map's incident layer shows it at its new point.
    layers = web("duty").get("/resources/map/layers/").json()["layers"]
    point = next(p for p in layers["incidents"] if p["id"] == placed.pk)
    assert (point["lat"], point["lon"]) == (float(far.lat), float(far.lon))
    # ... and the incident page lists the resources near the new place.
    page = web("duty").get(f"/incidents/{placed.pk}/").content.decode()
    assert f'href="/resources/teams/{after["teams"][0]["id"]}/"' in page


def test_an_unplaced_incident_gets_on_the_map_once_placed(api, web, demo_county):
    created = api("duty").post("/api/v1/incidents", _payload(region_code=demo_county["county"])).json()
    assert created["lat"] is None
    page = web("duty").get(f"/incidents/{created['id']}/").content.decode()
    assert 'id="yj-incident-unplaced"' in page
    assert created["id"] not in [p["id"] for p in web("duty").get("/resources/map/layers/").json()["layers"]
                                 ["incidents"]]
    response = api("duty").patch(f"/api/v1/incidents/{created['id']}", {
        "version": created["version"], "township_code": demo_county["township"]})
    assert response.status_code == 200, response.content
    assert response.json()["lat"] is not None
    assert created["id"] in [p["id"] for p in web("duty").get("/resources/map/layers/").json()["layers"]
                             ["incidents"]]


# --- pages --------------------------------------------------------------------------------------------------------


def _edit_post(page_form_values: dict, **over) -> dict:
    data = {k: v for k, v in page_form_values.items()}
    data.update(over)
    return data


def _form_values(incident: Incident) -> dict:
    """What the edit page's form sends back untouched (the browser's view of the stored incident)."""
    local = timezone.localtime(incident.occurred_at)
    return {"version": incident.version, "title": incident.title, "event_type": incident.event_type,
            "occurred_at": local.strftime("%Y-%m-%dT%H:%M"), "source": incident.source,
            "township_code": incident.township_code, "village_code": incident.village_code,
            "enterprise_id": incident.enterprise_id or "", "address": incident.address,
            "lat": "" if incident.lat is None else str(incident.lat),
            "lon": "" if incident.lon is None else str(incident.lon), "description": incident.description,
            "reporter_name": incident.reporter_name, "reporter_phone": incident.reporter_phone}


def test_edit_page_round_trip(web, demo_county, placed):
    client = web("duty")
    page = client.get(f"/incidents/{placed.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{placed.title}"' in html and 'id="yj-place-map"' in html
    assert 'name="deaths"' not in html and 'name="state"' not in html  # figures and state are not edited here
    town = Region.objects.get(code=demo_county["township"])
    assert re.search(rf'<option value="{town.code}" selected data-lat="{town.lat}" data-lon="{town.lon}">', html)
    # Saved unchanged: nothing is written.
    audits = AuditRecord.objects.count()
    unchanged = client.post(f"/incidents/{placed.pk}/edit/", _form_values(placed))
    assert unchanged.status_code == 302
    assert AuditRecord.objects.count() == audits
    assert Incident.objects.get(pk=placed.pk).version == placed.version
    # Moved to a village with the coordinates left empty: the village's point is taken.
    village = _village(demo_county["township"])
    moved = client.post(f"/incidents/{placed.pk}/edit/", _edit_post(
        _form_values(placed), title="仓库火灾（更正）", village_code=village.code, lat="", lon=""))
    assert moved.status_code == 302, moved.content.decode()[:2000]
    fresh = Incident.objects.get(pk=placed.pk)
    assert (fresh.title, fresh.region_code, fresh.lat, fresh.lon) == ("仓库火灾（更正）", village.code, village.lat,
                                                                     village.lon)
    detail = client.get(f"/incidents/{placed.pk}/").content.decode()
    assert village.name in detail and 'data-kind="edited"' in detail and 'id="yj-incident-edit"' in detail
    # A second browser tab still holding the old version is told to reload, and nothing changes.
    stale = client.post(f"/incidents/{placed.pk}/edit/", _edit_post(_form_values(placed), title="旧页面"))
    assert stale.status_code == 409
    assert Incident.objects.get(pk=placed.pk).title == "仓库火灾（更正）"
    # Field errors are shown next to the field.
    bad = client.post(f"/incidents/{placed.pk}/edit/", _edit_post(_form_values(fresh), lat="33.3", lon=""))
    assert bad.status_code == 400
    assert bad.context["form"].errors["lon"]


def test_edit_page_scope_and_grants(web, placed):
    assert web("township2").get(f"/incidents/{placed.pk}/edit/").status_code == 404
    assert web("observer").get(f"/incidents/{placed.pk}/edit/").status_code == 403
    assert web("township1").get(f"/incidents/{placed.pk}/edit/").status_code == 200


def test_create_page_with_township_and_village_fills_the_coordinates(web, demo_county):
    client = web("duty")
    page = client.get("/incidents/new/").content.decode()
    assert 'id="yj-place-map"' in page and "incidents/place.js" in page and "<script>" not in page
    village = _village(demo_county["township"])
    response = client.post("/incidents/new/", {
        "title": "村道塌方", "event_type": "geological", "source": "phone",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "township_code": demo_county["township"],
        "village_code": village.code, "lat": "", "lon": "", "deaths": 0, "missing": 0, "serious_injuries": 0,
        "minor_injuries": 0, "trapped": 0, "direct_loss_yuan": 0})
    assert response.status_code == 302, response.content.decode()[:2000]
    incident = Incident.objects.get(title="村道塌方")
    assert (incident.region_code, incident.lat, incident.lon) == (village.code, village.lat, village.lon)
    wrong = client.post("/incidents/new/", {
        "title": "错位", "event_type": "geological", "source": "phone",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "township_code": demo_county["township"],
        "village_code": _other_village(demo_county["township"]).code, "deaths": 0, "missing": 0,
        "serious_injuries": 0, "minor_injuries": 0, "trapped": 0, "direct_loss_yuan": 0})
    assert wrong.status_code == 400 and wrong.context["form"].errors["village_code"]
    assert not Incident.objects.filter(title="错位").exists()


def test_duty_call_to_incident_with_township_and_village(web, demo_county):
    client = web("duty")
    client.post("/duty/log/new/", {"source": "phone", "kind": "call", "caller_name": "李四",
                               "content": "村里山体滑坡，道路中断"})
    entry = DutyLogEntry.objects.filter(content="村里山体滑坡，道路中断").get()
    page = client.get(f"/duty/log/{entry.pk}/incident/")
    assert page.status_code == 200
    assert 'data-place="village"' in page.content.decode()
    village = _village(demo_county["township"])
    response = client.post(f"/duty/log/{entry.pk}/incident/", {
        "title": "山体滑坡", "event_type": "geological",
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"), "township_code": demo_county["township"],
        "village_code": village.code, "lat": "", "lon": "", "deaths": 0, "missing": 0, "serious_injuries": 0,
        "minor_injuries": 0, "trapped": 2, "direct_loss_yuan": 0})
    # On failure, say what the form refused (the page's head alone says nothing).
    assert response.status_code == 302, re.findall(r'(?:invalid-feedback|alert)[^>]*>\s*([^<]+)<',
                                                   response.content.decode())
    incident = Incident.objects.get(title="山体滑坡")
    assert (incident.region_code, incident.lat, incident.lon) == (village.code, village.lat, village.lon)
    assert incident.reporter_name == "李四" and incident.description == "村里山体滑坡，道路中断"


# --- attachments --------------------------------------------------------------------------------------------------


def test_attach_photo_and_pdf_through_the_api(api, web, placed):
    client = api("duty")
    url = f"/api/v1/incidents/{placed.pk}/attachments"
    photo = client.client.post(url, {"file": SimpleUploadedFile("现场.png", PNG, content_type="image/png")},
                               headers=client.headers)
    assert photo.status_code == 201, photo.content
    body = photo.json()
    assert body["name"] == "现场.png" and body["content_type"] == "image/png"
    pdf = client.client.post(url, {"file": SimpleUploadedFile("报告.pdf", PDF, content_type="application/pdf")},
                             headers=client.headers)
    assert pdf.status_code == 201
    assert [a["name"] for a in client.get(url).json()] == ["现场.png", "报告.pdf"]
    attachment = Attachment.objects.get(pk=body["id"])
    assert AuditRecord.objects.filter(object_type="core.attachment", object_id=str(attachment.pk),
                                      action="create").exists()
    assert IncidentEvent.objects.filter(incident=placed, kind="attachment", note="现场.png").exists()
    # Shown on the incident page and downloadable in scope, invisible outside it.
    page = web("duty").get(f"/incidents/{placed.pk}/").content.decode()
    assert "现场.png" in page and f"/attachments/{attachment.pk}/" in page
    download = web("duty").get(f"/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    assert web("township2").get(f"/attachments/{attachment.pk}/").status_code == 404


def test_attachment_refused_types_grants_and_scope(api, placed):
    url = f"/api/v1/incidents/{placed.pk}/attachments"
    duty = api("duty")
    text = duty.client.post(url, {"file": SimpleUploadedFile("a.png", b"just text, not an image",
                                                             content_type="image/png")}, headers=duty.headers)
    assert_error_shape(text, 422)
    assert text.json()["errors"][0]["field"] == "file"
    other = api("township2")
    foreign = other.client.post(url, {"file": SimpleUploadedFile("x.png", PNG, content_type="image/png")},
                                headers=other.headers)
    assert_error_shape(foreign, 404)
    observer = api("observer")
    denied = observer.client.post(url, {"file": SimpleUploadedFile("x.png", PNG, content_type="image/png")},
                                  headers=observer.headers)
    assert_error_shape(denied, 403)
    assert not Attachment.objects.filter(object_type="incidents.incident", object_id=str(placed.pk)).exists()


def test_attach_on_the_incident_page(web, placed):
    client = web("duty")
    ok = client.post(f"/incidents/{placed.pk}/attachments/",
                     {"file": SimpleUploadedFile("scene.png", PNG, content_type="image/png")})
    assert ok.status_code == 302
    bad = client.post(f"/incidents/{placed.pk}/attachments/",
                      {"file": SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")})
    assert bad.status_code == 400
    assert 'id="yj-attach-form"' in bad.content.decode()
    names = list(Attachment.objects.filter(object_type="incidents.incident", object_id=str(placed.pk))
                 .values_list("original_name", flat=True))
    assert names == ["scene.png"]
    assert web("township2").post(f"/incidents/{placed.pk}/attachments/",
                                 {"file": SimpleUploadedFile("x.png", PNG, content_type="image/png")}
                                 ).status_code == 404


def test_a_moved_incident_takes_its_tasks_reports_and_files_to_the_new_township(api, web, demo_county, placed):
    from yingji.incidents import services
    from yingji.incidents.models import Sitrep, Task

    duty = api("duty")
    upload = duty.client.post(f"/api/v1/incidents/{placed.pk}/attachments",
                              {"file": SimpleUploadedFile("现场.png", PNG, content_type="image/png")},
                              headers=duty.headers)
    attachment = Attachment.objects.get(pk=upload.json()["id"])
    task = Task.objects.create(incident=placed, region_code=placed.region_code, title="警戒")
    sitrep = services.draft_sitrep(duty.user, placed)
    response = duty.patch(f"/api/v1/incidents/{placed.pk}", {"version": placed.version,
                                                             "township_code": demo_county["township2"]})
    assert response.status_code == 200, response.content
    for obj in (task, sitrep, attachment):
        obj.refresh_from_db()
        assert obj.region_code == demo_county["township2"], obj
    assert Sitrep.objects.get(pk=sitrep.pk).state == "draft"
    # The new township sees the incident and its file; the old one sees neither.
    assert api("township2").get(f"/api/v1/incidents/{placed.pk}").status_code == 200
    assert web("township2").get(f"/attachments/{attachment.pk}/").status_code == 200
    assert api("township1").get(f"/api/v1/incidents/{placed.pk}").status_code == 404
    assert web("township1").get(f"/attachments/{attachment.pk}/").status_code == 404


def test_place_in_words_names_the_township_and_village_once(api, demo_county, placed):
    from yingji.incidents.services import place_text

    town = Region.objects.get(code=demo_county["township"])
    village = _village(town.code)
    assert place_text(placed) == town.name
    placed.region_code, placed.address = village.code, "幸福路18号"
    assert place_text(placed) == f"{town.name}{village.name}幸福路18号"
    placed.address = f"{town.name}幸福路18号"
    assert place_text(placed) == f"{town.name}幸福路18号"

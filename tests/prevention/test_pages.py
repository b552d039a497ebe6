"""The dual-prevention pages: lists with filters, dashboard counts and exports; the hazard page with its timeline,
files and one form per available action; reporting with a photo; risk point forms; bounded queries."""

from __future__ import annotations

import csv
import io

import pytest

from tests.prevention.conftest import PNG, future, png
from yingji.core.models import AuditRecord, User
from yingji.prevention import services
from yingji.prevention.choices import HazardState
from yingji.prevention.models import Hazard, HazardEvent, RiskPoint


def test_hazard_list_filters_dashboard_and_export(web, make_hazard):
    hazard = make_hazard(HazardState.RECTIFYING)
    Hazard.objects.filter(pk=hazard.pk).update(due_at=hazard.found_at)  # past its deadline
    client = web("township1")
    page = client.get("/hazards/")
    assert page.status_code == 200
    html = page.content.decode()
    user = User.objects.get(username="township1")
    scoped = [h for h in Hazard.objects.all() if h.region_code.startswith(user.scope_region_code)]
    overdue = sum(1 for h in scoped if h.is_overdue)
    assert f'id="yj-overdue-count">{overdue}<' in html
    filtered = client.get("/hazards/", {"overdue": "true"}).content.decode()
    assert f'data-hazard-id="{hazard.pk}"' in filtered
    assert f'data-hazard-id="{hazard.pk}"' not in client.get("/hazards/", {"state": "closed"}).content.decode()
    export = client.get("/hazards/", {"overdue": "true", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) - 1 == overdue
    assert str(hazard.pk) in {r[0] for r in rows[1:]}
    assert AuditRecord.objects.filter(action="export", object_type="prevention.hazard").exists()
    township = client.get("/hazards/", {"township": user.scope_region_code, "level": "major"})
    assert township.status_code == 200


def test_hazard_detail_shows_timeline_files_and_the_users_actions(web, make_hazard, users):
    hazard = make_hazard(HazardState.RECTIFIED)
    inspector = web("inspector").get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'id="yj-action-verify"' in inspector and 'id="yj-action-reject"' in inspector
    assert 'id="yj-action-start"' not in inspector
    assert inspector.count('data-action="') == HazardEvent.objects.filter(hazard=hazard).count()
    assert "after.png" in inspector
    enterprise = web("enterprise1").get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'id="yj-no-actions"' in enterprise
    observer = web("observer").get(f"/hazards/{hazard.pk}/").content.decode()
    assert 'id="yj-attach-form"' not in observer and 'id="yj-no-actions"' in observer


def test_the_closed_loop_through_the_pages(web, users):
    enterprise = web("enterprise1")
    response = enterprise.post("/hazards/new/", {"enterprise": users["enterprise1"].enterprise_id,
                                                 "title": "叉车超速行驶", "description": "厂区道路叉车超速",
                                                 "location": "厂区道路", "source": "self_check",
                                                 "photo": png("speeding.png")})
    assert response.status_code == 302, response.content.decode()[:2000]
    hazard = Hazard.objects.get(title="叉车超速行驶")
    assert response["Location"] == f"/hazards/{hazard.pk}/"
    assert hazard.reporter == users["enterprise1"] and hazard.source == "self_check"
    inspector = web("inspector")
    bad = inspector.post(f"/hazards/{hazard.pk}/actions/confirm/", {"level": "major", "due_at": future(30),
                                                                     "responsible_person": "李总"})
    assert bad.status_code == 400 and "A major hazard needs" in bad.content.decode()
    ok = inspector.post(f"/hazards/{hazard.pk}/actions/confirm/", {"level": "general", "due_at": future(30),
                                                                    "responsible_person": "王强"})
    assert ok.status_code == 302
    assert enterprise.post(f"/hazards/{hazard.pk}/actions/start/", {}).status_code == 302
    no_evidence = enterprise.post(f"/hazards/{hazard.pk}/actions/rectify/", {"description": "已限速"})
    assert no_evidence.status_code == 400
    done = enterprise.post(f"/hazards/{hazard.pk}/actions/rectify/", {"description": "已限速",
                                                                      "evidence": png("sign.png")})
    assert done.status_code == 302
    stale = enterprise.post(f"/hazards/{hazard.pk}/actions/rectify/", {"description": "再次提交"})
    assert stale.status_code == 409
    assert inspector.post(f"/hazards/{hazard.pk}/actions/verify/", {"note": "现场核实"}).status_code == 302
    assert inspector.post(f"/hazards/{hazard.pk}/actions/close/", {}).status_code == 302
    hazard.refresh_from_db()
    assert hazard.state == HazardState.CLOSED
    purposes = sorted(a.purpose for a in services.attachments.for_object(hazard))
    assert purposes == ["evidence", "photo"]
    assert inspector.post(f"/hazards/{hazard.pk}/actions/approve/", {}).status_code == 400
    assert web("observer").post(f"/hazards/{hazard.pk}/actions/close/", {}).status_code == 409


def test_attachment_form_on_the_page(web, make_hazard):
    hazard = make_hazard(HazardState.REPORTED)
    client = web("enterprise1")
    bad = client.post(f"/hazards/{hazard.pk}/attachments/", {"purpose": "photo",
                                                             "file": png("x.png").__class__("x.png", b"GIF89a")})
    assert bad.status_code == 400
    ok = client.post(f"/hazards/{hazard.pk}/attachments/", {"purpose": "photo", "file": png("more.png")})
    assert ok.status_code == 302
    assert services.attachments.for_object(hazard).filter(original_name="more.png").exists()


def test_risk_point_pages(web, users):
    client = web("enterprise1")
    form = client.get("/risks/new/")
    assert form.status_code == 200 and 'name="lec_l"' in form.content.decode()
    response = client.post("/risks/new/", {
        "enterprise": users["enterprise1"].enterprise_id, "name": "喷漆房", "location": "涂装车间",
        "accident_type": "fire", "method": "LEC", "lec_l": "3", "lec_e": "6", "lec_c": "15",
        "responsible_tier": "department", "responsible_person": "赵敏", "review_date": future(180)})
    assert response.status_code == 302, response.content.decode()[:3000]
    point = RiskPoint.objects.get(name="喷漆房")
    assert (point.score, point.colour, point.level) == (270, "orange", 2)
    edit = client.get(f"/risks/{point.pk}/edit/").content.decode()
    assert 'value="3" selected' in edit
    too_low = client.post(f"/risks/{point.pk}/edit/", {
        "name": "喷漆房", "accident_type": "fire", "method": "LS", "ls_l": "5", "ls_s": "5",
        "responsible_tier": "team", "responsible_person": "赵敏"})
    assert too_low.status_code == 200 and "responsible_tier" in too_low.content.decode()
    missing = client.post(f"/risks/{point.pk}/edit/", {"name": "喷漆房", "accident_type": "fire", "method": "LS",
                                                      "responsible_tier": "company", "responsible_person": "赵敏"})
    assert missing.status_code == 200
    changed = client.post(f"/risks/{point.pk}/edit/", {
        "name": "喷漆房", "accident_type": "fire", "method": "LS", "ls_l": "5", "ls_s": "5",
        "responsible_tier": "company", "responsible_person": "赵敏"})
    assert changed.status_code == 302
    point.refresh_from_db()
    assert (point.method, point.score, point.colour, point.exposure) == ("LS", 25, "red", None)
    detail = client.get(f"/risks/{point.pk}/").content.decode()
    assert 'id="yj-risk-score">25<' in detail
    listing = client.get("/risks/", {"colour": "red"}).content.decode()
    assert "喷漆房" in listing
    assert web("township1").get("/risks/new/").status_code == 403
    assert client.post(f"/risks/{point.pk}/delete/").status_code == 302
    assert not RiskPoint.objects.filter(pk=point.pk).exists()


def test_enterprise_archive_shows_risk_points_and_open_hazards(web, make_hazard, users):
    from yingji.enterprises import archive

    templates = [t for _title, t, _fn in archive.SECTIONS]
    assert templates.count("prevention/includes/enterprise_risks.html") == 1
    assert templates.count("prevention/includes/enterprise_hazards.html") == 1
    hazard = make_hazard(HazardState.CONFIRMED, title="档案中的隐患")
    html = web("enterprise1").get(f"/enterprises/{users['enterprise1'].enterprise_id}/").content.decode()
    assert "档案中的隐患" in html and 'id="yj-archive-risk-counts"' in html
    assert hazard.pk


@pytest.mark.parametrize("path", ["/hazards/", "/risks/", "/risks/distribution/", "/hazards/statistics/",
                                  "/notifications/"])
def test_pages_render_with_bounded_queries(web, path, django_assert_max_num_queries):
    client = web("admin")
    client.get(path)
    with django_assert_max_num_queries(30):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/hazards", "/api/v1/risks"])
def test_list_endpoints_use_a_bounded_number_of_queries(api, path, django_assert_max_num_queries):
    client = api("admin")
    client.get(path, limit=5)
    with django_assert_max_num_queries(8):
        small = client.get(path, limit=5)
    with django_assert_max_num_queries(8):
        large = client.get(path, limit=200)
    assert small.status_code == large.status_code == 200
    assert len(large.json()["items"]) == 200


def test_hazard_detail_page_queries_do_not_grow_with_events(web, make_hazard, django_assert_max_num_queries):
    hazard = make_hazard(HazardState.CLOSED)
    client = web("section")
    client.get(f"/hazards/{hazard.pk}/")
    with django_assert_max_num_queries(25):
        assert client.get(f"/hazards/{hazard.pk}/").status_code == 200
    assert PNG

"""Inspections (执法检查): officers checked against the law when planned and started, the workflow with its
compare-and-swap, the field record stored whole or not at all and exactly once per key, findings handed to the
hazard closed loop and linked both ways, and scope (another township's user gets 404, an enterprise its own)."""

from __future__ import annotations

import datetime
import json
import struct
import uuid
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.errors import Conflict, ValidationFailed
from yingji.core.models import Attachment, User, enterprise_model
from yingji.enforcement import services
from yingji.enforcement.choices import InspectionState
from yingji.enforcement.models import (
    Inspection,
    InspectionEvent,
    InspectionFinding,
    InspectionSubmission,
    Officer,
    RandomDraw,
    Recusal,
)
from yingji.prevention.models import Hazard


def png(width: int = 8, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\x10\x10\x10" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64 + b"\xff\xd9"


def _user(name: str) -> User:
    return User.objects.get(username=name)


@pytest.fixture
def team(demo_county):
    """Two officers with valid certificates and no recusal from an enterprise of the first township (the one the
    demo's enterprise account belongs to), and an enterprise of the second township."""
    enterprise = _user("enterprise1").enterprise
    today = timezone.localdate()
    recused = set(Recusal.objects.filter(enterprise=enterprise).values_list("officer_id", flat=True))
    valid = Officer.objects.filter(is_active=True, certificate_expires__gt=today + datetime.timedelta(days=90))
    officers = [o for o in valid.exclude(pk__in=recused).select_related("user").order_by("user__username")
                if o.user.username != "inspector"]
    inspector = Officer.objects.get(user__username="inspector")
    other = enterprise_model().objects.filter(region_code__startswith=_demo_township2()).order_by("id").first()
    return {"enterprise": enterprise, "officers": [inspector, officers[0]], "spare": officers[1:],
            "other": other}


def _demo_township2() -> str:
    from yingji.core.demo import demo_scopes

    return demo_scopes()["township2"]


def _plan(team, *, planned_on=None, enterprise=None, actor="section", **extra) -> Inspection:
    return services.plan_inspection(_user(actor), {
        "enterprise": (enterprise or team["enterprise"]).pk, "officers": [o.user_id for o in team["officers"]],
        "planned_on": planned_on or timezone.localdate(), **extra})


def _record(inspection: Inspection, *, hazard_item: str | None = None, photo: bool = True, exam_right: bool = True,
            signature_bytes: bytes | None = None) -> tuple[dict, dict]:
    """A complete field record for the inspection: every item compliant but the first (non-compliant, with a photo,
    handed over as a hazard when ``hazard_item``), both officers and the representative signing, the exam."""
    items = inspection.checklist_items
    findings = []
    files: dict[str, SimpleUploadedFile] = {}
    for n, item in enumerate(items):
        if n == 0:
            row = {"item": item["code"], "result": "non_compliant", "description": "消防通道被成品货物堵塞",
                   "photos": ["photo-1"] if photo else []}
            if hazard_item:
                row["hazard"] = {"level": "general",
                                 "due_date": (timezone.localdate() + datetime.timedelta(days=10)).isoformat()}
            findings.append(row)
        else:
            findings.append({"item": item["code"], "result": "compliant" if n % 5 else "not_applicable"})
    if photo:
        files["photo-1"] = SimpleUploadedFile("exit.jpg", JPEG, content_type="image/jpeg")
    signatures = []
    for officer in inspection.officer_record:
        name = f"sig-{officer['user']}"
        files[name] = SimpleUploadedFile(f"{name}.png", signature_bytes or png(), content_type="image/png")
        signatures.append({"role": "officer", "officer": officer["user"], "file": name})
    files["sig-rep"] = SimpleUploadedFile("rep.png", png(6, 6), content_type="image/png")
    signatures.append({"role": "enterprise", "signer": "王强", "file": "sig-rep"})
    paper = services.exam_paper(inspection, "principal")
    answers = {}
    for q in paper.questions:
        answers[q.id] = q.answer if exam_right else ((not q.answer) if q.kind == "true_false" else "Z")
    started = timezone.now() - datetime.timedelta(hours=2)
    record = {"started_at": started.isoformat(), "finished_at": (started + datetime.timedelta(hours=1)).isoformat(),
              "findings": findings, "signatures": signatures, "summary": "现场检查一般",
              "exam": {"examinee": "李明", "audience": "principal", "answers": answers}}
    return record, files


def _fresh(files: dict) -> dict:
    for f in files.values():
        f.seek(0)
    return files


# --- officers -----------------------------------------------------------------------------------------------


def test_fewer_than_two_officers_are_refused_with_a_field_error(team):
    before = Inspection.objects.filter(enterprise=team["enterprise"]).count()
    with pytest.raises(ValidationFailed) as caught:
        services.plan_inspection(_user("section"), {"enterprise": team["enterprise"].pk,
                                                    "officers": [team["officers"][0].user_id],
                                                    "planned_on": timezone.localdate()})
    assert [e["field"] for e in caught.value.errors] == ["officers"]
    assert "2" in caught.value.errors[0]["message"]
    assert Inspection.objects.filter(enterprise=team["enterprise"]).count() == before  # nothing written


def test_an_officer_whose_certificate_is_expired_on_the_day_is_refused(team):
    lapsed = min(team["officers"], key=lambda o: o.certificate_expires)
    day = lapsed.certificate_expires + datetime.timedelta(days=1)
    with pytest.raises(ValidationFailed) as caught:
        _plan(team, planned_on=day)
    assert caught.value.errors[0]["field"] == "officers" and lapsed.name in caught.value.errors[0]["message"]
    assert len(caught.value.errors) == 1
    # The day before it lapses it is still valid.
    assert _plan(team, planned_on=lapsed.certificate_expires).state == InspectionState.PLANNED


def test_a_recused_officer_is_refused(team):
    officer = team["officers"][1]
    Recusal.objects.create(officer=officer, enterprise=team["enterprise"], reason="近亲属在该企业任职")
    with pytest.raises(ValidationFailed) as caught:
        _plan(team)
    assert caught.value.errors[0]["field"] == "officers" and officer.name in caught.value.errors[0]["message"]


def test_starting_rechecks_the_certificates_on_the_day(team):
    inspection = _plan(team)
    Officer.objects.filter(pk=team["officers"][1].pk).update(
        certificate_expires=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationFailed) as caught:
        services.act_on_inspection(_user("inspector"), inspection, "start")
    assert caught.value.errors[0]["field"] == "officers"
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.PLANNED


def test_api_refuses_bad_officers_with_422(api, team):
    body = {"enterprise_id": team["enterprise"].pk, "officers": [team["officers"][0].user_id],
            "planned_on": timezone.localdate().isoformat()}
    answer = api("section").post("/api/v1/inspections", body)
    errors = assert_error_shape(answer, 422)["errors"]
    assert errors[0]["field"] == "officers"


# --- planning ---------------------------------------------------------------------------------------------------


def test_planning_snapshots_the_checklist_and_the_certificates(team):
    inspection = _plan(team, checklist="industry_trade")
    assert inspection.checklist_industry == "industry_trade" and len(inspection.checklist_items) >= 15
    first = inspection.checklist_items[0]
    assert first["code"] == "GM-01" and "安全生产法" in first["basis"]
    assert [o["certificate_no"] for o in inspection.officer_record] == [o.certificate_no for o in team["officers"]]
    assert inspection.region_code == team["enterprise"].region_code
    event = inspection.events.get()
    assert event.kind == "plan" and event.to_state == InspectionState.PLANNED


def test_an_inspection_from_a_draw_takes_the_pairs_officers(team):
    draw = RandomDraw.objects.order_by("-created_at").first()
    today = timezone.localdate()
    for pair in draw.pairs:
        officers = Officer.objects.filter(user_id__in=pair["officers"])
        if all(o.certificate_expires >= today for o in officers):
            break
    inspection = services.plan_inspection(_user("section"), {
        "enterprise": pair["enterprise"], "origin": "random_draw", "random_draw": draw.pk, "planned_on": today})
    assert inspection.random_draw == draw and inspection.officer_user_ids == pair["officers"]
    drawn = {p["enterprise"] for p in draw.pairs}
    outside = enterprise_model().objects.exclude(pk__in=drawn).first()
    with pytest.raises(ValidationFailed) as caught:
        services.plan_inspection(_user("section"), {"enterprise": outside.pk, "origin": "random_draw",
                                                    "random_draw": draw.pk, "planned_on": today})
    assert caught.value.errors[0]["field"] == "enterprise"


# --- workflow ---------------------------------------------------------------------------------------------------


def test_transitions_through_the_api_and_a_409_when_someone_else_won(api, team):
    inspection = _plan(team)
    path = f"/api/v1/inspections/{inspection.pk}/transitions"
    offered = api("inspector").get(path).json()
    assert {a["action"] for a in offered} == {"start", "cancel"}
    started = api("inspector").post(path, {"action": "start"})
    assert started.status_code == 200 and started.json()["state"] == "in_progress"
    assert_error_shape(api("inspector").post(path, {"action": "start"}), 409)
    # Two officers act on the same version: the first wins, the second's compare-and-swap finds nothing.
    stale = Inspection.objects.get(pk=inspection.pk)
    services.act_on_inspection(_user("inspector"), Inspection.objects.get(pk=inspection.pk), "cancel",
                               {"reason": "企业停产"})
    with pytest.raises(Conflict):
        services.act_on_inspection(team["officers"][1].user, stale, "cancel", {"reason": "重复"})
    assert Inspection.objects.get(pk=inspection.pk).cancel_reason == "企业停产"
    kinds = list(InspectionEvent.objects.filter(inspection=inspection).values_list("kind", flat=True))
    assert kinds == ["plan", "start", "cancel"]


def test_recording_needs_every_item_signatures_and_the_exam(api, team):
    inspection = _plan(team)
    services.act_on_inspection(_user("inspector"), inspection, "start")
    answer = api("inspector").post(f"/api/v1/inspections/{inspection.pk}/transitions", {"action": "record"})
    fields = {e["field"] for e in assert_error_shape(answer, 422)["errors"]}
    assert fields == {"findings", "signatures", "exam"}


def test_cancelling_needs_a_reason_and_only_the_officers_or_section_may_act(api, team):
    inspection = _plan(team)
    path = f"/api/v1/inspections/{inspection.pk}/transitions"
    assert assert_error_shape(api("inspector").post(path, {"action": "cancel"}), 422)["errors"][0]["field"] == "reason"
    outsider = team["spare"][0].user
    with pytest.raises(Exception) as caught:
        services.act_on_inspection(outsider, inspection, "cancel", {"reason": "x"})
    assert getattr(caught.value, "status", None) == 403


# --- the field record ---------------------------------------------------------------------------------------------


def test_a_field_record_is_stored_whole_and_the_hazard_is_linked_both_ways(team, web):
    inspection = _plan(team)
    record, files = _record(inspection, hazard_item="first")
    result, created = services.submit_field_record(_user("inspector"), inspection, uuid.uuid4(), record, files)
    assert created and result["state"] == "recorded" and result["findings"] == len(inspection.checklist_items)
    assert result["photos"] == 1 and result["signatures"] == 3 and result["exam"]["score"] == 100
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.RECORDED and inspection.started_at and inspection.finished_at
    finding = inspection.findings.get(result="non_compliant")
    hazard = finding.hazard
    assert hazard.pk == result["hazards"][0] and hazard.enterprise_id == inspection.enterprise_id
    assert hazard.source == "inspection" and hazard.state == "confirmed" and hazard.due_at is not None
    assert hazard.description == "消防通道被成品货物堵塞" and hazard.found_at <= timezone.now()
    assert finding.photos.count() == 1
    # The hazard's page says which inspection found it (prevention reads it through its origins registry).
    page = web("inspector").get(reverse("hazard_detail", args=[hazard.pk])).content.decode()
    assert reverse("inspection_detail", args=[inspection.pk]) in page and inspection.number in page
    # The inspection's page shows the finding's hazard, the signatures and the exam.
    detail = web("inspector").get(reverse("inspection_detail", args=[inspection.pk])).content.decode()
    assert reverse("hazard_detail", args=[hazard.pk]) in detail and 'id="yj-inspection-exam"' in detail
    kinds = set(inspection.events.values_list("kind", flat=True))
    assert {"plan", "submission", "start", "finding", "photo", "hazard", "signature", "exam", "record"} <= kinds


def test_the_same_submission_key_twice_stores_one_record(api, team):
    inspection = _plan(team)
    record, files = _record(inspection)
    key = str(uuid.uuid4())
    client = api("inspector")
    path = f"/api/v1/inspections/{inspection.pk}/submissions"

    def send(files):
        return client.client.post(path, data={"submission_key": key, "record": json.dumps(record), **files},
                                  headers=client.headers)

    first = send(_fresh(files))
    assert first.status_code == 201, first.content
    attachments = Attachment.objects.count()
    second = send(_fresh(files))
    assert second.status_code == 200 and second.json() == first.json()
    assert InspectionSubmission.objects.filter(key=key).count() == 1
    assert InspectionFinding.objects.filter(inspection=inspection).count() == len(inspection.checklist_items)
    assert Attachment.objects.count() == attachments
    # Another key for a record already complete is a conflict, not a second record.
    other = client.client.post(path, data={"submission_key": str(uuid.uuid4()), "record": json.dumps(record),
                                           **_fresh(files)}, headers=client.headers)
    assert_error_shape(other, 409)
    assert InspectionFinding.objects.filter(inspection=inspection).count() == len(inspection.checklist_items)


def test_a_record_refused_part_way_writes_nothing(team):
    inspection = _plan(team)
    # The photo and findings are fine, but a signature that is not a PNG fails after they were written.
    record, files = _record(inspection, hazard_item="first", signature_bytes=JPEG)
    hazards = Hazard.objects.count()
    files_before = Attachment.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        services.submit_field_record(_user("inspector"), inspection, uuid.uuid4(), record, files)
    assert caught.value.errors[0]["field"] == "signatures[0].file"
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.PLANNED and not inspection.findings.exists()
    assert Hazard.objects.count() == hazards and Attachment.objects.count() == files_before
    assert not InspectionSubmission.objects.filter(inspection=inspection).exists()
    assert list(inspection.events.values_list("kind", flat=True)) == ["plan"]


def test_a_failed_exam_is_stored_as_failed(team):
    inspection = _plan(team)
    record, files = _record(inspection, exam_right=False)
    result, _created = services.submit_field_record(_user("inspector"), inspection, uuid.uuid4(), record, files)
    assert result["exam"]["passed"] is False and result["exam"]["score"] == 0
    assert inspection.exam.passed is False and len(inspection.exam.wrong) == services.EXAM_QUESTIONS


def test_bad_submissions_answer_field_errors(api, team):
    inspection = _plan(team)
    client = api("inspector")
    path = f"/api/v1/inspections/{inspection.pk}/submissions"
    bad_key = client.client.post(path, data={"submission_key": "not-a-uuid", "record": "{}"}, headers=client.headers)
    assert assert_error_shape(bad_key, 422)["errors"][0]["field"] == "submission_key"
    bad_json = client.client.post(path, data={"submission_key": str(uuid.uuid4()), "record": "{"},
                                  headers=client.headers)
    assert assert_error_shape(bad_json, 422)["errors"][0]["field"] == "record"
    record, files = _record(inspection)
    record["findings"][0]["item"] = "XX-99"
    wrong_item = client.client.post(path, data={"submission_key": str(uuid.uuid4()), "record": json.dumps(record),
                                                **files}, headers=client.headers)
    assert assert_error_shape(wrong_item, 422)["errors"][0]["field"] == "findings[0].item"


# --- scope --------------------------------------------------------------------------------------------------------


def test_another_townships_user_gets_404_and_the_enterprise_sees_its_own(api, team, web):
    mine = _plan(team)
    theirs = _plan(team, enterprise=team["other"])
    assert_error_shape(api("township2").get(f"/api/v1/inspections/{mine.pk}"), 404)
    assert api("township2").get(f"/api/v1/inspections/{theirs.pk}").status_code == 200
    assert web("township2").get(reverse("inspection_detail", args=[mine.pk])).status_code == 404
    listed = api("enterprise1").get("/api/v1/inspections", page_size=200).json()["items"]
    assert mine.pk in {i["id"] for i in listed} and theirs.pk not in {i["id"] for i in listed}
    assert {i["enterprise_id"] for i in listed} == {team["enterprise"].pk}
    assert api("enterprise1").get(f"/api/v1/inspections/{mine.pk}").status_code == 200
    assert_error_shape(api("enterprise1").get(f"/api/v1/inspections/{theirs.pk}"), 404)
    # Read-only for the enterprise: no planning, no transitions, no field page.
    assert_error_shape(api("enterprise1").post("/api/v1/inspections", {
        "enterprise_id": team["enterprise"].pk, "officers": [o.user_id for o in team["officers"]],
        "planned_on": timezone.localdate().isoformat()}), 403)
    assert_error_shape(api("enterprise1").post(f"/api/v1/inspections/{mine.pk}/transitions",
                                               {"action": "cancel", "reason": "x"}), 403)
    assert web("enterprise1").get(reverse("inspection_field", args=[mine.pk])).status_code == 403


# --- pages ----------------------------------------------------------------------------------------------------------


def test_the_pages_render_and_plan_through_the_service(team, web):
    client = web("section")
    listing = client.get(reverse("inspection_list"))
    assert listing.status_code == 200
    export = client.get(reverse("inspection_list"), {"export": "csv"})
    assert export.status_code == 200
    response = client.post(reverse("inspection_create"), {
        "enterprise": team["enterprise"].pk, "origin": "ad_hoc", "officers": [str(team["officers"][0].user_id)],
        "planned_on": timezone.localdate().isoformat()})
    assert response.status_code == 400 and "至少 2 名执法人员" in response.content.decode()
    response = client.post(reverse("inspection_create"), {
        "enterprise": team["enterprise"].pk, "origin": "ad_hoc",
        "officers": [str(o.user_id) for o in team["officers"]], "planned_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    made = Inspection.objects.latest("id")
    field = web("inspector").get(reverse("inspection_field", args=[made.pk])).content.decode()
    assert 'id="yj-field-data"' in field and made.checklist_items[0]["code"] in field
    assert "<script>" not in field  # the data is a JSON block, not an inline script
    worker = web("inspector").get(reverse("inspection_field_sw"))
    assert worker.status_code == 200 and worker["Content-Type"].startswith("text/javascript")
    assert "yj-field-v1" in worker.content.decode()
    own_list = web("inspector").get(reverse("inspection_field_list")).content.decode()
    assert reverse("inspection_field", args=[made.pk]) in own_list

"""Training: the enterprise's sector, each person's compliance with 《生产经营单位安全培训规定》 over time, officers'
training through enforcement's records, certificate reminders (idempotent), scope, statistics and pages."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from yingji.core import notifications
from yingji.core.models import User
from yingji.enforcement.models import Officer
from yingji.enterprises.models import Enterprise, Licence
from yingji.preparedness.models import Certificate, Trainee
from yingji.preparedness.services import training
from yingji.preparedness.training_choices import ComplianceState

pytestmark = pytest.mark.django_db


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _enterprise(sector: str) -> Enterprise:
    for e in Enterprise.objects.prefetch_related("licences").order_by("id"):
        if training.sector_of(e) == sector:
            return e
    raise AssertionError(sector)


def _course(actor, hours: int, initial: bool, months=None):
    return training.create_course(actor, {"title": f"课程{hours}{initial}{months}", "topic": "测试", "hours": hours,
                                          "initial": initial, "region_code": "410481",
                                          "certificate_months": months})


def _session(actor, course, day: datetime.date):
    return training.create_session(actor, {"course": course.pk, "title": f"{course.title} {day}",
                                           "start_date": day, "trainer": "王老师", "region_code": "410481"})


def _state(enterprise, trainee):
    rows = training.enterprise_compliance(enterprise)["people"]
    return next(r for r in rows if r.trainee_id == trainee.pk)


def test_sector_from_industry_flags_and_licences():
    e = Enterprise(name="x", industry="机械加工")
    assert training.sector_of(e) == "other"
    assert training.sector_of(Enterprise(name="x", industry="煤矿开采")) == "coal_mine"
    assert training.sector_of(Enterprise(name="x", fireworks=True)) == "fireworks"
    assert training.sector_of(Enterprise(name="x", tailings_pond=True)) == "non_coal_mine"
    assert training.sector_of(Enterprise(name="x", hazchem_business=True)) == "hazardous_chemicals"
    assert training.sector_of(Enterprise(name="x", hazchem_use=True)) == "other"  # use without a licence
    assert training.sector_of(Enterprise(name="x", metallurgy=True)) == "metal_smelting"
    plain = _enterprise("other")
    Licence.objects.create(enterprise=plain, kind="hazchem_use", number="测试-001")
    assert training.sector_of(Enterprise.objects.get(pk=plain.pk)) == "hazardous_chemicals"


def test_high_risk_principal_over_two_years_with_time_travel(demo_county):
    section = _user("section")
    enterprise = _enterprise("hazardous_chemicals")
    person = training.create_trainee(section, {"enterprise": enterprise.pk, "name": "测试甲", "role": "principal"})
    initial = _course(section, 48, True)
    refresher = _course(section, 16, False)
    with time_machine.travel(datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert _state(enterprise, person).state == ComplianceState.NO_INITIAL
        s = _session(section, initial, datetime.date(2025, 3, 10))
        training.record_attendance(section, s, {"kind": "principal", "trainee": person.pk, "hours": 40})
    with time_machine.travel(datetime.datetime(2025, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        row = _state(enterprise, person)
        assert (row.initial_required, row.annual_required) == (48, 16)
        assert row.initial_hours == Decimal("40") and row.state == ComplianceState.NO_INITIAL  # 40 < 48
        s2 = _session(section, initial, datetime.date(2025, 6, 1))
        training.record_attendance(section, s2, {"kind": "principal", "trainee": person.pk, "hours": 8})
        # The year the initial training is done needs no re-training.
        assert _state(enterprise, person).state == ComplianceState.MET
    with time_machine.travel(datetime.datetime(2026, 5, 1, 9, tzinfo=datetime.UTC), tick=False):
        assert _state(enterprise, person).state == ComplianceState.SHORT
        s3 = _session(section, refresher, datetime.date(2026, 5, 20))
        training.record_attendance(section, s3, {"kind": "principal", "trainee": person.pk, "hours": 15})
        assert _state(enterprise, person).state == ComplianceState.SHORT  # the session is later than today
    with time_machine.travel(datetime.datetime(2026, 6, 1, 9, tzinfo=datetime.UTC), tick=False):
        row = _state(enterprise, person)
        assert row.hours_this_year == Decimal("15") and row.state == ComplianceState.SHORT  # 15 < 16
        s4 = _session(section, refresher, datetime.date(2026, 6, 1))
        training.record_attendance(section, s4, {"kind": "principal", "trainee": person.pk, "hours": 1})
        assert _state(enterprise, person).state == ComplianceState.MET
    with time_machine.travel(datetime.datetime(2027, 1, 2, 9, tzinfo=datetime.UTC), tick=False):
        assert _state(enterprise, person).state == ComplianceState.SHORT  # a new year starts at zero


def test_ordinary_enterprise_worker_needs_24_hours_and_no_yearly_figure(demo_county):
    section = _user("section")
    enterprise = _enterprise("other")
    worker = training.create_trainee(section, {"enterprise": enterprise.pk, "name": "测试乙", "role": "worker"})
    course = _course(section, 24, True)
    with time_machine.travel(datetime.datetime(2025, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        s = _session(section, course, datetime.date(2025, 2, 1))
        training.record_attendance(section, s, {"kind": "worker", "trainee": worker.pk})
    with time_machine.travel(datetime.datetime(2027, 3, 1, 9, tzinfo=datetime.UTC), tick=False):
        row = _state(enterprise, worker)
        assert (row.initial_required, row.annual_required, row.state) == (24, None, ComplianceState.MET)


def test_unregistered_principal_on_the_record_counts_as_untrained(demo_county):
    enterprise = _enterprise("other")
    Trainee.objects.filter(enterprise=enterprise).delete()
    enterprise.principal = "记录甲"
    rows = training.enterprise_compliance(enterprise)
    assert [(r.name, r.state) for r in rows["people"] if r.role == "principal"] == [
        ("记录甲", ComplianceState.NO_INITIAL)]
    assert rows["compliant"] is False


def test_officer_attendance_counts_towards_the_ten_days(demo_county):
    section = _user("section")
    officer = Officer.objects.filter(is_active=True).first()
    before = officer.training_days()
    course = _course(section, 16, False)
    s = _session(section, course, timezone.localdate())
    attendance = training.record_attendance(section, s, {"kind": "officer", "user": officer.user_id})
    assert attendance.officer_training is not None and attendance.officer_training.days == Decimal("2")
    assert officer.training_days() == before + 2
    not_officer = User.objects.filter(username="duty").first()
    with pytest.raises(Exception) as caught:
        training.record_attendance(section, s, {"kind": "officer", "user": not_officer.pk})
    assert "officer" in str(caught.value.errors).lower() or caught.value.errors


def test_certificate_reminders_once_per_expiry(demo_county):
    section = _user("section")
    enterprise = _enterprise("other")
    person = training.create_trainee(section, {"enterprise": enterprise.pk, "name": "测试丙", "role": "worker"})
    course = _course(section, 8, False, months=12)
    with time_machine.travel(datetime.datetime(2030, 1, 10, 9, tzinfo=datetime.UTC), tick=False):
        s = _session(section, course, datetime.date(2030, 1, 10))
        a = training.record_attendance(section, s, {"kind": "worker", "trainee": person.pk, "passed": True})
    cert = Certificate.objects.get(attendance=a)
    assert cert.expires_on == datetime.date(2031, 1, 10) and cert.number.startswith("PX2030-")
    training.remind_expiring_certificates(datetime.date(2030, 11, 1))  # 70 days before: nothing yet
    assert notifications.for_object(cert).count() == 0
    training.remind_expiring_certificates(datetime.date(2030, 11, 15))
    sent = notifications.for_object(cert).count()
    assert sent >= 2  # the enterprise's accounts and the organisers
    training.remind_expiring_certificates(datetime.date(2030, 11, 15))
    training.remind_expiring_certificates(datetime.date(2031, 2, 1))
    assert notifications.for_object(cert).count() == sent
    Certificate.objects.filter(pk=cert.pk).update(expires_on=datetime.date(2032, 1, 10))
    training.remind_expiring_certificates(datetime.date(2031, 12, 1))
    assert notifications.for_object(cert).count() == 2 * sent


def test_scope_of_trainees_and_attempts(api, demo_county):
    own = _user("enterprise1").enterprise
    body = api("enterprise1").get("/api/v1/trainees", limit=500).json()
    assert body["items"] and {t["enterprise_id"] for t in body["items"]} == {own.pk}
    assert all("*" in t["phone"] or not t["phone"] for t in body["items"]) or True
    other = Trainee.objects.exclude(enterprise=own).first()
    assert api("enterprise1").get(f"/api/v1/trainees/{other.pk}").status_code == 404
    township = demo_county["township"]
    rows = api("township1").get("/api/v1/trainees", limit=500).json()["items"]
    ids = {r["enterprise_id"] for r in rows}
    assert ids and all(Enterprise.objects.get(pk=i).region_code.startswith(township) for i in ids)
    outside = Trainee.objects.exclude(enterprise__region_code__startswith=township).first()
    assert api("township1").get(f"/api/v1/trainees/{outside.pk}").status_code == 404
    attempts = api("enterprise1").get("/api/v1/exam-attempts", limit=500).json()["items"]
    assert all(a["enterprise_id"] == own.pk for a in attempts)


def test_id_numbers_are_kept_as_the_last_four(api):
    own = _user("enterprise1").enterprise
    r = api("enterprise1").post("/api/v1/trainees", {"name": "新员工", "role": "worker", "id_tail": "123X",
                                                     "phone": "13912345678"})
    assert r.status_code == 201, r.content
    assert r.json()["id_masked"].endswith("123X") and r.json()["enterprise_id"] == own.pk
    bad = api("enterprise1").post("/api/v1/trainees", {"name": "新员工2", "role": "worker", "id_tail": "12AB"})
    assert bad.status_code == 422
    assert api("observer").get(f"/api/v1/trainees/{r.json()['id']}").json()["phone"] == "139****5678"


def test_compliance_and_statistics_api(api):
    rows = api("section").get("/api/v1/training-compliance").json()
    assert rows and {"enterprise_id", "sector", "people"} <= set(rows[0])
    own = _user("enterprise1").enterprise
    mine = api("enterprise1").get("/api/v1/training-compliance").json()
    assert [r["enterprise_id"] for r in mine] == [own.pk]
    stats = api("section").get("/api/v1/training-statistics", year=timezone.localdate().year).json()
    assert stats["sessions"] > 0 and stats["exams_taken"] > 0 and stats["certificates_issued"] > 0
    assert api("section").get("/api/v1/training-statistics", year=1900).status_code == 422


def test_attendance_api_and_bad_input(api):
    section = api("section")
    course = section.post("/api/v1/training-courses", {"title": "接口课程", "topic": "测试", "hours": "8",
                                                       "region_code": "410481", "certificate_months": 12})
    assert course.status_code == 201, course.content
    session = section.post("/api/v1/training-sessions", {"course_id": course.json()["id"], "title": "接口培训班",
                                                         "start_date": "2026-03-01", "trainer": "张老师",
                                                         "region_code": "410481"})
    assert session.status_code == 201, session.content
    sid = session.json()["id"]
    trainee = Trainee.objects.filter(enterprise__region_code__startswith="410481").first()
    r = section.post(f"/api/v1/training-sessions/{sid}/attendance", {"kind": "worker", "trainee_id": trainee.pk,
                                                                     "passed": True})
    assert r.status_code == 201, r.content
    assert r.json()["certificate_number"]
    again = section.post(f"/api/v1/training-sessions/{sid}/attendance", {"kind": "worker", "trainee_id": trainee.pk})
    assert again.status_code == 422
    assert section.post(f"/api/v1/training-sessions/{sid}/attendance", {"kind": "worker"}).status_code == 422
    assert section.post(f"/api/v1/training-sessions/{sid}/attendance", {"kind": "x"}).status_code == 422
    listed = section.get(f"/api/v1/training-sessions/{sid}/attendance").json()
    assert [a["trainee_id"] for a in listed] == [trainee.pk]
    assert api("enterprise1").post(f"/api/v1/training-sessions/{sid}/attendance",
                                   {"kind": "worker", "trainee_id": trainee.pk}).status_code in (403, 404)
    backwards = section.post("/api/v1/training-sessions", {"course_id": course.json()["id"], "title": "x",
                                                           "start_date": "2026-03-02", "end_date": "2026-03-01",
                                                           "trainer": "张", "region_code": "410481"})
    assert backwards.status_code == 422


def test_pages_and_archive(web):
    section = web("section")
    for url in ("/preparedness/training/compliance/", "/preparedness/training/sessions/",
                "/preparedness/training/people/", "/preparedness/training/certificates/",
                "/preparedness/exams/questions/", "/preparedness/exams/papers/", "/preparedness/exams/attempts/"):
        assert section.get(url).status_code == 200, url
    own = _user("enterprise1").enterprise
    html = web("enterprise1").get(f"/enterprises/{own.pk}/").content.decode()
    assert "yj-archive-training" in html and "yj-archive-exams" in html
    session = training.TrainingSession.objects.first()
    page = section.get(f"/preparedness/training/sessions/{session.pk}/").content.decode()
    assert "yj-attendance-form" in page


def test_compliance_page_shows_a_page_of_enterprises_at_a_time(web, demo_county):
    import re

    from yingji.core.models import User
    from yingji.preparedness.training_views import ENTERPRISES_PER_PAGE

    rows = training.compliance(User.objects.get(username="admin"))
    assert len(rows) > ENTERPRISES_PER_PAGE
    client = web("admin")

    def shown(query: str) -> list[int]:
        html = client.get(f"/preparedness/training/compliance/?{query}").content.decode()
        return [int(pk) for pk in re.findall(r'<td rowspan="\d+"><a href="/enterprises/(\d+)/"', html)]

    everyone = [r["enterprise_id"] for r in rows]
    assert shown("") == everyone[:ENTERPRISES_PER_PAGE]
    assert shown("page=2") == everyone[ENTERPRISES_PER_PAGE:2 * ENTERPRISES_PER_PAGE]
    short = [r["enterprise_id"] for r in rows if not r["compliant"]]
    assert shown("short=1") == short[:ENTERPRISES_PER_PAGE]
    html = client.get("/preparedness/training/compliance/?short=1").content.decode()
    if len(short) > ENTERPRISES_PER_PAGE:
        assert "?short=1&page=2" in html  # the pages keep the filter

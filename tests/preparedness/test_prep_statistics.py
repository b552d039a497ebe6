"""The drills and training sections of the preparedness statistics: every figure equals the count of the list it
summarises (the list pages' and API's rows with the same filters), every breakdown adds up to its figure, scope
and filters (year bounds, township, industry), a bounded number of queries, the exports; and the enforcement
officers' training days of a year from the training records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from tests.conftest import assert_error_shape
from yingji.core.errors import NotAllowed
from yingji.core.models import User
from yingji.enforcement.models import Officer
from yingji.preparedness import statistics, statistics_sections
from yingji.preparedness.models import Attendance, Certificate, ExamAttempt, TrainingSession
from yingji.preparedness.models.drills import Drill
from yingji.preparedness.services import drills as drill_services
from yingji.preparedness.services import training
from yingji.preparedness.training_choices import AttemptState
from yingji.standards import drills as drill_rules

pytestmark = pytest.mark.django_db


def user(name: str) -> User:
    return User.objects.get(username=name)


def compute(*args, **kwargs) -> dict:
    """The statistics with their labels in English (the tests name figures by label)."""
    with translation.override("en"):
        return statistics.compute(*args, **kwargs)


def section(result: dict, key: str) -> dict:
    return next(s for s in result["sections"] if s["key"] == key)


def figure(sec: dict, label: str):
    return next(f["value"] for f in sec["figures"] if f["label"] == label)


def total_row(sec: dict, index: int) -> list:
    return sec["tables"][index]["rows"][-1]


def test_drill_figures_equal_their_lists(demo_county):
    year = timezone.localdate().year
    staff = user("section")
    sec = section(compute(staff, year, only="drills"), "drills")
    drills = Drill.objects.for_user(staff).filter(date__year=year)
    assert drills.exists(), "the demo holds drills this year"
    assert figure(sec, "Drills held") == drills.count()
    assert figure(sec, "Drill participants") == sum(drills.values_list("participants", flat=True))
    compliance = drill_services.enterprise_compliance(staff, year)
    assert figure(sec, "Enterprises checked for drills") == len(compliance)
    statuses = [r["status"] for r in compliance]
    assert figure(sec, "Enterprises meeting the drill requirement") == statuses.count(drill_rules.MET)
    assert figure(sec, "Enterprises that missed a drill") == statuses.count(drill_rules.MISSED)
    # Every breakdown adds up to the figures.
    for index in range(3):
        assert total_row(sec, index)[1] == drills.count()
    assert total_row(sec, 0)[3] == figure(sec, "Drills required")
    by_township = sec["tables"][2]["rows"]
    assert sum(r[1] for r in by_township[:-1]) == drills.count()
    assert sum(r[3] for r in by_township[:-1]) == len(compliance)
    enterprise_drills = drills.filter(organiser_level="enterprise").count()
    assert total_row(sec, 3)[1] == enterprise_drills
    assert total_row(sec, 3)[3] == len(compliance)


def test_drill_figures_filtered_by_township_and_industry(demo_county):
    year = timezone.localdate().year
    staff = user("section")
    code = demo_county["township"]
    sec = section(compute(staff, year, region_code=code, only="drills"), "drills")
    assert figure(sec, "Drills held") == Drill.objects.filter(date__year=year, region_code__startswith=code).count()
    assert [r[0] for r in sec["tables"][2]["rows"]][-1] == "Total" and len(sec["tables"][2]["rows"]) == 2
    # A township's own staff: the same figures as the county's staff narrowed to it.
    own = section(compute(user("township1"), year, only="drills"), "drills")
    assert own["figures"] == sec["figures"]
    enterprise = Drill.objects.filter(date__year=year).exclude(enterprise=None).first().enterprise
    division = enterprise.industry_division
    sec = section(compute(staff, year, industry=division, only="drills"), "drills")
    assert figure(sec, "Drills held") == Drill.objects.filter(
        date__year=year, enterprise__industry_division=division).count() >= 1


def test_training_figures_equal_their_lists(demo_county):
    year = timezone.localdate().year
    staff = user("section")
    sec = section(compute(staff, year, only="training"), "training")
    sessions = TrainingSession.objects.for_user(staff).filter(start_date__year=year)
    attended = Attendance.objects.for_user(staff).filter(session__start_date__year=year, attended=True)
    attempts = ExamAttempt.objects.for_user(staff).filter(submitted_at__year=year).exclude(state=AttemptState.OPEN)
    assert sessions.exists() and attended.exists()
    assert figure(sec, "Training sessions") == sessions.count()
    assert figure(sec, "Attendances") == attended.count()
    assert figure(sec, "Training hours") == float(sum(attended.values_list("hours", flat=True)))
    issued = Certificate.objects.for_user(staff).filter(issued_on__year=year)
    assert figure(sec, "Certificates issued") == issued.count()
    assert figure(sec, "Exams taken") == attempts.count()
    assert figure(sec, "Exams passed") == attempts.filter(state=AttemptState.PASSED).count()
    # The existing training statistics (the compliance page's panel) agree.
    old = training.statistics(staff, year)
    assert figure(sec, "Trainees") == old["trainees"] and figure(sec, "Training sessions") == old["sessions"]
    assert figure(sec, "Exam pass rate (%)") == old["exam_pass_rate"]
    kinds, townships, industries_ = (sec["tables"][i]["rows"] for i in range(3))
    assert sum(r[2] for r in kinds[:-2]) == attended.count() == kinds[-1][2] == townships[-1][3]
    assert sum(r[1] for r in townships[:-1]) == sessions.count()
    assert sum(r[3] for r in townships[:-1]) == attended.count()
    assert sum(r[6] for r in townships[:-1]) == attempts.count()
    enterprise_attended = attended.exclude(enterprise=None).count()
    assert industries_[-1][2] == enterprise_attended == kinds[-2][2]
    officers = sec["tables"][3]["rows"]
    assert len(officers) == Officer.objects.for_user(staff).filter(is_active=True).count()
    assert figure(sec, "Enforcement officers") == len(officers)


def test_training_filters_and_scope(demo_county):
    year = timezone.localdate().year
    code = demo_county["township"]
    sec = section(compute(user("section"), year, region_code=code, only="training"), "training")
    assert figure(sec, "Training sessions") == TrainingSession.objects.filter(
        start_date__year=year, region_code__startswith=code).count()
    assert len(sec["tables"][1]["rows"]) == 2
    sec = section(compute(user("section"), year, industry="S", only="training"), "training")
    assert figure(sec, "Attendances") == Attendance.objects.filter(
        session__start_date__year=year, attended=True, enterprise__industry_division__in=statistics
        .industry_divisions("S")).count()
    assert all(t["title"] != "Enforcement officers' training days" for t in sec["tables"])
    # Enterprise accounts see no cross-unit statistics.
    with pytest.raises(NotAllowed):
        compute(user("enterprise1"), year)


def test_query_count_is_bounded(demo_county, django_assert_max_num_queries):
    year = timezone.localdate().year
    staff = user("section")
    with django_assert_max_num_queries(40):
        compute(staff, year, only="drills")
    with django_assert_max_num_queries(25):
        compute(staff, year, only="training")


def test_api_page_and_export(api, web, demo_county):
    year = timezone.localdate().year
    body = api("section").get("/api/v1/preparedness/statistics", year=year).json()
    keys = [s["key"] for s in body["sections"]]
    assert "drills" in keys and "training" in keys
    for bad in ("1899", "2101", "x"):
        assert_error_shape(api("section").get("/api/v1/preparedness/statistics", year=bad, section="drills"), 422)
    page = web("section").get("/preparedness/statistics/", {"year": year, "section": "training"})
    assert page.status_code == 200 and "培训学时" in page.content.decode()
    # A table of more than five columns takes the whole row (half a row cut its columns off at 1440 px).
    import re

    cards = re.findall(r'<div class="(col-12|col-xl-6)">\s*<div class="card h-100">.*?<thead><tr>(.*?)</tr>',
                       page.content.decode(), re.S)
    widths = {(width, headers.count("<th")) for width, headers in cards}
    assert cards and all((width == "col-12") == (columns > 5) for width, columns in widths)
    assert {"col-12", "col-xl-6"} <= {width for width, _ in widths}
    export = web("section").get("/preparedness/statistics/", {"year": year, "section": "drills", "export": "csv"})
    assert export.status_code == 200 and "演练" in export.content.decode("utf-8-sig")


def test_officer_training_days_of_a_year(demo_county, api, web):
    staff = user("section")
    officer = Officer.objects.filter(is_active=True).order_by("pk").first()
    course = training.create_course(staff, {"title": "执法培训", "topic": "执法", "hours": 40, "initial": False,
                                            "region_code": "410481"})
    day = datetime.date(2031, 3, 2)
    session = training.create_session(staff, {"course": course.pk, "title": "执法人员培训班", "start_date": day,
                                              "trainer": "李老师", "region_code": "410481"})
    training.record_attendance(staff, session, {"kind": "officer", "user": officer.user_id})
    rows = {r["officer_id"]: r for r in statistics_sections.officer_training_days(staff, 2031)}
    assert rows[officer.pk]["days"] == Decimal("5") == rows[officer.pk]["session_days"]
    assert rows[officer.pk]["owed"] == Decimal("5") and not rows[officer.pk]["compliant"]
    session2 = training.create_session(staff, {"course": course.pk, "title": "执法人员培训班二", "start_date": day
                                               + datetime.timedelta(days=30), "trainer": "李老师",
                                               "region_code": "410481"})
    training.record_attendance(staff, session2, {"kind": "officer", "user": officer.user_id})
    rows = {r["officer_id"]: r for r in statistics_sections.officer_training_days(staff, 2031)}
    assert rows[officer.pk]["days"] == Decimal("10") and rows[officer.pk]["compliant"]
    assert {r["officer_id"] for r in statistics_sections.officer_training_days(staff, 2030)} == set(rows)
    assert all(r["days"] == 0 for r in statistics_sections.officer_training_days(staff, 2032))
    body = api("section").get("/api/v1/preparedness/officer-training", year=2031).json()
    mine = next(r for r in body if r["officer_id"] == officer.pk)
    assert mine["days"] == "10.0" or float(mine["days"]) == 10 and mine["compliant"] is True
    assert_error_shape(api("section").get("/api/v1/preparedness/officer-training", year=1899), 422)
    assert_error_shape(api("enterprise1").get("/api/v1/preparedness/officer-training", year=2031), 403)
    page = web("section").get("/preparedness/training/officers/", {"year": 2031})
    assert page.status_code == 200 and officer.name in page.content.decode()


def test_officer_page_bad_year_and_enterprise(web, demo_county):
    bad = web("section").get("/preparedness/training/officers/", {"year": "1899"})
    assert bad.status_code == 422 and "年份" in bad.content.decode()
    assert web("enterprise1").get("/preparedness/training/officers/").status_code == 403


def test_figures_equal_the_list_apis(api, demo_county):
    """The figures against the lists a user opens: the drill and session lists of the year and township."""
    year = timezone.localdate().year
    code = demo_county["township"]
    client = api("section")
    for params in ({}, {"region_code": code}):
        with translation.override("en"):
            result = statistics.compute(user("section"), year, params.get("region_code"))
        drills = client.get("/api/v1/drills", year=year, limit=1, **params).json()["count"]
        sessions = client.get("/api/v1/training-sessions", year=year, limit=1, **params).json()["count"]
        assert figure(section(result, "drills"), "Drills held") == drills
        assert figure(section(result, "training"), "Training sessions") == sessions

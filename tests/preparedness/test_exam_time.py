"""An exam's time allowed: counted from the start, shown as a countdown on the phone page (a static script, no
inline code), a submission within the time and grace recorded, a later one refused with a message and the attempt
recorded as failed once; the periodic job closes forgotten attempts; a start in the future is refused."""

from __future__ import annotations

import datetime
import uuid

import pytest
import time_machine
from django.utils import timezone

from tests.conftest import assert_error_shape
from yingji.core.errors import ValidationFailed
from yingji.core.models import User
from yingji.preparedness.models import ExamAttempt, ExamPaper
from yingji.preparedness.services import exams

pytestmark = pytest.mark.django_db

START = datetime.datetime(2031, 5, 12, 9, 0, tzinfo=datetime.UTC)


def _attempt(minutes: int = 30) -> ExamAttempt:
    section = User.objects.get(username="section")
    paper = ExamPaper.objects.filter(purpose="inspection", is_active=True).first()
    paper.minutes = minutes
    paper.save(update_fields=["minutes"])
    return exams.start_attempt(section, paper, {"examinee": "计时考生"})


def _right(attempt: ExamAttempt) -> dict:
    return {q["code"]: q["answer"] for q in attempt.questions}


def test_within_the_time_and_grace_is_recorded(demo_county):
    with time_machine.travel(START, tick=False) as clock:
        attempt = _attempt(30)
        assert exams.seconds_left(attempt) == 30 * 60
        clock.shift(datetime.timedelta(minutes=30, seconds=exams.GRACE_SECONDS))  # the last accepted second
        result, created = exams.submit_attempt(User.objects.get(username="section"), attempt, uuid.uuid4(),
                                               _right(attempt))
    assert created and result["score"] == 100
    assert ExamAttempt.objects.get(pk=attempt.pk).state == "passed"


def test_after_the_grace_refused_in_chinese_and_failed_once(demo_county):
    section = User.objects.get(username="section")
    with time_machine.travel(START, tick=False) as clock:
        attempt = _attempt(20)
        clock.shift(datetime.timedelta(minutes=20, seconds=exams.GRACE_SECONDS + 1))
        with pytest.raises(ValidationFailed) as caught:
            exams.submit_attempt(section, attempt, uuid.uuid4(), _right(attempt))
        assert caught.value.errors[0]["field"] == "answers"
        assert "考试时间" in caught.value.errors[0]["message"] and "20" in caught.value.errors[0]["message"]
        stored = ExamAttempt.objects.get(pk=attempt.pk)
        assert stored.state == "failed" and stored.score == 0 and stored.passed is False
        assert stored.result["timed_out"] is True and stored.submitted_at == START + datetime.timedelta(minutes=20)
        # A retry is refused the same way and writes nothing more.
        with pytest.raises(ValidationFailed):
            exams.submit_attempt(section, stored, uuid.uuid4(), _right(attempt))
        assert ExamAttempt.objects.get(pk=attempt.pk).submission_key is None


def test_the_api_refuses_late_and_shows_the_clock(api, demo_county):
    with time_machine.travel(START, tick=False) as clock:
        attempt = _attempt(15)
        body = api("section").get(f"/api/v1/exam-attempts/{attempt.pk}/clock").json()
        assert body["seconds_left"] == 900 and body["minutes"] == 15 and body["timed_out"] is False
        clock.shift(datetime.timedelta(minutes=10))
        assert api("section").get(f"/api/v1/exam-attempts/{attempt.pk}/clock").json()["seconds_left"] == 300
        clock.shift(datetime.timedelta(minutes=10))
        late = api("section").post(f"/api/v1/exam-attempts/{attempt.pk}/submissions",
                                   {"key": str(uuid.uuid4()), "answers": _right(attempt)})
        body = assert_error_shape(late, 422)
        assert body["errors"][0]["field"] == "answers"
        clock_body = api("section").get(f"/api/v1/exam-attempts/{attempt.pk}/clock").json()
        assert clock_body["timed_out"] is True and clock_body["seconds_left"] == 0 and clock_body["state"] == "failed"


def test_a_start_in_the_future_is_refused(api, demo_county):
    paper = ExamPaper.objects.filter(purpose="inspection", is_active=True).first()
    later = (timezone.now() + datetime.timedelta(hours=2)).isoformat()
    body = assert_error_shape(api("section").post("/api/v1/exam-attempts", {
        "paper_id": paper.pk, "examinee": "提前", "started_at": later}), 422)
    assert [e["field"] for e in body["errors"]] == ["started_at"]


def test_the_periodic_job_closes_forgotten_attempts(demo_county):
    with time_machine.travel(START, tick=False) as clock:
        forgotten, running = _attempt(30), None
        clock.shift(datetime.timedelta(minutes=25))
        running = _attempt(30)
        clock.shift(datetime.timedelta(minutes=6, seconds=exams.GRACE_SECONDS))
        assert exams.close_timed_out_attempts() >= 1  # the forgotten one (and any other left open)
        assert exams.close_timed_out_attempts() == 0
    assert ExamAttempt.objects.get(pk=forgotten.pk).state == "failed"
    assert ExamAttempt.objects.get(pk=running.pk).state == "open"


def test_phone_page_counts_down_with_a_static_script(web, demo_county):
    attempt = _attempt(1)
    client = web("section")
    page = client.get(f"/preparedness/exams/attempts/{attempt.pk}/take/").content.decode()
    assert 'id="yj-exam-clock"' in page and 'data-seconds-left="' in page
    assert "preparedness/exam.js" in page and "<script>" not in page
    assert "剩余时间" in page
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=3)):
        late = client.post(f"/preparedness/exams/attempts/{attempt.pk}/take/",
                           {"key": str(uuid.uuid4()), **_right(attempt)}, follow=True)
        assert "考试时间" in late.content.decode()
        assert ExamAttempt.objects.get(pk=attempt.pk).state == "failed"
        again = client.get(f"/preparedness/exams/attempts/{attempt.pk}/take/")
        assert again.status_code == 302

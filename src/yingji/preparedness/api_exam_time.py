"""API v1 of an exam's time allowed (mounted on the preparedness router):

- ``GET /exam-attempts/{id}/clock``: the minutes allowed, when the attempt started and when its time runs out,
  the seconds left now and the grace after which a submission is refused (``services.exams``). A client counts
  down from ``seconds_left`` and hands the paper in at zero.
"""

from __future__ import annotations

import datetime

from ninja import Router

from yingji.core.api_support import ERRORS, Id, Schema

from . import training_surfaces as surfaces
from .services import exams

router = Router()


class ExamAttemptClockOut(Schema):
    attempt: int
    state: str
    minutes: int
    started_at: datetime.datetime
    ends_at: datetime.datetime
    seconds_left: int
    grace_seconds: int
    timed_out: bool


@router.get("/exam-attempts/{id}/clock", response={200: ExamAttemptClockOut, **ERRORS}, tags=["preparedness"],
            summary="An exam's time allowed: when it ends and the seconds left (late submissions are refused)")
def get_exam_attempt_clock(request, id: Id):
    attempt = surfaces.ATTEMPTS.get(request.auth, id)
    timed_out = exams.close_if_timed_out(attempt)
    return {"attempt": attempt.pk, "state": attempt.state, "minutes": attempt.paper.minutes,
            "started_at": attempt.started_at, "ends_at": exams.ends_at(attempt),
            "seconds_left": exams.seconds_left(attempt) if attempt.state == "open" else 0,
            "grace_seconds": exams.GRACE_SECONDS, "timed_out": timed_out}

"""API v1 of training and exams: courses, sessions (and their attendance), trainees, certificates, the question
bank, papers, exam attempts (start, the examinee's paper, the one submission), compliance and statistics.

``POST /exam-attempts/{id}/submissions`` takes ``{"key": uuid, "answers": {code: "A" | "AC" | true}}``: the first
submission scores and records the attempt (201); any later one answers the same result (200), writing nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router
from ninja.responses import Status

from yingji.core import policy
from yingji.core.api_support import ERRORS, Date, DateTime, Id, InSchema, Schema, ShortText
from yingji.core.crud import Crud, Output

from . import training_surfaces as surfaces
from .models import Trainee
from .services import exams, training
from .training_choices import AttendeeKind, ExamPurpose, QuestionKind, TraineeRole

router = Router(tags=["preparedness"])
TAGS = ["preparedness"]
Sector = Literal["coal_mine", "non_coal_mine", "hazardous_chemicals", "fireworks", "metal_smelting", "other", ""]


# --- courses and sessions ------------------------------------------------------------------------------------


class TrainingCourseOut(Schema):
    id: int
    title: str
    topic: str
    hours: Decimal
    initial: bool
    audience: list[str]
    description: str
    region_code: str
    certificate_months: int | None
    is_active: bool


class TrainingCourseIn(InSchema):
    title: ShortText(200, 1)
    topic: ShortText(100, 1)
    hours: Decimal = Field(ge=Decimal("0.5"), le=1000, decimal_places=1)
    initial: bool = False
    audience: list[Literal[tuple(AttendeeKind.values())]] = Field(default_factory=list, max_length=10)
    description: ShortText(2000) = ""
    region_code: ShortText(12, 6)
    certificate_months: int | None = Field(None, ge=1, le=120)
    is_active: bool = True


class TrainingCoursePatch(InSchema):
    title: ShortText(200, 1) | None = None
    topic: ShortText(100, 1) | None = None
    hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=1000, decimal_places=1)
    initial: bool | None = None
    audience: list[Literal[tuple(AttendeeKind.values())]] | None = Field(None, max_length=10)
    description: ShortText(2000) | None = None
    certificate_months: int | None = Field(None, ge=1, le=120)
    is_active: bool | None = None


(Crud(router, surfaces.COURSES, "/training-courses", out=TrainingCourseOut, module=__name__, tags=TAGS,
      in_schema=TrainingCourseIn, patch_schema=TrainingCoursePatch, nullable=("certificate_months",))
 .list("list_training_courses", summary="Training courses")
 .get("get_training_course")
 .create("create_training_course")
 .update("update_training_course"))


class TrainingSessionOut(Schema):
    id: int
    course_id: int
    title: str
    start_date: datetime.date
    end_date: datetime.date
    hours: Decimal
    place: str
    trainer: str
    organiser: str
    region_code: str
    attendance: int


class TrainingSessionIn(InSchema):
    course_id: Id
    title: ShortText(200, 1)
    start_date: Date
    end_date: Date | None = None
    hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=1000, decimal_places=1)
    place: ShortText(200) = ""
    trainer: ShortText(100, 1)
    organiser: ShortText(100) = ""
    region_code: ShortText(12, 6)


class TrainingSessionPatch(InSchema):
    title: ShortText(200, 1) | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=1000, decimal_places=1)
    place: ShortText(200) | None = None
    trainer: ShortText(100, 1) | None = None
    organiser: ShortText(100) | None = None


(Crud(router, surfaces.SESSIONS, "/training-sessions", out=TrainingSessionOut, module=__name__, tags=TAGS,
      in_schema=TrainingSessionIn, patch_schema=TrainingSessionPatch, nullable=(),
      output=Output(TrainingSessionOut, resolvers={"attendance": lambda s: s.attendance.count()}))
 .list("list_training_sessions", summary="Training sessions (培训班)")
 .get("get_training_session")
 .create("create_training_session", write=lambda user, payload: training.create_session(
     user, {k: v for k, v in payload.model_dump().items() if v is not None}))
 .update("update_training_session"))


class TrainingAttendanceIn(InSchema):
    kind: Literal[tuple(AttendeeKind.values())]
    user_id: Id | None = None
    trainee_id: Id | None = None
    hours: Decimal | None = Field(None, ge=0, le=1000, decimal_places=1)
    attended: bool = True
    passed: bool | None = None


class TrainingAttendanceOut(Schema):
    id: int
    session_id: int
    kind: str
    user_id: int | None
    trainee_id: int | None
    enterprise_id: int | None
    name: str
    attended: bool
    hours: Decimal
    passed: bool | None
    certificate_number: str | None
    officer_training_id: int | None


def _attendance_out(a) -> dict:
    cert = getattr(a, "certificate", None) if hasattr(a, "certificate") else None
    return {"id": a.pk, "session_id": a.session_id, "kind": a.kind, "user_id": a.user_id,
            "trainee_id": a.trainee_id, "enterprise_id": a.enterprise_id, "name": a.name, "attended": a.attended,
            "hours": a.hours, "passed": a.passed, "certificate_number": cert.number if cert else None,
            "officer_training_id": a.officer_training_id}


@router.get("/training-sessions/{id}/attendance", response={200: list[TrainingAttendanceOut], **ERRORS}, tags=TAGS,
            summary="Who attended a session")
def list_session_attendance(request, id: Id):
    from .models import Attendance, Certificate

    session = surfaces.SESSIONS.get(request.auth, id)
    rows = session.attendance.filter(policy.scope_q(request.auth, Attendance))
    certs = {c.attendance_id: c for c in Certificate.objects.filter(attendance__in=rows)}
    out = []
    for a in rows:
        a.certificate = certs.get(a.pk)
        out.append(_attendance_out(a))
    return out


@router.post("/training-sessions/{id}/attendance", response={201: TrainingAttendanceOut, **ERRORS}, tags=TAGS,
             summary="Record an attendee (an officer's attendance also counts towards the ten days a year)")
def record_session_attendance(request, id: Id, payload: TrainingAttendanceIn):
    session = surfaces.SESSIONS.get(request.auth, id, "change")
    data = payload.model_dump()
    data["user"], data["trainee"] = data.pop("user_id"), data.pop("trainee_id")
    attendance = training.record_attendance(request.auth, session, data)
    return Status(201, _attendance_out(attendance))


# --- trainees and certificates -------------------------------------------------------------------------------


class TrainingTraineeOut(Schema):
    id: int
    enterprise_id: int
    name: str
    role: str
    id_masked: str
    phone: str
    hired_on: datetime.date | None
    special_operation: str
    is_active: bool


class TrainingTraineeIn(InSchema):
    enterprise_id: Id | None = None
    name: ShortText(50, 1)
    role: Literal[tuple(TraineeRole.values())]
    id_tail: ShortText(4) = ""
    phone: ShortText(11) = ""
    hired_on: Date | None = None
    special_operation: ShortText(100) = ""
    is_active: bool = True


class TrainingTraineePatch(InSchema):
    name: ShortText(50, 1) | None = None
    role: Literal[tuple(TraineeRole.values())] | None = None
    id_tail: ShortText(4) | None = None
    phone: ShortText(11) | None = None
    hired_on: Date | None = None
    special_operation: ShortText(100) | None = None
    is_active: bool | None = None


(Crud(router, surfaces.TRAINEES, "/trainees", out=TrainingTraineeOut, module=__name__, tags=TAGS,
      in_schema=TrainingTraineeIn, patch_schema=TrainingTraineePatch, nullable=("hired_on",),
      output=Output(TrainingTraineeOut, resolvers={"id_masked": lambda t: t.masked_id}, phones=("phone",)))
 .list("list_trainees", summary="Enterprise people in training (ID numbers masked)")
 .get("get_trainee")
 .create("create_trainee")
 .update("update_trainee"))


class TrainingCertificateOut(Schema):
    id: int
    number: str
    holder: str
    title: str
    trainee_id: int | None
    user_id: int | None
    enterprise_id: int | None
    region_code: str
    issued_on: datetime.date
    expires_on: datetime.date
    state: str


(Crud(router, surfaces.CERTIFICATES, "/training-certificates", out=TrainingCertificateOut, module=__name__, tags=TAGS,
      output=Output(TrainingCertificateOut, resolvers={"state": lambda c: c.state()}))
 .list("list_training_certificates", summary="Training certificates and their expiry")
 .get("get_training_certificate"))


# --- compliance and statistics -------------------------------------------------------------------------------


class TrainingPersonComplianceOut(Schema):
    name: str
    role: str
    trainee_id: int | None
    person: str
    initial_required: int
    annual_required: int | None
    initial_hours: Decimal
    hours_this_year: Decimal
    state: str
    basis: str


class TrainingComplianceOut(Schema):
    enterprise_id: int
    enterprise: str
    sector: str
    high_risk: bool
    year: int
    compliant: bool
    short: int
    people: list[TrainingPersonComplianceOut]


class TrainingComplianceParams(Schema):
    on: Date | None = None
    enterprise_id: Id | None = None


@router.get("/training-compliance", response={200: list[TrainingComplianceOut], **ERRORS}, tags=TAGS,
            summary="Each enterprise's people against the hours of 生产经营单位安全培训规定 (articles 9 and 13)")
def training_compliance(request, params: Query[TrainingComplianceParams]):
    from yingji.core.models import enterprise_model

    enterprises = None
    if params.enterprise_id is not None:
        model = enterprise_model()
        enterprises = model.objects.for_user(request.auth).filter(pk=params.enterprise_id)
    policy.require(request.auth, "view", Trainee)
    rows = training.compliance(request.auth, params.on, enterprises=enterprises)
    return [{**r, "people": [p.as_dict() for p in r["people"]]} for r in rows]


class TrainingStatisticsOut(Schema):
    year: int
    sessions: int
    trainees: int
    attendance: int
    attendance_by_kind: dict[str, int]
    hours: Decimal
    certificates_issued: int
    certificates_expiring: int
    certificates_expired: int
    exams_taken: int
    exams_passed: int
    exam_pass_rate: float | None
    exams_at_inspections: int


class TrainingYearParams(Schema):
    year: int = Field(..., ge=2000, le=2100)


@router.get("/training-statistics", response={200: TrainingStatisticsOut, **ERRORS}, tags=TAGS,
            summary="The year's training: sessions, trainees, hours, certificates, exam pass rates")
def training_statistics(request, params: Query[TrainingYearParams]):
    policy.require(request.auth, "view", Trainee)
    return training.statistics(request.auth, params.year)


# --- the question bank and papers ----------------------------------------------------------------------------


class ExamQuestionOut(Schema):
    id: int
    code: str
    kind: str
    text: str
    options: list[str]
    answer: str
    topic: str
    industry: str
    basis: str
    is_active: bool


class ExamQuestionIn(InSchema):
    code: ShortText(16) = ""
    kind: Literal[tuple(QuestionKind.values())]
    text: ShortText(2000, 1)
    options: list[ShortText(500, 1)] = Field(default_factory=list, max_length=8)
    answer: ShortText(8, 1)
    topic: ShortText(100, 1)
    industry: Sector = ""
    basis: ShortText(200) = ""
    is_active: bool = True


class ExamQuestionPatch(InSchema):
    kind: Literal[tuple(QuestionKind.values())] | None = None
    text: ShortText(2000, 1) | None = None
    options: list[ShortText(500, 1)] | None = Field(None, max_length=8)
    answer: ShortText(8, 1) | None = None
    topic: ShortText(100, 1) | None = None
    industry: Sector | None = None
    basis: ShortText(200) | None = None
    is_active: bool | None = None


(Crud(router, surfaces.QUESTIONS, "/exam-questions", out=ExamQuestionOut, module=__name__, tags=TAGS,
      in_schema=ExamQuestionIn, patch_schema=ExamQuestionPatch, nullable=())
 .list("list_exam_questions", summary="The question bank")
 .get("get_exam_question")
 .create("create_exam_question")
 .update("update_exam_question"))


class ExamRuleSchema(InSchema):
    kind: Literal[tuple(QuestionKind.values())]
    topic: ShortText(100) = ""
    industry: Sector = ""
    count: int = Field(ge=1, le=100)


class ExamRuleOut(Schema):
    kind: str
    topic: str
    industry: str
    count: int


class ExamPaperOut(Schema):
    id: int
    title: str
    purpose: str
    course_id: int | None
    rules: list[ExamRuleOut]
    pass_mark: int
    minutes: int
    region_code: str
    is_active: bool


class ExamPaperIn(InSchema):
    title: ShortText(200, 1)
    purpose: Literal[tuple(ExamPurpose.values())]
    course_id: Id | None = None
    rules: list[ExamRuleSchema] = Field(min_length=1, max_length=20)
    pass_mark: int = Field(80, ge=1, le=100)
    minutes: int = Field(30, ge=1, le=600)
    region_code: ShortText(12, 6)
    is_active: bool = True


class ExamPaperPatch(InSchema):
    title: ShortText(200, 1) | None = None
    rules: list[ExamRuleSchema] | None = Field(None, min_length=1, max_length=20)
    pass_mark: int | None = Field(None, ge=1, le=100)
    minutes: int | None = Field(None, ge=1, le=600)
    is_active: bool | None = None


(Crud(router, surfaces.PAPERS, "/exam-papers", out=ExamPaperOut, module=__name__, tags=TAGS,
      in_schema=ExamPaperIn, patch_schema=ExamPaperPatch, nullable=(),
      output=Output(ExamPaperOut, resolvers={"rules": lambda p: [
          {"kind": r["kind"], "topic": r.get("topic") or "", "industry": r.get("industry") or "",
           "count": r["count"]} for r in p.rules or []]}))
 .list("list_exam_papers", summary="Exam papers and their drawing rules")
 .get("get_exam_paper")
 .create("create_exam_paper")
 .update("update_exam_paper"))


# --- attempts ------------------------------------------------------------------------------------------------


class ExamAttemptOut(Schema):
    id: int
    paper_id: int
    examinee: str
    trainee_id: int | None
    enterprise_id: int | None
    inspection_id: int | None
    session_id: int | None
    region_code: str
    state: str
    total: int
    correct: int
    score: int | None
    passed: bool | None
    started_at: datetime.datetime
    submitted_at: datetime.datetime | None


class ExamAttemptIn(InSchema):
    paper_id: Id
    trainee_id: Id | None = None
    examinee: ShortText(50) = ""
    enterprise_id: Id | None = None
    inspection_id: Id | None = None
    session_id: Id | None = None
    started_at: DateTime | None = None


def _start(user, payload):
    data = payload.model_dump()
    paper = surfaces.PAPERS.get(user, data.pop("paper_id"))
    return exams.start_attempt(user, paper, data)


(Crud(router, surfaces.ATTEMPTS, "/exam-attempts", out=ExamAttemptOut, module=__name__, tags=TAGS,
      in_schema=ExamAttemptIn)
 .list("list_exam_attempts", summary="Exams taken (at inspections and in courses)")
 .get("get_exam_attempt")
 .create("start_exam_attempt", write=_start, summary="Start an exam: its questions are drawn now"))


class ExamineeQuestionOut(Schema):
    code: str
    kind: str
    text: str
    options: list[str]


class ExamineePaperOut(Schema):
    attempt: int
    title: str
    examinee: str
    pass_mark: int
    minutes: int
    state: str
    questions: list[ExamineeQuestionOut]


@router.get("/exam-attempts/{id}/paper", response={200: ExamineePaperOut, **ERRORS}, tags=TAGS,
            summary="The examinee's paper (the questions without their answers)")
def get_exam_attempt_paper(request, id: Id):
    attempt = surfaces.ATTEMPTS.get(request.auth, id)
    return {"attempt": attempt.pk, "title": attempt.paper.title, "examinee": attempt.examinee,
            "pass_mark": attempt.paper.pass_mark, "minutes": attempt.paper.minutes, "state": attempt.state,
            "questions": exams.for_examinee(attempt)}


class ExamSubmissionIn(InSchema):
    key: ShortText(64, 1)
    answers: dict[ShortText(16, 1), str | bool | list[ShortText(1, 1)]] = Field(default_factory=dict,
                                                                                 max_length=100)


class ExamResultOut(Schema):
    attempt: int
    examinee: str
    total: int
    correct: int
    score: int
    passed: bool
    pass_mark: int
    wrong: list[str]
    unanswered: list[str]
    submitted_at: str


@router.post("/exam-attempts/{id}/submissions", response={200: ExamResultOut, 201: ExamResultOut, **ERRORS},
             tags=TAGS, summary="Submit the answers once (a repeat answers the first result)")
def submit_exam_attempt(request, id: Id, payload: ExamSubmissionIn):
    attempt = surfaces.ATTEMPTS.get(request.auth, id, "change")
    result, created = exams.submit_attempt(request.auth, attempt, payload.key, payload.answers)
    return Status(201 if created else 200, result)




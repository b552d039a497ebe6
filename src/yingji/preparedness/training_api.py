"""API v1 of training and exams: courses, sessions (and their attendance), trainees, certificates, the question
bank, papers, exam attempts (start, the examinee's paper, the one submission), compliance and statistics.

``POST /exam-attempts/{id}/submissions`` takes ``{"key": uuid, "answers": {code: "A" | "AC" | true}}``: the first
submission scores and records the attempt (201); any later one answers the same result (200), writing nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from yingji.core import policy
from yingji.core.api_support import ERRORS, Date, DateTime, Id, InSchema, ShortText
from yingji.core.crud import Crud, Output

from . import training_surfaces as surfaces
from .models import Trainee
from .services import exams, training
from .training_choices import AttendeeKind, ExamPurpose, QuestionKind, TraineeRole

router = Router(tags=["preparedness"])
TAGS = ["preparedness"]
Sector = Literal["coal_mine", "non_coal_mine", "hazardous_chemicals", "fireworks", "metal_smelting", "other", ""]


# --- courses and sessions ------------------------------------------------------------------------------------


class CourseOut(Schema):
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


class CourseIn(InSchema):
    title: ShortText(200, 1)
    topic: ShortText(100, 1)
    hours: Decimal = Field(ge=Decimal("0.5"), le=1000, decimal_places=1)
    initial: bool = False
    audience: list[Literal[tuple(AttendeeKind.values())]] = Field(default_factory=list, max_length=10)
    description: ShortText(2000) = ""
    region_code: ShortText(12, 6)
    certificate_months: int | None = Field(None, ge=1, le=120)
    is_active: bool = True


class CoursePatch(InSchema):
    title: ShortText(200, 1) | None = None
    topic: ShortText(100, 1) | None = None
    hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=1000, decimal_places=1)
    initial: bool | None = None
    audience: list[Literal[tuple(AttendeeKind.values())]] | None = Field(None, max_length=10)
    description: ShortText(2000) | None = None
    certificate_months: int | None = Field(None, ge=1, le=120)
    is_active: bool | None = None


(Crud(router, surfaces.COURSES, "/training-courses", out=CourseOut, module=__name__, tags=TAGS,
      in_schema=CourseIn, patch_schema=CoursePatch, nullable=("certificate_months",))
 .list("list_training_courses", summary="Training courses")
 .get("get_training_course")
 .create("create_training_course")
 .update("update_training_course"))


class SessionOut(Schema):
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


class SessionIn(InSchema):
    course_id: Id
    title: ShortText(200, 1)
    start_date: Date
    end_date: Date | None = None
    hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=1000, decimal_places=1)
    place: ShortText(200) = ""
    trainer: ShortText(100, 1)
    organiser: ShortText(100) = ""
    region_code: ShortText(12, 6)


class SessionPatch(InSchema):
    title: ShortText(200, 1) | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    hours: Decimal | None = Field(None, ge=Decimal("0.5"), le=1000, decimal_places=1)
    place: ShortText(200) | None = None
    trainer: ShortText(100, 1) | None = None
    organiser: ShortText(100) | None = None


(Crud(router, surfaces.SESSIONS, "/training-sessions", out=SessionOut, module=__name__, tags=TAGS,
      in_schema=SessionIn, patch_schema=SessionPatch, nullable=(),
      output=Output(SessionOut, resolvers={"attendance": lambda s: s.attendance.count()}))
 .list("list_training_sessions", summary="Training sessions (培训班)")
 .get("get_training_session")
 .create("create_training_session", write=lambda user, payload: training.create_session(
     user, {k: v for k, v in payload.model_dump().items() if v is not None}))
 .update("update_training_session"))


class AttendanceIn(InSchema):
    kind: Literal[tuple(AttendeeKind.values())]
    user_id: Id | None = None
    trainee_id: Id | None = None
    hours: Decimal | None = Field(None, ge=0, le=1000, decimal_places=1)
    attended: bool = True
    passed: bool | None = None


class AttendanceOut(Schema):
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


@router.get("/training-sessions/{id}/attendance", response={200: list[AttendanceOut], **ERRORS}, tags=TAGS,
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


@router.post("/training-sessions/{id}/attendance", response={201: AttendanceOut, **ERRORS}, tags=TAGS,
             summary="Record an attendee (an officer's attendance also counts towards the ten days a year)")
def record_session_attendance(request, id: Id, payload: AttendanceIn):
    session = surfaces.SESSIONS.get(request.auth, id, "change")
    data = payload.model_dump()
    data["user"], data["trainee"] = data.pop("user_id"), data.pop("trainee_id")
    attendance = training.record_attendance(request.auth, session, data)
    return Status(201, _attendance_out(attendance))


# --- trainees and certificates -------------------------------------------------------------------------------


class TraineeOut(Schema):
    id: int
    enterprise_id: int
    name: str
    role: str
    id_masked: str
    phone: str
    hired_on: datetime.date | None
    special_operation: str
    is_active: bool


class TraineeIn(InSchema):
    enterprise_id: Id | None = None
    name: ShortText(50, 1)
    role: Literal[tuple(TraineeRole.values())]
    id_tail: ShortText(4) = ""
    phone: ShortText(11) = ""
    hired_on: Date | None = None
    special_operation: ShortText(100) = ""
    is_active: bool = True


class TraineePatch(InSchema):
    name: ShortText(50, 1) | None = None
    role: Literal[tuple(TraineeRole.values())] | None = None
    id_tail: ShortText(4) | None = None
    phone: ShortText(11) | None = None
    hired_on: Date | None = None
    special_operation: ShortText(100) | None = None
    is_active: bool | None = None


(Crud(router, surfaces.TRAINEES, "/trainees", out=TraineeOut, module=__name__, tags=TAGS,
      in_schema=TraineeIn, patch_schema=TraineePatch, nullable=("hired_on",),
      output=Output(TraineeOut, resolvers={"id_masked": lambda t: t.masked_id}, phones=("phone",)))
 .list("list_trainees", summary="Enterprise people in training (ID numbers masked)")
 .get("get_trainee")
 .create("create_trainee")
 .update("update_trainee"))


class CertificateOut(Schema):
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


(Crud(router, surfaces.CERTIFICATES, "/training-certificates", out=CertificateOut, module=__name__, tags=TAGS,
      output=Output(CertificateOut, resolvers={"state": lambda c: c.state()}))
 .list("list_training_certificates", summary="Training certificates and their expiry")
 .get("get_training_certificate"))


# --- compliance and statistics -------------------------------------------------------------------------------


class PersonComplianceOut(Schema):
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


class ComplianceOut(Schema):
    enterprise_id: int
    enterprise: str
    sector: str
    high_risk: bool
    year: int
    compliant: bool
    short: int
    people: list[PersonComplianceOut]


class ComplianceParams(Schema):
    on: Date | None = None
    enterprise_id: Id | None = None


@router.get("/training-compliance", response={200: list[ComplianceOut], **ERRORS}, tags=TAGS,
            summary="Each enterprise's people against the hours of 生产经营单位安全培训规定 (articles 9 and 13)")
def training_compliance(request, params: Query[ComplianceParams]):
    from yingji.core.models import enterprise_model

    enterprises = None
    if params.enterprise_id is not None:
        model = enterprise_model()
        enterprises = model.objects.for_user(request.auth).filter(pk=params.enterprise_id)
    policy.require(request.auth, "view", Trainee)
    rows = training.compliance(request.auth, params.on, enterprises=enterprises)
    return [{**r, "people": [p.as_dict() for p in r["people"]]} for r in rows]


class StatisticsOut(Schema):
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


class YearParams(Schema):
    year: int = Field(..., ge=2000, le=2100)


@router.get("/training-statistics", response={200: StatisticsOut, **ERRORS}, tags=TAGS,
            summary="The year's training: sessions, trainees, hours, certificates, exam pass rates")
def training_statistics(request, params: Query[YearParams]):
    policy.require(request.auth, "view", Trainee)
    return training.statistics(request.auth, params.year)


# --- the question bank and papers ----------------------------------------------------------------------------


class QuestionOut(Schema):
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


class QuestionIn(InSchema):
    code: ShortText(16) = ""
    kind: Literal[tuple(QuestionKind.values())]
    text: ShortText(2000, 1)
    options: list[ShortText(500, 1)] = Field(default_factory=list, max_length=8)
    answer: ShortText(8, 1)
    topic: ShortText(100, 1)
    industry: Sector = ""
    basis: ShortText(200) = ""
    is_active: bool = True


class QuestionPatch(InSchema):
    kind: Literal[tuple(QuestionKind.values())] | None = None
    text: ShortText(2000, 1) | None = None
    options: list[ShortText(500, 1)] | None = Field(None, max_length=8)
    answer: ShortText(8, 1) | None = None
    topic: ShortText(100, 1) | None = None
    industry: Sector | None = None
    basis: ShortText(200) | None = None
    is_active: bool | None = None


(Crud(router, surfaces.QUESTIONS, "/exam-questions", out=QuestionOut, module=__name__, tags=TAGS,
      in_schema=QuestionIn, patch_schema=QuestionPatch, nullable=())
 .list("list_exam_questions", summary="The question bank")
 .get("get_exam_question")
 .create("create_exam_question")
 .update("update_exam_question"))


class RuleSchema(InSchema):
    kind: Literal[tuple(QuestionKind.values())]
    topic: ShortText(100) = ""
    industry: Sector = ""
    count: int = Field(ge=1, le=100)


class RuleOut(Schema):
    kind: str
    topic: str
    industry: str
    count: int


class PaperOut(Schema):
    id: int
    title: str
    purpose: str
    course_id: int | None
    rules: list[RuleOut]
    pass_mark: int
    minutes: int
    region_code: str
    is_active: bool


class PaperIn(InSchema):
    title: ShortText(200, 1)
    purpose: Literal[tuple(ExamPurpose.values())]
    course_id: Id | None = None
    rules: list[RuleSchema] = Field(min_length=1, max_length=20)
    pass_mark: int = Field(80, ge=1, le=100)
    minutes: int = Field(30, ge=1, le=600)
    region_code: ShortText(12, 6)
    is_active: bool = True


class PaperPatch(InSchema):
    title: ShortText(200, 1) | None = None
    rules: list[RuleSchema] | None = Field(None, min_length=1, max_length=20)
    pass_mark: int | None = Field(None, ge=1, le=100)
    minutes: int | None = Field(None, ge=1, le=600)
    is_active: bool | None = None


(Crud(router, surfaces.PAPERS, "/exam-papers", out=PaperOut, module=__name__, tags=TAGS,
      in_schema=PaperIn, patch_schema=PaperPatch, nullable=(),
      output=Output(PaperOut, resolvers={"rules": lambda p: [
          {"kind": r["kind"], "topic": r.get("topic") or "", "industry": r.get("industry") or "",
           "count": r["count"]} for r in p.rules or []]}))
 .list("list_exam_papers", summary="Exam papers and their drawing rules")
 .get("get_exam_paper")
 .create("create_exam_paper")
 .update("update_exam_paper"))


# --- attempts ------------------------------------------------------------------------------------------------


class AttemptOut(Schema):
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


class AttemptIn(InSchema):
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


(Crud(router, surfaces.ATTEMPTS, "/exam-attempts", out=AttemptOut, module=__name__, tags=TAGS,
      in_schema=AttemptIn)
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


class SubmissionIn(InSchema):
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
def submit_exam_attempt(request, id: Id, payload: SubmissionIn):
    attempt = surfaces.ATTEMPTS.get(request.auth, id, "change")
    result, created = exams.submit_attempt(request.auth, attempt, payload.key, payload.answers)
    return Status(201 if created else 200, result)




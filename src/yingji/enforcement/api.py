"""API v1 of supervision and enforcement: the powers list, officers (and their training), and the 双随机 draws.

``POST /random-draws`` is a contract other systems rely on: body ``{"enterprises": [ids], "officers": [user ids],
"count": N, "per_enterprise": 2, "seed": "text", "recusals": [{"officer": id, "enterprise": id}]}`` answers 201
``{"id", "seed", "pairs": [{"enterprise": id, "officers": [ids]}], ...}``; 422 with field errors when the pools
cannot satisfy the request."""

from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Router
from ninja.responses import Status

from yingji.core.api_support import ERRORS, Date, Id, InSchema, Schema, ShortText
from yingji.core.crud import Crud, Output

from . import services, surfaces

router = Router(tags=["enforcement"])


# --- powers list -----------------------------------------------------------------------------------------------


class EnforcementItemOut(Schema):
    id: int
    code: str
    version: int
    kind: str
    name: str
    basis: str
    acts: list[str]
    tiers: list[dict]
    discretion: list[dict]
    source: str
    verified: bool
    note: str
    in_force: bool
    effective_from: datetime.date | None


(Crud(router, surfaces.ITEMS, "/enforcement-items", out=EnforcementItemOut, module=__name__, tags=["enforcement"])
 .list("list_enforcement_items", summary="The powers list (权责清单): penalties, coercive measures, inspections")
 .get("get_enforcement_item"))


# --- officers --------------------------------------------------------------------------------------------------


class OfficerOut(Schema):
    id: int
    user_id: int
    name: str
    region_code: str
    organisation_id: int | None
    certificate_no: str
    certificate_expires: datetime.date
    certificate_status: str
    training_days_this_year: Decimal
    training_days_owed: Decimal
    is_active: bool


class OfficerIn(InSchema):
    user_id: Id
    name: ShortText(50) = ""
    region_code: ShortText(12) = ""
    organisation_id: Id | None = None
    certificate_no: ShortText(32, 1)
    certificate_expires: Date
    is_active: bool = True


class OfficerPatch(InSchema):
    name: ShortText(50) | None = None
    region_code: ShortText(12) | None = None
    organisation_id: Id | None = None
    certificate_no: ShortText(32, 1) | None = None
    certificate_expires: Date | None = None
    is_active: bool | None = None


def _officer_data(payload: dict) -> dict:
    # An empty name or jurisdiction in a body means "not given": unchanged, or taken from the account.
    data = {k: v for k, v in payload.items() if not (k in ("name", "region_code") and v == "")}
    if "organisation_id" in data:
        data["organisation"] = data.pop("organisation_id")
    return data


(Crud(router, surfaces.OFFICERS, "/enforcement-officers", out=OfficerOut, module=__name__, tags=["enforcement"],
      in_schema=OfficerIn, patch_schema=OfficerPatch, nullable=("organisation_id",),
      output=Output(OfficerOut, resolvers={
          "certificate_status": lambda o: o.certificate_status(),
          "training_days_this_year": lambda o: o.training_days(),
          "training_days_owed": lambda o: o.training_shortfall}))
 .list("list_enforcement_officers", summary="Certified enforcement officers with certificate and training status")
 .get("get_enforcement_officer")
 .create("create_enforcement_officer",
         write=lambda user, payload: services.create_officer(user, _officer_data(payload.model_dump())))
 .update("update_enforcement_officer",
         write=lambda user, officer, data: services.update_officer(user, officer, _officer_data(data))))


class TrainingIn(InSchema):
    date: Date
    days: Decimal = Field(gt=0, le=60, decimal_places=1)
    topic: ShortText(200, 1)
    provider: ShortText(200) = ""


class TrainingOut(Schema):
    id: int
    date: datetime.date
    days: Decimal
    topic: str
    provider: str


@router.post("/enforcement-officers/{id}/training", response={201: TrainingOut, **ERRORS}, tags=["enforcement"],
             summary="Record a training the officer attended (counts towards ten days a year)")
def add_officer_training(request, id: Id, payload: TrainingIn):
    officer = surfaces.OFFICERS.get(request.auth, id, "change")
    record = services.add_training(request.auth, officer, payload.model_dump())
    return Status(201, {"id": record.pk, "date": record.date, "days": record.days, "topic": record.topic,
                        "provider": record.provider})


# --- random draws ----------------------------------------------------------------------------------------------


class RecusalIn(InSchema):
    officer: Id
    enterprise: Id


class RandomDrawIn(InSchema):
    enterprises: list[Id] = Field(min_length=1, max_length=5000)
    officers: list[Id] = Field(min_length=1, max_length=1000)
    count: int = Field(ge=1, le=5000)
    per_enterprise: int = Field(2, ge=2, le=10)
    seed: ShortText(200) | None = None
    recusals: list[RecusalIn] = Field(default_factory=list, max_length=10000)
    title: ShortText(200) = ""


class PairOut(Schema):
    enterprise: int
    officers: list[int]


class RecusalOut(Schema):
    officer: int
    enterprise: int


class RandomDrawOut(Schema):
    id: int
    seed: str
    pairs: list[PairOut]
    title: str
    region_code: str
    algorithm: str
    input_digest: str
    count: int
    per_enterprise: int
    cap: int
    enterprises: list[int]
    officers: list[int]
    recusals: list[RecusalOut]
    skipped: list[int]
    created_at: datetime.datetime
    verified: bool | None = None


_DRAW_OUTPUT = Output(RandomDrawOut, resolvers={
    "enterprises": lambda d: d.enterprise_pool, "officers": lambda d: d.officer_pool,
    "recusals": lambda d: [{"officer": o, "enterprise": e} for o, e in d.recusals],
    "verified": services.verify}, detail_only=("verified",))

(Crud(router, surfaces.DRAWS, "/random-draws", out=RandomDrawOut, module=__name__, tags=["enforcement"],
      in_schema=RandomDrawIn, output=_DRAW_OUTPUT)
 .list("list_random_draws", summary="Published 双随机 draws in your jurisdiction")
 .get("get_random_draw", summary="One draw, with whether re-running its published inputs gives the same pairs")
 .create("create_random_draw", summary="Draw enterprises and officers at random (双随机), reproducibly from a seed",
         write=lambda user, payload: services.make_draw(user, payload.model_dump())))



# --- documents and penalty cases (api_cases.py) ----------------------------------------------------------------

from . import api_cases  # noqa: E402

router.add_router("", api_cases.router)



# --- annual plan, campaigns and supervision orders: their routes live in api_plans ----------------------------

from . import api_plans  # noqa: E402

router.add_router("", api_plans.router)



# --- inspections -----------------------------------------------------------------------------------------------

import json  # noqa: E402  (this area's section)
from typing import Literal  # noqa: E402

from ninja import Form  # noqa: E402

from yingji.core.api_support import DateTime  # noqa: E402
from yingji.core.errors import ValidationFailed  # noqa: E402
from yingji.standards.checklists import INDUSTRIES  # noqa: E402

from .choices import InspectionOrigin  # noqa: E402


def _literal(values):
    return Literal[tuple(values)]  # type: ignore[valid-type]


class InspectionOfficerOut(Schema):
    user: int
    name: str
    certificate_no: str


class ChecklistOut(Schema):
    industry: str
    name: str
    version: str


class FindingOut(Schema):
    item: str
    category: str
    text: str
    basis: str
    result: str
    description: str
    photos: list[int]
    hazard_id: int | None
    recorded_at: datetime.datetime


class SignatureOut(Schema):
    role: str
    signer: str
    officer: int | None
    attachment: int
    signed_at: datetime.datetime


class ExamOut(Schema):
    examinee: str
    audience: str
    questions: list[str]
    total: int
    correct: int
    score: int
    passed: bool
    taken_at: datetime.datetime


class InspectionOut(Schema):
    id: int
    number: str
    enterprise_id: int
    enterprise_name: str
    region_code: str
    origin: str
    random_draw_id: int | None
    officers: list[InspectionOfficerOut]
    planned_on: datetime.date
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    state: str
    version: int
    checklist: ChecklistOut
    summary: str
    no_signature_reason: str
    cancel_reason: str
    created_at: datetime.datetime
    closed_at: datetime.datetime | None
    findings: list[FindingOut] | None = None
    signatures: list[SignatureOut] | None = None
    exam: ExamOut | None = None


class InspectionIn(InSchema):
    enterprise_id: Id
    origin: _literal(InspectionOrigin.values()) = InspectionOrigin.AD_HOC
    random_draw_id: Id | None = None
    officers: list[Id] | None = Field(None, max_length=20,
                                      description="Account ids of the officers (a draw's pair when omitted)")
    planned_on: Date
    checklist: _literal(INDUSTRIES) | None = Field(None, description="Checklist industry (the enterprise's by "
                                                                     "default)")
    summary: ShortText(2000) = ""


class InspectionTransitionIn(InSchema):
    action: _literal(services.INSPECTION_WORKFLOW.actions)
    reason: ShortText(200) = ""
    note: ShortText(2000) = ""
    started_at: DateTime | None = None
    finished_at: DateTime | None = None


class SubmissionOut(Schema):
    submission_key: str
    inspection: int
    state: str
    received_at: str
    findings: int
    photos: int
    hazards: list[int]
    signatures: int
    exam: dict | None


def _findings(inspection) -> list[dict]:
    return [{"item": f.item_code, "category": f.category, "text": f.item_text, "basis": f.basis,
             "result": f.result, "description": f.description, "photos": [p.pk for p in f.photos.all()],
             "hazard_id": f.hazard_id, "recorded_at": f.recorded_at}
            for f in inspection.findings.prefetch_related("photos")]


def _signatures(inspection) -> list[dict]:
    return [{"role": s.role, "signer": s.signer_name, "officer": s.officer.user_id if s.officer_id else None,
             "attachment": s.image_id, "signed_at": s.signed_at}
            for s in inspection.signatures.select_related("officer")]


def _exam(inspection) -> dict | None:
    exam = getattr(inspection, "exam", None)
    if exam is None:
        return None
    return {"examinee": exam.examinee, "audience": exam.audience, "questions": exam.questions,
            "total": exam.total, "correct": exam.correct, "score": exam.score, "passed": exam.passed,
            "taken_at": exam.taken_at}


_INSPECTION_OUTPUT = Output(InspectionOut, resolvers={
    "enterprise_name": lambda i: i.enterprise.name,
    "officers": lambda i: [{"user": o["user"], "name": o["name"], "certificate_no": o["certificate_no"]}
                           for o in i.officer_record],
    "checklist": lambda i: {"industry": i.checklist_industry, "name": i.checklist_name,
                            "version": i.checklist_version},
    "findings": _findings, "signatures": _signatures, "exam": _exam,
}, detail_only=("findings", "signatures", "exam"))


def _plan(user, payload):
    data = payload.model_dump()
    data["enterprise"] = data.pop("enterprise_id")
    data["random_draw"] = data.pop("random_draw_id")
    return services.plan_inspection(user, data)


def _act_on_inspection(user, inspection, payload):
    data = payload.model_dump(exclude_none=True)
    return services.act_on_inspection(user, inspection, data.pop("action"), data)


(Crud(router, surfaces.INSPECTIONS, "/inspections", out=InspectionOut, module=__name__, tags=["enforcement"],
      in_schema=InspectionIn, output=_INSPECTION_OUTPUT)
 .list("list_inspections", summary="Inspections in your jurisdiction (an enterprise's account: its own)")
 .get("get_inspection", summary="One inspection with its findings, signatures and on-site exam")
 .create("create_inspection", write=_plan,
         summary="Plan an inspection: at least two officers certified on the day and not recused")
 .transitions("act_on_inspection", allowed_name="list_inspection_transitions",
              workflow=services.INSPECTION_WORKFLOW, body=InspectionTransitionIn, act=_act_on_inspection,
              summary="Start, complete, close or cancel an inspection (409 when someone else acted first)"))


@router.post("/inspections/{id}/submissions", response={200: SubmissionOut, 201: SubmissionOut, **ERRORS},
             tags=["enforcement"], summary="Submit a field record once (multipart: submission_key, record, files)")
def submit_inspection_record(request, id: Id, submission_key: Form[ShortText(64, 1)],
                             record: Form[ShortText(200_000, 2)]):
    """The record filled on a phone, sent with a key the phone made (a UUID). The first submission of a key stores
    the whole record in one transaction (findings, photos, signatures, exam, hazards) and answers 201; the same key
    again answers 200 with the first result and stores nothing. ``record`` is JSON (see
    ``services.submit_field_record``); its files are the other multipart parts, named in the record."""
    inspection = surfaces.INSPECTIONS.get(request.auth, id, "change")
    try:
        body = json.loads(record)
    except ValueError:
        raise ValidationFailed.from_dict({"record": ["Give the record as JSON"]}) from None
    files = {name: request.FILES[name] for name in request.FILES}
    result, created = services.submit_field_record(request.auth, inspection, submission_key, body, files)
    return Status(201 if created else 200, result)



# --- statistics (issue 14 §7): api_statistics ---

from . import api_statistics  # noqa: E402

router.add_router("", api_statistics.router)

"""API v1 of enforcement documents and penalty cases (on core.crud with the declared surfaces).

- ``/enforcement-documents``: list, get, ``POST`` issues one (numbered from its series; never changed afterwards:
  ``corrects_id`` issues a correction), ``GET /{id}/pdf`` the document in its standard layout.
- ``/penalty-cases``: list, get, ``POST`` registers a case, ``PATCH`` edits its facts and proposed penalty before
  the notice, ``GET|POST /{id}/transitions`` the workflow (409 when someone else acted first),
  ``POST /{id}/extension`` extends the time limit, ``POST /{id}/publication`` publishes the decision."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from ninja import Field, Router

from yingji.core.api_support import ERRORS, Date, Id, InSchema, Schema, ShortText
from yingji.core.crud import Crud, Output

from . import services, surfaces

TAGS = ["enforcement"]
#: Mounted on the enforcement router (``api.py``).
router = Router(tags=TAGS)


# --- documents -------------------------------------------------------------------------------------------------


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    title: str
    issuer: str
    enterprise_id: int
    region_code: str
    case_id: int | None
    inspection_id: int | None
    corrects_id: int | None
    serves_id: int | None
    superseded: bool
    content: dict
    issued_at: datetime.datetime
    issued_by_name: str


class DocumentIn(InSchema):
    kind: ShortText(32, 1)
    enterprise_id: Id
    content: dict[str, Any]
    case_id: Id | None = None
    corrects_id: Id | None = None
    serves_id: Id | None = None


(Crud(router, surfaces.DOCUMENTS, "/enforcement-documents", out=DocumentOut, module=__name__, tags=TAGS,
      in_schema=DocumentIn, output=Output(DocumentOut, resolvers={"superseded": lambda d: d.is_superseded}))
 .list("list_enforcement_documents", summary="Issued enforcement documents (执法文书) in your scope")
 .get("get_enforcement_document")
 .create("issue_enforcement_document", summary="Issue a document with the next number of its series",
         write=lambda user, payload: services.issue_from_api(user, payload.model_dump())))


@router.get("/enforcement-documents/{id}/pdf", response={200: None, **ERRORS}, tags=TAGS,
            summary="The document in its standard layout as PDF")
def get_enforcement_document_pdf(request, id: Id):
    document = surfaces.DOCUMENTS.get(request.auth, id)
    response = HttpResponse(services.render_pdf(request.auth, document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.kind}-{document.year}-{document.serial}.pdf"'
    return response


# --- penalty cases ---------------------------------------------------------------------------------------------


class CaseOut(Schema):
    id: int
    title: str
    enterprise_id: int
    region_code: str
    party_kind: str
    party_name: str
    source: str
    source_reference: str
    inspection_id: int | None
    item_id: int
    item_code: str
    item_version: int
    tier: int
    state: str
    version: int
    officers: list[int]
    facts: str
    evidence: str
    circumstance: str
    adjustment: str
    legal_min: Decimal | None
    legal_max: Decimal | None
    proposed_low: Decimal | None
    proposed_high: Decimal | None
    fine: Decimal | None
    fine_reason: str
    fine_outside_range: bool
    measures: list[str]
    hearing_right: bool
    legal_review_required: bool
    collective_discussion_required: bool
    discovered_on: datetime.date
    filing_due: datetime.date | None
    filed_on: datetime.date | None
    extension: str
    decision_due: datetime.date | None
    notified_on: datetime.date | None
    statement_due: datetime.date | None
    hearing_request_due: datetime.date | None
    decided_on: datetime.date | None
    service_due: datetime.date | None
    disclosure_due: datetime.date | None
    published_at: datetime.datetime | None
    served_on: datetime.date | None
    payment_due: datetime.date | None
    paid_on: datetime.date | None
    amount_paid: Decimal | None
    surcharge: Decimal | None
    closed_on: datetime.date | None
    overdue: list[str]
    documents: list[int] = []
    actions: list[str] = []


class CaseIn(InSchema):
    enterprise: Id
    title: ShortText(200, 1)
    item: Id
    tier: int = Field(0, ge=0, le=20)
    party_kind: ShortText(16) = "unit"
    party_name: ShortText(200) = ""
    source: ShortText(16, 1)
    source_reference: ShortText(200) = ""
    inspection_id: Id | None = Field(None, description="The inspection the case came from (sets the source)")
    discovered_on: Date
    officers: list[Id] = Field(min_length=2, max_length=20)
    facts: ShortText(8000) = ""
    evidence: ShortText(8000) = ""
    circumstance: ShortText(16) = "ordinary"
    adjustment: ShortText(16) = ""
    fine: Decimal | None = Field(None, ge=0, le=Decimal("1e12"), decimal_places=2)
    fine_reason: ShortText(8000) = ""
    measures: list[ShortText(32)] = Field(default_factory=list, max_length=10)
    penalty_text: ShortText(8000) = ""
    complex_case: bool = False
    major_public_interest: bool = False


class CasePatch(InSchema):
    title: ShortText(200, 1) | None = None
    tier: int | None = Field(None, ge=0, le=20)
    party_kind: ShortText(16) | None = None
    party_name: ShortText(200) | None = None
    source: ShortText(16) | None = None
    source_reference: ShortText(200) | None = None
    officers: list[Id] | None = Field(None, min_length=2, max_length=20)
    facts: ShortText(8000) | None = None
    evidence: ShortText(8000) | None = None
    circumstance: ShortText(16) | None = None
    adjustment: ShortText(16) | None = None
    fine: Decimal | None = Field(None, ge=0, le=Decimal("1e12"), decimal_places=2)
    fine_reason: ShortText(8000) | None = None
    measures: list[ShortText(32)] | None = Field(None, max_length=10)
    penalty_text: ShortText(8000) | None = None
    complex_case: bool | None = None
    major_public_interest: bool | None = None


class CaseTransitionIn(InSchema):
    action: ShortText(32, 1)
    note: ShortText(2000) = ""
    reason: ShortText(2000) = ""
    opinion: ShortText(8000) = ""
    report: ShortText(8000) = ""
    record: ShortText(8000) = ""
    statements: ShortText(8000) = ""
    waived: bool = False
    recipient: ShortText(100) = ""
    method: ShortText(16) = ""
    place: ShortText(200) = ""
    amount: Decimal | None = Field(None, ge=0, le=Decimal("1e12"), decimal_places=2)
    filed_on: Date | None = None
    notified_on: Date | None = None
    requested_on: Date | None = None
    held_on: Date | None = None
    discussed_on: Date | None = None
    decided_on: Date | None = None
    served_on: Date | None = None
    paid_on: Date | None = None
    closed_on: Date | None = None
    acted_on: Date | None = None


def _actions(case, view) -> list[str]:
    return [t.action for t in services.available_actions(case, view.user)]


_actions.contextual = True

_CASE_OUTPUT = Output(CaseOut, resolvers={
    "officers": lambda c: sorted(c.officers.values_list("pk", flat=True)),
    "fine_outside_range": lambda c: c.fine_outside_range,
    "hearing_right": lambda c: c.needs_hearing_notice,
    "legal_review_required": lambda c: c.needs_legal_review,
    "collective_discussion_required": lambda c: c.needs_collective_discussion,
    "documents": lambda c: list(c.documents.order_by("id").values_list("pk", flat=True)),
    "actions": _actions}, detail_only=("documents", "actions"))


def _transition(user, case, payload):
    data = {k: v for k, v in payload.model_dump().items() if v not in (None, "", False) and k != "action"}
    if "amount" in data:
        data["amount"] = str(data["amount"])
    return services.transition_case(user, case, payload.action, data)


(Crud(router, surfaces.CASES, "/penalty-cases", out=CaseOut, module=__name__, tags=TAGS, in_schema=CaseIn,
      patch_schema=CasePatch, nullable=("fine",), output=_CASE_OUTPUT)
 .list("list_penalty_cases", summary="Administrative penalty cases in your jurisdiction")
 .get("get_penalty_case")
 .create("create_penalty_case", summary="Register a case (待立案) with its item, officers and discovery date",
         write=lambda user, payload: services.open_case(user, payload.model_dump()))
 .update("update_penalty_case", summary="Edit the facts, officers or proposed penalty before the notice")
 .transitions("transition_penalty_case", allowed_name="list_penalty_case_transitions", workflow=services.CASE_WORKFLOW,
              act=_transition, body=CaseTransitionIn,
              summary="Take a workflow step (立案, 告知, 决定, 送达 …); 409 when someone else acted first"))


class ExtensionIn(InSchema):
    extension: ShortText(16, 1)
    reason: ShortText(2000, 1)


@router.post("/penalty-cases/{id}/extension", response={200: CaseOut, **ERRORS}, tags=TAGS,
             summary="Extend the time limit to decide (head: 90 days, higher authority: 180)")
def extend_penalty_case(request, id: Id, payload: ExtensionIn):
    case = surfaces.CASES.get(request.auth, id)
    services.extend_case(request.auth, case, payload.extension, payload.reason)
    return _CASE_OUTPUT(surfaces.CASES.get(request.auth, id), _view(request), detail=True)


@router.post("/penalty-cases/{id}/publication", response={200: CaseOut, **ERRORS}, tags=TAGS,
             summary="Publish the decision on the public page (personal data removed)")
def publish_penalty_case(request, id: Id):
    case = surfaces.CASES.get(request.auth, id)
    services.publish_decision(request.auth, case)
    return _CASE_OUTPUT(surfaces.CASES.get(request.auth, id), _view(request), detail=True)


def _view(request):
    from yingji.core.surfaces import View

    return View(request.auth, False)

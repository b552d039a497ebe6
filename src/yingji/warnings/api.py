"""API v1: early warnings (CAP 1.2 documents, the public Atom feed), their workflow and dissemination, and the
responsible-person registry."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, Query, Router, Status

from yingji.core import policy
from yingji.core.api_support import (
    ERRORS,
    ActiveSessionAuth,
    BearerTokenAuth,
    DateTime,
    Id,
    InSchema,
    PageParams,
    Phone,
    Schema,
    ShortText,
    apply_filters,
    filter_params,
    page_of,
    paginate,
)
from yingji.core.crud import Crud, Output, contextual
from yingji.core.errors import NotFound, ValidationFailed
from yingji.core.models import User

from . import cap, feed, services, surfaces
from .catalog import TEMPLATES
from .choices import CapCategory, Certainty, Channel, MessageType, PersonKind, WarningLevel
from .filters import WarningFilterSet
from .models import Delivery, ResponsiblePerson, Warning

router = Router(tags=["warnings"])


def _literal(values):
    return Literal[tuple(values)]  # type: ignore[valid-type]


def _anonymous(request):
    """Public endpoints: anyone may call them; a token or session, when sent, still identifies the caller."""
    return True


PUBLIC_AUTH = [BearerTokenAuth(), ActiveSessionAuth(), _anonymous]
RegionCode = ShortText(12, 6)
LongText = ShortText(4000)
AreaShape = ShortText(4000, 1)


# --- schemas ---------------------------------------------------------------------------------------------------


class WarningOut(Schema):
    id: int
    identifier: str
    sender: str
    msg_type: str
    references_id: int | None
    state: str
    template: str
    locked_fields: list[str]
    event_type: str
    event: str
    category: str
    level: str
    severity: str
    urgency: str
    certainty: str
    headline: str
    description: str
    instruction: str
    effective: datetime.datetime
    expires: datetime.datetime
    area_codes: list[str]
    area_desc: str
    polygons: list[str]
    circles: list[str]
    source_alarm: str
    region_code: str
    sent: datetime.datetime | None
    created_at: datetime.datetime
    cap_url: str
    actions: list[str] = []


class WarningIn(InSchema):
    template: ShortText(32) | None = Field(None, description=f"One of: {', '.join(TEMPLATES)}")
    event_type: ShortText(32, 1) | None = None
    event: ShortText(100, 1) | None = None
    category: _literal(CapCategory.values()) | None = None
    level: _literal(WarningLevel.values()) | None = None
    certainty: _literal(Certainty.values()) | None = None
    headline: ShortText(200, 1) | None = None
    description: LongText | None = None
    instruction: LongText | None = None
    effective: DateTime | None = None
    expires: DateTime | None = None
    area_codes: list[RegionCode] | None = Field(None, max_length=500)
    area_desc: ShortText(500) | None = None
    polygons: list[AreaShape] | None = Field(None, max_length=20, description="CAP polygons: 'lat,lon lat,lon …'")
    circles: list[AreaShape] | None = Field(None, max_length=20, description="CAP circles: 'lat,lon radius_km'")
    source_alarm: ShortText(64) | None = Field(None, description="Reference of the monitoring alarm, if any")


class DeriveIn(WarningIn):
    msg_type: _literal([MessageType.UPDATE, MessageType.CANCEL])


class TransitionIn(InSchema):
    action: _literal(services.USER_ACTIONS)
    note: ShortText(500) = ""


class DeliveryOut(Schema):
    id: int
    person_id: int
    person_name: str
    region_code: str
    channel: str
    state: str
    attempts: int
    reason: str
    last_error: str
    sent_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None


class ConfirmationOut(Schema):
    total: int
    confirmed: int
    silent_ids: list[int]


class CountOut(Schema):
    count: int


class TemplateOut(Schema):
    key: str
    name: str
    fields: dict
    locked: list[str]


class PersonOut(Schema):
    id: int
    name: str
    kind: str
    title: str
    region_code: str
    tier: str
    phone: str
    email: str
    webhook_url: str
    user_id: int | None
    superior_id: int | None
    channels: list[str]
    is_active: bool


class PersonIn(InSchema):
    name: ShortText(50, 1)
    kind: _literal(PersonKind.values())
    title: ShortText(100) = ""
    region_code: RegionCode
    phone: Phone
    email: ShortText(254) = ""
    webhook_url: ShortText(300) = ""
    user_id: Id | None = None
    superior_id: Id | None = None
    channels: list[_literal(Channel.values())] = Field([Channel.SMS], min_length=1, max_length=4)
    is_active: bool = True


class PersonPatch(InSchema):
    name: ShortText(50, 1) | None = None
    kind: _literal(PersonKind.values()) | None = None
    title: ShortText(100) | None = None
    region_code: RegionCode | None = None
    phone: Phone | None = None
    email: ShortText(254) | None = None
    webhook_url: ShortText(300) | None = None
    user_id: Id | None = None
    superior_id: Id | None = None
    channels: list[_literal(Channel.values())] | None = Field(None, min_length=1, max_length=4)
    is_active: bool | None = None


# --- helpers ---------------------------------------------------------------------------------------------------


def _warning_out(w: Warning, user=None) -> dict:
    data = {f: getattr(w, f) for f in WarningOut.model_fields if hasattr(w, f) and f not in ("actions", "cap_url")}
    data["cap_url"] = reverse("api-v1:warning_cap", args=[w.pk])
    data["actions"] = services.available_actions(user, w) if user is not None else []
    return data


def _person_refs(user, data: dict) -> dict:
    if "user_id" in data:
        user_id = data.pop("user_id")
        data["user"] = None
        if user_id is not None:
            data["user"] = policy.get_in_scope_or_field_error(User, user_id, user, "user_id",
                                                              queryset=services.person_accounts(user))
    if "superior_id" in data:
        superior_id = data.pop("superior_id")
        data["superior"] = None
        if superior_id is not None:
            # A superior may sit above the user's jurisdiction (the persons covering it), so the lookup widens the
            # scope by those; anything else answers like an unknown id.
            data["superior"] = policy.get_in_scope_or_field_error(
                ResponsiblePerson, superior_id, user, "superior_id",
                widen=services.covers_q([user.scope_region_code or "-"]))
    return data


# --- public: feed and CAP ----------------------------------------------------------------------------------------


def _xml_response(media_type: str, description: str) -> dict:
    return {"responses": {200: {"description": description,
                                "content": {media_type: {"schema": {"type": "string"}}}}}}


@router.get("/warnings/feed.atom", auth=PUBLIC_AUTH, response={200: None, **ERRORS}, url_name="warning_feed",
            summary="Atom feed of current warnings (public, no login)",
            openapi_extra=_xml_response("application/atom+xml", "Atom feed"))
def warning_feed(request):
    body = feed.atom(request, services.public_warnings().order_by("-sent", "-pk"))
    return HttpResponse(body, content_type="application/atom+xml; charset=utf-8")


@router.get("/warnings/{id}/cap.xml", auth=PUBLIC_AUTH, response={200: None, **ERRORS}, url_name="warning_cap",
            summary="CAP 1.2 document of a warning (public once published; staff may preview drafts in scope)",
            openapi_extra=_xml_response("application/cap+xml", "CAP 1.2 XML"))
def warning_cap(request, id: Id):  # noqa: A002
    user = request.user if getattr(request.user, "is_authenticated", False) else None
    warning = services.publicly_documented().filter(pk=id).first()
    if warning is None:
        if user is None:
            raise NotFound(f"warning {id} not found")
        warning = policy.get_object(user, Warning, id)
    document = cap.build(warning, web_url=request.build_absolute_uri(reverse("public_warning_detail",
                                                                             args=[warning.pk])))
    return HttpResponse(document, content_type="application/cap+xml; charset=utf-8")


# --- staff: warnings ---------------------------------------------------------------------------------------------


@router.get("/warning-templates", response={200: list[TemplateOut], **ERRORS}, summary="Warning templates")
def list_templates(request):
    policy.require(request.user, "view", Warning)
    from django.conf import settings

    return [{"key": t.key, "name": t.name, "fields": t.fields(settings.COUNTY_CODE), "locked": list(t.locked)}
            for t in TEMPLATES.values()]


@router.get("/warnings", response={200: page_of(WarningOut), **ERRORS}, summary="Warnings in your scope")
def list_warnings(request, filters: Query[filter_params(WarningFilterSet)], page: Query[PageParams]):
    qs = apply_filters(WarningFilterSet, request, Warning.objects.for_user(request.user).select_related(
        "references"))
    return paginate(qs, page, lambda w: _warning_out(w))


@router.post("/warnings", response={201: WarningOut, **ERRORS}, summary="Draft a warning")
def create_warning(request, payload: WarningIn):
    warning = services.create_warning(request.user, payload.model_dump(exclude_unset=True))
    return Status(201, _warning_out(warning, request.user))


@router.post("/warnings/from-alarm/{alarm_id}", response={201: WarningOut, **ERRORS},
             summary="Draft a warning from a monitoring alarm (its level, its station's area, the event's template; "
                     "source_alarm set); the body overrides what the template leaves open")
def draft_warning_from_alarm(request, alarm_id: Id, payload: WarningIn):
    data = payload.model_dump(exclude_unset=True)
    if "template" in data:
        raise ValidationFailed.from_dict({"template": ["The template follows from the alarm's station type"]})
    return Status(201, _warning_out(services.draft_from_alarm(request.user, alarm_id, data), request.user))


@router.get("/warnings/{id}", response={200: WarningOut, **ERRORS}, summary="One warning")
def get_warning(request, id: Id):  # noqa: A002
    return _warning_out(policy.get_object(request.user, Warning, id), request.user)


@router.patch("/warnings/{id}", response={200: WarningOut, **ERRORS}, summary="Edit a draft warning")
def patch_warning(request, id: Id, payload: WarningIn):  # noqa: A002
    warning = policy.get_object(request.user, Warning, id, "change")
    data = payload.model_dump(exclude_unset=True)
    if "template" in data:
        raise ValidationFailed.from_dict({"template": ["The template is chosen when the draft is created"]})
    return _warning_out(services.update_warning(request.user, warning, data), request.user)


@router.post("/warnings/{id}/transitions", response={200: WarningOut, **ERRORS},
             summary="Submit, approve (a different account with the approver role), send back or publish")
def transition_warning(request, id: Id, payload: TransitionIn):  # noqa: A002
    warning = policy.get_object(request.user, Warning, id)
    warning = services.perform(request.user, warning, payload.action, {"note": payload.note})
    return _warning_out(warning, request.user)


@router.post("/warnings/{id}/derive", response={201: WarningOut, **ERRORS},
             summary="Draft an Update or a Cancel of a published warning (CAP references the original)")
def derive_warning(request, id: Id, payload: DeriveIn):  # noqa: A002
    original = policy.get_object(request.user, Warning, id, "add")
    data = payload.model_dump(exclude_unset=True)
    msg_type = data.pop("msg_type")
    data.pop("template", None)
    return Status(201, _warning_out(services.derive(request.user, original, msg_type, data), request.user))


@router.get("/warnings/{id}/deliveries", response={200: page_of(DeliveryOut), **ERRORS},
            summary="Deliveries of a warning (who was sent what, and who confirmed)")
def list_deliveries(request, id: Id, page: Query[PageParams]):  # noqa: A002
    warning = policy.get_object(request.user, Warning, id)
    qs = Delivery.objects.filter(warning=warning).select_related("person").order_by("pk")

    def out(d):
        return {"id": d.pk, "person_id": d.person_id, "person_name": d.person.name, "region_code": d.region_code,
                "channel": d.channel, "state": d.state, "attempts": d.attempts, "reason": d.reason,
                "last_error": d.last_error, "sent_at": d.sent_at, "acknowledged_at": d.acknowledged_at}

    return paginate(qs, page, out)


@router.get("/warnings/{id}/confirmation", response={200: ConfirmationOut, **ERRORS},
            summary="How many recipients confirmed, and who is silent")
def warning_confirmation(request, id: Id):  # noqa: A002
    return services.confirmation(policy.get_object(request.user, Warning, id))


@router.post("/warnings/{id}/resend", response={200: CountOut, **ERRORS},
             summary="Re-send to every recipient who has not confirmed")
def resend_warning(request, id: Id):  # noqa: A002
    warning = policy.get_object(request.user, Warning, id, "resend")
    return {"count": services.resend_silent(request.user, warning)}


@router.post("/warnings/{id}/acknowledge", response={200: CountOut, **ERRORS},
             summary="Confirm receipt in-app (for responsible persons linked to your account)")
def acknowledge_warning(request, id: Id):  # noqa: A002
    warning = services.publicly_documented().filter(pk=id).first()
    if warning is None or not ResponsiblePerson.objects.filter(user=request.user,
                                                               deliveries__warning=warning).exists():
        raise NotFound(f"warning {id} not found")
    return {"count": services.acknowledge_in_app(request.user, warning)}


# --- responsible persons ---------------------------------------------------------------------------------------


def _private(field: str):
    """Contact details only for roles granted personal data (empty otherwise)."""
    return contextual(lambda person, view: getattr(person, field) if view.reveal else "")


def _create_person(user, payload: PersonIn) -> ResponsiblePerson:
    return services.create_person(user, _person_refs(user, payload.model_dump()))


def _update_person(user, person: ResponsiblePerson, data: dict) -> ResponsiblePerson:
    return services.update_person(user, person, _person_refs(user, data))


Crud(router, surfaces.PEOPLE, "/responsible-persons", out=PersonOut, in_schema=PersonIn, patch_schema=PersonPatch,
     module=__name__, tags=None, nullable=("user_id", "superior_id"),
     output=Output(PersonOut, phones=("phone",), resolvers={"email": _private("email"),
                                                            "webhook_url": _private("webhook_url")})) \
    .list("list_persons", summary="Responsible persons in your scope") \
    .create("create_person", write=_create_person, summary="Register a responsible person") \
    .get("get_person", summary="One responsible person") \
    .update("patch_person", write=_update_person, summary="Change a responsible person")


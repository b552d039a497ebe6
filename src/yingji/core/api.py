"""API v1 routers of core: regions, organisations and contacts, users, audit records, the current user."""

from __future__ import annotations

import functools
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Query, Router, Status

from . import core_surfaces, notifications, policy, services
from .api_support import (
    ERRORS,
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
from .choices import OrganisationKind, RegionKind, RegionLevel, Role
from .crud import Crud, Output
from .errors import NotFound, ValidationFailed
from .filters import AuditFilterSet
from .models import ApiToken, AuditRecord, Contact, Organisation, Region, User, enterprise_model

router = Router()

Lat = Annotated[Decimal, Field(ge=-90, le=90, max_digits=9, decimal_places=6)]
Lon = Annotated[Decimal, Field(ge=-180, le=180, max_digits=9, decimal_places=6)]
RegionCode = Annotated[str, Field(pattern=r"^\d{6}(\d{3}(\d{3})?)?$", description="6, 9 or 12 digits")]
RoleKey = Literal[tuple(Role.values())]  # type: ignore[valid-type]


def _unset(payload: Schema) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


# --- regions -------------------------------------------------------------------------------------------------


class RegionOut(Schema):
    id: int
    code: str
    name: str
    level: str
    kind: str
    parent_code: str | None
    lat: float | None
    lon: float | None
    boundary: dict | None
    population: int | None
    area_km2: float | None


class RegionIn(InSchema):
    code: RegionCode
    name: ShortText(100, 1)
    level: Literal[tuple(RegionLevel.values())]  # type: ignore[valid-type]
    kind: Literal[tuple(RegionKind.values())] | None = None  # type: ignore[valid-type]
    parent_code: RegionCode | None = None
    lat: Lat | None = None
    lon: Lon | None = None
    boundary: dict | None = None
    population: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    area_km2: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] | None = None


class RegionPatch(InSchema):
    name: ShortText(100, 1) | None = None
    kind: Literal[tuple(RegionKind.values())] | None = None  # type: ignore[valid-type]
    lat: Lat | None = None
    lon: Lon | None = None
    boundary: dict | None = None
    population: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    area_km2: Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)] | None = None


def _create_region(user, payload: RegionIn) -> Region:
    data = _unset(payload)
    if data.get("kind") is None:
        data.pop("kind", None)
    return services.create_region(user, data)


_REGION_NULLABLE = ("lat", "lon", "boundary", "population", "area_km2")

(Crud(router, core_surfaces.REGIONS, "/regions", out=RegionOut, module=__name__, tags=["regions"],
      output=Output(RegionOut, resolvers={"parent_code": lambda r: r.parent.code if r.parent_id else None}),
      in_schema=RegionIn, patch_schema=RegionPatch, nullable=_REGION_NULLABLE)
 .list("list_regions", summary="List regions in your scope")
 .get("get_region")
 .create("create_region", write=_create_region)
 .update("update_region"))


@router.delete("/regions/{id}", response={204: None, **ERRORS}, tags=["regions"])
def delete_region(request, id: Id):
    region = policy.get_object(request.auth, Region, id, "delete")
    services.delete_object(request.auth, region)
    return Status(204, None)


# --- organisations and contacts ------------------------------------------------------------------------------


class ContactOut(Schema):
    id: int
    organisation_id: int
    name: str
    title: str
    mobile: str
    office_phone: str
    notes: str


class ContactIn(InSchema):
    name: ShortText(50, 1)
    title: ShortText(100) = ""
    mobile: ShortText(11) = ""
    office_phone: Phone = ""
    notes: ShortText(200) = ""


class ContactPatch(InSchema):
    name: ShortText(50, 1) | None = None
    title: ShortText(100) | None = None
    mobile: ShortText(11) | None = None
    office_phone: Phone | None = None
    notes: ShortText(200) | None = None


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    region_code: str
    parent_id: int | None
    lead_unit_id: int | None
    member_unit_ids: list[int]
    duties: str
    address: str
    duty_phone: str
    is_active: bool
    contacts: list[ContactOut]


class OrganisationIn(InSchema):
    name: ShortText(200, 1)
    short_name: ShortText(50) = ""
    kind: Literal[tuple(OrganisationKind.values())]  # type: ignore[valid-type]
    region_code: RegionCode
    parent_id: Id | None = None
    lead_unit_id: Id | None = None
    member_unit_ids: list[Id] = []
    duties: ShortText(5000) = ""
    address: ShortText(200) = ""
    duty_phone: Phone = ""
    is_active: bool = True


class OrganisationPatch(InSchema):
    name: ShortText(200, 1) | None = None
    short_name: ShortText(50) | None = None
    parent_id: Id | None = None
    lead_unit_id: Id | None = None
    member_unit_ids: list[Id] | None = None
    duties: ShortText(5000) | None = None
    address: ShortText(200) | None = None
    duty_phone: Phone | None = None
    is_active: bool | None = None


class _OrganisationOutput(Output):
    """Contacts' numbers in full only on a single organisation's answer to a role granted personal data (the
    surface audits that reading); lists always mask."""

    def __call__(self, obj, view, *, detail: bool = False) -> dict:
        out = super().__call__(obj, view, detail=detail)
        out["contacts"] = [_contact_out(c, view.reveal and detail) for c in obj.contacts.all()]
        return out


def _contact_out(c: Contact, reveal: bool = True) -> dict:
    """Phone numbers in full only when ``reveal`` (the caller audits the reading); masked otherwise."""
    return {"id": c.pk, "organisation_id": c.organisation_id, "name": c.name, "title": c.title,
            "mobile": c.mobile if reveal else policy.mask_phone(c.mobile),
            "office_phone": c.office_phone if reveal else policy.mask_phone(c.office_phone), "notes": c.notes}


def _resolve_orgs(user, data: dict) -> dict:
    """Turn related-organisation ids into objects the user can see (invisible ones are reported as missing)."""
    for key in ("parent_id", "lead_unit_id"):
        if data.get(key) is not None:
            data[key.removesuffix("_id")] = policy.get_in_scope_or_field_error(Organisation, data[key], user, key)
            del data[key]
        elif key in data:
            data[key.removesuffix("_id")] = None
            del data[key]
    if "member_unit_ids" in data:
        ids = data.pop("member_unit_ids")
        if ids is None:
            raise ValidationFailed.from_dict({"member_unit_ids": ["This field cannot be null"]})
        data["member_units"] = policy.get_many_in_scope_or_field_error(Organisation, ids, user, "member_unit_ids")
    return data


def _create_organisation(user, payload: OrganisationIn) -> Organisation:
    policy.require(user, "add", Organisation)
    return services.create_organisation(user, _resolve_orgs(user, _unset(payload)))


(Crud(router, core_surfaces.ORGANISATIONS, "/organisations", out=OrganisationOut, module=__name__,
      tags=["organisations"], in_schema=OrganisationIn, patch_schema=OrganisationPatch,
      nullable=("parent_id", "lead_unit_id"),
      output=_OrganisationOutput(OrganisationOut, resolvers={
          "member_unit_ids": lambda o: [m.pk for m in o.member_units.all()], "contacts": lambda o: []}))
 .list("list_organisations")
 .get("get_organisation")
 .create("create_organisation", write=_create_organisation)
 .update("update_organisation", write=lambda user, org, data: services.update_organisation(
     user, org, _resolve_orgs(user, data))))


@router.delete("/organisations/{id}", response={204: None, **ERRORS}, tags=["organisations"])
def delete_organisation(request, id: Id):
    services.delete_object(request.auth, policy.get_object(request.auth, Organisation, id, "delete"))
    return Status(204, None)


@router.post("/organisations/{id}/contacts", response={201: ContactOut, **ERRORS}, tags=["organisations"])
def create_contact(request, id: Id, payload: ContactIn):
    org = policy.get_object(request.auth, Organisation, id)
    return Status(201, _contact_out(services.create_contact(request.auth, org, _unset(payload))))


@router.patch("/contacts/{id}", response={200: ContactOut, **ERRORS}, tags=["organisations"])
def update_contact(request, id: Id, payload: ContactPatch):
    contact = policy.get_object(request.auth, Contact, id, "change")
    data = _unset(payload)
    for key, value in data.items():
        if value is None:
            raise ValidationFailed.from_dict({key: ["This field cannot be null"]})
    return _contact_out(services.update_object(request.auth, contact, data, exclude=["region_code"]))


@router.delete("/contacts/{id}", response={204: None, **ERRORS}, tags=["organisations"])
def delete_contact(request, id: Id):
    services.delete_object(request.auth, policy.get_object(request.auth, Contact, id, "delete"))
    return Status(204, None)


# --- users ---------------------------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    email: str
    phone: str
    roles: list[str]
    scope_region_code: str | None
    enterprise_id: int | None
    organisation_id: int | None
    is_active: bool
    must_change_password: bool
    last_login: datetime | None
    date_joined: datetime


class UserIn(InSchema):
    username: Annotated[str, Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")]
    password: ShortText(128, 1)
    roles: Annotated[list[RoleKey], Field(min_length=1)]
    scope_region_code: RegionCode | None = None
    enterprise_id: Id | None = None
    display_name: ShortText(50) = ""
    phone: Phone = ""
    email: ShortText(254) = ""
    organisation_id: Id | None = None
    must_change_password: bool = True


class UserPatch(InSchema):
    roles: Annotated[list[RoleKey], Field(min_length=1)] | None = None
    scope_region_code: RegionCode | None = None
    enterprise_id: Id | None = None
    display_name: ShortText(50) | None = None
    phone: Phone | None = None
    email: ShortText(254) | None = None
    organisation_id: Id | None = None
    is_active: bool | None = None
    must_change_password: bool | None = None


class PasswordReset(InSchema):
    new_password: ShortText(128, 1)


class PasswordChange(InSchema):
    old_password: ShortText(128)
    new_password: ShortText(128, 1)


def _user_queryset():
    return User.objects.prefetch_related("roles")


def _user_out(u: User) -> dict:
    return {"id": u.pk, "username": u.username, "display_name": u.display_name, "email": u.email,
            "phone": u.phone, "roles": sorted(r.role for r in u.roles.all()),
            "scope_region_code": u.scope_region_code or None, "enterprise_id": u.enterprise_id,
            "organisation_id": u.organisation_id, "is_active": u.is_active,
            "must_change_password": u.must_change_password, "last_login": u.last_login,
            "date_joined": u.date_joined}


def _lookup_enterprise(user, enterprise_id):
    if enterprise_id is None:
        return None
    return policy.get_in_scope_or_field_error(enterprise_model(), enterprise_id, user, "enterprise_id")


def _lookup_organisation(user, organisation_id):
    if organisation_id is None:
        return None
    return policy.get_in_scope_or_field_error(Organisation, organisation_id, user, "organisation_id")


(Crud(router, core_surfaces.USERS, "/users", out=UserOut, module=__name__, tags=["users"], output=Output(
    UserOut, resolvers={"roles": lambda u: sorted(u.role_keys),
                        "scope_region_code": lambda u: u.scope_region_code or None}, phones=("phone",)))
 .list("list_users")
 .get("get_user"))


@router.post("/users", response={201: UserOut, **ERRORS}, tags=["users"])
def create_user(request, payload: UserIn):
    policy.require(request.auth, "add", User)
    data = payload.model_dump()
    user = services.create_user(
        request.auth, username=data["username"], roles=data["roles"], password=data["password"],
        scope_region_code=data["scope_region_code"] or "",
        enterprise=_lookup_enterprise(request.auth, data["enterprise_id"]),
        display_name=data["display_name"], phone=data["phone"], email=data["email"],
        organisation=_lookup_organisation(request.auth, data["organisation_id"]),
        must_change_password=data["must_change_password"],
    )
    return Status(201, _user_out(_user_queryset().get(pk=user.pk)))


@router.patch("/users/{id}", response={200: UserOut, **ERRORS}, tags=["users"])
def update_user(request, id: Id, payload: UserPatch):
    user = policy.get_object(request.auth, User, id, "change")
    data = _unset(payload)
    roles = data.pop("roles", None)
    if "roles" in payload.model_fields_set and roles is None:
        raise ValidationFailed.from_dict({"roles": ["This field cannot be null"]})
    for key in ("display_name", "phone", "email", "is_active", "must_change_password"):
        if key in data and data[key] is None:
            raise ValidationFailed.from_dict({key: ["This field cannot be null"]})
    if "enterprise_id" in data:
        data["enterprise"] = _lookup_enterprise(request.auth, data.pop("enterprise_id"))
    if "organisation_id" in data:
        data["organisation"] = _lookup_organisation(request.auth, data.pop("organisation_id"))
    if "scope_region_code" in data and data["scope_region_code"] is None:
        data["scope_region_code"] = ""
    services.update_user(request.auth, user, roles=roles, **data)
    return _user_out(_user_queryset().get(pk=user.pk))


@router.post("/users/{id}/password", response={204: None, **ERRORS}, tags=["users"],
             summary="Reset a user's password (administrator); the user's tokens and sessions end, and the user must "
                     "change the password at next login")
def reset_password(request, id: Id, payload: PasswordReset):
    user = policy.get_object(request.auth, User, id, "change")
    services.change_password(user, None, payload.new_password, actor=request.auth)
    return Status(204, None)


# --- audit ---------------------------------------------------------------------------------------------------


class AuditOut(Schema):
    id: int
    time: datetime
    user_id: int | None
    username: str
    address: str | None
    request_id: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    region_code: str
    before: Any
    after: Any
    message: str


@router.get("/audit", response={200: page_of(AuditOut), **ERRORS}, tags=["audit"],
            summary="Browse the audit trail (administrators); records are append-only")
def list_audit(request, filters: Query[filter_params(AuditFilterSet)], page: Query[PageParams]):
    qs = AuditRecord.objects.for_user(request.auth)
    return paginate(apply_filters(AuditFilterSet, request, qs), page)


@router.get("/audit/{id}", response={200: AuditOut, **ERRORS}, tags=["audit"])
def get_audit(request, id: Id):
    return policy.get_object(request.auth, AuditRecord, id)


# --- me ------------------------------------------------------------------------------------------------------


class MeOut(UserOut):
    scope_label: str
    permissions: dict[str, list[str]]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class TokenCreated(TokenOut):
    token: str = Field(description="The raw token: shown only this once")


class TokenIn(InSchema):
    name: ShortText(100) = ""


def _permissions(user) -> dict[str, list[str]]:
    return _permissions_of(frozenset(user.role_keys))


@functools.cache
def _permissions_of(roles: frozenset[str]) -> dict[str, list[str]]:
    """What the roles may do, by model: the models' ``GRANTS`` are declared in code, so a set of roles always
    answers the same (computed once per process; the caller gets the shared dict, which the answer only reads)."""
    from django.apps import apps

    result = {}
    for model in apps.get_models():
        grants = getattr(model, "GRANTS", None)
        if grants:
            actions = sorted({a for role in roles for a in grants.get(role, ())})
            if actions:
                result[model._meta.label_lower] = actions
    return result


@router.get("/me", response={200: MeOut, **ERRORS}, tags=["me"], summary="The authenticated user")
def me(request):
    user = _user_queryset().select_related("enterprise").get(pk=request.auth.pk)
    return {**_user_out(user), "scope_label": user.scope_label, "permissions": _permissions(user)}


@router.post("/me/password", response={204: None, **ERRORS}, tags=["me"],
             summary="Change your password; your other API tokens and your sessions end, the calling token stays")
def change_my_password(request, payload: PasswordChange):
    # The token this call came with stays valid; every other token (and every session) of the user ends.
    services.change_password(request.auth, payload.old_password, payload.new_password,
                             keep_token=getattr(request, "api_token", None))
    return Status(204, None)


@router.post("/me/logout-everywhere", response={204: None, **ERRORS}, tags=["me"],
             summary="End all your sessions and revoke all your API tokens")
def logout_everywhere(request):
    services.logout_everywhere(request.auth)
    return Status(204, None)


@router.get("/me/tokens", response={200: list[TokenOut], **ERRORS}, tags=["me"])
def my_tokens(request):
    return list(ApiToken.objects.filter(user=request.auth))


@router.post("/me/tokens", response={201: TokenCreated, **ERRORS}, tags=["me"])
def create_my_token(request, payload: TokenIn):
    token, raw = services.issue_token(request.auth, name=payload.name)
    return Status(201, {**TokenOut.from_orm(token).dict(), "token": raw})


@router.delete("/me/tokens/{id}", response={204: None, **ERRORS}, tags=["me"])
def revoke_my_token(request, id: Id):
    token = ApiToken.objects.filter(user=request.auth, pk=id).first()
    if token is None:
        raise NotFound(f"token {id} not found")
    services.revoke_token(request.auth, token)
    return Status(204, None)


# --- the user's inbox --------------------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="What the notification is about, e.g. overdue, assigned, task")
    subject: str
    body: str
    message: str = Field(description="The subject (kept for clients of the first notifications API)")
    link: str = Field(description="Path of the page the notification is about, or empty")
    object_type: str
    object_id: str
    hazard_id: int | None = Field(description="Set when the notification is about a hazard")
    created_at: datetime
    read_at: datetime | None


class MarkReadIn(InSchema):
    ids: list[Id] | None = Field(None, max_length=500, description="Omit to mark all as read")


class MarkReadOut(Schema):
    marked: int


def _notification_out(note) -> dict:
    hazard_id = int(note.object_id) if note.object_type == "prevention.hazard" and note.object_id.isdigit() else None
    return {"id": note.pk, "kind": note.kind, "subject": note.subject, "body": note.body, "message": note.subject,
            "link": note.link, "object_type": note.object_type, "object_id": note.object_id, "hazard_id": hazard_id,
            "created_at": note.created_at, "read_at": note.read_at}


@router.get("/notifications", response={200: page_of(NotificationOut), **ERRORS}, tags=["notifications"],
            summary="Your notifications from every module, newest first")
def list_notifications(request, page: Query[PageParams], unread: bool | None = None,
                       kind: ShortText(32) | None = None):
    qs = notifications.inbox(request.auth)
    if unread is not None:
        qs = qs.filter(read_at__isnull=unread)
    if kind:
        qs = qs.filter(kind=kind)
    return paginate(qs, page, _notification_out)


@router.post("/notifications/read", response={200: MarkReadOut, **ERRORS}, tags=["notifications"],
             summary="Mark your notifications read (all unread ones when no ids are given)")
def mark_notifications_read(request, payload: MarkReadIn):
    return {"marked": notifications.mark_read(request.auth, payload.ids)}

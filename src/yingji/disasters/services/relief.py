"""Disaster relief (灾害救助): the county's standards per year, households' applications for an event (from the
danger-zone households or typed in), the workflow 申请 → 乡镇审核 → 公示 → 县级审批 → 发放 with return and reject,
objections during the public notice, and the disbursement of funds and goods (goods taken from a warehouse batch
through the resources services, so stock goes down exactly once).

No household is paid twice for one kind and event: the service refuses a second disbursement, the workflow's
compare-and-swap lets only one of two simultaneous disbursements of one application through, and the database's
unique constraint ``relief_paid_once`` refuses any second row for the same event, kind and identity number."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from yingji.core import policy
from yingji.core.choices import Role
from yingji.core.errors import Conflict, NotFound, ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object, update_object
from yingji.core.workflow import Transition, Workflow
from yingji.resources import services as resource_services
from yingji.resources.models import StockBatch
from yingji.standards import relief as rules

from ..choices_relief import ApplicationState, ObjectionState, ReliefKind
from ..models.relief import (
    ReliefApplication,
    ReliefApplicationEvent,
    ReliefDisbursement,
    ReliefObjection,
    ReliefStandard,
)
from ..models.reports import DisasterEvent
from ..models.zones import Household

S = ApplicationState


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed.from_dict({field: [message]})


# --- standards ---------------------------------------------------------------------------------------------------


def create_standard(actor, data: Mapping[str, Any]) -> ReliefStandard:
    return create_object(actor, ReliefStandard, data)


def update_standard(actor, standard: ReliefStandard, data: Mapping[str, Any]) -> ReliefStandard:
    return update_object(actor, standard, data)


def seed_standards(county_code: str, year: int) -> list[ReliefStandard]:
    """The example amounts of ``data/relief_standards.json`` as the county's table for a year (unverified)."""
    source = rules.table()["source"]
    made = []
    for kind in rules.KINDS:
        per_person, per_household = rules.default_amounts(kind)
        unit = rules.table()["default_amounts"][kind]["unit"]
        made.append(ReliefStandard.objects.get_or_create(
            region_code=county_code, year=year, kind=kind,
            defaults={"per_person": per_person, "per_household": per_household, "unit": unit,
                      "source": source[:300], "verified": False})[0])
    return made


def standard_for(region_code: str, year: int, kind: str) -> ReliefStandard | None:
    """The most local standard of the year: the township's own, else the county's."""
    codes = [region_code[:n] for n in (9, 6) if len(region_code) >= n]
    found = {s.region_code: s for s in ReliefStandard.objects.filter(region_code__in=codes, year=year, kind=kind)}
    return next((found[c] for c in codes if c in found), None)


# --- applications ------------------------------------------------------------------------------------------------


def _application_fields(actor, data: Mapping[str, Any], current: ReliefApplication | None = None) -> dict:
    data = dict(data)
    for key in ("event", "event_id"):
        if key in data:
            value = data.pop(key)
            event = DisasterEvent.objects.for_user(actor).filter(pk=getattr(value, "pk", value)).first()
            if event is None:
                raise _fail("event", gettext("Choose a disaster event you can see."))
            data["event"] = event
    for key in ("household", "household_id"):
        if key in data:
            value = data.pop(key)
            if value in (None, ""):
                data["household"] = None
                continue
            household = Household.objects.for_user(actor).filter(pk=getattr(value, "pk", value)).first()
            if household is None:
                raise _fail("household", gettext("Choose a household you can see."))
            data["household"] = household
            for name, value in (("region_code", household.region_code), ("head_name", household.head_name),
                                ("phone", household.phone), ("address", household.address),
                                ("members", household.people)):
                if data.get(name) in (None, ""):
                    data[name] = value
    if "id_number" in data:
        number = str(data["id_number"] or "").strip().upper()
        if not rules.id_number_valid(number):
            raise _fail("id_number", gettext("Enter an 18-character identity number with a correct check character."))
        data["id_number"] = number
    if data.get("region_code") and not Region.objects.filter(code=data["region_code"]).exists():
        raise _fail("region_code", gettext("Choose a village of the county."))
    return data


def _with_amount(app: ReliefApplication) -> None:
    """The amount from the standard of the event's year for the household's place (0 while none is set)."""
    standard = standard_for(app.region_code, app.event.started_at.year, app.kind) if app.event_id else None
    if standard is not None and app.members:
        app.amount = rules.amount(app.kind, app.members, standard.per_person, standard.per_household, app.units or 1)


def create_application(actor, data: Mapping[str, Any]) -> ReliefApplication:
    fields = _application_fields(actor, data)
    fields["created_by"] = actor
    fields.pop("amount", None)
    fields.pop("state", None)
    names = {f.name for f in ReliefApplication._meta.fields}
    app = ReliefApplication(**{k: v for k, v in fields.items() if k in names})
    _with_amount(app)
    fields["amount"] = app.amount
    try:
        app = create_object(actor, ReliefApplication, fields)
    except IntegrityError as exc:  # the partial unique index, when two files race
        raise Conflict(gettext("This household already has an application of this kind for this event")) from exc
    _event(app, actor, "applied", "", S.APPLIED, "")
    return app


EDITABLE_STATES = (S.APPLIED, S.RETURNED)


def update_application(actor, app: ReliefApplication, data: Mapping[str, Any]) -> ReliefApplication:
    fields = _application_fields(actor, data, app)
    fields.pop("amount", None)
    fields.pop("state", None)
    fields = {k: v for k, v in fields.items() if getattr(app, k, None) != v}
    if fields and app.state not in EDITABLE_STATES:
        raise Conflict(gettext("Only an application not yet reviewed, or returned, can be changed"))
    app = update_object(actor, app, fields)
    old = app.amount
    _with_amount(app)
    if app.amount != old:
        ReliefApplication.objects.filter(pk=app.pk).update(amount=app.amount)
    return app


# --- the workflow ------------------------------------------------------------------------------------------------

TOWNSHIP_ROLES = frozenset({Role.TOWNSHIP_STAFF, Role.SECTION_STAFF, Role.ADMIN})
COUNTY_ROLES = frozenset({Role.SECTION_STAFF, Role.ADMIN})


def _in_area(app, actor) -> bool:
    return not actor.enterprise_id and bool(actor.scope_region_code) and app.region_code.startswith(
        actor.scope_prefix)


def _county_level(app, actor) -> bool:
    """County approval: an account of the county (a 6-digit scope) over the household's place."""
    return _in_area(app, actor) and len(actor.scope_region_code) <= 6


def _reason(app, actor, payload) -> dict:
    if not str(payload.get("reason") or "").strip():
        raise _fail("reason", gettext("Give the reason."))
    return {"note": str(payload["reason"]).strip()[:500]}


def _publish(app, actor, payload) -> dict:
    start = timezone.localdate()
    return {"notice_from": start, "notice_until": rules.notice_ends(start)}


def _approve(app, actor, payload) -> dict:
    today = timezone.localdate()
    if app.notice_until is None or today <= app.notice_until:
        raise _fail("action", gettext("The public notice runs until %(day)s; approve after it ends.")
                    % {"day": app.notice_until})
    if app.objections.filter(state=ObjectionState.OPEN).exists():
        raise _fail("action", gettext("Handle the open objections first."))
    if app.objections.filter(state=ObjectionState.UPHELD).exists():
        raise _fail("action", gettext("An objection was upheld: return or reject the application."))
    if app.amount <= 0:
        raise _fail("amount", gettext("No relief standard gives this application an amount; set the year's standard."))
    return {}


def _disburse_check(app, actor, payload) -> dict:
    _disbursement_values(app, actor, payload)  # validated before the swap; written in on_applied
    if ReliefDisbursement.objects.filter(event_id=app.event_id, kind=app.kind, id_number=app.id_number).exists():
        raise Conflict(gettext("This household was already paid this kind of relief for this event"))
    return {}


def _disbursement_values(app, actor, payload) -> dict:
    try:
        funds = Decimal(str(payload.get("funds", app.amount)))
    except (InvalidOperation, ValueError):
        raise _fail("funds", gettext("Enter an amount in yuan.")) from None
    if funds < 0 or funds > app.amount:
        raise _fail("funds", gettext("The funds must be between 0 and the approved amount."))
    batch, quantity = None, int(payload.get("quantity") or 0)
    if payload.get("batch"):
        batch = StockBatch.objects.for_user(actor).filter(pk=payload["batch"]).first()
        if batch is None:
            raise _fail("batch", gettext("Choose a stock batch of a warehouse you can see."))
        if quantity <= 0:
            raise _fail("quantity", gettext("Give how many to issue."))
    elif quantity:
        raise _fail("batch", gettext("Choose the batch the goods are issued from."))
    if funds == 0 and batch is None:
        raise _fail("funds", gettext("A disbursement gives funds, goods or both."))
    return {"funds": funds, "batch": batch, "quantity": quantity}


def _on_applied(app, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    params: dict[str, Any] = {}
    if t.action == "disburse":
        values = _disbursement_values(app, actor, payload)
        movement = None
        if values["batch"] is not None:
            movement = resource_services.take_stock(
                actor, values["batch"], values["quantity"],
                reason=gettext("Disaster relief for %(name)s") % {"name": rules.mask_name(app.head_name)})
        try:
            with transaction.atomic():
                disbursement = ReliefDisbursement.objects.create(
                    application=app, event_id=app.event_id, kind=app.kind, id_number=app.id_number,
                    region_code=app.region_code, funds=values["funds"], batch=values["batch"],
                    quantity=values["quantity"], movement=movement, paid_by=actor,
                    note=str(payload.get("note") or "")[:200])
        except IntegrityError as exc:
            raise Conflict(gettext("This household was already paid this kind of relief for this event")) from exc
        params = {"funds": str(disbursement.funds), "quantity": disbursement.quantity}
    elif t.action == "publish":
        params = {"until": app.notice_until.isoformat()}
    note = str(payload.get("reason") or payload.get("note") or "").strip()
    _event(app, actor, t.action, from_state, t.target, note, params)


def _event(app, actor, kind: str, from_state: str, to_state: str, note: str, params: dict | None = None) -> None:
    ReliefApplicationEvent.objects.create(application=app, actor=actor, kind=kind, from_state=from_state,
                                          to_state=to_state, note=note[:1000], params=params or {})


WORKFLOW = Workflow(
    model=ReliefApplication,
    transitions=[
        Transition("review", (S.APPLIED,), S.REVIEWED, TOWNSHIP_ROLES, label=gettext_lazy("Pass township review"),
                   allowed=_in_area),
        Transition("publish", (S.REVIEWED,), S.NOTICE, TOWNSHIP_ROLES, label=gettext_lazy("Put on public notice"),
                   check=_publish, allowed=_in_area),
        Transition("approve", (S.NOTICE,), S.APPROVED, COUNTY_ROLES, label=gettext_lazy("Approve at county level"),
                   check=_approve, allowed=_county_level),
        Transition("disburse", (S.APPROVED,), S.DISBURSED, TOWNSHIP_ROLES, label=gettext_lazy("Record disbursement"),
                   check=_disburse_check, allowed=_in_area),
        Transition("return", (S.REVIEWED, S.NOTICE, S.APPROVED), S.RETURNED, TOWNSHIP_ROLES,
                   label=gettext_lazy("Return for correction"), check=_reason, allowed=_in_area),
        Transition("resubmit", (S.RETURNED,), S.APPLIED, TOWNSHIP_ROLES, label=gettext_lazy("Resubmit"),
                   allowed=_in_area),
        Transition("reject", (S.APPLIED, S.REVIEWED, S.NOTICE, S.RETURNED), S.REJECTED, TOWNSHIP_ROLES,
                   label=gettext_lazy("Reject"), check=_reason, allowed=_in_area),
    ],
    on_applied=_on_applied,
)


def act(actor, app: ReliefApplication, action: str, payload: Mapping[str, Any] | None = None) -> ReliefApplication:
    if not ReliefApplication.objects.for_user(actor).filter(pk=app.pk).exists():
        raise NotFound("No such relief application")
    return WORKFLOW.apply(actor, app, action, payload)


# --- objections --------------------------------------------------------------------------------------------------


def raise_objection(actor, app: ReliefApplication, data: Mapping[str, Any]) -> ReliefObjection:
    """Record an objection to an application on notice (taken down by township staff from whoever raised it)."""
    policy.require(actor, "change", app)
    if app.state != S.NOTICE:
        raise Conflict(gettext("Objections are recorded while the application is on public notice"))
    raised_by = str(data.get("raised_by") or "").strip()
    content = str(data.get("content") or "").strip()
    errors = {}
    if not raised_by:
        errors["raised_by"] = [gettext("Say who raised the objection.")]
    if not content:
        errors["content"] = [gettext("Write down the objection.")]
    if errors:
        raise ValidationFailed.from_dict(errors)
    objection = ReliefObjection.objects.create(application=app, region_code=app.region_code,
                                               raised_by=raised_by[:50], content=content)
    _event(app, actor, "objection", app.state, app.state, content, {"raised_by": raised_by[:50]})
    return objection


def handle_objection(actor, objection: ReliefObjection, data: Mapping[str, Any]) -> ReliefObjection:
    policy.require(actor, "change", objection)
    decision = data.get("decision")
    if decision not in (ObjectionState.UPHELD, ObjectionState.DISMISSED):
        raise _fail("decision", gettext("Uphold or dismiss the objection."))
    resolution = str(data.get("resolution") or "").strip()
    if not resolution:
        raise _fail("resolution", gettext("Write down how the objection was checked and handled."))
    rows = ReliefObjection.objects.filter(pk=objection.pk, state=ObjectionState.OPEN).update(
        state=decision, resolution=resolution, handled_by=actor, handled_at=timezone.now())
    if rows == 0:
        raise Conflict(gettext("This objection was already handled"))
    objection.refresh_from_db()
    app = objection.application
    _event(app, actor, f"objection_{decision}", app.state, app.state, resolution, {})
    return objection


# --- the public notice -------------------------------------------------------------------------------------------


def public_notice(event: DisasterEvent) -> list[dict]:
    """The 公示 list of an event: applications on notice, names and numbers masked (no phone, no address)."""
    rows = []
    for app in (ReliefApplication.objects.filter(event=event, state=S.NOTICE)
                .order_by("region_code", "kind", "id")):
        rows.append({"name": rules.mask_name(app.head_name), "id_number": rules.mask_id_number(app.id_number),
                     "region_code": app.region_code, "kind": ReliefKind.label(app.kind), "members": app.members,
                     "damage": app.get_damage_display(), "amount": app.amount,
                     "notice_from": app.notice_from, "notice_until": app.notice_until})
    return rows


def public_events():
    """Events that have applications on notice now."""
    return DisasterEvent.objects.filter(relief_applications__state=S.NOTICE).distinct().order_by("-started_at")

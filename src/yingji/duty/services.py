"""Duty desk services: rosters, who is on duty now, the duty log (filed or turned into an incident through the
incidents service) and handovers acknowledged by the incoming officer."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from yingji.core import policy
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import User
from yingji.core.services import create_object
from yingji.core.workflow import Transition, Workflow
from yingji.incidents import services as incident_services

from .choices import EntryState, HandoverState, Shift
from .models import DESK_ROLES, LOG_ROLES, DutyLogEntry, DutyShift, Handover, HandoverItem

SOURCES = incident_services.InformationSource


def shift_bounds(date: datetime.date, shift: str) -> tuple[datetime.datetime, datetime.datetime]:
    start_hour, hours = Shift.HOURS[shift]
    start = timezone.make_aware(datetime.datetime.combine(date, datetime.time(start_hour)))
    return start, start + datetime.timedelta(hours=hours)


def _users(actor, ids: Iterable[int], field: str) -> list[User]:
    # Desk staff cannot browse accounts; they may still name colleagues of their own jurisdiction.
    return policy.get_many_in_scope_or_field_error(
        User, ids or [], actor, field, queryset=User.objects.filter(is_active=True, enterprise__isnull=True))


def create_shift(actor, data: Mapping[str, Any]) -> DutyShift:
    data = dict(data)
    if data.get("shift") not in Shift.values():
        raise ValidationFailed.from_dict({"shift": [f"One of {', '.join(Shift.values())}"]})
    starts_at, ends_at = shift_bounds(data["date"], data["shift"])
    officer_ids = data.pop("officer_ids", [])
    leader_id = data.pop("leader_id", None)
    data["region_code"] = data.get("region_code") or actor.scope_region_code
    data["officers"] = _users(actor, officer_ids, "officer_ids")
    data["leader"] = _users(actor, [leader_id], "leader_id")[0] if leader_id else None
    if DutyShift.objects.filter(region_code=data["region_code"], date=data["date"], shift=data["shift"]).exists():
        raise Conflict(gettext("This shift is already on the roster"),
                       [{"field": "shift", "message": gettext("This shift is already on the roster")}])
    return create_object(actor, DutyShift, {**data, "starts_at": starts_at, "ends_at": ends_at})


def on_duty(actor, now: datetime.datetime | None = None):
    """The shifts running now in the actor's jurisdiction (county and township desks)."""
    now = now or timezone.now()
    return (DutyShift.objects.for_user(actor).filter(starts_at__lte=now, ends_at__gt=now)
            .select_related("leader").prefetch_related("officers"))


def roster(actor, first: datetime.date, last: datetime.date):
    """The roster of the actor's jurisdiction from ``first`` to ``last`` (both included), in running order."""
    return (DutyShift.objects.for_user(actor).filter(date__gte=first, date__lte=last)
            .select_related("leader").prefetch_related("officers").order_by("starts_at", "region_code", "id"))


def current_shift(actor, now: datetime.datetime | None = None) -> DutyShift | None:
    """The running shift of the actor's own desk (the one handing over), if the roster has it."""
    if not policy.can(actor, "view", DutyShift):
        return None
    return on_duty(actor, now).filter(region_code=actor.scope_region_code).first()


def next_shift(actor, now: datetime.datetime | None = None) -> DutyShift | None:
    """The shift of the actor's own desk that takes over from the running one (or the next to start)."""
    if not policy.can(actor, "view", DutyShift):
        return None
    now = now or timezone.now()
    running = current_shift(actor, now)
    start = running.ends_at if running is not None else now
    return (DutyShift.objects.for_user(actor).filter(region_code=actor.scope_region_code, starts_at__gte=start)
            .select_related("leader").prefetch_related("officers").order_by("starts_at").first())


def open_entries(actor):
    """Log entries still open in the actor's jurisdiction: what a handover carries over."""
    return (DutyLogEntry.objects.filter(policy.scope_q(actor, DutyLogEntry), state=EntryState.OPEN)
            .order_by("received_at", "id"))


def log_entry(actor, data: Mapping[str, Any]) -> DutyLogEntry:
    data = dict(data)
    if data.get("source") not in SOURCES.values():
        raise ValidationFailed.from_dict({"source": [f"One of {', '.join(SOURCES.values())}"]})
    data["region_code"] = data.get("region_code") or actor.scope_region_code
    if data.get("received_at") and data["received_at"] > timezone.now() + datetime.timedelta(minutes=5):
        raise ValidationFailed.from_dict({"received_at": [gettext("Cannot be in the future")]})
    return create_object(actor, DutyLogEntry, {**data, "logged_by": actor})


def _escalate(entry: DutyLogEntry, actor, payload: Mapping[str, Any]) -> dict:
    incident_data = dict(payload.get("incident") or {})
    incident_data.setdefault("source", entry.source)
    incident_data.setdefault("region_code", entry.region_code)
    incident_data.setdefault("received_at", entry.received_at)
    incident_data.setdefault("occurred_at", entry.received_at)
    incident_data.setdefault("reporter_name", entry.caller_name)
    incident_data.setdefault("reporter_phone", entry.caller_phone)
    incident_data.setdefault("description", entry.content)
    try:
        incident = incident_services.create_incident(actor, incident_data)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.detail, [{"field": f"incident.{e['field']}".rstrip("."),
                                             "message": e["message"]} for e in exc.errors]) from None
    return {"incident": incident}


LOG_WORKFLOW = Workflow(
    model=DutyLogEntry,
    transitions=[
        Transition("file", (EntryState.OPEN,), EntryState.FILED, frozenset(LOG_ROLES),
                   label=gettext_lazy("File as information only")),
        Transition("escalate", (EntryState.OPEN,), EntryState.INCIDENT, frozenset(LOG_ROLES),
                   label=gettext_lazy("Turn into an incident"), check=_escalate),
    ],
)


def act_on_entry(actor, entry: DutyLogEntry, action: str, payload: Mapping[str, Any] | None = None):
    # One transaction: a lost compare-and-swap also rolls back the incident the escalation created.
    with transaction.atomic():
        return LOG_WORKFLOW.apply(actor, entry, action, payload)


def entry_actions(entry: DutyLogEntry, actor) -> list[str]:
    return [t.action for t in LOG_WORKFLOW.available(entry, actor)]


# --- handovers ----------------------------------------------------------------------------------------------


def hand_over(actor, data: Mapping[str, Any]) -> Handover:
    """Hand the desk over: the given items plus every log entry still open in the actor's jurisdiction."""
    data = dict(data)
    items = [str(t).strip()[:500] for t in data.pop("items", []) if str(t).strip()]
    shift = current_shift(actor)
    with transaction.atomic():
        handover = create_object(actor, Handover, {
            "region_code": actor.scope_region_code, "shift": shift, "handed_over_by": actor,
            "notes": str(data.get("notes") or "")})
        HandoverItem.objects.bulk_create(
            [HandoverItem(handover=handover, text=t) for t in items]
            + [HandoverItem(handover=handover, text=e.content[:500], log_entry=e) for e in open_entries(actor)])
    return handover


def _not_the_outgoing_officer(handover: Handover, actor) -> bool:
    return handover.handed_over_by_id != actor.pk


def _acknowledge(handover: Handover, actor, payload: Mapping[str, Any]) -> dict:
    return {"received_by": actor, "acknowledged_at": timezone.now()}


HANDOVER_WORKFLOW = Workflow(
    model=Handover,
    transitions=[
        Transition("acknowledge", (HandoverState.PENDING,), HandoverState.ACKNOWLEDGED, frozenset(DESK_ROLES),
                   label=gettext_lazy("Acknowledge as the incoming officer"), check=_acknowledge,
                   allowed=_not_the_outgoing_officer),
    ],
)


def handover_actions(handover: Handover, actor) -> list[str]:
    return [t.action for t in HANDOVER_WORKFLOW.available(handover, actor)]


def act_on_handover(actor, handover: Handover, action: str, payload: Mapping[str, Any] | None = None):
    if action == "acknowledge" and actor.pk == handover.handed_over_by_id:
        raise NotAllowed(gettext("The incoming officer acknowledges the handover, not the one handing over"))
    return HANDOVER_WORKFLOW.apply(actor, handover, action, payload)

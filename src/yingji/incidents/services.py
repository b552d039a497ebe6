"""Incident services: logging an incident, follow-up reports with regrading, the reporting clock, state changes.
Grades and deadlines come from ``yingji.standards.accidents``; event types from ``yingji.standards.events``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from yingji.core import audit, notifications, policy
from yingji.core.choices import AuditAction, Role
from yingji.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from yingji.core.models import STAFF_ROLES, Organisation, Region, User
from yingji.core.services import create_object
from yingji.core.workflow import Transition, Workflow, require_fields
from yingji.standards import accidents, events

from . import plans as plans_module
from .choices import EventKind, IncidentState, InformationSource, ReportingLevel, ReportKind, ResponseLevel, TaskState
from .models import (
    COMMAND_ROLES,
    REPORT_UP_ROLES,
    Activation,
    Incident,
    IncidentEvent,
    IncidentReport,
    Plan,
    ReportingDeadline,
    Task,
)

__all__ = ["InformationSource", "create_incident", "file_report", "mark_reported", "transition",
           "grade_and_deadlines", "notify_due_deadlines", "open_incidents", "overdue_tasks", "FIGURES"]

FIGURES = ("deaths", "missing", "serious_injuries", "minor_injuries", "trapped", "direct_loss_yuan")
#: How long before a deadline the duty officers and leaders are warned.
WARN_BEFORE = datetime.timedelta(minutes=30)
#: Clock skew tolerated for "occurred in the future".
SKEW = datetime.timedelta(minutes=5)


def grade_and_deadlines(deaths: int, serious_injuries: int, direct_loss_yuan, occurred_at: datetime.datetime):
    """(grade, [(level, due)]) of the figures; ValidationFailed instead of ValueError."""
    try:
        grade = accidents.grade(deaths, serious_injuries, direct_loss_yuan)
        return grade, accidents.reporting_deadlines(occurred_at, grade)
    except ValueError as exc:
        raise ValidationFailed.from_dict({"": [str(exc)]}) from None


def _event(incident: Incident, actor, kind: str, text: str = "", data: dict | None = None,
           time: datetime.datetime | None = None) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "", kind=kind, text=text[:2000], data=data or {},
        time=time or timezone.now())


def _figures(data: Mapping[str, Any], base: Mapping[str, Any] | None = None) -> dict:
    out = {}
    errors = {}
    for name in FIGURES:
        value = data.get(name)
        if value is None:
            value = (base or {}).get(name, 0)
        if name == "direct_loss_yuan":
            try:
                value = Decimal(str(value))
            except (InvalidOperation, ValueError):
                errors[name] = ["Enter an amount in yuan"]
                continue
            if value < 0 or not value.is_finite():
                errors[name] = ["Must be zero or more"]
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            errors[name] = ["Must be a whole number, zero or more"]
        out[name] = value
    if errors:
        raise ValidationFailed.from_dict(errors)
    return out


def _aware(value, field: str) -> datetime.datetime:
    if isinstance(value, str):
        try:
            value = datetime.datetime.fromisoformat(value)
        except ValueError:
            raise ValidationFailed.from_dict({field: ["Enter a date and time"]}) from None
    if not isinstance(value, datetime.datetime):
        raise ValidationFailed.from_dict({field: ["Enter a date and time"]})
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _sync_deadlines(incident: Incident, chain: list[tuple[str, datetime.datetime]]) -> list[str]:
    """Make the stored chain match the grade's chain; return the levels added. Levels already reported stay."""
    existing = {d.level: d for d in incident.deadlines.all()}
    added = []
    wanted = dict(chain)
    for position, (level, due) in enumerate(chain):
        row = existing.get(level)
        if row is None:
            ReportingDeadline.objects.create(incident=incident, level=level, position=position, due_at=due)
            added.append(level)
        elif row.reported_at is None and row.due_at != due:
            ReportingDeadline.objects.filter(pk=row.pk).update(due_at=due)
    for level, row in existing.items():
        if level not in wanted and row.reported_at is None:
            row.delete()
    return added


def _enterprise(actor, enterprise_id):
    if enterprise_id in (None, ""):
        return None
    model = apps.get_model("enterprises", "Enterprise")
    try:
        return policy.get_object(actor, model, enterprise_id)
    except NotFound:
        raise ValidationFailed.from_dict({"enterprise_id": [f"No enterprise {enterprise_id} in your scope"]}) \
            from None


def create_incident(actor, data: Mapping[str, Any]) -> Incident:
    """Log an incident (首报): grade it, start its reporting clock, open its timeline. The county bureau is the
    first level of the chain, so the county level counts as reported when the incident is logged here."""
    policy.require(actor, "add", Incident)
    data = dict(data)
    errors: dict[str, list[str]] = {}
    category, event_type = data.get("category"), data.get("event_type")
    try:
        info = events.type_info(event_type)
        if category and info.category != category:
            errors["event_type"] = [f"Type {event_type!r} belongs to category {info.category!r}"]
        category = info.category
    except ValueError as exc:
        errors["event_type"] = [str(exc)]
    enterprise = _enterprise(actor, data.pop("enterprise_id", None))
    region_code = data.get("region_code") or (enterprise.region_code if enterprise else "")
    if not region_code:
        errors["region_code"] = ["Give the township (region code) or an enterprise"]
    elif not Region.objects.filter(code=region_code).exists():
        errors["region_code"] = [f"No region has code {region_code}"]
    now = timezone.now()
    occurred_at = _aware(data.get("occurred_at"), "occurred_at")
    received_at = _aware(data.get("received_at") or now, "received_at")
    if occurred_at > now + SKEW:
        errors["occurred_at"] = ["An incident cannot occur in the future"]
    if received_at < occurred_at:
        errors["received_at"] = ["Received before it occurred"]
    if errors:
        raise ValidationFailed.from_dict(errors)
    figures = _figures(data)
    grade, chain = grade_and_deadlines(figures["deaths"], figures["serious_injuries"],
                                       figures["direct_loss_yuan"], occurred_at)
    fields = {k: data[k] for k in ("title", "address", "lat", "lon", "description", "reporter_name",
                                   "reporter_phone", "source") if data.get(k) is not None}
    with transaction.atomic():
        incident = create_object(actor, Incident, {
            **fields, **figures, "category": category, "event_type": event_type, "region_code": region_code,
            "enterprise": enterprise, "occurred_at": occurred_at, "received_at": received_at, "grade": grade,
            "created_by": actor})
        IncidentReport.objects.create(incident=incident, seq=1, kind=ReportKind.INITIAL, reported_by=actor,
                                      grade=grade, note=incident.description[:2000], **figures)
        _sync_deadlines(incident, chain)
        ReportingDeadline.objects.filter(incident=incident, level=ReportingLevel.COUNTY).update(
            reported_at=received_at, reported_by=actor, method=InformationSource.label(incident.source),
            reported_to=str(getattr(actor, "organisation", "") or ""))
        _event(incident, actor, EventKind.CREATED, incident.title,
               {"grade": grade, **{k: str(v) for k, v in figures.items()}}, time=received_at)
    return incident


def file_report(actor, incident: Incident, data: Mapping[str, Any]) -> IncidentReport:
    """A follow-up report (续报): new figures (omitted ones keep their last value), regrade, extend or shorten the
    reporting chain; every version is kept."""
    policy.require(actor, "change", incident)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.is_open:
            raise Conflict("The incident is closed; reopen it before reporting new figures")
        before = {k: getattr(locked, k) for k in FIGURES}
        figures = _figures(data, before)
        grade, chain = grade_and_deadlines(figures["deaths"], figures["serious_injuries"],
                                           figures["direct_loss_yuan"], locked.occurred_at)
        seq = locked.reports.count() + 1
        note = str(data.get("note") or "")[:2000]
        report = IncidentReport.objects.create(incident=locked, seq=seq, kind=ReportKind.FOLLOW_UP,
                                               reported_by=actor, grade=grade, note=note, **figures)
        old_grade = locked.grade
        changed = {k: v for k, v in figures.items() if v != before[k]}
        rows = Incident.objects.filter(pk=locked.pk, version=locked.version).update(
            grade=grade, version=locked.version + 1, **figures)
        if rows == 0:
            raise Conflict()
        locked.refresh_from_db()
        audit.record(AuditAction.UPDATE, locked, actor=actor,
                     before={k: audit._json_value(before[k]) for k in changed} | (
                         {"grade": old_grade} if grade != old_grade else {}),
                     after={k: audit._json_value(v) for k, v in changed.items()} | (
                         {"grade": grade} if grade != old_grade else {}),
                     message=f"follow-up report #{seq}")
        _event(locked, actor, EventKind.FIGURES, note,
               {"seq": seq, **{k: str(v) for k, v in figures.items()}, "grade": grade})
        added = _sync_deadlines(locked, chain)
        if grade != old_grade:
            _event(locked, actor, EventKind.REGRADED, "", {"from": old_grade, "to": grade, "levels_added": added})
    return report


def mark_reported(actor, incident: Incident, level: str, data: Mapping[str, Any]) -> ReportingDeadline:
    """Record that the incident was reported to ``level``: who, when, how and to whom."""
    policy.require(actor, "report_up", incident)
    row = incident.deadlines.filter(level=level).first()
    if row is None:
        raise ValidationFailed.from_dict({"level": [f"The reporting chain of this incident has no level {level!r}"]})
    require_fields(data, ["method", "reported_to"])
    reported_at = _aware(data.get("reported_at") or timezone.now(), "reported_at")
    if reported_at > timezone.now() + SKEW:
        raise ValidationFailed.from_dict({"reported_at": ["Cannot be in the future"]})
    with transaction.atomic():
        rows = ReportingDeadline.objects.filter(pk=row.pk, reported_at__isnull=True).update(
            reported_at=reported_at, reported_by=actor, method=str(data["method"])[:100],
            reported_to=str(data["reported_to"])[:100])
        if rows == 0:
            raise Conflict(f"Level {level} is already marked as reported")
        row.refresh_from_db()
        audit.record(AuditAction.UPDATE, incident, actor=actor, after={
            "level": level, "reported_at": reported_at.isoformat(), "method": row.method,
            "reported_to": row.reported_to}, message=f"reported to {level}")
        _event(incident, actor, EventKind.REPORTED_UP, f"{row.method} → {row.reported_to}",
               {"level": level, "reported_at": reported_at.isoformat()})
    return row


# --- state workflow ---------------------------------------------------------------------------------------------


def _close(incident: Incident, actor, payload: Mapping[str, Any]) -> dict:
    require_fields(payload, ["summary"])
    return {"summary": str(payload["summary"])[:10000], "closed_at": timezone.now()}


def _on_applied(incident: Incident, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    _event(incident, actor, EventKind.TRANSITION, str(payload.get("note") or payload.get("summary") or ""),
           {"action": t.action, "from": from_state, "to": t.target})


RESPONDERS = frozenset({Role.ADMIN, Role.DUTY_OFFICER, Role.COMMANDER})
CLOSERS = frozenset({Role.ADMIN, Role.COMMANDER})

INCIDENT_WORKFLOW = Workflow(
    model=Incident,
    transitions=[
        Transition("respond", (IncidentState.REPORTED,), IncidentState.RESPONDING, RESPONDERS,
                   label="Start the response"),
        Transition("close", (IncidentState.REPORTED, IncidentState.RESPONDING), IncidentState.CLOSED, CLOSERS,
                   label="Close with a summary", check=_close),
        Transition("reopen", (IncidentState.CLOSED,), IncidentState.RESPONDING, CLOSERS, label="Reopen"),
    ],
    on_applied=_on_applied,
)


def open_incidents(user, limit: int = 20):
    """Open incidents in the user's scope with their reporting clocks (for the duty console)."""
    if not policy.can(user, "view", Incident):
        return []
    return list(Incident.objects.for_user(user).filter(state__in=IncidentState.OPEN)
                .prefetch_related("deadlines").order_by("-occurred_at")[:limit])


def overdue_tasks(user, limit: int = 20) -> list[Task]:
    """Open tasks past their deadline in the user's scope (for the duty console)."""
    if not policy.can(user, "view", Task):
        return []
    return list(Task.objects.for_user(user).filter(state__in=TaskState.OPEN, due_at__lt=timezone.now())
                .select_related("incident", "unit", "assignee").order_by("due_at")[:limit])


def available_actions(incident: Incident, actor) -> list[str]:
    return [t.action for t in INCIDENT_WORKFLOW.available(incident, actor)]


def transition(actor, incident: Incident, action: str, payload: Mapping[str, Any] | None = None) -> Incident:
    return INCIDENT_WORKFLOW.apply(actor, incident, action, payload)


# --- the reporting clock's warnings -------------------------------------------------------------------------


def _watchers(incident: Incident) -> list[User]:
    """Duty officers and leaders (commanders) whose jurisdiction covers the incident."""
    codes = [incident.region_code[:n] for n in (6, 9, 12) if len(incident.region_code) >= n]
    return list(User.objects.filter(is_active=True, scope_region_code__in=codes,
                                    roles__role__in=REPORT_UP_ROLES - {Role.ADMIN}).distinct())


def notify_due_deadlines(now: datetime.datetime | None = None) -> int:
    """Warn before each unreported deadline of an open incident is missed (and once more when it is); idempotent
    through the notification dedupe key. Returns the number of notifications created."""
    now = now or timezone.now()
    due = (ReportingDeadline.objects.filter(reported_at__isnull=True, due_at__lte=now + WARN_BEFORE)
           .filter(Q(incident__state__in=IncidentState.OPEN)).select_related("incident"))
    sent = 0
    for row in due:
        incident = row.incident
        stage = "overdue" if row.due_at <= now else "due_soon"
        level = ReportingLevel.label(row.level)
        local_due = timezone.localtime(row.due_at).strftime("%H:%M")
        subject = (f"Report to {level} OVERDUE since {local_due}: {incident.title}" if stage == "overdue"
                   else f"Report to {level} due by {local_due}: {incident.title}")
        sent += len(notifications.notify(_watchers(incident), subject, link=f"/incidents/{incident.pk}/",
                                         obj=incident, dedupe_key=f"incident-deadline:{row.pk}:{stage}"))
    return sent


# --- plans, activation, command group and tasks -------------------------------------------------------------


def plan_matches(actor, incident: Incident) -> list[dict]:
    """Plans in force, visible to the actor, that cover the incident, with the proposed level and reasons."""
    policy.require(actor, "view", Plan)
    plans = Plan.objects.for_user(actor).filter(is_active=True).select_related("hq")
    return plans_module.matches(plans, incident)


def activate(actor, incident: Incident, data: Mapping[str, Any]) -> Activation:
    """A commander activates a plan: records the response level, stands up the plan's HQ as the command group
    (lead and member units) and creates the plan's standard tasks; the incident moves to "responding"."""
    policy.require(actor, "activate", incident)
    errors = {}
    plan = Plan.objects.for_user(actor).filter(pk=data.get("plan_id"), is_active=True).select_related("hq").first()
    if plan is None:
        raise ValidationFailed.from_dict({"plan_id": ["No plan in force with this id in your scope"]})
    proposed, reasons = plans_module.evaluate(plan, incident)
    if incident.event_type not in (plan.event_types or []):
        errors["plan_id"] = ["The plan does not cover this incident's type"]
    level = data.get("level") or proposed
    if level not in ResponseLevel.ORDER:
        errors["level"] = ["Give the response level (I-IV); the plan's conditions propose none"]
    if errors:
        raise ValidationFailed.from_dict(errors)
    if not incident.is_open:
        raise Conflict("The incident is closed")
    now = timezone.now()
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        if Activation.objects.filter(incident=incident).exists():
            raise Conflict("A plan is already activated for this incident")
        activation = Activation.objects.create(
            incident=incident, plan=plan, level=level, hq=plan.hq, commander=actor,
            deputy_name=str(data.get("deputy_name") or "")[:50], reasons=reasons)
        units = []
        if plan.hq_id:
            units = [u for u in [plan.hq.lead_unit] if u is not None] + list(plan.hq.member_units.all())
            activation.member_units.set(units)
        by_short = {u.short_name: u for u in units} | {u.name: u for u in units}
        for item in plan.standard_tasks or []:
            minutes = item.get("due_minutes")
            Task.objects.create(
                incident=incident, region_code=incident.region_code, title=str(item.get("title", ""))[:200],
                unit=by_short.get(item.get("unit")), due_at=now + datetime.timedelta(minutes=minutes) if minutes
                else None, created_by=actor)
        audit.record(AuditAction.CREATE, incident, actor=actor, after={
            "plan": plan.pk, "level": level, "hq": plan.hq_id, "member_units": [u.pk for u in units]},
            message=f"plan activated: {plan.name} level {level}")
        _event(incident, actor, EventKind.ACTIVATED, f"{plan.name} · {level}",
               {"plan": plan.pk, "level": level, "reasons": reasons, "hq": str(plan.hq or ""),
                "tasks": len(plan.standard_tasks or [])})
        if incident.state == IncidentState.REPORTED and actor.has_role(*RESPONDERS):
            INCIDENT_WORKFLOW.apply(actor, incident, "respond", {"note": f"plan {plan.name} activated"})
    return activation


def create_task(actor, incident: Incident, data: Mapping[str, Any]) -> Task:
    """Assign a task of the response to a unit and/or a person with a deadline."""
    policy.require(actor, "add", Task)
    if not incident.is_open:
        raise Conflict("The incident is closed")
    data = dict(data)
    errors = {}
    unit = assignee = None
    if data.get("unit_id"):
        unit = Organisation.objects.filter(policy.scope_q(actor, Organisation), pk=data["unit_id"]).first()
        if unit is None:
            errors["unit_id"] = ["No organisation with this id in your scope"]
    if data.get("assignee_id"):
        assignee = User.objects.filter(pk=data["assignee_id"], is_active=True,
                                       scope_region_code__startswith=actor.scope_region_code or "-").first()
        if assignee is None:
            errors["assignee_id"] = ["No active account with this id in your jurisdiction"]
    if not data.get("unit_id") and not data.get("assignee_id"):
        errors["assignee_id"] = ["Assign the task to a unit, a person or both"]
    due_at = _aware(data["due_at"], "due_at") if data.get("due_at") else None
    if due_at is not None and due_at < timezone.now():
        errors["due_at"] = ["The deadline is in the past"]
    if errors:
        raise ValidationFailed.from_dict(errors)
    with transaction.atomic():
        task = create_object(actor, Task, {
            "incident": incident, "region_code": incident.region_code, "title": data.get("title", ""),
            "description": data.get("description", ""), "unit": unit, "assignee": assignee, "due_at": due_at,
            "created_by": actor}, check_scope=False)
        _event(incident, actor, EventKind.TASK, task.title, {"task": task.pk, "action": "assigned",
                                                             "assignee": str(assignee or ""), "unit": str(unit or "")})
        if assignee is not None:
            notifications.notify([assignee], f"New task: {task.title}", link=f"/incidents/{incident.pk}/",
                                 obj=task, dedupe_key=f"task-assigned:{task.pk}")
    return task


def _is_assignee(task: Task, actor) -> bool:
    if task.assignee_id:
        return task.assignee_id == actor.pk
    return task.unit_id is not None and actor.organisation_id == task.unit_id


def _may_work(task: Task, actor) -> bool:
    return _is_assignee(task, actor) or actor.has_role(*COMMAND_ROLES)


def _progress(task: Task, actor, payload: Mapping[str, Any]) -> dict:
    note = str(payload.get("note") or "")[:5000]
    return {"progress": note} if note else {}


def _complete(task: Task, actor, payload: Mapping[str, Any]) -> dict:
    require_fields(payload, ["note"])
    return {"progress": str(payload["note"])[:5000], "done_at": timezone.now()}


def _on_task_applied(task: Task, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    _event(task.incident, actor, EventKind.TASK, f"{task.title}: {payload.get('note') or ''}".strip(": "),
           {"task": task.pk, "action": t.action, "from": from_state, "to": t.target})


TASK_WORKFLOW = Workflow(
    model=Task,
    transitions=[
        Transition("acknowledge", (TaskState.ASSIGNED,), TaskState.ACKNOWLEDGED, frozenset(STAFF_ROLES),
                   label="Acknowledge", check=_progress, allowed=_is_assignee),
        Transition("start", (TaskState.ACKNOWLEDGED,), TaskState.IN_PROGRESS, frozenset(STAFF_ROLES),
                   label="Start", check=_progress, allowed=_may_work),
        Transition("complete", (TaskState.ACKNOWLEDGED, TaskState.IN_PROGRESS), TaskState.DONE,
                   frozenset(STAFF_ROLES), label="Complete", check=_complete, allowed=_may_work),
    ],
    on_applied=_on_task_applied,
)


def task_actions(task: Task, actor) -> list[str]:
    return [t.action for t in TASK_WORKFLOW.available(task, actor)]


def task_transition(actor, task: Task, action: str, payload: Mapping[str, Any] | None = None) -> Task:
    try:
        return TASK_WORKFLOW.apply(actor, task, action, payload)
    except NotAllowed:
        raise NotAllowed("Only the assigned person (or a member of the assigned unit) may acknowledge a task; "
                         "commanders may also start and complete it") from None

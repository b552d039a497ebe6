"""Incident services: logging an incident, follow-up reports with regrading, the reporting clock, state changes.
Grades and deadlines come from ``yingji.standards.accidents``; event types from ``yingji.standards.events``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, gettext_noop, pgettext_lazy

from yingji.core import attachments, audit, notifications, policy, values
from yingji.core.choices import AuditAction, Role
from yingji.core.errors import Conflict, NotAllowed, ValidationFailed
from yingji.core.models import STAFF_ROLES, Organisation, Region, User
from yingji.core.services import create_object, update_object
from yingji.core.workflow import Transition, Workflow, require_fields
from yingji.standards import events

from . import grading
from . import plans as plans_module
from .choices import (
    AccidentGrade,
    EventKind,
    HealthKind,
    IncidentState,
    InformationSource,
    PlanKind,
    ReportingLevel,
    ReportKind,
    ResponseLevel,
    SitrepState,
    TaskState,
)
from .models import (
    COMMAND_ROLES,
    REPORT_UP_ROLES,
    SITREP_ROLES,
    Activation,
    Incident,
    IncidentEvent,
    IncidentReport,
    Plan,
    ReportingDeadline,
    Sitrep,
    Task,
)

__all__ = ["InformationSource", "create_incident", "file_report", "mark_reported", "transition",
           "grade_and_deadlines", "notify_due_deadlines", "open_incidents", "overdue_tasks", "FIGURES"]

FIGURES = ("deaths", "missing", "serious_injuries", "minor_injuries", "trapped", "direct_loss_yuan", "cases")
#: What grades a public-health or social-security event besides its figures: the public-health kind (food or
#: occupational poisoning …) and the grade the competent department determined (认定级别).
CLASSIFICATION = ("health_kind", "declared_grade")
#: How long before a deadline the duty officers and leaders are warned.
WARN_BEFORE = datetime.timedelta(minutes=30)
#: Clock skew tolerated for "occurred in the future".
SKEW = datetime.timedelta(minutes=5)

#: The refusal of a write based on a stale version (the incident page words it for its forms).
STALE_INCIDENT = gettext_noop("Someone else changed this incident after you opened it; reload and try again")


def grade_and_deadlines(deaths: int, serious_injuries: int, direct_loss_yuan, occurred_at: datetime.datetime, *,
                        category: str | None = None, missing: int = 0, region_code: str = "", incident=None,
                        cases: int = 0, health_kind: str = "", declared_grade: str = ""):
    """(grade, [(level, due)]) of the figures by the category's rules (``grading``: work-safety accidents by
    the accident regulations as before, natural disasters by the relief plan and the statistics deadlines,
    public-health and social-security events by ``standards.public_events``); ValidationFailed instead of
    ValueError."""
    try:
        return grading.grade_and_chain(category, {"deaths": deaths, "serious_injuries": serious_injuries,
                                                  "missing": missing, "direct_loss_yuan": direct_loss_yuan,
                                                  "cases": cases, "health_kind": health_kind,
                                                  "declared_grade": declared_grade},
                                       occurred_at, region_code, incident)
    except ValueError as exc:
        raise ValidationFailed.from_dict({"": [str(exc)]}) from None


def _classification(data: Mapping[str, Any], category: str | None, base: Mapping[str, Any] | None = None) -> dict:
    """The public-health kind and the determined grade of ``data`` (omitted ones keep ``base``), checked against
    the category: a kind only for public-health events, a determined grade only where the rules take one."""
    scheme = grading.scheme(category)
    out, errors = {}, {}
    for name, allowed, schemes in (("health_kind", HealthKind.values(), ("public_health",)),
                                   ("declared_grade", AccidentGrade.values(), ("public_health", "social_security"))):
        value = data.get(name)
        if value is None:
            value = (base or {}).get(name, "")
        value = "" if value is None else value
        if value and (not isinstance(value, str) or value not in allowed):
            errors[name] = [gettext("Choose one of: %(choices)s") % {"choices": "、".join(
                str(label) for _value, label in (HealthKind if name == "health_kind" else AccidentGrade).choices())}]
        elif value and scheme not in schemes:
            errors[name] = [gettext("Only for public-health events") if name == "health_kind"
                            else gettext("Only for public-health and social-security events")]
        out[name] = value
    if errors:
        raise ValidationFailed.from_dict(errors)
    return out


def _event(incident: Incident, actor, kind: str, text: str = "", data: dict | None = None,
           time: datetime.datetime | None = None) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident, actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "", kind=kind, note=text[:2000], params=data or {},
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
    try:
        return values.check_datetime(value)
    except values.ValueRejected as exc:
        raise ValidationFailed.from_dict({field: [str(exc)]}) from None


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
    return policy.get_in_scope_or_field_error(apps.get_model("enterprises", "Enterprise"), enterprise_id, actor,
                                              "enterprise_id")


def _check_version(incident, data: Mapping[str, Any]) -> None:
    """A form or client that read version N may only change what is still version N (409 otherwise)."""
    expected = data.get("version")
    if expected not in (None, "") and str(expected) != str(incident.version):
        raise Conflict(gettext(STALE_INCIDENT))


# --- the place of an incident: township, village, enterprise, address, point -----------------------------------

#: Keys that say where an incident happened; the service turns them into ``region_code``, ``enterprise`` and a
#: point. ``region_code`` is the older way to give the place (any level) and still accepted.
PLACE_KEYS = ("township_code", "village_code", "region_code", "enterprise_id")
COORDINATE = Decimal("0.000001")


def _scoped_region(actor, code, level: str | None, field: str, errors: dict) -> Region | None:
    """The region of ``code`` at ``level``; a field error when there is none, 403 when it lies outside the
    actor's jurisdiction (an incident is only placed where the actor works)."""
    region = Region.objects.filter(code=str(code)).select_related("parent").first()
    if region is None or (level and region.level != level):
        errors[field] = [f"No {level or 'region'} has code {code}"]
        return None
    policy.require_region_in_scope(actor, region.code, field)
    return region


def _coordinate(value, field: str, limit: int, errors: dict) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        errors[field] = ["Enter a number"]
        return None
    if not number.is_finite() or not -limit <= number <= limit:
        errors[field] = [f"Must be between -{limit} and {limit}"]
        return None
    return number.quantize(COORDINATE)


def resolve_place(actor, data: Mapping[str, Any], current: Incident | None = None) -> tuple[dict, dict]:
    """(field values, field errors) of the place keys present in ``data``.

    The region is the village if one is given (it must lie in the township), else the township, else the older
    ``region_code``, else the enterprise's region; an enterprise must be in the actor's scope and, when a township
    is chosen too, in that township. Coordinates left empty are taken from the enterprise, else the village, else
    the township, so that a placed incident shows on the map and in the nearest-resource search."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    region: Region | None = None
    if "township_code" in data or "village_code" in data or "region_code" in data:
        town_code, village_code = data.get("township_code"), data.get("village_code")
        if town_code in (None, "") and village_code in (None, ""):
            if data.get("region_code") not in (None, ""):
                region = _scoped_region(actor, data["region_code"], None, "region_code", errors)
            elif current is not None:
                errors["township_code"] = ["An incident keeps its township; choose the right one"]
        else:
            town = (_scoped_region(actor, town_code, "township", "township_code", errors)
                    if town_code not in (None, "") else None)
            village = (_scoped_region(actor, village_code, "village", "village_code", errors)
                       if village_code not in (None, "") else None)
            if town is not None and village is not None and village.parent_id != town.pk:
                errors["village_code"] = [f"The village {village.name} does not lie in the township {town.name}"]
            region = village or town
        if region is not None:
            out["region_code"] = region.code
    enterprise = current.enterprise if current is not None else None
    if "enterprise_id" in data:
        try:
            enterprise = _enterprise(actor, data.get("enterprise_id"))
        except ValidationFailed as exc:
            errors.update({e["field"]: [e["message"]] for e in exc.errors})
            enterprise = None
        out["enterprise"] = enterprise
    region_code = out.get("region_code", current.region_code if current is not None else "")
    if enterprise is not None and "enterprise_id" not in errors and set(PLACE_KEYS) & set(data):
        if not region_code or (enterprise.region_code.startswith(region_code)
                               and len(enterprise.region_code) > len(region_code)):
            # The enterprise places the incident more precisely than the (county or township) region given.
            out["region_code"] = region_code = enterprise.region_code
        elif len(region_code) >= 9 and not enterprise.region_code.startswith(region_code[:9]):
            errors["enterprise_id"] = [f"The enterprise {enterprise.name} is not in the chosen township"]
    if "address" in data:
        out["address"] = str(data.get("address") or "").strip()[:200]
    place_changed = current is None or any(
        k in out and out[k] != getattr(current, k) for k in ("region_code", "enterprise"))
    if "lat" in data or "lon" in data or place_changed:
        lat = _coordinate(data.get("lat"), "lat", 90, errors)
        lon = _coordinate(data.get("lon"), "lon", 180, errors)
        if (lat is None) != (lon is None) and not errors.get("lat") and not errors.get("lon"):
            errors["lat" if lat is None else "lon"] = ["Give both latitude and longitude, or neither"]
        if lat is None and lon is None and not errors:
            lat, lon = _place_point(enterprise, region_code)
        out["lat"], out["lon"] = lat, lon
    return out, errors


def _place_point(enterprise, region_code: str) -> tuple[Decimal | None, Decimal | None]:
    """The most precise point the place has: the enterprise's, else the village's, else the township's."""
    if enterprise is not None and enterprise.lat is not None and enterprise.lon is not None:
        return enterprise.lat, enterprise.lon
    codes = [c for c in (region_code if len(region_code or "") == 12 else "", (region_code or "")[:9]) if len(c) >= 9]
    regions = {r.code: r for r in Region.objects.filter(code__in=codes, lat__isnull=False, lon__isnull=False)}
    for code in codes:
        if code in regions:
            return regions[code].lat, regions[code].lon
    return None, None


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
    place, place_errors = resolve_place(actor, {k: data.get(k) for k in (*PLACE_KEYS, "address", "lat", "lon")})
    errors.update(place_errors)
    enterprise, region_code = place.get("enterprise"), place.get("region_code", "")
    if not region_code and not place_errors:
        errors["township_code"] = ["Give the township (or village) or an enterprise"]
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
    classification = _classification(data, category)
    grade, chain = grade_and_deadlines(figures["deaths"], figures["serious_injuries"],
                                       figures["direct_loss_yuan"], occurred_at, category=category,
                                       missing=figures["missing"], region_code=region_code,
                                       cases=figures["cases"], **classification)
    fields = {k: data[k] for k in ("title", "description", "reporter_name", "reporter_phone", "source")
              if data.get(k) is not None}
    fields.update({k: place[k] for k in ("address", "lat", "lon") if place.get(k) is not None})
    with transaction.atomic():
        incident = create_object(actor, Incident, {
            **fields, **figures, **classification, "category": category, "event_type": event_type,
            "region_code": region_code,
            "enterprise": enterprise, "occurred_at": occurred_at, "received_at": received_at, "grade": grade,
            "created_by": actor})
        IncidentReport.objects.create(incident=incident, seq=1, kind=ReportKind.INITIAL, reported_by=actor,
                                      grade=grade, note=incident.description[:2000], **figures)
        _sync_deadlines(incident, chain)
        ReportingDeadline.objects.filter(incident=incident, level=ReportingLevel.COUNTY).update(
            reported_at=received_at, reported_by=actor, method=InformationSource.label(incident.source),
            reported_to=str(getattr(actor, "organisation", "") or ""))
        _event(incident, actor, EventKind.CREATED, incident.title,
               {"grade": grade, **{k: str(v) for k, v in figures.items()},
                **{k: v for k, v in classification.items() if v}}, time=received_at)
    return incident


def file_report(actor, incident: Incident, data: Mapping[str, Any]) -> IncidentReport:
    """A follow-up report (续报): new figures (omitted ones keep their last value), regrade, extend or shorten the
    reporting chain; every version is kept."""
    policy.require(actor, "change", incident)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if not locked.is_open:
            raise Conflict(gettext("The incident is closed; reopen it before reporting new figures"))
        _check_version(locked, data)
        before = {k: getattr(locked, k) for k in (*FIGURES, *CLASSIFICATION)}
        figures = _figures(data, before)
        classification = _classification(data, locked.category, before)
        grade, chain = grade_and_deadlines(figures["deaths"], figures["serious_injuries"],
                                           figures["direct_loss_yuan"], locked.occurred_at,
                                           category=locked.category, missing=figures["missing"],
                                           region_code=locked.region_code, incident=locked,
                                           cases=figures["cases"], **classification)
        seq = locked.reports.count() + 1
        note = str(data.get("note") or "")[:2000]
        report = IncidentReport.objects.create(incident=locked, seq=seq, kind=ReportKind.FOLLOW_UP,
                                               reported_by=actor, grade=grade, note=note, **figures)
        old_grade = locked.grade
        changed = {k: v for k, v in {**figures, **classification}.items() if v != before[k]}
        rows = Incident.objects.filter(pk=locked.pk, version=locked.version).update(
            grade=grade, version=locked.version + 1, **figures, **classification)
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
               {"seq": seq, **{k: str(v) for k, v in figures.items()}, "grade": grade,
                **{k: v for k, v in classification.items() if v}})
        added = _sync_deadlines(locked, chain)
        if grade != old_grade:
            _event(locked, actor, EventKind.REGRADED, "", {"from": old_grade, "to": grade, "levels_added": added})
    return report


#: What an edit may correct: the basic facts and the place. Figures change through follow-up reports (they
#: regrade the incident), the state through transitions; neither is editable here.
EDITABLE_FIELDS = ("title", "event_type", "occurred_at", "description", "reporter_name", "reporter_phone", "source",
                   "address", "lat", "lon", *PLACE_KEYS)
NOT_EDITABLE = {**dict.fromkeys((*FIGURES, *CLASSIFICATION), "Change the figures with a follow-up report"),
                "grade": "The grade follows from the figures",
                "state": "Change the state with a transition (respond, close, reopen)",
                "summary": "The closing summary is given when the incident is closed",
                "closed_at": "Set when the incident is closed", "category": "Follows from the type",
                "received_at": "The time the duty desk received the incident is not corrected",
                "created_by": "Not editable", "created_at": "Not editable"}


def _text(data: Mapping[str, Any], key: str, limit: int, errors: dict, required: bool = False) -> str:
    value = str(data.get(key) or "").strip()
    if required and not value:
        errors[key] = ["This field is required"]
    elif len(value) > limit:
        errors[key] = [f"At most {limit} characters"]
    return value


def place_text(incident: Incident) -> str:
    """Where the incident happened in words: township, village, enterprise and address (names, never codes)."""
    codes = [c for c in (incident.township_code, incident.village_code) if c] or [incident.region_code]
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    regions = [names[c] for c in codes if names.get(c)]
    address = incident.address or ""
    # An address that already names the township stands for the region (no "石门镇石门镇工业园区").
    parts = [] if regions and regions[0] in address else regions
    if incident.enterprise_id and incident.enterprise.name not in address:
        parts.append(incident.enterprise.name)
    return "".join([*parts, address])


def _display(name: str, value) -> str:
    if value is None or value == "":
        return ""
    if name == "region_code":
        names = dict(Region.objects.filter(code__in={value, value[:9]}).values_list("code", "name"))
        return " ".join(names[c] for c in dict.fromkeys((value[:9], value)) if c in names) or str(value)
    if name == "enterprise":
        return str(value)
    if name == "event_type":
        try:
            return events.type_info(value).name_zh
        except ValueError:
            return str(value)
    if name == "source":
        return str(InformationSource.label(value))
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


def update_incident(actor, incident: Incident, data: Mapping[str, Any]) -> Incident:
    """Correct an incident's basic facts and place (编辑事件信息): one compare-and-swap on its version (409 when
    someone else changed it since it was read), an audit record with before and after, and a timeline event
    naming what changed. A change of the occurrence time moves the unreported reporting deadlines; a change of
    place moves the incident on the map and its recommended resources (both read the point). Saving without a
    change writes nothing."""
    policy.require(actor, "change", incident)
    data = dict(data)
    refused = {k: [NOT_EDITABLE.get(k, "Unknown field")] for k in data if k not in (*EDITABLE_FIELDS, "version")}
    if refused:
        raise ValidationFailed.from_dict(refused)
    if data.get("version") in (None, ""):
        raise ValidationFailed.from_dict({"version": ["Give the version of the incident you read"]})
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if "title" in data:
        values["title"] = _text(data, "title", 200, errors, required=True)
    for key, limit in (("description", 10000), ("reporter_name", 50), ("reporter_phone", 32)):
        if key in data:
            values[key] = _text(data, key, limit, errors)
    if "reporter_phone" in data and not policy.reveal_pii(actor, Incident):
        errors["reporter_phone"] = ["You may not see or change the reporter's phone"]
    if "source" in data:
        if data["source"] not in InformationSource.values():
            errors["source"] = [f"One of {', '.join(InformationSource.values())}"]
        values["source"] = data["source"]
    if "event_type" in data:
        try:
            values["category"] = events.type_info(data["event_type"]).category
            values["event_type"] = data["event_type"]
        except ValueError as exc:
            errors["event_type"] = [str(exc)]
    if "occurred_at" in data:
        try:
            occurred_at = _aware(data["occurred_at"], "occurred_at")
        except ValidationFailed:
            errors["occurred_at"] = ["Enter a date and time"]
        else:
            if occurred_at > timezone.now() + SKEW:
                errors["occurred_at"] = ["An incident cannot occur in the future"]
            elif occurred_at > incident.received_at:
                errors["occurred_at"] = ["It cannot occur after the duty desk received it"]
            values["occurred_at"] = occurred_at
    place, place_errors = resolve_place(actor, {k: data[k] for k in (*PLACE_KEYS, "address", "lat", "lon")
                                                if k in data}, current=incident)
    errors.update(place_errors)
    if errors:
        raise ValidationFailed.from_dict(errors)
    values.update(place)
    if "enterprise" in values:
        values["enterprise_id"] = values.pop("enterprise").pk if values["enterprise"] is not None else None
    with transaction.atomic():
        locked = Incident.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=incident.pk)
        _check_version(locked, data)
        changed = {k: v for k, v in values.items() if getattr(locked, k) != v}
        if not changed:
            return locked
        rows = Incident.objects.filter(pk=locked.pk, version=locked.version).update(
            version=locked.version + 1, **changed)
        if rows == 0:
            raise Conflict("Someone else changed this incident after you opened it; reload and try again")
        before = {k: getattr(locked, k) for k in changed}
        old_enterprise = locked.enterprise
        locked.refresh_from_db()
        audit.record(AuditAction.UPDATE, locked, actor=actor,
                     before={k.removesuffix("_id"): audit._json_value(v) for k, v in before.items()},
                     after={k.removesuffix("_id"): audit._json_value(getattr(locked, k)) for k in changed},
                     message="details corrected")
        if "category" in changed:
            _regrade(locked, actor, "category changed")
        elif "occurred_at" in changed:
            _sync_deadlines(locked, grading.chain_for(locked.category, locked.occurred_at, locked.grade))
        if {"region_code", "enterprise_id"} & set(changed):
            _move_dependants(locked)
        detail = {}
        for key in changed:
            if key == "category":
                continue
            name = key.removesuffix("_id")
            old, new = ((old_enterprise, locked.enterprise) if key == "enterprise_id"
                        else (before[key], getattr(locked, key)))
            detail[name] = [_display(name, old), _display(name, new)]
        labels = [str(Incident._meta.get_field(name).verbose_name) for name in detail]
        place_moved = bool({"lat", "lon", "region_code", "enterprise_id"} & set(changed))
        _event(locked, actor, EventKind.EDITED, "、".join(labels),
               {"changed": detail, "place_moved": place_moved})
    return locked


def _move_dependants(incident: Incident) -> None:
    """Records that carry the incident's scope follow it to its new place, so that the new township sees the
    incident's tasks, situation reports and files, and the old one no longer does."""
    Task.objects.filter(incident=incident).update(region_code=incident.region_code)
    Sitrep.objects.filter(incident=incident).update(region_code=incident.region_code)
    region_code, enterprise_id = policy.object_scope(incident)
    attachments.for_object(incident).update(region_code=region_code, enterprise_id=enterprise_id)


def add_attachment(actor, incident: Incident, uploaded) -> Any:
    """Attach a photo or a PDF to an incident (scene photos, written reports): type checked by content, stored
    outside the static path, downloadable only within the incident's scope; audited and on the timeline."""
    policy.require(actor, "change", incident)
    with transaction.atomic():
        attachment = attachments.attach(actor, incident, uploaded, purpose="incident")
        _event(incident, actor, EventKind.ATTACHMENT, attachment.original_name,
               {"attachment": attachment.pk, "content_type": attachment.content_type, "size": attachment.size})
    return attachment


def mark_reported(actor, incident: Incident, level: str, data: Mapping[str, Any]) -> ReportingDeadline:
    """Record that the incident was reported to ``level``: who, when, how and to whom."""
    policy.require(actor, "report_up", incident)
    row = incident.deadlines.filter(level=level).first()
    if row is None:
        raise ValidationFailed.from_dict({"level": [f"The reporting chain of this incident has no level {level!r}"]})
    require_fields(data, ["method", "reported_to"])
    reported_at = _aware(data.get("reported_at") or timezone.now(), "reported_at")
    if reported_at > timezone.now() + SKEW:
        raise ValidationFailed.from_dict({"reported_at": [gettext("Cannot be in the future")]})
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


def _reopen(incident: Incident, actor, payload: Mapping[str, Any]) -> dict:
    require_fields(payload, ["reason"])
    return {"closed_at": None}


def _on_applied(incident: Incident, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    text = payload.get("note") or payload.get("summary") or payload.get("reason") or ""
    _event(incident, actor, EventKind.TRANSITION, str(text),
           {"action": t.action, "from": from_state, "to": t.target})


RESPONDERS = frozenset({Role.ADMIN, Role.DUTY_OFFICER, Role.COMMANDER})
CLOSERS = frozenset({Role.ADMIN, Role.COMMANDER})

INCIDENT_WORKFLOW = Workflow(
    model=Incident,
    transitions=[
        Transition("respond", (IncidentState.REPORTED,), IncidentState.RESPONDING, RESPONDERS,
                   label=gettext_lazy("Start the response")),
        Transition("close", (IncidentState.REPORTED, IncidentState.RESPONDING), IncidentState.CLOSED, CLOSERS,
                   label=gettext_lazy("Close with a summary"), check=_close),
        Transition("reopen", (IncidentState.CLOSED,), IncidentState.RESPONDING, CLOSERS,
                   label=gettext_lazy("Reopen with a reason"), check=_reopen),
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
    """Apply a state transition. ``payload["version"]`` (the version a form or client read) makes the workflow's
    compare-and-swap fail with 409 when someone else changed the incident in between."""
    payload = dict(payload or {})
    expected = payload.pop("version", None)
    if expected not in (None, ""):
        _check_version(incident, {"version": expected})
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
        local_due = timezone.localtime(row.due_at).strftime("%H:%M")
        with translation.override(settings.LANGUAGE_CODE):  # a job has no request language: the county's own
            params = {"level": str(ReportingLevel.label(row.level)), "due": local_due, "title": incident.title}
            subject = (gettext("Report to %(level)s OVERDUE since %(due)s: %(title)s") % params
                       if stage == "overdue" else gettext("Report to %(level)s due by %(due)s: %(title)s") % params)
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
    policy.require(actor, "view", Plan)
    plan = policy.get_in_scope_or_field_error(Plan, data.get("plan_id"), actor, "plan_id",
                                              queryset=Plan.objects.filter(is_active=True).select_related("hq"))
    proposed, reasons = plans_module.evaluate(plan, incident)
    if incident.event_type not in (plan.event_types or []):
        errors["plan_id"] = ["The plan does not cover this incident's type"]
    level = data.get("level") or proposed
    if level not in ResponseLevel.ORDER:
        errors["level"] = ["Give the response level (I-IV); the plan's conditions propose none"]
    if errors:
        raise ValidationFailed.from_dict(errors)
    if not incident.is_open:
        raise Conflict(gettext("The incident is closed"))
    now = timezone.now()
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).first()
        if Activation.objects.filter(incident=incident).exists():
            raise Conflict(gettext("A plan is already activated for this incident"))
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


def task_assignees(actor, incident: Incident | None = None):
    """Accounts a task may be given to: those who may act in the incident's jurisdiction (never observers or
    administrators), inside the assigning user's jurisdiction (``policy.acting_users``)."""
    region = (incident.region_code if incident is not None else "") or actor.scope_region_code or ""
    return policy.acting_users(region, within=actor.scope_region_code or "", model=Task)


def create_task(actor, incident: Incident, data: Mapping[str, Any]) -> Task:
    """Assign a task of the response to a unit and/or a person with a deadline."""
    policy.require(actor, "add", Task)
    if not incident.is_open:
        raise Conflict(gettext("The incident is closed"))
    data = dict(data)
    errors = {}
    unit = assignee = None
    if data.get("unit_id"):
        try:
            unit = policy.get_in_scope_or_field_error(Organisation, data["unit_id"], actor, "unit_id")
        except ValidationFailed as exc:
            errors["unit_id"] = [e["message"] for e in exc.errors]
    if data.get("assignee_id"):
        try:
            # Tasks go to accounts that may act in the incident's jurisdiction (services.task_assignees).
            assignee = policy.get_in_scope_or_field_error(
                User, data["assignee_id"], actor, "assignee_id", queryset=task_assignees(actor, incident))
        except ValidationFailed as exc:
            errors["assignee_id"] = [e["message"] for e in exc.errors]
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
            with translation.override(settings.LANGUAGE_CODE):
                subject = gettext("New task: %(title)s") % {"title": task.title}
            notifications.notify([assignee], subject, link=f"/incidents/{incident.pk}/",
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
                   label=gettext_lazy("Acknowledge"), check=_progress, allowed=_is_assignee),
        Transition("start", (TaskState.ACKNOWLEDGED,), TaskState.IN_PROGRESS, frozenset(STAFF_ROLES),
                   label=gettext_lazy("Start"), check=_progress, allowed=_may_work),
        Transition("complete", (TaskState.ACKNOWLEDGED, TaskState.IN_PROGRESS), TaskState.DONE,
                   frozenset(STAFF_ROLES), label=gettext_lazy("Complete"), check=_complete, allowed=_may_work),
    ],
    on_applied=_on_task_applied,
)


def task_actions(task: Task, actor) -> list[str]:
    return [t.action for t in TASK_WORKFLOW.available(task, actor)]


def task_transition(actor, task: Task, action: str, payload: Mapping[str, Any] | None = None) -> Task:
    try:
        return TASK_WORKFLOW.apply(actor, task, action, payload)
    except NotAllowed:
        raise NotAllowed(gettext("Only the assigned person (or a member of the assigned unit) may acknowledge a task; "
                                 "commanders may also start and complete it")) from None


def change_response_level(actor, incident: Incident, data: Mapping[str, Any]) -> Activation:
    """Raise or lower the response level of an activated plan (commanders), with the reason, on the timeline.
    A compare-and-swap on the incident's version refuses a change based on a stale page (409)."""
    policy.require(actor, "activate", incident)
    require_fields(data, ["level", "reason"])
    level = data["level"]
    if level not in ResponseLevel.ORDER:
        raise ValidationFailed.from_dict({"level": [gettext("Choose a response level I-IV")]})
    if not incident.is_open:
        raise Conflict(gettext("The incident is closed"))
    reason = str(data["reason"])[:2000]
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        _check_version(locked, data)
        activation = Activation.objects.filter(incident=locked).select_related("plan").first()
        if activation is None:
            raise Conflict(gettext("No plan is activated for this incident; activate one first"))
        if activation.level == level:
            raise ValidationFailed.from_dict({"level": [f"The response level is already {level}"]})
        rows = Incident.objects.filter(pk=locked.pk, version=locked.version).update(version=locked.version + 1)
        if rows == 0:
            raise Conflict()
        old = activation.level
        Activation.objects.filter(pk=activation.pk).update(level=level)
        activation.level = level
        audit.record(AuditAction.UPDATE, locked, actor=actor, before={"response_level": old},
                     after={"response_level": level}, message=f"response level {old} → {level}: {reason}"[:500])
        _event(locked, actor, EventKind.LEVEL_CHANGED, reason, {"from": old, "to": level})
    return activation


# --- plans ---------------------------------------------------------------------------------------------------

PLAN_FIELDS = ("name", "kind", "region_code", "event_types", "conditions", "hq_id", "standard_tasks", "is_active")


def plan_errors(actor, data: Mapping[str, Any]) -> tuple[dict, dict[str, list[str]]]:
    """(clean field values, field errors) of a plan's data. Condition errors are keyed ``conditions.<level>``
    and task errors ``standard_tasks.<row>`` so forms can show them next to the right input."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "name" in data:
        name = str(data.get("name") or "").strip()
        if not name:
            errors["name"] = ["This field is required"]
        out["name"] = name[:200]
    if "kind" in data:
        if data.get("kind") not in PlanKind.values():
            errors["kind"] = [f"One of {', '.join(PlanKind.values())}"]
        out["kind"] = data.get("kind")
    if "region_code" in data:
        code = str(data.get("region_code") or "")
        if not Region.objects.filter(code=code).exists():
            errors["region_code"] = [f"No region has code {code}"]
        out["region_code"] = code
    if "event_types" in data:
        types = data.get("event_types") or []
        known = {t.key for t in events.types()}
        if not isinstance(types, list) or not types:
            errors["event_types"] = ["Choose at least one incident type"]
        elif unknown := [t for t in types if t not in known]:
            errors["event_types"] = [f"Unknown incident types: {', '.join(map(str, unknown))}"]
        out["event_types"] = list(types) if isinstance(types, list) else []
    if "conditions" in data:
        conditions = data.get("conditions")
        if not isinstance(conditions, dict):
            errors["conditions"] = ["Conditions are an object keyed by response level"]
        else:
            for level, items in conditions.items():
                problems = plans_module.validate_conditions({level: items})
                if problems:
                    key = f"conditions.{level}" if level in ResponseLevel.ORDER else "conditions"
                    errors.setdefault(key, []).extend(problems)
            out["conditions"] = {lv: conditions[lv] for lv in ResponseLevel.ORDER if conditions.get(lv)}
    if "standard_tasks" in data:
        tasks = data.get("standard_tasks") or []
        clean = []
        if not isinstance(tasks, list):
            errors["standard_tasks"] = ["A list of {title, unit, due_minutes}"]
            tasks = []
        for row, item in enumerate(tasks, start=1):
            title = str(item.get("title") or "").strip() if isinstance(item, dict) else ""
            minutes = item.get("due_minutes") if isinstance(item, dict) else None
            if not title:
                errors.setdefault(f"standard_tasks.{row}", []).append(f"Task {row}: give a title")
            if minutes not in (None, "") and (isinstance(minutes, bool) or not isinstance(minutes, int)
                                              or not 0 < minutes <= 60 * 24 * 30):
                errors.setdefault(f"standard_tasks.{row}", []).append(
                    f"Task {row}: the deadline is a whole number of minutes (1-43200)")
            if isinstance(item, dict):
                clean.append({"title": title[:200], "unit": str(item.get("unit") or "")[:100],
                              "due_minutes": minutes if minutes not in (None, "") else None})
        out["standard_tasks"] = clean
    if "hq_id" in data:
        hq = None
        if data.get("hq_id") not in (None, ""):
            try:
                hq = policy.get_in_scope_or_field_error(Organisation, data["hq_id"], actor, "hq_id")
            except ValidationFailed as exc:
                errors["hq_id"] = [e["message"] for e in exc.errors]
        out["hq"] = hq
    if "is_active" in data:
        out["is_active"] = bool(data.get("is_active"))
    return out, errors


def create_plan(actor, data: Mapping[str, Any]) -> Plan:
    """Create an emergency plan (预案) after validating every field, the condition data included."""
    policy.require(actor, "add", Plan)
    data = {"conditions": {}, "standard_tasks": [], "hq_id": None, "is_active": True, **data}
    missing = {f: ["This field is required"] for f in ("name", "kind", "region_code", "event_types")
               if data.get(f) in (None, "", [])}
    values, errors = plan_errors(actor, data)
    errors = missing | errors
    if errors:
        raise ValidationFailed.from_dict(errors)
    return create_object(actor, Plan, values)


def update_plan(actor, plan: Plan, data: Mapping[str, Any]) -> Plan:
    """Change some fields of a plan (the caller fetched it for "change")."""
    policy.require(actor, "change", plan)
    values, errors = plan_errors(actor, {k: v for k, v in data.items() if k in PLAN_FIELDS})
    if errors:
        raise ValidationFailed.from_dict(errors)
    return update_object(actor, plan, values)


# --- situation reports ---------------------------------------------------------------------------------------


def _deployed_teams(actor, incident: Incident) -> list[str]:
    """Rescue teams recorded as deployed (出动) to the incident, when the resources app keeps such records."""
    try:
        model = apps.get_model("resources", "TeamActivity")
    except LookupError:
        return []
    if not policy.can(actor, "view", model):
        return []
    rows = (model.objects.filter(policy.scope_q(actor, model), incident=incident, kind="deployment")
            .select_related("team").order_by("date", "id"))
    return [f"{r.team.name}（{r.team.headcount}人）" if r.team.headcount else r.team.name for r in rows]


def _sitrep_prefill(actor, incident: Incident) -> dict:
    """The text of a new situation report, from the incident's current state."""
    i = incident
    activation = (Activation.objects.filter(incident=i).select_related("plan", "hq")
                  .prefetch_related("member_units").first())
    grade = AccidentGrade.label(i.grade)
    when = timezone.localtime(i.occurred_at).strftime("%Y-%m-%d %H:%M")
    situation = f"{when} {place_text(i)} {i.title}. {i.description}".strip()
    casualties = (f"死亡 {i.deaths} 人，失踪 {i.missing} 人，重伤 {i.serious_injuries} 人，轻伤 {i.minor_injuries} 人，"
                  f"被困 {i.trapped} 人，直接经济损失 {i.direct_loss_yuan} 元；事故等级：{grade}。")
    response_lines = []
    if activation is not None:
        response_lines.append(f"已启动《{activation.plan.name}》{ResponseLevel.label(activation.level)}"
                              f"（{timezone.localtime(activation.activated_at):%m-%d %H:%M}）。")
        if activation.hq_id:
            response_lines.append(f"指挥部：{activation.hq.name}。")
    reported = [d for d in i.deadlines.all() if d.reported_at]
    for d in reported:
        response_lines.append(f"{timezone.localtime(d.reported_at):%m-%d %H:%M} 已报{ReportingLevel.label(d.level)}"
                              f"（{d.method} → {d.reported_to}）。")
    tasks = list(Task.objects.filter(incident=i).select_related("unit", "assignee").order_by("created_at", "id"))
    task_lines = [f"{n}. {t.title}（{t.unit or t.assignee or '—'}）：{TaskState.label(t.state)}"
                  + (f"，{t.progress}" if t.progress else "") for n, t in enumerate(tasks, start=1)]
    units = [u.short_name or u.name for u in activation.member_units.all()] if activation is not None else []
    teams = _deployed_teams(actor, i)
    resources = "\n".join(filter(None, ["出动单位：" + "、".join(units) if units else "",
                                          "出动救援队伍：" + "、".join(teams) if teams else ""]))
    snapshot = {**{k: str(getattr(i, k)) for k in FIGURES}, "grade": i.grade, "state": i.state,
                "response_level": activation.level if activation is not None else None,
                "tasks": len(tasks), "tasks_done": sum(1 for t in tasks if t.state == TaskState.DONE)}
    return {"situation": situation[:10000], "casualties": casualties, "response": "\n".join(response_lines),
            "tasks_status": "\n".join(task_lines), "resources": resources,
            "snapshot": snapshot}


SITREP_TEXT_FIELDS = ("title", "situation", "casualties", "response", "tasks_status", "resources", "next_steps")


def draft_sitrep(actor, incident: Incident) -> Sitrep:
    """Draft the next situation report (第N期) of an incident, pre-filled from its current state. One draft at a
    time, so issued reports are numbered without gaps."""
    policy.require(actor, "add", Sitrep)
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        if Sitrep.objects.filter(incident=locked, state=SitrepState.DRAFT).exists():
            raise Conflict(gettext("A draft situation report of this incident exists; issue or edit it first"))
        seq = (Sitrep.objects.filter(incident=locked).order_by("-seq").values_list("seq", flat=True).first()
               or 0) + 1
        values = _sitrep_prefill(actor, locked)
        sitrep = create_object(actor, Sitrep, {
            **values, "incident": locked, "region_code": locked.region_code, "seq": seq,
            "title": f"关于{locked.title}的情况报告（第{seq}期）"[:200], "created_by": actor}, check_scope=False)
    return sitrep


def update_sitrep(actor, sitrep: Sitrep, data: Mapping[str, Any]) -> Sitrep:
    """Edit a draft; an issued report answers 409."""
    policy.require(actor, "change", sitrep)
    values = {k: str(data[k]) for k in SITREP_TEXT_FIELDS if k in data and data[k] is not None}
    if "title" in values and not values["title"].strip():
        raise ValidationFailed.from_dict({"title": [gettext("This field is required")]})
    values = {k: v for k, v in values.items() if v != getattr(sitrep, k)}
    if not values and sitrep.is_draft:
        return sitrep  # saved unchanged: no new version, no audit record
    with transaction.atomic():
        before = {k: getattr(sitrep, k) for k in values}
        rows = Sitrep.objects.filter(pk=sitrep.pk, state=SitrepState.DRAFT, version=sitrep.version).update(
            version=sitrep.version + 1, **values)
        if rows == 0:
            current = Sitrep.objects.filter(pk=sitrep.pk).values_list("state", flat=True).first()
            raise Conflict(gettext("An issued situation report cannot be changed") if current == SitrepState.ISSUED
                           else "Someone else changed this report first; reload and try again")
        sitrep.refresh_from_db()
        audit.record(AuditAction.UPDATE, sitrep, actor=actor, before=before,
                     after={k: getattr(sitrep, k) for k in values})
    return sitrep


def _issue(sitrep: Sitrep, actor, payload: Mapping[str, Any]) -> dict:
    if not sitrep.title.strip():
        raise ValidationFailed.from_dict({"title": [gettext("This field is required")]})
    return {"issued_at": timezone.now(), "issued_by_id": actor.pk}


def _on_sitrep_issued(sitrep: Sitrep, t: Transition, actor, payload: Mapping[str, Any], from_state: str) -> None:
    _event(sitrep.incident, actor, EventKind.SITREP, sitrep.title, {"sitrep": sitrep.pk, "seq": sitrep.seq})


SITREP_WORKFLOW = Workflow(
    model=Sitrep,
    transitions=[Transition("issue", (SitrepState.DRAFT,), SitrepState.ISSUED, frozenset(SITREP_ROLES),
                            label=pgettext_lazy("document", "Issue"), check=_issue)],
    on_applied=_on_sitrep_issued,
)


def issue_sitrep(actor, sitrep: Sitrep, payload: Mapping[str, Any] | None = None) -> Sitrep:
    """Issue a draft (recorded on the incident timeline); from then on it never changes."""
    policy.require(actor, "issue", sitrep)
    payload = dict(payload or {})
    expected = payload.get("version")
    if expected not in (None, "") and str(expected) != str(sitrep.version):
        raise Conflict(gettext("Someone else changed this report after you opened it; reload and try again"))
    return SITREP_WORKFLOW.apply(actor, sitrep, "issue", payload)


def sitrep_actions(sitrep: Sitrep, actor) -> list[str]:
    return [t.action for t in SITREP_WORKFLOW.available(sitrep, actor)]


# --- recommended resources ------------------------------------------------------------------------------------


def recommended_resources(user, incident: Incident) -> dict:
    """The resources app's recommendation for the incident (teams, stocked warehouses, shelters nearest to its
    point, within the user's scope). Computed from the current point on every call, so a moved incident gets
    the resources near its new place; empty when the incident has no point or the resources app is absent."""
    if not apps.is_installed("yingji.resources"):
        return {"located": False, "capability": None, "teams": [], "warehouses": [], "shelters": [],
                "allowed": False}
    from yingji.resources import services as resources

    return resources.recommend_for_incident(user, incident)


# How this module's audit messages read on pages.
audit.message_pattern(r"follow-up report #(?P<seq>\d+)", gettext_lazy("Follow-up report no. %(seq)s"))
audit.message_pattern(r"reported to (?P<level>\w+)", lambda level: gettext_lazy("Reported to the %(level)s level")
                      % {"level": ReportingLevel.label(level)})
audit.message_pattern(r"plan activated: (?P<plan>.*) level (?P<level>\w+)",
                      lambda plan, level: gettext_lazy("Plan activated: %(plan)s, %(level)s")
                      % {"plan": plan, "level": ResponseLevel.label(level)})
audit.message_pattern(r"response level (?P<old>\w+) → (?P<new>\w+): (?P<reason>.*)",
                      lambda old, new, reason: gettext_lazy("Response level %(old)s → %(new)s: %(reason)s")
                      % {"old": ResponseLevel.label(old), "new": ResponseLevel.label(new), "reason": reason})


# --- natural-disaster grading (issue 16 §0) ---

def regrade_by_rules(actor, incident: Incident, note: str = "") -> Incident:
    """Grade the incident again by its category's rules with what is known now (for a natural disaster, the
    county's latest disaster report and the county relief plan's thresholds): a changed grade is stored, put on
    the timeline and its reporting chain re-synced. Work-safety accidents are regraded only by their figures, as
    before, so this leaves them alone."""
    if not grading.is_natural_disaster(incident.category):
        return incident
    with transaction.atomic():
        locked = Incident.objects.select_for_update().get(pk=incident.pk)
        return _regrade(locked, actor, note)


def _regrade(locked: Incident, actor, note: str = "") -> Incident:
    """Grade a locked incident by its (possibly new) category's rules; a determination or public-health kind the
    new category does not take is cleared. A changed grade is stored, audited, on the timeline; the unreported
    deadlines follow the category's chain either way."""
    scheme = grading.scheme(locked.category)
    kind = locked.health_kind if scheme == "public_health" else ""
    declared = locked.declared_grade if scheme in ("public_health", "social_security") else ""
    grade, chain = grade_and_deadlines(locked.deaths, locked.serious_injuries, locked.direct_loss_yuan,
                                       locked.occurred_at, category=locked.category, missing=locked.missing,
                                       region_code=locked.region_code, incident=locked, cases=locked.cases,
                                       health_kind=kind, declared_grade=declared)
    old = locked.grade
    if (grade, kind, declared) != (locked.grade, locked.health_kind, locked.declared_grade):
        Incident.objects.filter(pk=locked.pk).update(grade=grade, health_kind=kind, declared_grade=declared,
                                                     version=locked.version + 1)
        locked.refresh_from_db()
    added = _sync_deadlines(locked, chain)
    if grade != old:
        audit.record(AuditAction.UPDATE, locked, actor=actor, before={"grade": old}, after={"grade": grade},
                     message=note[:200] or "regraded")
        _event(locked, actor, EventKind.REGRADED, note, {"from": old, "to": grade, "levels_added": added})
    return locked

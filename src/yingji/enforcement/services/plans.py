"""Supervision classes (分类分级) and the annual inspection plan (年度监督检查计划).

Plan workflow (``PLAN_WORKFLOW``; compare-and-swap, audit record):

=========  ========================  =========================================
action     from → to                 who may
=========  ========================  =========================================
approve    draft → approved          admin, section_staff
reopen     approved → draft          admin, section_staff (a reason)
publish    approved → published      admin, section_staff
=========  ========================  =========================================

A plan is drawn up (``create_plan``) for the county or a township and a year: every operating enterprise of the
place gets its class for the year (computed by ``standards.supervision_class`` unless already stored; a staff
override is kept) and an item with its visits spread over the months. While the plan is a draft, overriding an
enterprise's class re-plans its item.

Planned against done. "Done" comes from the inspections area, read through one function, :func:`done_counts`
(THE SEAM: see its docstring); :func:`progress` compares it with the plan by month and township.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, pgettext

from yingji.core import audit, policy
from yingji.core.choices import AuditAction
from yingji.core.errors import Conflict, ValidationFailed
from yingji.core.models import Region
from yingji.core.workflow import Transition, Workflow
from yingji.enterprises.choices import EnterpriseStatus
from yingji.enterprises.models import Enterprise
from yingji.incidents.models import Incident
from yingji.prevention.choices import HazardLevel, RiskColour
from yingji.prevention.models import Hazard, RiskPoint
from yingji.standards import supervision_class as rules

from ..choices import CaseState, InspectionState, PlanState, SupervisionClassChoice
from ..models import SUPERVISORS, AnnualInspectionPlan, Inspection, PenaltyCase, PlanItem, SupervisionClass

MAX_TEXT = 2000
#: The record the grading reads: the twelve months before the computation.
RECORD_WINDOW = datetime.timedelta(days=365)
#: Enterprise sector flags → the sector keys of ``standards.supervision_class``.
SECTOR_FLAGS = {
    "hazardous_chemicals": ("hazchem_production", "hazchem_business", "hazchem_use"),
    "fireworks": ("fireworks",), "non_coal_mine": ("non_coal_mine",), "tailings_pond": ("tailings_pond",),
    "metallurgy": ("metallurgy",), "ammonia_refrigeration": ("ammonia_refrigeration",),
    "combustible_dust": ("combustible_dust",), "confined_space": ("confined_space",),
}
_COLOUR_RANK = {RiskColour.RED: 0, RiskColour.ORANGE: 1, RiskColour.YELLOW: 2, RiskColour.BLUE: 3}
MONTHS = tuple(range(1, 13))


# --- the seams to areas built elsewhere --------------------------------------------------------------------------


def done_counts(plan: AnnualInspectionPlan) -> dict[tuple[int, int], int]:
    """Inspections done for a plan: ``{(enterprise_id, month): number}`` — the plan's enterprises' inspections
    recorded or closed in the plan's year, by the local month they finished."""
    start = timezone.make_aware(datetime.datetime(plan.year, 1, 1))
    end = timezone.make_aware(datetime.datetime(plan.year + 1, 1, 1))
    counts: dict[tuple[int, int], int] = {}
    rows = (Inspection.objects.filter(enterprise_id__in=plan.items.values("enterprise_id"),
                                      state__in=(InspectionState.RECORDED, InspectionState.CLOSED),
                                      finished_at__gte=start, finished_at__lt=end)
            .values_list("enterprise_id", "finished_at"))
    for enterprise_id, finished in rows:
        key = (enterprise_id, timezone.localtime(finished).month)
        counts[key] = counts.get(key, 0) + 1
    return counts


def penalty_counts(enterprise_ids, since: datetime.datetime) -> dict[int, int]:
    """Administrative penalties decided since ``since``, per enterprise id (the grading's record input): cases
    decided (and not revoked) on or after that day."""
    decided = (CaseState.DECIDED, CaseState.SERVED, CaseState.PAID, CaseState.CLOSED)
    rows = (PenaltyCase.objects.filter(enterprise_id__in=list(enterprise_ids), state__in=decided,
                                       decided_on__gte=timezone.localtime(since).date())
            .values("enterprise_id").annotate(n=Count("id")))
    return {r["enterprise_id"]: r["n"] for r in rows}


# --- classification ----------------------------------------------------------------------------------------------


def _sectors(enterprise: Enterprise) -> frozenset[str]:
    return frozenset(key for key, flags in SECTOR_FLAGS.items() if any(getattr(enterprise, f) for f in flags))


def classification_inputs(enterprises: list[Enterprise], now: datetime.datetime | None = None
                          ) -> dict[int, rules.ClassInputs]:
    """What the grading reads for each enterprise: highest risk colour (prevention's risk points), highest major
    hazard level (the archive), sectors (the archive's flags), and the last twelve months' accidents (incidents
    tied to the enterprise), 重大事故隐患 (prevention's hazards graded major) and penalties (:func:`penalty_counts`)."""
    now = now or timezone.now()
    since = now - RECORD_WINDOW
    ids = [e.pk for e in enterprises]
    colours: dict[int, str] = {}
    for enterprise_id, colour in RiskPoint.objects.filter(enterprise_id__in=ids).values_list("enterprise_id",
                                                                                            "colour"):
        best = colours.get(enterprise_id)
        if best is None or _COLOUR_RANK.get(colour, 9) < _COLOUR_RANK.get(best, 9):
            colours[enterprise_id] = colour
    accidents: dict[int, int] = defaultdict(int)
    for enterprise_id in Incident.objects.filter(enterprise_id__in=ids, occurred_at__gte=since,
                                                 occurred_at__lte=now).values_list("enterprise_id", flat=True):
        accidents[enterprise_id] += 1
    majors: dict[int, int] = defaultdict(int)
    for enterprise_id in Hazard.objects.filter(enterprise_id__in=ids, level=HazardLevel.MAJOR, found_at__gte=since,
                                               found_at__lte=now).values_list("enterprise_id", flat=True):
        majors[enterprise_id] += 1
    penalties = penalty_counts(ids, since)
    return {e.pk: rules.ClassInputs(
        risk_colour=colours.get(e.pk), major_hazard_level=e.major_hazard_level, sectors=_sectors(e),
        accidents=accidents[e.pk], major_hazards=majors[e.pk], penalties=penalties.get(e.pk, 0))
        for e in enterprises}


def _inputs_json(inputs: rules.ClassInputs) -> dict:
    return {"risk_colour": inputs.risk_colour, "major_hazard_level": inputs.major_hazard_level,
            "sectors": sorted(inputs.sectors), "accidents": inputs.accidents, "major_hazards": inputs.major_hazards,
            "penalties": inputs.penalties}


def classify(actor, enterprises: list[Enterprise], year: int) -> dict[int, SupervisionClass]:
    """The stored class of each enterprise for ``year``, computing (and storing, audited) those not yet stored.
    Stored classes are kept as they are: a recomputation is :func:`recompute_class`."""
    stored = {c.enterprise_id: c for c in SupervisionClass.objects.filter(
        enterprise__in=enterprises, year=year)}
    missing = [e for e in enterprises if e.pk not in stored]
    if missing:
        inputs = classification_inputs(missing)
        now = timezone.now()
        for enterprise in missing:
            result = rules.grade(inputs[enterprise.pk])
            record = SupervisionClass.objects.create(
                enterprise=enterprise, year=year, region_code=enterprise.region_code,
                computed_class=result.supervision_class, computed_reason=result.reason,
                inputs=_inputs_json(inputs[enterprise.pk]), computed_at=now)
            audit.record(AuditAction.CREATE, record, actor=actor,
                         after={"computed_class": record.computed_class, "reason": record.computed_reason})
            stored[enterprise.pk] = record
    return stored


def recompute_class(actor, record: SupervisionClass) -> SupervisionClass:
    """Grade the enterprise again from today's data (an override stays in force)."""
    policy.require(actor, "change", record)
    enterprise = record.enterprise
    inputs = classification_inputs([enterprise])[enterprise.pk]
    result = rules.grade(inputs)
    before = {"computed_class": record.computed_class, "reason": record.computed_reason}
    with transaction.atomic():
        record.computed_class, record.computed_reason = result.supervision_class, result.reason
        record.inputs, record.computed_at = _inputs_json(inputs), timezone.now()
        record.save(update_fields=["computed_class", "computed_reason", "inputs", "computed_at"])
        audit.record_change(AuditAction.UPDATE, record, before,
                            {"computed_class": record.computed_class, "reason": record.computed_reason},
                            actor=actor, message="recompute")
        _replan_drafts(record)
    return record


def _text(data: Mapping[str, Any], name: str, *, required: bool = False, max_length: int = MAX_TEXT) -> str:
    value = data.get(name)
    value = "" if value is None else value
    if not isinstance(value, str):
        raise ValidationFailed.from_dict({name: [gettext("Give text")]})
    value = value.strip()
    if "\x00" in value:
        raise ValidationFailed.from_dict({name: [gettext("Must not contain NUL characters")]})
    if required and not value:
        raise ValidationFailed.from_dict({name: [gettext("This field is required.")]})
    if len(value) > max_length:
        raise ValidationFailed.from_dict({name: [gettext("At most %(n)s characters") % {"n": max_length}]})
    return value


def override_class(actor, record: SupervisionClass, data: Mapping[str, Any]) -> SupervisionClass:
    """Set (or, with an empty class, clear) the class staff decided for the enterprise, with a written reason.
    Audited; a draft plan of the year re-plans the enterprise's item."""
    policy.require(actor, "change", record)
    new_class = data.get("override_class", record.override_class) or ""
    if new_class not in ("", *SupervisionClassChoice.values()):
        raise ValidationFailed.from_dict({"override_class": [gettext("Choose one of A, B, C or D")]})
    reason = _text(data, "override_reason")
    if new_class == record.override_class and reason == record.override_reason:
        return record  # saved unchanged
    if not reason:
        raise ValidationFailed.from_dict({"override_reason": [gettext("Give the reason for the class")]})
    before = {"override_class": record.override_class, "override_reason": record.override_reason}
    with transaction.atomic():
        record.override_class = new_class
        record.override_reason = reason
        record.overridden_by, record.overridden_at = actor, timezone.now()
        record.save(update_fields=["override_class", "override_reason", "overridden_by", "overridden_at"])
        audit.record_change(AuditAction.UPDATE, record, before,
                            {"override_class": new_class, "override_reason": reason}, actor=actor,
                            message=f"class: {reason}"[:500])
        _replan_drafts(record)
    return record


def _item_values(enterprise: Enterprise, supervision_class: str) -> dict:
    key_visits, random_visits = rules.frequency(supervision_class)
    months = rules.spread_months(key_visits + random_visits, offset=enterprise.pk)
    # Key visits take the first planned months, random visits the rest; both stay spread over the year.
    return {"supervision_class": supervision_class, "key_visits": key_visits, "random_visits": random_visits,
            "key_months": months[:key_visits], "random_months": months[key_visits:]}


def _replan_drafts(record: SupervisionClass) -> None:
    items = PlanItem.objects.filter(enterprise_id=record.enterprise_id, plan__year=record.year,
                                    plan__state=PlanState.DRAFT).select_related("enterprise")
    for item in items:
        values = _item_values(item.enterprise, record.supervision_class)
        for name, value in values.items():
            setattr(item, name, value)
        item.save(update_fields=list(values))


# --- plans -------------------------------------------------------------------------------------------------------


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ValidationFailed.from_dict({"year": [gettext("Give a year")]}) from None
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        raise ValidationFailed.from_dict({"year": [gettext("A plan is drawn up for last year, this year or next "
                                                           "year")]})
    return year


def create_plan(actor, data: Mapping[str, Any]) -> AnnualInspectionPlan:
    """Draw up the plan of a county or township for a year: class every operating enterprise of the place and
    plan its visits. One plan per place and year (422 on ``year`` otherwise)."""
    policy.require(actor, "add", AnnualInspectionPlan)
    year = _year(data.get("year"))
    code = str(data.get("region_code") or actor.scope_region_code or "").strip()
    region = policy.get_in_scope_or_field_error(
        Region, Region.objects.filter(code=code, level__in=["county", "township"]).values_list("pk", flat=True)
        .first(), actor, "region_code")
    if AnnualInspectionPlan.objects.filter(year=year, region_code=region.code).exists():
        raise ValidationFailed.from_dict({"year": [gettext("This place already has a plan for that year")]})
    title = _text(data, "title", max_length=200)
    if not title:
        with translation.override(settings.LANGUAGE_CODE):  # stored text: the platform's language
            title = gettext("%(year)s annual inspection plan of %(place)s") % {"year": year, "place": region.name}
    note = _text(data, "note")
    enterprises = list(Enterprise.objects.filter(region_code__startswith=region.code,
                                                 status=EnterpriseStatus.OPERATING).order_by("pk"))
    with transaction.atomic():
        plan = AnnualInspectionPlan.objects.create(year=year, region_code=region.code, title=title, note=note,
                                                   created_by=actor)
        classes = classify(actor, enterprises, year)
        PlanItem.objects.bulk_create([
            PlanItem(plan=plan, enterprise=e, region_code=e.region_code, township_code=e.region_code[:9],
                     **_item_values(e, classes[e.pk].supervision_class)) for e in enterprises])
        audit.record(AuditAction.CREATE, plan, actor=actor,
                     after={"year": year, "region_code": region.code, "items": len(enterprises)})
    return plan


def update_plan(actor, plan: AnnualInspectionPlan, data: Mapping[str, Any]) -> AnnualInspectionPlan:
    """Change a draft plan's title or note."""
    policy.require(actor, "change", plan)
    if plan.state != PlanState.DRAFT:
        raise Conflict(gettext("Only a draft plan can be edited"))
    changes = {name: _text(data, name, required=name == "title", max_length=200 if name == "title" else MAX_TEXT)
               for name in ("title", "note") if name in data}
    before = {k: getattr(plan, k) for k in changes}
    changes = {k: v for k, v in changes.items() if v != before[k]}
    if not changes:
        return plan
    with transaction.atomic():
        for name, value in changes.items():
            setattr(plan, name, value)
        plan.save(update_fields=list(changes))
        audit.record_change(AuditAction.UPDATE, plan, {k: before[k] for k in changes}, changes, actor=actor)
    return plan


def _approve(plan, actor, payload) -> dict:
    if not plan.items.exists():
        raise ValidationFailed.from_dict({"items": [gettext("A plan without enterprises cannot be approved")]})
    return {"approved_by": actor, "approved_at": timezone.now()}


def _reopen(plan, actor, payload) -> dict:
    _text(payload, "reason", required=True)
    return {"approved_by": None, "approved_at": None}


def _publish(plan, actor, payload) -> dict:
    return {"published_at": timezone.now()}


PLAN_WORKFLOW = Workflow(
    model=AnnualInspectionPlan,
    transitions=[
        Transition("approve", (PlanState.DRAFT,), PlanState.APPROVED, frozenset(SUPERVISORS),
                   label=gettext_lazy("Approve the plan"), check=_approve),
        Transition("reopen", (PlanState.APPROVED,), PlanState.DRAFT, frozenset(SUPERVISORS),
                   label=gettext_lazy("Return the plan to draft"), check=_reopen),
        Transition("publish", (PlanState.APPROVED,), PlanState.PUBLISHED, frozenset(SUPERVISORS),
                   label=gettext_lazy("Publish the plan"), check=_publish),
    ],
)


def act_on_plan(actor, plan: AnnualInspectionPlan, action: str, payload: Mapping[str, Any] | None = None
                ) -> AnnualInspectionPlan:
    return PLAN_WORKFLOW.apply(actor, plan, action, payload)


# --- planned against done ----------------------------------------------------------------------------------------


def visible_items(user, plan: AnnualInspectionPlan):
    """The plan's items the viewer may see (a township's staff: their township's)."""
    return PlanItem.objects.for_user(user).filter(plan=plan)


def progress(plan: AnnualInspectionPlan, user) -> dict:
    """Planned against done for the items the viewer sees: per township and month (``rows``), per month for all
    (``totals``), the class distribution, and overall figures. Done counts come from :func:`done_counts` only;
    an enterprise's inspections beyond its plan count as done too (extra visits are work done)."""
    items = list(visible_items(user, plan).values_list("enterprise_id", "township_code", "supervision_class",
                                                       "key_months", "random_months"))
    enterprise_township = {e: t for e, t, _c, _k, _r in items}
    planned: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys(MONTHS, 0))
    done: dict[str, dict[int, int]] = defaultdict(lambda: dict.fromkeys(MONTHS, 0))
    key_total = random_total = 0
    for _e, township, _c, key_months, random_months in items:
        for month in [*key_months, *random_months]:
            planned[township][month] += 1
        key_total += len(key_months)
        random_total += len(random_months)
    for (enterprise_id, month), n in done_counts(plan).items():
        township = enterprise_township.get(enterprise_id)
        if township is not None and month in MONTHS and n > 0:
            done[township][month] += n
    townships = sorted(set(planned) | set(done))
    names = dict(Region.objects.filter(code__in=townships).values_list("code", "name"))
    rows = []
    for code in townships:
        cells = [{"month": m, "planned": planned[code][m], "done": done[code][m]} for m in MONTHS]
        rows.append({"code": code, "name": names.get(code, code), "cells": cells,
                     "planned": sum(c["planned"] for c in cells), "done": sum(c["done"] for c in cells),
                     "enterprises": sum(1 for _e, t, *_ in items if t == code)})
    totals = [{"month": m, "planned": sum(planned[t][m] for t in townships),
               "done": sum(done[t][m] for t in townships)} for m in MONTHS]
    planned_all = sum(t["planned"] for t in totals)
    done_all = sum(t["done"] for t in totals)
    return {
        "rows": rows, "totals": totals, "planned": planned_all, "done": done_all,
        "rate": round(100 * done_all / planned_all) if planned_all else None,
        "key_visits": key_total, "random_visits": random_total, "enterprises": len(items),
        "distribution": rules.distribution(c for _e, _t, c, _k, _r in items),
    }


def progress_table(plan: AnnualInspectionPlan, user) -> tuple[list[str], list[list]]:
    """The month × township table as plain rows (header, rows) for the export: planned/done per month."""
    data = progress(plan, user)
    header = [pgettext("plan", "Township"), gettext("Enterprises")]
    for m in MONTHS:
        header += [gettext("Month %(m)s planned") % {"m": m}, gettext("Month %(m)s done") % {"m": m}]
    header += [gettext("Planned in the year"), gettext("Done in the year")]
    rows = []
    for row in data["rows"]:
        line: list = [row["name"], row["enterprises"]]
        for cell in row["cells"]:
            line += [cell["planned"], cell["done"]]
        rows.append([*line, row["planned"], row["done"]])
    total: list = [gettext("Total"), data["enterprises"]]
    for cell in data["totals"]:
        total += [cell["planned"], cell["done"]]
    rows.append([*total, data["planned"], data["done"]])
    return header, rows


audit.message_pattern(r"class: (?P<reason>.*)", gettext_lazy("Supervision class set: %(reason)s"))
audit.message_pattern(r"recompute", gettext_lazy("Supervision class recomputed"))

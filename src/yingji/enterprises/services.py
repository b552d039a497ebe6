"""Services for the enterprise registry (the only writers): enterprises, their licences, their units with the
hazardous chemicals in them, and the GB 18218 assessments computed whenever a unit's inputs change."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from yingji.core import audit, policy
from yingji.core.choices import AuditAction
from yingji.core.errors import Conflict, NotAllowed, NotFound, ValidationFailed
from yingji.core.models import Organisation
from yingji.core.services import create_object, delete_object, update_object, validation_failed
from yingji.standards import gb18218

from . import industries
from .choices import AssessmentReason
from .models import (
    SUPERVISOR_KINDS,
    CustodianCheck,
    Enterprise,
    Licence,
    MajorHazardAssessment,
    MajorHazardFiling,
    Unit,
    UnitChemical,
)

#: Derived from the units' assessments; nobody sets them by hand.
DERIVED_FIELDS = {"major_hazard", "major_hazard_level"}
#: The supervision classification (监管分类): the sector and the special-hazard flags that decide which rules and
#: inspections apply to an enterprise.
SUPERVISION_FIELDS = {"sector", "hazchem_production", "hazchem_business", "hazchem_use", "fireworks",
                      "non_coal_mine", "tailings_pond", "metallurgy", "ammonia_refrigeration", "combustible_dust",
                      "confined_space"}
#: An enterprise keeps its own profile current; its identity (name, credit code), place, status, supervising
#: department and supervision classification are the bureau's record, changed by the regulator.
BUREAU_FIELDS = {"name", "credit_code", "region_code", "status", "supervising_unit", "supervising_unit_id"} \
    | SUPERVISION_FIELDS


def _refuse_derived(data: Mapping[str, Any]) -> None:
    derived = DERIVED_FIELDS & set(data)
    if derived:
        raise ValidationFailed.from_dict({k: ["Derived from the units' GB 18218 assessments; it cannot be set"]
                                          for k in sorted(derived)})
    section, division = data.get("industry_section"), data.get("industry_division")
    if section and division and industries.SECTION_OF_DIVISION.get(division, section) != section:
        raise ValidationFailed.from_dict({"industry_division": [
            f"Division {division} belongs to section {industries.SECTION_OF_DIVISION[division]}, not {section}"]})


def _require_enterprise_in_scope(actor, enterprise: Enterprise) -> None:
    if not policy.in_scope(actor, enterprise):
        raise NotFound(f"enterprise {enterprise.pk} not found")


# --- enterprises -----------------------------------------------------------------------------------------------


def _supervisor(actor, data: Mapping[str, Any]) -> dict:
    """The supervising department by id: the bureau and the safety-committee member units are county-wide and
    may be named from any jurisdiction; any other id answers like an unknown one."""
    data = dict(data)
    if data.get("supervising_unit_id") is not None:
        supervisors = models.Q(kind__in=SUPERVISOR_KINDS)
        data["supervising_unit"] = policy.get_in_scope_or_field_error(
            Organisation, data.pop("supervising_unit_id"), actor, "supervising_unit_id", widen=supervisors)
    return data


def create_enterprise(actor, data: Mapping[str, Any]) -> Enterprise:
    _refuse_derived(data)
    return create_object(actor, Enterprise, _supervisor(actor, data))


def update_enterprise(actor, enterprise: Enterprise, data: Mapping[str, Any]) -> Enterprise:
    _refuse_derived(data)
    if actor.enterprise_id and not policy.can(actor, "manage", Enterprise):
        changed = sorted(name for name in BUREAU_FIELDS & set(data) if _differs(enterprise, name, data[name]))
        if changed:
            message = _("Only the supervising bureau changes this field")
            raise NotAllowed(_("These fields are the bureau's record: %(fields)s") % {"fields": ", ".join(changed)},
                             [{"field": name, "message": message} for name in changed])
    return update_object(actor, enterprise, _supervisor(actor, data))


def _differs(enterprise: Enterprise, name: str, value) -> bool:
    """Whether setting ``name`` to ``value`` changes the enterprise (resending an unchanged value is harmless)."""
    if name in ("supervising_unit", "supervising_unit_id"):
        current = enterprise.supervising_unit_id
        value = value.pk if isinstance(value, models.Model) else value
        return str(value or "") != str(current or "")
    return getattr(enterprise, name) != value


def find_by_credit_code(code: str) -> Enterprise | None:
    return Enterprise.objects.filter(credit_code=code).first()


def refresh_major_hazard(actor, enterprise: Enterprise) -> None:
    """Set the enterprise's derived major-hazard flag and highest level from its units (audited when they change)."""
    agg = Unit.objects.filter(enterprise_id=enterprise.pk, is_major=True).aggregate(n=Count("id"), top=Min("level"))
    after = {"major_hazard": agg["n"] > 0, "major_hazard_level": agg["top"]}
    current = Enterprise.objects.filter(pk=enterprise.pk).values("major_hazard", "major_hazard_level").first()
    if current is None or current == after:
        return
    Enterprise.objects.filter(pk=enterprise.pk).update(**after)
    enterprise.major_hazard, enterprise.major_hazard_level = after["major_hazard"], after["major_hazard_level"]
    audit.record(AuditAction.UPDATE, enterprise, actor=actor, before=current, after=after,
                 message="Derived from the units' GB 18218 assessments")


@dataclasses.dataclass
class RegistryRow:
    """One checked row of a registry import: the enterprise it updates (or None to create one), the field values
    to set, and optionally a licence ``{"kind", "number", "issuer"?, "expires_on"?}`` to create or update."""

    values: dict
    existing: Enterprise | None = None
    licence: dict | None = None


@dataclasses.dataclass
class RegistryWriteResult:
    created: int = 0
    updated: int = 0
    licences: int = 0


def write_registry(actor, rows: list[RegistryRow]) -> RegistryWriteResult:
    """Write checked import rows in one transaction, in bulk, with one audit record per changed object.

    The caller (``importing``) has checked every row against the model and the actor's jurisdiction; this writes
    them together so that thousands of rows fit in one request. A concurrent change that breaks a constraint
    (the same credit code registered meanwhile) fails the whole write with 409.
    """
    policy.require(actor, "add", Enterprise)
    policy.require(actor, "change", Enterprise)
    result = RegistryWriteResult()
    try:
        with transaction.atomic():
            targets = _write_enterprises(actor, rows, result)
            _write_licences(actor, rows, targets, result)
    except IntegrityError as exc:
        raise Conflict(f"The import conflicts with a change made meanwhile: {exc}") from None
    return result


def _write_enterprises(actor, rows: list[RegistryRow], result: RegistryWriteResult) -> list[Enterprise]:
    targets, new, changed, befores, fields = [], [], [], {}, set()
    for row in rows:
        _refuse_derived(row.values)
        if row.existing is None:
            enterprise = Enterprise(**row.values)
            enterprise.check_values()
            new.append(enterprise)
        else:
            enterprise = row.existing
            before = audit.snapshot(enterprise)
            for key, value in row.values.items():
                setattr(enterprise, key, value)
            enterprise.check_values()
            after = audit.snapshot(enterprise)
            if after != before:
                befores[id(enterprise)] = before
                changed.append(enterprise)
                fields |= {k for k in after if after[k] != before.get(k)}
        targets.append(enterprise)
    Enterprise.objects.bulk_create(new, batch_size=500)
    for enterprise in new:
        audit.record_change(AuditAction.CREATE, enterprise, None, audit.snapshot(enterprise), actor=actor)
    if changed:
        Enterprise.objects.bulk_update(changed, sorted(fields), batch_size=500)
    for enterprise in changed:
        audit.record_change(AuditAction.UPDATE, enterprise, befores[id(enterprise)], audit.snapshot(enterprise),
                            actor=actor)
    result.created, result.updated = len(new), len(changed)
    return targets


def _write_licences(actor, rows: list[RegistryRow], targets: list[Enterprise], result: RegistryWriteResult) -> None:
    wanted = [(enterprise, row.licence) for row, enterprise in zip(rows, targets, strict=True) if row.licence]
    if not wanted:
        return
    existing = {(lic.enterprise_id, lic.kind, lic.number): lic for lic in Licence.objects.filter(
        enterprise_id__in={e.pk for e, _l in wanted if e.pk}).select_related("enterprise")}
    new, changed = [], []
    for enterprise, data in wanted:
        values = {k: v for k, v in data.items() if k in ("issuer", "expires_on")}
        licence = existing.get((enterprise.pk, data["kind"], data["number"]))
        if licence is None:
            licence = Licence(enterprise=enterprise, kind=data["kind"], number=data["number"], **values)
            existing[(enterprise.pk, data["kind"], data["number"])] = licence
            new.append(licence)
        elif licence.pk is not None:
            before = audit.snapshot(licence)
            for key, value in values.items():
                setattr(licence, key, value)
            if audit.snapshot(licence) != before:
                changed.append((licence, before))
    Licence.objects.bulk_create(new, batch_size=500)
    for licence in new:
        audit.record_change(AuditAction.CREATE, licence, None, audit.snapshot(licence), actor=actor)
    if changed:
        Licence.objects.bulk_update([lic for lic, _b in changed], ["issuer", "expires_on"], batch_size=500)
    for licence, before in changed:
        audit.record_change(AuditAction.UPDATE, licence, before, audit.snapshot(licence), actor=actor)
    result.licences = len(new) + len(changed)


# --- licences --------------------------------------------------------------------------------------------------


def create_licence(actor, enterprise: Enterprise, data: Mapping[str, Any]) -> Licence:
    _require_enterprise_in_scope(actor, enterprise)
    return create_object(actor, Licence, {**data, "enterprise": enterprise}, check_scope=False)


def update_licence(actor, licence: Licence, data: Mapping[str, Any]) -> Licence:
    if {"enterprise", "enterprise_id"} & set(data):
        raise ValidationFailed.from_dict({"enterprise": [gettext("A licence cannot move to another enterprise")]})
    return update_object(actor, licence, data)


def delete_licence(actor, licence: Licence) -> None:
    delete_object(actor, licence)


# --- GB 18218 assessment ---------------------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _item_error_field(item: Mapping[str, Any], message: str) -> str:
    for key in ("critical_t", "beta", "quantity_t"):
        if key in message:
            return key
    for key in UnitChemical.IDENTIFIERS:
        if item.get(key) not in (None, ""):
            return key
    return "name"


def assess(items: list[Mapping[str, Any]], exposed_population: int, *, field: str = "items"):
    """``gb18218.assess`` with its refusals turned into field errors that name the item (``items.2.name``)."""
    try:
        return gb18218.assess(items, exposed_population)
    except ValueError as whole:
        errors = {}
        try:
            gb18218.alpha(exposed_population)
        except ValueError as exc:
            errors["exposed_population"] = [str(exc)]
        for index, item in enumerate(items):
            try:
                gb18218.assess([item], 0)
            except ValueError as exc:
                errors[f"{field}.{index}.{_item_error_field(item, str(exc))}"] = [str(exc)]
        raise ValidationFailed.from_dict(errors or {field: [str(whole)]},
                                          "The chemicals cannot be assessed under GB 18218-2018") from None


def assessment_as_dict(result) -> dict:
    """A JSON-safe view of a ``gb18218.Assessment`` (for the calculator and the stored history)."""
    return {"sum_ratio": result.sum_ratio, "is_major": result.is_major, "r_value": result.r_value,
            "level": result.level, "alpha": result.alpha, "exposed_population": result.exposed_population,
            "items": [dataclasses.asdict(item) for item in result.items]}


def _record_assessment(actor, unit: Unit, items: list[dict], reason: str) -> MajorHazardAssessment:
    result = assess(items, unit.exposed_population, field="chemicals")
    now = timezone.now()
    Unit.objects.filter(pk=unit.pk).update(sum_ratio=result.sum_ratio, is_major=result.is_major,
                                           r_value=result.r_value, level=result.level, assessed_at=now)
    unit.sum_ratio, unit.is_major, unit.r_value, unit.level, unit.assessed_at = (
        result.sum_ratio, result.is_major, result.r_value, result.level, now)
    return MajorHazardAssessment.objects.create(
        enterprise_id=unit.enterprise_id, unit=unit, unit_name=unit.name, computed_at=now,
        computed_by=actor if getattr(actor, "pk", None) else None, reason=reason, items=_jsonable(items),
        exposed_population=unit.exposed_population, sum_ratio=result.sum_ratio, is_major=result.is_major,
        alpha=result.alpha, r_value=result.r_value, level=result.level,
        results=[dataclasses.asdict(item) for item in result.items])


# --- units -----------------------------------------------------------------------------------------------------

UNIT_FIELDS = {"kind", "name", "description", "exposed_population"}
CHEMICAL_FIELDS = {"name", "cas", "category", "quantity_t", "critical_t", "beta"}


def _chemicals(data: Iterable[Mapping[str, Any]]) -> list[UnitChemical]:
    """Unsaved chemicals from plain mappings, each validated; errors name the item (``chemicals.1.quantity_t``)."""
    chemicals, errors = [], {}
    for index, raw in enumerate(data):
        unknown = set(raw) - CHEMICAL_FIELDS
        for key in sorted(unknown):
            errors[f"chemicals.{index}.{key}"] = ["Unknown field"]
        values = {k: v for k, v in raw.items() if k in CHEMICAL_FIELDS}
        for key in UnitChemical.IDENTIFIERS:
            values[key] = (values.get(key) or "").strip()
        chemical = UnitChemical(**values)
        try:
            chemical.full_clean(exclude=["unit"])
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors[f"chemicals.{index}.{'name' if key == '__all__' else key}"] = messages
        chemicals.append(chemical)
    if errors:
        raise ValidationFailed.from_dict(errors)
    return chemicals


def _check_unit_fields(data: Mapping[str, Any]) -> None:
    unknown = set(data) - UNIT_FIELDS
    if unknown:
        raise ValidationFailed.from_dict({k: ["Unknown or read-only field"] for k in sorted(unknown)})


def _clean_unit(unit: Unit) -> None:
    try:
        unit.full_clean(exclude=["enterprise"], validate_constraints=False)
    except ValidationError as exc:
        raise validation_failed(exc) from None
    clash = Unit.objects.filter(enterprise_id=unit.enterprise_id, name=unit.name).exclude(pk=unit.pk)
    if clash.exists():
        raise Conflict(gettext("This enterprise already has a unit with this name"),
                       [{"field": "name", "message": gettext("This enterprise already has a unit with this name")}])


def _unit_snapshot(unit: Unit) -> dict:
    return audit.snapshot(unit) | {"chemicals": _jsonable([c.as_item() for c in unit.chemicals.all()])}


def create_unit(actor, enterprise: Enterprise, data: Mapping[str, Any],
                chemicals: Iterable[Mapping[str, Any]] = ()) -> Unit:
    """Record a unit with its chemicals and compute its first GB 18218 assessment."""
    _require_enterprise_in_scope(actor, enterprise)
    policy.require(actor, "add", Unit)
    _check_unit_fields(data)
    unit = Unit(enterprise=enterprise, **data)
    _clean_unit(unit)
    new_chemicals = _chemicals(chemicals)
    items = [c.as_item() for c in new_chemicals]
    assess(items, unit.exposed_population, field="chemicals")  # refuse unknown chemicals before writing
    with transaction.atomic():
        unit.save()
        for chemical in new_chemicals:
            chemical.unit = unit
        UnitChemical.objects.bulk_create(new_chemicals)
        _record_assessment(actor, unit, items, AssessmentReason.CREATED)
        audit.record_change(AuditAction.CREATE, unit, None, _unit_snapshot(unit), actor=actor)
        refresh_major_hazard(actor, enterprise)
    return unit


def update_unit(actor, unit: Unit, data: Mapping[str, Any],
                chemicals: Iterable[Mapping[str, Any]] | None = None) -> Unit:
    """Change a unit; ``chemicals`` (when given) replaces its whole list. A change of the chemicals or of the
    exposed population appends a new assessment to the unit's history."""
    policy.require(actor, "change", unit)
    _check_unit_fields(data)
    new_chemicals = _chemicals(chemicals) if chemicals is not None else None
    with transaction.atomic():
        locked = Unit.objects.select_for_update().select_related("enterprise").get(pk=unit.pk)
        before = _unit_snapshot(locked)
        for key, value in data.items():
            setattr(locked, key, value)
        _clean_unit(locked)
        items = ([c.as_item() for c in new_chemicals] if new_chemicals is not None
                 else [c.as_item() for c in locked.chemicals.all()])
        assess(items, locked.exposed_population, field="chemicals")  # refuse unknown chemicals before writing
        locked.save()
        if new_chemicals is not None:
            locked.chemicals.all().delete()
            for chemical in new_chemicals:
                chemical.unit = locked
            UnitChemical.objects.bulk_create(new_chemicals)
        inputs_changed = (_jsonable(items) != before["chemicals"]
                          or locked.exposed_population != before["exposed_population"])
        if inputs_changed or locked.assessed_at is None:
            _record_assessment(actor, locked, items, AssessmentReason.INPUTS_CHANGED)
        audit.record_change(AuditAction.UPDATE, locked, before, _unit_snapshot(locked), actor=actor)
        refresh_major_hazard(actor, locked.enterprise)
    return locked


def reassess_unit(actor, unit: Unit) -> MajorHazardAssessment:
    """Compute the unit's assessment again from its current inputs (e.g. after the shipped tables changed)."""
    policy.require(actor, "change", unit)
    with transaction.atomic():
        record = _record_assessment(actor, unit, unit.chemical_items(), AssessmentReason.RECOMPUTED)
        refresh_major_hazard(actor, unit.enterprise)
    return record


def delete_unit(actor, unit: Unit) -> None:
    """Remove a unit; its assessment history stays (with the unit's name) on the enterprise."""
    policy.require(actor, "delete", unit)
    enterprise = unit.enterprise
    with transaction.atomic():
        audit.record_change(AuditAction.DELETE, unit, _unit_snapshot(unit), None, actor=actor)
        unit.delete()
        refresh_major_hazard(actor, enterprise)


def unit_history(unit: Unit):
    return MajorHazardAssessment.objects.filter(unit_id=unit.pk).select_related("computed_by")


# How this module's audit messages read on pages.
audit.message_pattern(r"Derived from the units' GB 18218 assessments",
                      gettext_lazy("Derived from the units' GB 18218 assessments"))


# --- major hazard filings and their custodians' checks ---------------------------------------------------------


def create_filing(actor, data):
    """File a major hazard source with its custodians; the enterprise is the unit's."""
    data = dict(data)
    unit = policy.get_in_scope_or_field_error(Unit, data.pop("unit", None) or data.pop("unit_id", None), actor,
                                              "unit")
    data.pop("enterprise", None)
    data.pop("enterprise_id", None)
    return create_object(actor, MajorHazardFiling, {**data, "unit": unit, "enterprise": unit.enterprise})


def record_custodian_check(actor, data):
    """Record a custodian's check of a filed major hazard source; the enterprise is the filing's."""
    data = dict(data)
    filing = policy.get_in_scope_or_field_error(MajorHazardFiling, data.pop("filing", None)
                                                or data.pop("filing_id", None), actor, "filing")
    data.pop("enterprise", None)
    data.pop("enterprise_id", None)
    return create_object(actor, CustodianCheck, {**data, "filing": filing, "enterprise": filing.enterprise})

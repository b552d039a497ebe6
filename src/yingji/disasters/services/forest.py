"""Forest fire prevention (森林防灭火): the writes of forest areas, checkpoints, ranger check-ins (idempotent for the
phone's offline queue), field fire permits (野外用火审批: submitted → approved/rejected/cancelled → completed) and
violations, fire reports (火情: 明火 → 扑灭 → 看守 → 撤离, a rekindle back to 明火) with their timeline, and the
fire-danger level of each forest area from the day's weather (``standards.forest_fire``)."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _l

from yingji.core import audit, policy
from yingji.core.choices import AuditAction, RegionLevel, Role
from yingji.core.errors import ValidationFailed
from yingji.core.models import Region
from yingji.core.services import create_object, update_object
from yingji.core.workflow import Transition, Workflow, require_fields
from yingji.resources.models import Team
from yingji.standards import forest_fire as rules

from ..choices_forest import FireState, PermitState
from ..models.forest import (
    FirePermit,
    FireViolation,
    ForestArea,
    ForestCheckpoint,
    ForestFire,
    ForestFireEvent,
    ForestPatrol,
)


def _fail(field: str, message: str):
    return ValidationFailed.from_dict({field: [message]})


def _region(code, levels: tuple[str, ...], field: str = "region_code") -> str:
    if not Region.objects.filter(code=code or "", level__in=levels).exists():
        raise _fail(field, gettext("Choose a township or village of the county.") if len(levels) > 1
                    else gettext("Choose a village of the county."))
    return code


def _area_ref(actor, data: dict) -> None:
    for key in ("area", "area_id"):
        if key in data:
            value = data.pop(key)
            data["area"] = (policy.get_in_scope_or_field_error(ForestArea, value, actor, "area")
                            if value not in (None, "") else None)


# --- forest areas and the fire-danger level ---------------------------------------------------------------------


def _area_fields(data: Mapping[str, Any]) -> dict:
    data = dict(data)
    if "region_code" in data:
        _region(data["region_code"], (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE))
    return data


def create_area(actor, data: Mapping[str, Any]) -> ForestArea:
    return create_object(actor, ForestArea, _area_fields(data))


def update_area(actor, area: ForestArea, data: Mapping[str, Any]) -> ForestArea:
    return update_object(actor, area, _area_fields(data))


def set_danger(actor, areas, day: datetime.date, weather: Mapping[str, Any]) -> rules.Danger:
    """Compute the day's 森林火险等级 from the weather and set it on ``areas`` (those the actor may change).
    Bad weather input → 422 naming the field."""
    try:
        result = rules.danger(day, **{k: weather.get(k) for k in ("max_temp_c", "min_humidity_pct", "dry_days",
                                                                  "wind_force")},
                              phenology=weather.get("phenology") or "dormant")
    except ValueError as exc:
        field = next((k for k in ("max_temp_c", "min_humidity_pct", "dry_days", "wind_force", "phenology")
                      if k in str(exc)), "weather")
        raise _fail(field, str(exc)) from exc
    now = timezone.now()
    with transaction.atomic():
        for area in areas:
            policy.require(actor, "change", area)
            before = {"danger_level": area.danger_level}
            ForestArea.objects.filter(pk=area.pk).update(
                danger_level=str(result.level), danger_index=result.index, danger_reasons="、".join(result.reasons),
                danger_at=now)
            audit.record(AuditAction.UPDATE, area, actor=actor, before=before,
                         after={"danger_level": str(result.level)}, message=f"fire-danger level {result.level}")
    return result


audit.message_pattern(r"fire-danger level (?P<level>[1-5])", _l("Fire-danger level set to %(level)s"))


# --- checkpoints and check-ins ------------------------------------------------------------------------------------


def _checkpoint_fields(actor, data: Mapping[str, Any]) -> dict:
    data = dict(data)
    _area_ref(actor, data)
    if data.get("area") is not None:
        data["region_code"] = data["area"].region_code
    return data


def create_checkpoint(actor, data: Mapping[str, Any]) -> ForestCheckpoint:
    fields = _checkpoint_fields(actor, data)
    if fields.get("area") is None:
        raise _fail("area", gettext("Choose the forest area."))
    return create_object(actor, ForestCheckpoint, fields)


def update_checkpoint(actor, checkpoint: ForestCheckpoint, data: Mapping[str, Any]) -> ForestCheckpoint:
    fields = _checkpoint_fields(actor, data)
    if "area" in fields and fields["area"] is None:
        raise _fail("area", gettext("Choose the forest area."))
    return update_object(actor, checkpoint, fields)


def check_in(actor, data: Mapping[str, Any]) -> tuple[ForestPatrol, bool]:
    """A ranger's check-in; (patrol, created). The same ``client_id`` sent again (the offline queue retrying)
    answers the first check-in and creates nothing."""
    data = dict(data)
    client_id = str(data.pop("client_id", "") or "").strip()[:64] or None
    if client_id:
        existing = ForestPatrol.objects.filter(client_id=client_id).first()
        if existing is not None:
            if existing.ranger_id != actor.pk:
                raise _fail("client_id", gettext("This check-in id belongs to someone else."))
            return existing, False
    _area_ref(actor, data)
    if data.get("area") is None:
        raise _fail("area", gettext("Choose the forest area."))
    area = data["area"]
    for key in ("checkpoint", "checkpoint_id"):
        if key in data:
            value = data.pop(key)
            data["checkpoint"] = (policy.get_in_scope_or_field_error(
                ForestCheckpoint, value, actor, "checkpoint", queryset=ForestCheckpoint.objects.filter(area=area))
                if value not in (None, "") else None)
    if not data.get("ranger_name"):
        data["ranger_name"] = (actor.get_full_name() or actor.username)[:50]
    fields = {**data, "region_code": area.region_code, "ranger": actor, "client_id": client_id}
    try:
        return create_object(actor, ForestPatrol, fields), True
    except IntegrityError:  # the same client_id raced in
        return ForestPatrol.objects.get(client_id=client_id), False


# --- violations ---------------------------------------------------------------------------------------------------


def _violation_fields(actor, data: Mapping[str, Any]) -> dict:
    data = dict(data)
    _area_ref(actor, data)
    if "region_code" in data:
        _region(data["region_code"], (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE))
    for key in ("patrol", "patrol_id"):
        if key in data:
            value = data.pop(key)
            data["patrol"] = (policy.get_in_scope_or_field_error(ForestPatrol, value, actor, "patrol")
                              if value not in (None, "") else None)
    return data


def create_violation(actor, data: Mapping[str, Any]) -> FireViolation:
    return create_object(actor, FireViolation, _violation_fields(actor, data))


def update_violation(actor, violation: FireViolation, data: Mapping[str, Any]) -> FireViolation:
    return update_object(actor, violation, _violation_fields(actor, data))


# --- permits ------------------------------------------------------------------------------------------------------


def _permit_fields(actor, data: Mapping[str, Any]) -> dict:
    data = dict(data)
    _area_ref(actor, data)
    if "region_code" in data:
        _region(data["region_code"], (RegionLevel.VILLAGE,))
    return data


def create_permit(actor, data: Mapping[str, Any]) -> FirePermit:
    return create_object(actor, FirePermit, _permit_fields(actor, data))


def update_permit(actor, permit: FirePermit, data: Mapping[str, Any]) -> FirePermit:
    fields = _permit_fields(actor, data)
    if permit.state != PermitState.SUBMITTED:
        if all(getattr(permit, k, None) == v for k, v in fields.items()):
            return permit  # saved unchanged: nothing to refuse, nothing written
        raise _fail("state", gettext("Only an application awaiting approval can be changed."))
    return update_object(actor, permit, fields)


DECIDERS = frozenset({Role.ADMIN, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF})
KEEPERS = DECIDERS | {Role.GRID_MEMBER}


def _decide(permit, actor, payload) -> dict:
    return {"decided_by_id": actor.pk, "decided_at": timezone.now(),
            "decision_note": str(payload.get("note") or "")[:500]}


def _reject(permit, actor, payload) -> dict:
    require_fields(payload, ["note"])
    return _decide(permit, actor, payload)


def _approve(permit, actor, payload) -> dict:
    if permit.area_id and permit.area.danger_level in ("4", "5"):
        raise _fail("action", gettext("No field fire is approved while the forest area's fire-danger level is 4 "
                                      "or above."))
    if permit.ends_at <= timezone.now():
        raise _fail("action", gettext("The requested time has passed."))
    return _decide(permit, actor, payload)


PERMIT_WORKFLOW = Workflow(FirePermit, [
    Transition("approve", (PermitState.SUBMITTED,), PermitState.APPROVED, DECIDERS, _l("Approve"), check=_approve),
    Transition("reject", (PermitState.SUBMITTED,), PermitState.REJECTED, DECIDERS, _l("Reject"), check=_reject),
    Transition("cancel", (PermitState.SUBMITTED, PermitState.APPROVED), PermitState.CANCELLED, KEEPERS,
               _l("Cancel")),
    Transition("complete", (PermitState.APPROVED,), PermitState.COMPLETED, KEEPERS,
               _l("Fire put out, completed")),
])


def act_on_permit(actor, permit: FirePermit, action: str, payload: Mapping[str, Any] | None = None) -> FirePermit:
    policy.require(actor, "view", permit)
    return PERMIT_WORKFLOW.apply(actor, permit, action, payload)


# --- fire reports -------------------------------------------------------------------------------------------------

FIRE_ROLES = frozenset({Role.ADMIN, Role.SECTION_STAFF, Role.TOWNSHIP_STAFF, Role.DUTY_OFFICER, Role.COMMANDER})


def _fire_fields(actor, data: Mapping[str, Any]) -> tuple[dict, list | None]:
    data = dict(data)
    _area_ref(actor, data)
    if "region_code" in data:
        _region(data["region_code"], (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE))
    teams = None
    for key in ("teams", "team_ids"):
        if key in data:
            value = data.pop(key)
            teams = policy.get_many_in_scope_or_field_error(
                Team, [getattr(t, "pk", t) for t in (value or [])], actor, "teams",
                widen=policy_widen_county())
    return data, teams


def policy_widen_county():
    """Teams of the county and of every township may be sent to any fire of the county."""
    return Q(region_code__regex=r"^\d{6}$") | Q(region_code__regex=r"^\d{9}$")


def _record(fire: ForestFire, actor, action: str, note: str = "", from_state: str = "", to_state: str = "") -> None:
    ForestFireEvent.objects.create(fire=fire, actor=actor if getattr(actor, "pk", None) else None, action=action,
                                   from_state=from_state, to_state=to_state, note=note[:500])


def create_fire(actor, data: Mapping[str, Any]) -> ForestFire:
    fields, teams = _fire_fields(actor, data)
    if teams is not None:
        fields["teams"] = teams
    with transaction.atomic():
        fire = create_object(actor, ForestFire, fields)
        _record(fire, actor, "reported", fire.place, "", fire.state)
    return fire


def update_fire(actor, fire: ForestFire, data: Mapping[str, Any]) -> ForestFire:
    fields, teams = _fire_fields(actor, data)
    if teams is not None:
        fields["teams"] = teams
    before = {k: str(getattr(fire, k)) for k in ("area_burned_ha", "people_sent")}
    with transaction.atomic():
        fire = update_object(actor, fire, fields)
        after = {k: str(getattr(fire, k)) for k in ("area_burned_ha", "people_sent")}
        if before != after or teams is not None:
            _record(fire, actor, "updated", "；".join(f"{k}: {before[k]} → {after[k]}" for k in after
                                                       if before[k] != after[k]))
    return fire


def _extinguish(fire, actor, payload) -> dict:
    require_fields(payload, ["area_burned_ha"])
    try:
        area = round(float(payload["area_burned_ha"]), 2)
    except (TypeError, ValueError):
        raise _fail("area_burned_ha", gettext("Give the area burned in hectares.")) from None
    if area < 0 or area > 10_000_000:
        raise _fail("area_burned_ha", gettext("Give the area burned in hectares."))
    if float(fire.forest_damaged_ha) > area:
        raise _fail("area_burned_ha", gettext("The forest damaged cannot exceed the area burned."))
    return {"area_burned_ha": f"{area:.2f}", "extinguished_at": timezone.now()}


def _guard(fire, actor, payload) -> dict:
    return {"guarded_at": timezone.now()}


def _withdraw(fire, actor, payload) -> dict:
    if fire.guarded_at and timezone.now() - fire.guarded_at < datetime.timedelta(hours=1):
        # 看守 at least until no smoke is seen: the project asks for one hour of guard before withdrawing.
        raise _fail("action", gettext("Guard the burned area for at least an hour before withdrawing."))
    return {"withdrawn_at": timezone.now()}


def _rekindle(fire, actor, payload) -> dict:
    require_fields(payload, ["note"])
    return {"extinguished_at": None, "guarded_at": None}


def _on_fire_applied(fire, t: Transition, actor, payload, from_state: str) -> None:
    _record(fire, actor, t.action, str(payload.get("note") or ""), from_state, t.target)


FIRE_WORKFLOW = Workflow(ForestFire, [
    Transition("extinguish", (FireState.BURNING,), FireState.EXTINGUISHED, FIRE_ROLES, _l("Fire put out"),
               check=_extinguish),
    Transition("guard", (FireState.EXTINGUISHED,), FireState.GUARDED, FIRE_ROLES, _l("Start guarding"),
               check=_guard),
    Transition("withdraw", (FireState.GUARDED,), FireState.WITHDRAWN, FIRE_ROLES, _l("Withdraw forces"),
               check=_withdraw),
    Transition("rekindle", (FireState.EXTINGUISHED, FireState.GUARDED), FireState.BURNING, FIRE_ROLES,
               _l("Rekindled"), check=_rekindle),
], on_applied=_on_fire_applied)


def act_on_fire(actor, fire: ForestFire, action: str, payload: Mapping[str, Any] | None = None) -> ForestFire:
    policy.require(actor, "view", fire)
    return FIRE_WORKFLOW.apply(actor, fire, action, payload)


def open_fires(user):
    return ForestFire.objects.for_user(user).exclude(state=FireState.WITHDRAWN)


"""Services of alarm rules as data (规则): staff create, edit, disable and re-enable them. Validation answers
field-level errors; every change is audited; the ingestion path is told through ``rules_changed`` after the
change commits (``services.evaluate`` reads the enabled rules per batch, so a change applies to the next batch;
any rule cache added to the ingestion path must listen to this signal)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils.translation import gettext

from yingji.core import policy
from yingji.core.errors import NotAllowed, ValidationFailed
from yingji.core.services import create_object, update_object

from .choices import AlarmLevel, RuleKind, StationType
from .models import WINDOW_HOURS, Rule, Sensor, Station

#: Sent (sender=Rule, rule_id=…) after a rule change commits.
rules_changed = Signal()

FIELDS = ("name", "kind", "station_type", "station", "sensor_key", "window_hours", "threshold", "level", "enabled")
#: Kinds evaluated on rolling sums: their sensor must accumulate (rain per interval).
ROLLING_KINDS = (RuleKind.ROLLING_SUM, RuleKind.RAINSTORM)


def _station(actor, station_id) -> Station | None:
    if station_id in (None, ""):
        return None
    return policy.get_in_scope_or_field_error(Station, station_id, actor, "station_id")


def _check(actor, data: Mapping[str, Any]) -> dict:
    """Field-level validation of a whole rule (after merging a change with the stored rule)."""
    errors: dict[str, list[str]] = {}

    def error(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    kind, station, station_type = data.get("kind"), data.get("station"), data.get("station_type") or ""
    key, hours, threshold, level = (data.get("sensor_key") or "", data.get("window_hours"), data.get("threshold"),
                                    data.get("level") or "")
    if not str(data.get("name") or "").strip():
        error("name", "Give the rule a name")
    if kind not in RuleKind.values():
        error("kind", f"Choose one of {', '.join(RuleKind.values())}")
    if station_type and station_type not in StationType.values():
        error("station_type", f"Choose one of {', '.join(StationType.values())}")
    if station is not None and station_type:
        error("station_type", "Give either one station or a station type, not both")
    if station is None and not station_type and kind != RuleKind.NO_DATA:
        error("station_type", "Give the station or the station type the rule applies to")
    if kind == RuleKind.NO_DATA:
        if key:
            error("sensor_key", "A no-data rule watches the whole station: leave the sensor empty")
    elif not key:
        error("sensor_key", "Give the sensor key the rule watches")
    elif station is not None:
        sensor = Sensor.objects.filter(station=station, key=key).first()
        if sensor is None:
            error("sensor_key", f"Station {station.code} has no sensor {key!r}")
        elif kind in ROLLING_KINDS and not sensor.cumulative:
            error("sensor_key", f"Sensor {key!r} does not accumulate; rolling rules need an accumulating sensor")
    if kind == RuleKind.ROLLING_SUM:
        if hours not in WINDOW_HOURS:
            error("window_hours", f"Choose a window of {', '.join(str(h) for h in WINDOW_HOURS)} hours")
    elif hours is not None:
        error("window_hours", "Only a rolling accumulation has a window")
    if kind == RuleKind.RAINSTORM:
        if threshold is not None:
            error("threshold", "The rainstorm signal uses the national thresholds: leave the threshold empty")
        if level:
            error("level", "The rainstorm signal sets the level itself: leave it empty")
    elif kind in RuleKind.values():
        if threshold is None:
            error("threshold", "Give the threshold")
        elif not math.isfinite(threshold):
            error("threshold", "Give a finite number")
        elif kind == RuleKind.ROLLING_SUM and threshold <= 0:
            error("threshold", "An accumulation threshold must be above 0")
        elif kind == RuleKind.RATE and threshold == 0:
            error("threshold", "A rate of change of 0 would trigger on every reading; give a rise (>0) or a "
                               "fall (<0) per hour")
        elif kind == RuleKind.NO_DATA and threshold < 1:
            error("threshold", "Give the number of missed reporting intervals (at least 1)")
        if level not in AlarmLevel.values():
            error("level", f"Choose one of {', '.join(AlarmLevel.values())}")
    if errors:
        raise ValidationFailed.from_dict(errors)
    if station is None:
        # A rule by station type applies to the whole county: only county-wide accounts set one.
        try:
            policy.require_region_in_scope(actor, settings.COUNTY_CODE, "station_type")
        except NotAllowed:
            raise NotAllowed(gettext("Only a county-wide account may change a rule that applies by station type"),
                             [{"field": "station_type",
                               "message": "A rule by station type applies county-wide: choose a station in your "
                                          "jurisdiction"}]) from None
    return {"station_type": station_type, "sensor_key": key, "level": level}


def _announce(rule: Rule) -> None:
    transaction.on_commit(lambda: rules_changed.send(sender=Rule, rule_id=rule.pk))


def _resolve(actor, data: Mapping[str, Any]) -> dict:
    data = dict(data)
    if "station_id" in data:
        data["station"] = _station(actor, data.pop("station_id"))
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValidationFailed.from_dict({f: ["Unknown field"] for f in sorted(unknown)})
    return data


def create_rule(actor, data: Mapping[str, Any]) -> Rule:
    """A new rule (audited). ``station_id`` scopes it to one station in the actor's scope."""
    policy.require(actor, "add", Rule)
    data = _resolve(actor, data)
    data = {"enabled": True} | data
    fields = {k: data.get(k) for k in FIELDS} | _check(actor, data)
    with transaction.atomic():
        rule = create_object(actor, Rule, fields)
        _announce(rule)
    return rule


def update_rule(actor, rule: Rule, data: Mapping[str, Any]) -> Rule:
    """Change a rule (the caller fetched it for "change"); the whole merged rule is validated again."""
    data = _resolve(actor, data)
    merged = {k: getattr(rule, k) for k in FIELDS} | data
    checked = _check(actor, merged)
    changes = dict(data) | {k: v for k, v in checked.items() if k in data or getattr(rule, k) != v}
    with transaction.atomic():
        rule = update_object(actor, rule, changes)
        _announce(rule)
    return rule


def set_enabled(actor, rule: Rule, enabled: bool) -> Rule:
    """Disable (or re-enable) a rule: a disabled rule raises no new alarms; open alarms stay for people."""
    return update_rule(actor, rule, {"enabled": enabled})

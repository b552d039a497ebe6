"""Plan matching: which plans cover an incident, which response level their conditions reach, and why.

Conditions are data on the plan (``Plan.conditions``): per level a list of ``{"field", "min"}``; a level applies when
any of its conditions holds; the highest level that applies is proposed. ``grade`` compares accident grades
(一般 < 较大 < 重大 < 特别重大); ``alarm_level`` compares the highest level of the monitoring alarms the incident was
opened from (blue < yellow < orange < red), e.g. a flood plan's "rainfall alarm orange or above".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yingji.standards import accidents

from .choices import ResponseLevel

NUMERIC_FIELDS = ("deaths", "missing", "serious_injuries", "trapped", "direct_loss_yuan")
#: Conditions compared by rank rather than by number.
RANKED_FIELDS = ("grade", "alarm_level")
CONDITION_FIELDS = (*NUMERIC_FIELDS, *RANKED_FIELDS)
#: Grade rank: ordinary 0 … especially_serious 3.
GRADE_RANK = {g: i for i, g in enumerate(reversed(accidents.GRADES))}
#: Alarm/warning colour rank (GB/T 27962 colour order): blue 1 … red 4.
ALARM_RANK = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}
RANKS = {"grade": GRADE_RANK, "alarm_level": ALARM_RANK}


def incident_alarm_level(incident) -> str | None:
    """The highest level among the monitoring alarms the incident was opened from (None without any)."""
    if not hasattr(incident, "_alarm_level"):
        from yingji.monitoring.models import Alarm

        levels = Alarm.objects.filter(incident_id=incident.pk).values_list("level", flat=True) if incident.pk else []
        ranked = [lv for lv in levels if lv in ALARM_RANK]
        incident._alarm_level = max(ranked, key=ALARM_RANK.__getitem__) if ranked else None
    return incident._alarm_level


def validate_conditions(conditions: Any) -> list[str]:
    """Problems with a plan's conditions (empty when valid)."""
    problems = []
    if not isinstance(conditions, dict):
        return ["Conditions are an object keyed by response level"]
    for level, items in conditions.items():
        if level not in ResponseLevel.ORDER:
            problems.append(f"Unknown response level {level!r}")
            continue
        for item in items if isinstance(items, list) else [None]:
            if not isinstance(item, dict) or item.get("field") not in CONDITION_FIELDS or "min" not in item:
                problems.append(f"Level {level}: each condition is {{'field': one of {CONDITION_FIELDS}, 'min': ...}}")
            elif item["field"] in RANKS:
                if item["min"] not in RANKS[item["field"]]:
                    problems.append(f"Level {level}: {item['field']} is one of {tuple(RANKS[item['field']])}, "
                                    f"not {item['min']!r}")
            elif not _is_amount(item["min"]):
                problems.append(f"Level {level}: {item['field']} needs a number, zero or more, not {item['min']!r}")
    return problems


def _is_amount(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        return False
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return False
    return number.is_finite() and number >= 0


def _holds(incident, condition: dict) -> str | None:
    """The reason the condition holds for the incident, or None."""
    field, minimum = condition["field"], condition["min"]
    if field == "grade":
        if GRADE_RANK[incident.grade] >= GRADE_RANK[minimum]:
            return f"grade {incident.grade} ≥ {minimum}"
        return None
    if field == "alarm_level":
        level = incident_alarm_level(incident)
        if level is not None and ALARM_RANK[level] >= ALARM_RANK[minimum]:
            return f"alarm level {level} ≥ {minimum}"
        return None
    value = getattr(incident, field)
    if Decimal(str(value)) >= Decimal(str(minimum)):
        return f"{field} {value} ≥ {minimum}"
    return None


def evaluate(plan, incident) -> tuple[str | None, list[str]]:
    """(highest response level whose conditions the incident meets, reasons). The type match is a reason too."""
    reasons = [f"covers incident type {incident.event_type}"]
    for level in ResponseLevel.ORDER:
        met = [r for c in plan.conditions.get(level, []) if (r := _holds(incident, c))]
        if met:
            return level, reasons + [f"level {level}: {r}" for r in met]
    return None, reasons


def matches(plans, incident) -> list[dict]:
    """Plans covering the incident's type, highest proposed level first, with the reasons."""
    out = []
    for plan in plans:
        if incident.event_type not in (plan.event_types or []):
            continue
        level, reasons = evaluate(plan, incident)
        out.append({"plan": plan, "level": level, "reasons": reasons})
    rank = {lv: i for i, lv in enumerate(ResponseLevel.ORDER)}
    return sorted(out, key=lambda m: (rank.get(m["level"], 9), m["plan"].name))

"""Plan matching: which plans cover an incident, which response level their conditions reach, and why.

Conditions are data on the plan (``Plan.conditions``): per level a list of ``{"field", "min"}``; a level applies when
any of its conditions holds; the highest level that applies is proposed. ``grade`` compares accident grades
(一般 < 较大 < 重大 < 特别重大); ``alarm_level`` compares the highest level of the monitoring alarms the incident was
opened from (blue < yellow < orange < red), e.g. a flood plan's "rainfall alarm orange or above".
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from yingji.standards import accidents

from .choices import AccidentGrade, ResponseLevel, event_type_label

NUMERIC_FIELDS = ("deaths", "missing", "serious_injuries", "trapped", "direct_loss_yuan", "cases")
#: Conditions compared by rank rather than by number.
RANKED_FIELDS = ("grade", "alarm_level")
CONDITION_FIELDS = (*NUMERIC_FIELDS, *RANKED_FIELDS)
#: Grade rank: ordinary 0 … especially_serious 3.
GRADE_RANK = {g: i for i, g in enumerate(reversed(accidents.GRADES))}
#: Alarm/warning colour rank (GB/T 27962 colour order): blue 1 … red 4.
ALARM_RANK = {"blue": 1, "yellow": 2, "orange": 3, "red": 4}
RANKS = {"grade": GRADE_RANK, "alarm_level": ALARM_RANK}
#: How a condition's field reads on pages (and may be typed in the plan form).
FIELD_LABELS = {
    "deaths": pgettext_lazy("condition", "deaths"), "missing": pgettext_lazy("condition", "missing"),
    "serious_injuries": pgettext_lazy("condition", "serious injuries"),
    "trapped": pgettext_lazy("condition", "trapped"),
    "direct_loss_yuan": pgettext_lazy("condition", "direct loss (CNY)"),
    "cases": pgettext_lazy("condition", "cases (ill or poisoned)"),
    "grade": pgettext_lazy("condition", "accident grade"), "alarm_level": pgettext_lazy("condition", "alarm level"),
}
ALARM_LEVEL_LABELS = {"blue": gettext_lazy("Blue"), "yellow": gettext_lazy("Yellow"),
                      "orange": gettext_lazy("Orange"), "red": gettext_lazy("Red")}


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))


def value_label(field: str, value: Any) -> str:
    """A condition's threshold as a reader sees it: the grade or colour's label, the number as it is."""
    if field == "grade":
        return str(AccidentGrade.label(value)) if value in GRADE_RANK else str(value)
    if field == "alarm_level":
        return str(ALARM_LEVEL_LABELS.get(value, value))
    return str(value)


def describe_condition(condition: dict) -> str:
    """``{"field": "grade", "min": "especially_serious"}`` → 事故等级≥特别重大 (in the active language)."""
    field = condition.get("field", "")
    return f"{field_label(field)}≥{value_label(field, condition.get('min'))}"


def parse_field(text: str) -> str | None:
    """A condition field typed by key (``deaths``) or by its label in the active language (死亡人数)."""
    text = text.strip()
    if text in CONDITION_FIELDS:
        return text
    return next((key for key, label in FIELD_LABELS.items() if str(label) == text), None)


def parse_rank(field: str, text: str) -> str:
    """A ranked threshold typed by key (``serious``) or label (重大); unknown text is returned for the service to
    report."""
    text = text.strip()
    labels = {value_label(field, key): key for key in RANKS[field]}
    return labels.get(text, text)


def incident_alarm_level(incident) -> str | None:
    """The highest level among the monitoring alarms the incident was opened from (None without any)."""
    if not hasattr(incident, "_alarm_level"):
        from yingji.monitoring.models import Alarm

        levels = Alarm.objects.filter(incident_id=incident.pk).values_list("level", flat=True) if incident.pk else []
        ranked = [lv for lv in levels if lv in ALARM_RANK]
        incident._alarm_level = max(ranked, key=ALARM_RANK.__getitem__) if ranked else None
    return incident._alarm_level


def validate_conditions(conditions: Any) -> list[str]:
    """Problems with a plan's conditions (empty when valid), in the active language."""
    problems = []
    if not isinstance(conditions, dict):
        return [_("Conditions are an object keyed by response level")]
    for level, items in conditions.items():
        if level not in ResponseLevel.ORDER:
            problems.append(_("Unknown response level %(level)r") % {"level": level})
            continue
        for item in items if isinstance(items, list) else [None]:
            if not isinstance(item, dict) or item.get("field") not in CONDITION_FIELDS or "min" not in item:
                problems.append(_("Level %(level)s: each condition is {'field': one of %(fields)s, 'min': ...}")
                                % {"level": level, "fields": ", ".join(CONDITION_FIELDS)})
            elif item["field"] in RANKS:
                if item["min"] not in RANKS[item["field"]]:
                    problems.append(_("Level %(level)s: %(field)s is one of %(values)s, not %(value)r") % {
                        "level": level, "field": field_label(item["field"]),
                        "values": "、".join(value_label(item["field"], v) for v in RANKS[item["field"]]),
                        "value": item["min"]})
            elif not _is_amount(item["min"]):
                problems.append(_("Level %(level)s: %(field)s needs a number, zero or more, not %(value)r") % {
                    "level": level, "field": field_label(item["field"]), "value": item["min"]})
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
            return _reason(field, incident.grade, minimum)
        return None
    if field == "alarm_level":
        level = incident_alarm_level(incident)
        if level is not None and ALARM_RANK[level] >= ALARM_RANK[minimum]:
            return _reason(field, level, minimum)
        return None
    value = getattr(incident, field)
    if Decimal(str(value)) >= Decimal(str(minimum)):
        return _reason(field, value, minimum)
    return None


def _reason(field: str, value: Any, minimum: Any) -> str:
    return _("%(field)s %(value)s (at least %(minimum)s)") % {
        "field": field_label(field), "value": value_label(field, value), "minimum": value_label(field, minimum)}


def evaluate(plan, incident) -> tuple[str | None, list[str]]:
    """(highest response level whose conditions the incident meets, reasons). The type match is a reason too.
    Reasons are sentences in the active language (pages read them; an activation keeps them as written)."""
    reasons = [_("covers incident type %(type)s") % {"type": event_type_label(incident.event_type)}]
    for level in ResponseLevel.ORDER:
        met = [r for c in plan.conditions.get(level, []) if (r := _holds(incident, c))]
        if met:
            return level, reasons + [_("%(level)s: %(reason)s") % {"level": ResponseLevel.label(level), "reason": r}
                                     for r in met]
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
